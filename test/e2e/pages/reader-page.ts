import { expect, type Locator, type Page } from '@playwright/test';

/** The reader view: one article with its header, body and bookmark toggle. */
export class ReaderPage {
  readonly view: Locator;
  readonly title: Locator;
  readonly date: Locator;
  readonly section: Locator;
  readonly body: Locator;
  readonly bookmarkToggle: Locator;
  readonly backButton: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('reader-view');
    this.title = page.getByTestId('reader-title');
    this.date = page.getByTestId('reader-date');
    this.section = page.getByTestId('reader-section');
    this.body = page.getByTestId('reader-body');
    this.bookmarkToggle = this.view.getByTestId('bookmark-toggle');
    this.backButton = page.getByTestId('back-button');
  }

  async waitUntilShown(title: string): Promise<void> {
    await expect(this.view).toBeVisible();
    await expect(this.title).toHaveText(title);
  }

  /** Body paragraphs, not counting the standfirst. */
  get paragraphs(): Locator {
    return this.body.locator('p:not(.standfirst)');
  }

  get caption(): Locator {
    return this.body.locator('figcaption');
  }

  get subheadings(): Locator {
    return this.body.locator('h2');
  }
}
