import { join } from 'node:path';
import { LibraryPage } from './pages/library-page';
import { ReaderPage } from './pages/reader-page';
import { SearchPanel } from './pages/search-panel';
import { corpusDir, expect, test } from './support/host';

const inkArticle = join(corpusDir, 'text/bbc-tech-001.txt');
const inkTitle = 'Ink helps drive democracy in Asia';
const foundingArticle = join(corpusDir, 'text/trtworld-2025-06-11-ukraine-bodies.txt');
const foundingTitle = 'Ukraine receives bodies of its soldiers from Russia under Istanbul deal';

test('tag an article in the reader, filter the library by its tag, and remove it again', async ({
  page,
  host,
}) => {
  const library = new LibraryPage(page);
  const reader = new ReaderPage(page);
  const search = new SearchPanel(page);

  await library.open(host.url);
  await library.importFiles([inkArticle]);
  await expect(library.rows).toHaveCount(2);
  await library.openArticle(inkTitle);
  await reader.waitUntilShown(inkTitle);
  await expect(reader.tagChips).toHaveCount(0);

  // `t` goes to the tag field; two tags at once, folded as main keeps them.
  await page.keyboard.press('t');
  await expect(reader.tagInput).toBeFocused();
  await expect(reader.tagInput).toHaveValue('');
  await reader.addTags('  elections ,  Central   Asia');
  await expect.poll(() => reader.tags()).toEqual(['elections', 'Central Asia']);
  await expect(reader.tagInput).toHaveValue('');

  // A tag main refuses: the reason is shown under the field, which keeps the text.
  const tooLong = 'x'.repeat(65);
  await reader.addTags(tooLong);
  await expect(reader.tagProblem).toHaveText('A tag is at most 64 characters; this one has 65.');
  await expect.poll(() => reader.tags()).toEqual(['elections', 'Central Asia']);
  await expect(reader.tagInput).toHaveValue(tooLong);
  await reader.tagInput.fill('');
  await expect(reader.tagProblem).toHaveCount(0);

  // Back in the library the new tags have chips; one narrows the list to this article.
  await reader.backButton.click();
  await expect(library.rows).toHaveCount(2);
  const electionsChip = search.chip('tag:elections');
  await expect(electionsChip).toContainText('1');
  await electionsChip.click();
  await expect(library.rows).toHaveCount(1);
  await expect(library.row(inkTitle)).toBeVisible();

  // The tags are on disk: after a reload they are still there, and the field suggests them
  // (on another article, which does not carry them yet).
  await page.reload();
  await expect(library.rows).toHaveCount(2);
  await expect(search.chip('tag:Central Asia')).toBeVisible();
  await library.openArticle('Welcome to Offprint');
  await expect(reader.tagChips).toHaveCount(0);
  await expect(
    page.locator(`datalist#${await reader.tagInput.getAttribute('list')} option`),
  ).toHaveCount(2);
  await reader.backButton.click();
  await library.openArticle(inkTitle);
  await reader.waitUntilShown(inkTitle);
  await expect.poll(() => reader.tags()).toEqual(['elections', 'Central Asia']);

  await reader.removeTag('elections');
  await expect.poll(() => reader.tags()).toEqual(['Central Asia']);
  await page.reload();
  await reader.waitUntilShown(inkTitle);
  await expect.poll(() => reader.tags()).toEqual(['Central Asia']);
  await reader.backButton.click();
  await expect(search.chip('tag:elections')).toHaveCount(0);
  await expect(search.chip('tag:Central Asia')).toContainText('1');
});

test('the reader shows how far an article is read and opens it again at that place', async ({
  page,
  host,
}) => {
  const library = new LibraryPage(page);
  const reader = new ReaderPage(page);
  // A small window, so that the article is several screens long.
  await page.setViewportSize({ width: 720, height: 420 });

  await library.open(host.url);
  await library.importFiles([foundingArticle]);
  await library.openArticle(foundingTitle);
  await reader.waitUntilShown(foundingTitle);
  await expect(reader.progressBar).toHaveAttribute('aria-valuenow', '0');

  await reader.scrollTo(0.5);
  await expect(reader.progressBar).toHaveAttribute('aria-valuenow', '50');

  // Leaving saves the place; opening the article again goes back to it.
  await reader.backButton.click();
  await expect(library.rows).toHaveCount(2);
  await library.openArticle(foundingTitle);
  await reader.waitUntilShown(foundingTitle);
  await expect.poll(() => reader.scrolledFraction()).toBeCloseTo(0.5, 1);
  await expect(reader.progressBar).toHaveAttribute('aria-valuenow', /^(4[6-9]|5[0-4])$/);

  // The place is kept by main, not only by this page: a reload opens the article there too.
  await reader.scrollTo(0.8);
  await expect(reader.progressBar).toHaveAttribute('aria-valuenow', '80');
  await page.reload();
  await reader.waitUntilShown(foundingTitle);
  await expect.poll(() => reader.scrolledFraction()).toBeCloseTo(0.8, 1);

  // Another article starts at its top.
  await reader.backButton.click();
  await library.openArticle('Welcome to Offprint');
  await reader.waitUntilShown('Welcome to Offprint');
  await expect.poll(() => reader.scrolledFraction()).toBeLessThan(0.01);
});
