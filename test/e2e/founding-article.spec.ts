import { join } from 'node:path';
import { LibraryPage } from './pages/library-page';
import { ReaderPage } from './pages/reader-page';
import { corpusDir, expect, startHost, test } from './support/host';

const foundingArticle = join(corpusDir, 'text/trtworld-2025-06-11-ukraine-bodies.txt');
const foundingTitle = 'Ukraine receives bodies of its soldiers from Russia under Istanbul deal';

test('import the founding article, read it, bookmark it, and find it again after restarts', async ({
  page,
  host,
  libraryDir,
}) => {
  const library = new LibraryPage(page);
  const reader = new ReaderPage(page);

  await library.open(host.url);
  // A new library starts with the welcome article only.
  await expect(library.rows).toHaveCount(1);

  await library.importFiles([foundingArticle]);
  await expect(library.row(foundingTitle)).toBeVisible();
  await expect(library.rows).toHaveCount(2);
  await expect(library.row(foundingTitle)).toContainText('WORLD');

  await library.openArticle(foundingTitle);
  await reader.waitUntilShown(foundingTitle);
  await expect(reader.section).toHaveText(/WORLD/i);
  await expect(reader.date).toHaveAttribute('datetime', /^2025-06-11/);
  await expect(reader.date).toContainText('2025');
  await expect(reader.caption).toContainText('delivered the bodies of 1,212 Ukrainian servicemen');
  await expect(reader.caption).toContainText('Photo: AA');
  await expect(reader.subheadings).toHaveText(['Kiev begins ID process']);
  await expect(reader.paragraphs).toHaveCount(11);

  await expect(reader.bookmarkToggle).toHaveAttribute('aria-pressed', 'false');
  await reader.bookmarkToggle.click();
  await expect(reader.bookmarkToggle).toHaveAttribute('aria-pressed', 'true');

  // A reload keeps the place and the bookmark.
  await page.reload();
  await reader.waitUntilShown(foundingTitle);
  await expect(reader.bookmarkToggle).toHaveAttribute('aria-pressed', 'true');

  await reader.backButton.click();
  await expect(library.bookmarkToggle(foundingTitle)).toHaveAttribute('aria-pressed', 'true');

  // Restart the host on the same library: the article and its bookmark are still there.
  await host.stop();
  const restarted = await startHost(libraryDir);
  try {
    await library.open(restarted.url);
    await expect(library.rows).toHaveCount(2);
    await expect(library.bookmarkToggle(foundingTitle)).toHaveAttribute('aria-pressed', 'true');
  } finally {
    await restarted.stop();
  }
});
