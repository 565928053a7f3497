import { expect, type Locator, type Page } from '@playwright/test';

/** What a result says happened to an address. */
export type ResultStatus = 'saved' | 'exists' | 'failed';

/**
 * Saving pages from the web, as a user does it: the Save URL dialog, pasting an address on the
 * library, dropping a link or files on the window; and the import queue that shows how it went.
 */
export class SaveFromWeb {
  readonly button: Locator;
  readonly dialog: Locator;
  readonly input: Locator;
  readonly submit: Locator;
  readonly queue: Locator;
  readonly progress: Locator;
  readonly cancelButton: Locator;
  readonly dismissButton: Locator;
  readonly results: Locator;

  constructor(readonly page: Page) {
    this.button = page.getByTestId('save-url-button');
    this.dialog = page.getByTestId('save-url-dialog');
    this.input = page.getByTestId('save-url-input');
    this.submit = page.getByTestId('save-url-submit');
    this.queue = page.getByTestId('import-queue');
    this.progress = page.getByTestId('import-progress');
    this.cancelButton = page.getByTestId('import-cancel');
    this.dismissButton = page.getByTestId('import-dismiss');
    this.results = page.getByTestId('import-result');
  }

  /** Opens the Save URL dialog, types the addresses one a line, and saves. */
  async saveUrls(urls: readonly string[]): Promise<void> {
    await this.button.click();
    await expect(this.dialog).toBeVisible();
    await this.input.fill(urls.join('\n'));
    await this.submit.click();
    await expect(this.dialog).toBeHidden();
  }

  /** Copies text to the clipboard and presses Ctrl/Cmd+V on the library (focus on no text field). */
  async paste(text: string): Promise<void> {
    await this.page.evaluate((copied) => navigator.clipboard.writeText(copied), text);
    await this.page.locator('body').focus();
    await this.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await this.page.keyboard.press('ControlOrMeta+V');
  }

  /** Drops a link on the window, as a browser's drag of a link carries it. */
  async dropLink(url: string): Promise<void> {
    const transfer = await this.page.evaluateHandle((link) => {
      const data = new DataTransfer();
      data.setData('text/uri-list', link);
      data.setData('text/plain', link);
      return data;
    }, url);
    await this.page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
    await expect(this.page.getByTestId('drop-overlay')).toHaveAttribute('data-kind', 'link');
    await this.page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  }

  /** Drops files on the window (name, type and bytes as base64), as a file manager's drag does. */
  async dropFiles(files: readonly { name: string; type: string; base64: string }[]): Promise<void> {
    const transfer = await this.page.evaluateHandle((given) => {
      const data = new DataTransfer();
      for (const file of given) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        data.items.add(new File([bytes], file.name, { type: file.type }));
      }
      return data;
    }, files);
    await this.page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
    await expect(this.page.getByTestId('drop-overlay')).toHaveAttribute('data-kind', 'files');
    await this.page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  }

  /**
   * Drops files and folders from disk on the window, as a file manager's drag does: Chromium
   * hands the page real entries, so folders can be walked.
   */
  async dropFromDisk(paths: readonly string[]): Promise<void> {
    const session = await this.page.context().newCDPSession(this.page);
    const data = { items: [], files: [...paths], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
      await session.send('Input.dispatchDragEvent', { type, x: 400, y: 300, data });
    }
    await session.detach();
  }

  /** The results with a status, e.g. every address already there. */
  withStatus(status: ResultStatus): Locator {
    return this.page.locator(`[data-testid="import-result"][data-status="${status}"]`);
  }

  /** The result about an address. */
  result(source: string): Locator {
    return this.results.filter({ has: this.page.locator(`[title="${source}"]`) });
  }

  refreshButton(result: Locator): Locator {
    return result.getByTestId('import-refresh');
  }

  /** Opens the article a result is about (its title is a button). */
  async openResult(result: Locator): Promise<void> {
    await result.locator('button.title').click();
  }
}
