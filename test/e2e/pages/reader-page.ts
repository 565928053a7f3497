import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The reader view: one article with its header, body and bookmark toggle, its tags, how far it has
 * been read, and for pages saved from the web its versions, Refresh, and the images that could not
 * be saved.
 */
export class ReaderPage {
  readonly view: Locator;
  readonly title: Locator;
  readonly date: Locator;
  readonly section: Locator;
  readonly body: Locator;
  readonly bookmarkToggle: Locator;
  readonly backButton: Locator;
  readonly versionLabel: Locator;
  readonly versionSelect: Locator;
  readonly refreshButton: Locator;
  readonly imagesMissing: Locator;
  readonly retryImagesButton: Locator;
  readonly tagList: Locator;
  readonly tagChips: Locator;
  readonly tagInput: Locator;
  readonly tagProblem: Locator;
  readonly progressBar: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('reader-view');
    this.title = page.getByTestId('reader-title');
    this.date = page.getByTestId('reader-date');
    this.section = page.getByTestId('reader-section');
    this.body = page.getByTestId('reader-body');
    this.bookmarkToggle = this.view.getByTestId('bookmark-toggle');
    this.backButton = page.getByTestId('back-button');
    this.versionLabel = page.getByTestId('version-label');
    this.versionSelect = page.getByTestId('version-select');
    this.refreshButton = page.getByTestId('refresh-article');
    this.imagesMissing = page.getByTestId('images-missing');
    this.retryImagesButton = page.getByTestId('retry-images');
    this.tagList = page.getByTestId('tag-list');
    this.tagChips = this.tagList.getByTestId('tag-chip');
    this.tagInput = page.getByTestId('tag-input');
    this.tagProblem = page.getByTestId('tag-problem');
    this.progressBar = page.getByTestId('reading-progress');
  }

  /** Types tags into the tag field (commas separate several) and presses Enter. */
  async addTags(text: string): Promise<void> {
    await this.tagInput.fill(text);
    await this.tagInput.press('Enter');
  }

  async removeTag(tag: string): Promise<void> {
    await this.tagChips.filter({ hasText: tag }).getByTestId('tag-remove').click();
  }

  /** The tags shown, in order. */
  async tags(): Promise<string[]> {
    return this.tagChips.evaluateAll((chips) => chips.map((chip) => chip.dataset['tag'] ?? ''));
  }

  /** How far down the page is scrolled, 0 to 1. */
  async scrolledFraction(): Promise<number> {
    return this.page.evaluate(() => {
      const scrollable = document.documentElement.scrollHeight - window.innerHeight;
      return scrollable > 0 ? window.scrollY / scrollable : 1;
    });
  }

  /** Scrolls the article to a fraction of its length, as the wheel would. */
  async scrollTo(fraction: number): Promise<void> {
    await this.page.evaluate((wanted) => {
      const scrollable = document.documentElement.scrollHeight - window.innerHeight;
      window.scrollTo(0, Math.round(wanted * scrollable));
    }, fraction);
  }

  /** Shows another saved version (1 is the first). */
  async showVersion(version: number): Promise<void> {
    await this.versionSelect.selectOption(String(version));
  }

  /** Images in the body that the browser decoded (real pixels, not a broken-image box). */
  async renderedImageCount(): Promise<number> {
    return this.body
      .locator('img')
      .evaluateAll(
        (images) =>
          (images as HTMLImageElement[]).filter((image) => image.complete && image.naturalWidth > 0)
            .length,
      );
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
