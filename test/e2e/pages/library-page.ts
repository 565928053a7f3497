import { expect, type Locator, type Page } from '@playwright/test';

/** The library view, as a user sees it: a list of articles, an import button, messages. */
export class LibraryPage {
  readonly view: Locator;
  readonly rows: Locator;
  readonly toasts: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('library-view');
    this.rows = page.getByTestId('article-row');
    this.toasts = page.getByTestId('toast');
  }

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await expect(this.view).toBeVisible();
  }

  /** Imports files through the library's file picker. */
  async importFiles(paths: string[]): Promise<void> {
    await this.page.getByTestId('file-input').setInputFiles(paths);
  }

  row(title: string): Locator {
    return this.rows.filter({ has: this.page.getByTestId('article-title').getByText(title) });
  }

  bookmarkToggle(title: string): Locator {
    return this.row(title).getByTestId('bookmark-toggle');
  }

  async openArticle(title: string): Promise<void> {
    await this.row(title).getByTestId('article-title').click();
  }

  errorToast(text: string | RegExp): Locator {
    return this.page.locator('[data-testid="toast"][data-kind="error"]').filter({ hasText: text });
  }
}
