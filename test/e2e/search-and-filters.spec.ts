import { join } from 'node:path';
import { LibraryPage } from './pages/library-page';
import { ReaderPage } from './pages/reader-page';
import { SearchPanel } from './pages/search-panel';
import { corpusDir, expect, test } from './support/host';

const texts = ['bbc-tech-001.txt', 'bbc-business-001.txt', 'bbc-politics-001.txt'].map((name) =>
  join(corpusDir, 'text', name),
);

test('search as you type, with typos, snippets and filters; delete with undo', async ({
  page,
  host,
}) => {
  const library = new LibraryPage(page);
  const search = new SearchPanel(page);
  await library.open(host.url);
  await library.importFiles(texts);
  await expect(library.rows).toHaveCount(4);

  // A word from the body, not the title: full-text, with the match highlighted in a snippet.
  await search.search('ultraviolet');
  await expect(library.rows).toHaveCount(1);
  await expect(library.row('Ink helps drive democracy in Asia')).toBeVisible();
  await expect(search.highlights.first()).toHaveText(/ultraviolet/i);

  // A typo and a prefix still find it.
  await search.search('ultravoilet');
  await expect(library.row('Ink helps drive democracy in Asia')).toBeVisible();
  await search.search('Kyrgy');
  await expect(library.row('Ink helps drive democracy in Asia')).toBeVisible();

  // Filters combine with search.
  await search.search('');
  await expect(library.rows).toHaveCount(4);
  await library.bookmarkToggle('Labour plans maternity pay rise').click();
  await search.chip('bookmarked').click();
  await expect(library.rows).toHaveCount(1);
  await search.search('maternity');
  await expect(library.rows).toHaveCount(1);
  await search.search('ultraviolet');
  await expect(library.rows).toHaveCount(0);
  await search.search('');
  await search.chip('all').click();
  await expect(library.rows).toHaveCount(4);

  // Delete from the reader, undo, then delete for real.
  const reader = new ReaderPage(page);
  await library.openArticle('Ad sales boost Time Warner profit');
  await reader.waitUntilShown('Ad sales boost Time Warner profit');
  await page.getByTestId('delete-button').click();
  await expect(library.rows).toHaveCount(3);
  await library.toasts.getByRole('button', { name: 'Undo' }).click();
  await expect(library.rows).toHaveCount(4);
  await page.reload();
  await expect(library.rows).toHaveCount(4);

  await library.rows.filter({ hasText: 'Ad sales boost' }).click();
  await reader.waitUntilShown('Ad sales boost Time Warner profit');
  await page.getByTestId('delete-button').click();
  await expect(library.rows).toHaveCount(3);
  // Leaving the page sends the pending delete at once.
  await page.reload();
  await expect(library.rows).toHaveCount(3);
  await expect(library.row('Ad sales boost Time Warner profit')).toHaveCount(0);
});
