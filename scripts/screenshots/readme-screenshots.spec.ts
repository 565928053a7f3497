/**
 * Makes the README's screenshots with the real renderer on the real browser host:
 * `npm run screenshots`. Not part of `npm test`; run it when the UI changes and commit the PNGs.
 */
import { join } from 'node:path';
import { LibraryPage } from '../../test/e2e/pages/library-page';
import { ReaderPage } from '../../test/e2e/pages/reader-page';
import { corpusDir, expect, test } from '../../test/e2e/support/host';

const docsDir = join(import.meta.dirname, '../../docs');
const foundingTitle = 'Ukraine receives bodies of its soldiers from Russia under Istanbul deal';

for (const colorScheme of ['light', 'dark'] as const) {
  test(`reader and library, ${colorScheme}`, async ({ browser, host }) => {
    const context = await browser.newContext({
      colorScheme,
      viewport: { width: 1180, height: 820 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const library = new LibraryPage(page);
    await library.open(host.url);
    await library.importFiles([
      join(corpusDir, 'text/bbc-tech-001.txt'),
      join(corpusDir, 'text/bbc-business-001.txt'),
      join(corpusDir, 'text/trtworld-2025-06-11-ukraine-bodies.txt'),
    ]);
    await expect(library.rows).toHaveCount(4);
    await library.bookmarkToggle(foundingTitle).click();
    // Pictures of the views, not of the passing "Imported" message.
    await library.toasts.getByRole('button', { name: 'Dismiss' }).click();
    await expect(library.toasts).toHaveCount(0);
    await page.mouse.move(0, 0);
    await page.screenshot({ path: join(docsDir, `library-${colorScheme}.png`) });

    await library.openArticle(foundingTitle);
    const reader = new ReaderPage(page);
    await reader.waitUntilShown(foundingTitle);
    await page.screenshot({ path: join(docsDir, `reader-${colorScheme}.png`) });
    await context.close();
  });
}
