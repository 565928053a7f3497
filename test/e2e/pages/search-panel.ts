import type { Locator, Page } from '@playwright/test';

/** The library's search box, filter chips and sort control. */
export class SearchPanel {
  readonly input: Locator;
  readonly resultCount: Locator;
  readonly sort: Locator;

  constructor(readonly page: Page) {
    this.input = page.getByTestId('search-input');
    this.resultCount = page.getByTestId('result-count');
    this.sort = page.getByTestId('sort-select');
  }

  async search(text: string): Promise<void> {
    await this.input.fill(text);
  }

  chip(filter: string): Locator {
    return this.page.locator(`[data-testid="filter-chip"][data-filter="${filter}"]`);
  }

  /** The highlighted words in the results' snippets. */
  get highlights(): Locator {
    return this.page.getByTestId('result-snippet').locator('mark');
  }
}
