import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { LibraryPage } from './pages/library-page';
import { ReaderPage } from './pages/reader-page';
import { SaveFromWeb } from './pages/save-from-web';
import { corpusDir, expect, test } from './support/host';
import { html, image, png, startSite, unusedPort, type Site } from './support/site';

const ARS_TITLE = 'Just-released Minecraft exploit makes it easy to crash game servers';
const STORY_TITLE = 'Night buses';
const EDITIONS = ['first', 'second', 'third', 'fourth'];

/**
 * A site with a real news page (from the readability corpus) and a small story with two pictures.
 * Each fetch of the story is a new edition (so versions differ); the blue picture fails the first
 * time it is asked for (so a retry has something to get).
 */
async function startNewsSite(): Promise<Site> {
  let edition = 0;
  let blueAsked = 0;
  return startSite({
    '/ars': html(readFileSync(join(corpusDir, 'readability/ars-1/source.html'), 'utf8')),
    '/story': (_req, res) => {
      const name = EDITIONS[Math.min(edition, EDITIONS.length - 1)];
      edition += 1;
      html(
        `<!DOCTYPE html><html lang="en"><head><title>${STORY_TITLE}</title></head><body><article>` +
          `<h1>${STORY_TITLE}</h1>` +
          `<p>The city council voted on Monday to extend the night bus service to the northern suburbs, a change residents and shift workers have asked for. This is the ${name} edition of the story.</p>` +
          `<figure><img src="/pics/red.png" alt="Red bus"><figcaption>A red bus.</figcaption></figure>` +
          `<p>Three new routes will run every thirty minutes between midnight and five in the morning, and the existing routes will gain stops near the hospital and the university campus.</p>` +
          `<figure><img src="/pics/blue.png" alt="Blue bus"><figcaption>A blue bus.</figcaption></figure>` +
          `<p>The transport department estimates the extension will cost about two million a year, paid partly from parking revenue, and will review ridership after twelve months.</p>` +
          `</article></body></html>`,
      )(_req, res);
    },
    '/pics/red.png': image(png(200)),
    '/pics/blue.png': (req, res) => {
      blueAsked += 1;
      if (blueAsked === 1) {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('Try later');
        return;
      }
      image(png(20))(req, res);
    },
  });
}

test('pages saved by address read offline; saving one again offers Refresh, which keeps both versions', async ({
  page,
  host,
}) => {
  const site = await startNewsSite();
  const library = new LibraryPage(page);
  const reader = new ReaderPage(page);
  const save = new SaveFromWeb(page);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await library.open(host.url);
  await expect(library.rows).toHaveCount(1);

  // Two addresses typed in the dialog run as one queue, each with its result.
  await save.saveUrls([`${site.origin}/ars`, `${site.origin}/story`]);
  await expect(save.withStatus('saved')).toHaveCount(2);
  await expect(save.queue).toContainText('Saved 2 pages');
  await expect(library.row(ARS_TITLE)).toBeVisible();
  await expect(library.row(STORY_TITLE)).toBeVisible();
  await expect(library.rows).toHaveCount(3);

  await library.openArticle(ARS_TITLE);
  await reader.waitUntilShown(ARS_TITLE);
  await expect(page.getByTestId('reader-byline')).toContainText('Dan Goodin');
  await expect(reader.body).toContainText('Minecraft');
  await expect(reader.versionLabel).toHaveCount(0);
  await reader.backButton.click();

  // The story's blue picture could not be fetched the first time: said quietly, with Retry.
  await save.openResult(save.result(`${site.origin}/story`));
  await reader.waitUntilShown(STORY_TITLE);
  await expect(reader.body).toContainText('the first edition');
  await expect(reader.imagesMissing).toHaveText(/1 image could not be saved/);
  await expect.poll(() => reader.renderedImageCount()).toBe(1);
  await reader.retryImagesButton.click();
  await expect(reader.imagesMissing).toHaveCount(0);
  await expect.poll(() => reader.renderedImageCount()).toBe(2);
  await reader.backButton.click();

  // Pasting the address again finds it already there, and offers to refresh it right there.
  await save.dismissButton.click();
  await expect(save.queue).toHaveCount(0);
  await save.paste(`${site.origin}/story`);
  const again = save.withStatus('exists');
  await expect(again).toHaveCount(1);
  await expect(again).toContainText('Already there');
  await save.refreshButton(again).click();
  await expect(again.getByTestId('import-refreshed')).toBeVisible();
  await expect(library.rows).toHaveCount(3);

  // The reader says which version it shows, and the earlier one is still there to read.
  await save.openResult(again);
  await reader.waitUntilShown(STORY_TITLE);
  await expect(reader.versionLabel).toHaveText(/^Version 2 of 2, saved .+/);
  await expect(reader.body).toContainText('the second edition');
  await reader.showVersion(1);
  await expect(reader.versionLabel).toHaveText(/^Version 1 of 2, saved .+/);
  await expect(reader.body).toContainText('the first edition');
  // An earlier version's images were saved with it: they still show.
  await expect.poll(() => reader.renderedImageCount()).toBe(2);

  // Refresh from the reader adds a third version and shows it.
  await reader.refreshButton.click();
  await expect(reader.versionLabel).toHaveText(/^Version 3 of 3, saved .+/);
  await expect(reader.body).toContainText('the third edition');
  // The other two versions can be chosen.
  await expect(reader.versionSelect.locator('option:not([disabled])')).toHaveText([
    /^Version 2 —/,
    /^Version 1 —/,
  ]);
  await site.stop();
});

test('an address where nothing answers fails with a clear reason and changes nothing', async ({
  page,
  host,
}) => {
  const library = new LibraryPage(page);
  const save = new SaveFromWeb(page);
  await library.open(host.url);
  await expect(library.rows).toHaveCount(1);

  const nowhere = `http://127.0.0.1:${await unusedPort()}/story`;
  await save.saveUrls([nowhere]);
  const failed = save.withStatus('failed');
  await expect(failed).toHaveCount(1);
  await expect(failed.getByTestId('import-reason')).toHaveText(
    /Could not fetch .*127\.0\.0\.1.*refused the connection/,
  );
  await expect(library.rows).toHaveCount(1);
  await page.reload();
  await expect(library.rows).toHaveCount(1);
});

test('a long queue shows its progress and can be cancelled', async ({ page, host }) => {
  // Every page takes far longer than the test: only a cancel can end the job.
  const held: ServerResponse[] = [];
  const routes = Object.fromEntries(
    Array.from({ length: 6 }, (_, index) => [
      `/slow/${index}`,
      (_req: unknown, res: ServerResponse) => void held.push(res),
    ]),
  );
  const site = await startSite(routes);
  const library = new LibraryPage(page);
  const save = new SaveFromWeb(page);
  await library.open(host.url);

  await save.saveUrls(Object.keys(routes).map((path) => `${site.origin}${path}`));
  await expect(save.progress).toContainText('0 / 6');
  await expect(save.queue).toContainText('Saving 6 pages');
  await save.cancelButton.click();
  await expect(save.results).toHaveCount(6);
  await expect(save.queue.getByText('Cancelled', { exact: true })).toHaveCount(6);
  await expect(save.queue).toContainText('6 cancelled');
  await expect(save.cancelButton).toHaveCount(0);
  await expect(library.rows).toHaveCount(1);
  await site.stop();
});

test('a link dropped on the window is saved', async ({ page, host }) => {
  const site = await startNewsSite();
  const library = new LibraryPage(page);
  const save = new SaveFromWeb(page);
  await library.open(host.url);

  await save.dropLink(`${site.origin}/ars`);
  await expect(save.withStatus('saved')).toHaveCount(1);
  await expect(library.row(ARS_TITLE)).toBeVisible();
  await site.stop();
});

test('a saved page dropped with its "_files" folder keeps its pictures', async ({ page, host }) => {
  const library = new LibraryPage(page);
  const reader = new ReaderPage(page);
  const save = new SaveFromWeb(page);
  await library.open(host.url);

  // What "Save Page As, complete" writes: the page, and its pictures and styles in a folder.
  const dir = mkdtempSync(join(tmpdir(), 'offprint-saved-page-'));
  mkdirSync(join(dir, 'harbour_files'));
  writeFileSync(
    join(dir, 'harbour.html'),
    `<!DOCTYPE html><html lang="en"><head><title>Harbour lights</title>` +
      `<link rel="stylesheet" href="harbour_files/style.css"></head><body><article>` +
      `<h1>Harbour lights</h1><p>The old harbour will light its cranes every evening this winter, the port authority said, after a trial that drew thousands of visitors to the waterfront.</p>` +
      `<figure><img src="harbour_files/crane.png" alt="A crane"><figcaption>A lit crane.</figcaption></figure>` +
      `<p>The lights run on the port's own solar array and switch off at midnight to spare the birds that roost on the breakwater.</p></article></body></html>`,
  );
  writeFileSync(join(dir, 'harbour_files/crane.png'), png(120));
  writeFileSync(join(dir, 'harbour_files/style.css'), 'body { color: red }');

  await save.dropFromDisk([join(dir, 'harbour.html'), join(dir, 'harbour_files')]);
  await expect(library.row('Harbour lights')).toBeVisible();
  // The page is the one article; its folder's files are not articles of their own.
  await expect(library.rows).toHaveCount(2);
  await expect(library.toasts.filter({ hasText: 'style.css' })).toHaveCount(0);
  await library.openArticle('Harbour lights');
  await reader.waitUntilShown('Harbour lights');
  await expect(reader.body.locator('img')).toHaveAttribute('src', /^images\/[0-9a-f]{64}\.png$/);
  await expect.poll(() => reader.renderedImageCount()).toBe(1);
  await expect(reader.imagesMissing).toHaveCount(0);
});

test('a bookmarks file dropped on the window saves the pages it lists', async ({ page, host }) => {
  const site = await startNewsSite();
  const library = new LibraryPage(page);
  const save = new SaveFromWeb(page);
  await library.open(host.url);

  const bookmarks =
    `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n` +
    `<TITLE>Bookmarks</TITLE><H1>Bookmarks</H1><DL><p>` +
    `<DT><A HREF="${site.origin}/ars" ADD_DATE="1700000000">Minecraft exploit</A>` +
    `<DT><A HREF="${site.origin}/story" ADD_DATE="1700000001">Night buses</A>` +
    `<DT><A HREF="javascript:alert(1)">A bookmarklet</A></DL><p>`;
  await save.dropFiles([
    {
      name: 'bookmarks.html',
      type: 'text/html',
      base64: Buffer.from(bookmarks).toString('base64'),
    },
  ]);
  await expect(save.withStatus('saved')).toHaveCount(2);
  await expect(library.row(ARS_TITLE)).toBeVisible();
  await expect(library.row(STORY_TITLE)).toBeVisible();
  // The bookmarks file itself is not an article.
  await expect(library.rows).toHaveCount(3);
  await site.stop();
});
