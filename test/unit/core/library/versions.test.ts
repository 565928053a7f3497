/**
 * Article versions in the store: addVersion (a refresh) adds content-<n+1> and shows it, keeping
 * the earlier files and annotations; replaceVersionContent (an image retry) rewrites one version
 * in place, and every state a crash can leave it in opens without the content counting as damaged.
 */
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../../../src-main/core/library/article-files';
import { Sandbox, sampleArticle } from './helpers';

const sandbox = new Sandbox();

afterEach(async () => {
  await sandbox.cleanup();
});

async function openFresh() {
  const root = join(await sandbox.dir(), 'library');
  const { library } = await sandbox.open(root);
  return { root, library };
}

describe('addVersion', () => {
  it('adds the next version, shows it, and keeps the earlier one and its annotations', async () => {
    const { root, library } = await openFresh();
    const first = await library.add(sampleArticle());
    const note = await library.addAnnotation(first.id, {
      motivation: 'highlighting',
      quote: { exact: 'met again', prefix: 'Negotiators ', suffix: ' on' },
      position: { start: 12, end: 21 },
    });
    await library.setState(first.id, { bookmarked: true });
    await library.setTags(first.id, ['diplomacy']);

    const updated = await library.addVersion(
      first.id,
      sampleArticle({
        title: 'Ceasefire talks resume in Cairo (updated)',
        contentHtml: '<p>Negotiators met again on Tuesday.</p><p>A deal was reached late.</p>',
        textContent: 'Negotiators met again on Tuesday.\n\nA deal was reached late.',
        wordCount: 10,
        imageFailures: [
          { url: 'https://img.example/a.jpg', reason: 'The server answered 404.', alt: null },
        ],
      }),
    );
    expect(updated).toMatchObject({
      id: first.id,
      title: 'Ceasefire talks resume in Cairo (updated)',
      wordCount: 10,
      bookmarked: true,
      tags: ['diplomacy'],
      savedAt: first.savedAt,
    });
    const dir = join(root, 'articles', first.id);
    expect((await readdir(dir)).sort()).toEqual([
      'annotations.json',
      'article.json',
      'content-1.html',
      'content-2.html',
      'text-1.txt',
      'text-2.txt',
    ]);
    const shown = await library.get(first.id);
    expect(shown.versions).toMatchObject({
      shown: 2,
      count: 2,
      all: [
        { version: 1, wordCount: 9, missingImages: 0 },
        { version: 2, wordCount: 10, missingImages: 1 },
      ],
    });
    expect(shown.imageFailures).toHaveLength(1);
    expect(await library.readText(first.id)).toContain('A deal was reached late.');
    expect((await library.get(first.id, 1)).contentHtml).toBe(sampleArticle().contentHtml);
    expect(await library.listAnnotations(first.id)).toEqual([note]);
    // Annotating now means the version shown.
    const later = await library.addAnnotation(first.id, {
      motivation: 'highlighting',
      quote: { exact: 'deal', prefix: 'A ', suffix: ' was' },
      position: { start: 37, end: 41 },
    });
    expect(later.target.version).toBe(2);

    // All of it survives a reopen without a single repair.
    await library.close();
    const { library: again } = await sandbox.open(root);
    expect((await again.get(first.id)).versions?.shown).toBe(2);
    expect((await again.get(first.id, 1)).versions?.shown).toBe(1);
    expect(again.health().problems).toEqual([]);
  });

  it('refuses bad input and unknown articles, writing nothing', async () => {
    const { root, library } = await openFresh();
    const first = await library.add(sampleArticle());
    await expect(
      library.addVersion(first.id, sampleArticle({ title: '  ' })),
    ).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    await expect(library.addVersion('no-such-article', sampleArticle())).rejects.toMatchObject({
      code: 'not-found',
    });
    expect(await readdir(join(root, 'articles', first.id))).not.toContain('content-2.html');
  });
});

describe('replaceVersionContent', () => {
  it('rewrites one version in place with its new digest and remaining failures', async () => {
    const { root, library } = await openFresh();
    const first = await library.add(
      sampleArticle({
        imageFailures: [{ url: 'https://img.example/a.jpg', reason: 'timeout', alt: 'A' }],
      }),
    );
    const html =
      '<p>Negotiators met again on Tuesday.</p><img src="images/' + 'a'.repeat(64) + '.png">';
    await library.replaceVersionContent(first.id, 1, html, []);
    const article = await library.get(first.id);
    expect(article.contentHtml).toBe(html);
    expect(article.imageFailures).toEqual([]);
    const record = JSON.parse(
      await readFile(join(root, 'articles', first.id, 'article.json'), 'utf8'),
    );
    expect(record.versions[0].contentSha256).toBe(sha256(html));
    expect(record.versions[0].imageFailures).toBeUndefined();
    await expect(library.replaceVersionContent(first.id, 2, html, [])).rejects.toMatchObject({
      code: 'not-found',
    });
  });

  it('leaves an article that opens cleanly at every step a crash could stop it', async () => {
    const { root, library } = await openFresh();
    const first = await library.add(sampleArticle());
    await library.close();
    const file = join(root, 'articles', first.id, 'article.json');
    const record = JSON.parse(await readFile(file, 'utf8'));
    // After step 1 and 2: the digest is gone, the new content may or may not be in place.
    delete record.versions[0].contentSha256;
    await writeFile(file, JSON.stringify(record));
    await writeFile(join(root, 'articles', first.id, 'content-1.html'), '<p>New content</p>');
    const { library: reopened } = await sandbox.open(root);
    expect((await reopened.get(first.id)).contentHtml).toBe('<p>New content</p>');
    expect(reopened.health().problems).toEqual([]);
  });
});
