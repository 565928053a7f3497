import { mkdtempSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibraryPage } from './pages/library-page';
import { ReaderPage } from './pages/reader-page';
import { corpusDir, expect, test } from './support/host';

/** Files a user might drop on Offprint by mistake. */
function makeBadFiles(): { empty: string; png: string; huge: string } {
  const dir = mkdtempSync(join(tmpdir(), 'offprint-bad-'));
  const empty = join(dir, 'empty.txt');
  writeFileSync(empty, '');
  const png = join(dir, 'photo.txt');
  // A PNG signature and header bytes behind a .txt name: the content decides, not the name.
  writeFileSync(
    png,
    Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex'),
  );
  const huge = join(dir, 'huge.txt');
  writeFileSync(huge, '');
  truncateSync(huge, 60 * 1024 * 1024);
  return { empty, png, huge };
}

test('bad files get clear messages and change nothing', async ({ page, host }) => {
  const library = new LibraryPage(page);
  await library.open(host.url);
  await expect(library.rows).toHaveCount(1);
  const bad = makeBadFiles();

  await library.importFiles([bad.empty]);
  await expect(library.errorToast(/empty\.txt.*empty/i)).toBeVisible();

  await library.importFiles([bad.png]);
  await expect(library.errorToast(/photo\.txt/)).toBeVisible();

  await library.importFiles([bad.huge]);
  await expect(library.errorToast(/huge\.txt.*60 MB/)).toBeVisible();

  await page.reload();
  await expect(library.rows).toHaveCount(1);
});

test('a Latin-1 file keeps its pound sign', async ({ page, host }) => {
  const library = new LibraryPage(page);
  const reader = new ReaderPage(page);
  await library.open(host.url);
  await library.importFiles([join(corpusDir, 'text/bbc-sport-199.txt')]);
  await library.openArticle('Chelsea sack Mutu');
  await reader.waitUntilShown('Chelsea sack Mutu');
  await expect(reader.body).toContainText('£15.8m signing from Parma');
});

test('the browser host refuses calls without its token or from another origin', async ({
  page,
  host,
  request,
}) => {
  const call = (channel: string, data: unknown, headers: Record<string, string>) =>
    request.post(`${host.url}api/${channel}`, { data, headers, failOnStatusCode: false });

  const noToken = await call('article.setState', { id: 'x', patch: { bookmarked: true } }, {});
  expect(noToken.status()).toBe(403);

  const foreign = await call(
    'library.list',
    {},
    {
      'X-Offprint-Token': host.token,
      Origin: 'http://evil.example',
    },
  );
  expect(foreign.status()).toBe(403);

  const invalid = await call('article.get', { id: 42 }, { 'X-Offprint-Token': host.token });
  expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });

  const notPicked = await call(
    'import.files',
    { paths: ['/etc/passwd'] },
    {
      'X-Offprint-Token': host.token,
    },
  );
  expect(await notPicked.json()).toMatchObject({ ok: false, error: { code: 'not-permitted' } });

  const list = await call('library.list', {}, { 'X-Offprint-Token': host.token });
  const listed = (await list.json()) as { ok: boolean; value: unknown[] };
  expect(listed.ok).toBe(true);
  expect(listed.value).toHaveLength(1);

  const library = new LibraryPage(page);
  await library.open(host.url);
  await expect(library.rows).toHaveCount(1);
});
