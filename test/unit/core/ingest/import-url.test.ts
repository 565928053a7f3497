/**
 * Saving web pages into a real library (a temp folder) from a real HTTP server on 127.0.0.1: the
 * corpus pages, every kind of bad answer (each a clear failed outcome, nothing stored), hostile
 * pages (stored safe), duplicates (found, not saved twice), refresh (a new version, the old kept,
 * annotations attached to theirs) and image retries.
 */
import { readdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import path from 'node:path';
import iconv from 'iconv-lite';
import { JSDOM } from 'jsdom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  importUrl,
  refreshArticle,
  retryImages,
} from '../../../../src-main/core/ingest/import-url';
import { normalizeArticleUrl } from '../../../../src-main/core/ingest/article-url';
import type { LibraryStore } from '../../../../src-main/core/library/store';
import type { ImportOutcome } from '../../../../src-main/shared/model';
import { Sandbox } from '../library/helpers';
import {
  ARTICLE_PARAGRAPHS,
  type WebFixture,
  articlePage,
  closedPort,
  redirect,
  respond,
  startWebFixture,
  tinyPng,
} from './web-fixture';

const CORPUS = path.resolve(process.cwd(), '../shared/corpus/readability');

let web: WebFixture;
const sandbox = new Sandbox();
let library: LibraryStore;
let root: string;

beforeAll(async () => {
  web = await startWebFixture();
});

afterAll(async () => {
  await web.close();
});

beforeEach(async () => {
  root = join(await sandbox.dir(), 'library');
  ({ library } = await sandbox.open(root));
});

afterEach(async () => {
  await sandbox.cleanup();
});

const html = { 'Content-Type': 'text/html; charset=utf-8' };
/** Short limits so that the failure tests finish quickly. */
const quick = { page: { timeoutMs: 1500 }, images: { timeoutMs: 500, totalTimeoutMs: 1500 } };

function expectFailed(outcome: ImportOutcome, code: string): string {
  expect(outcome.status, JSON.stringify(outcome)).toBe('failed');
  if (outcome.status !== 'failed') throw new Error('unreachable');
  expect(outcome.error.code).toBe(code);
  return outcome.error.message;
}

function savedId(outcome: ImportOutcome): string {
  if (outcome.status !== 'saved') throw new Error(`not saved: ${JSON.stringify(outcome)}`);
  return outcome.article.id;
}

async function articleFolders(): Promise<string[]> {
  return (await readdir(join(root, 'articles'))).filter((name) => !name.startsWith('.'));
}

describe('importUrl saves pages', () => {
  it.each(['guardian-1', 'nytimes-2', 'aktualne'])('saves corpus page %s', async (name) => {
    const bytes = readFileSync(path.join(CORPUS, name, 'source.html'));
    const meta = JSON.parse(
      readFileSync(path.join(CORPUS, name, 'expected-metadata.json'), 'utf8'),
    ) as { title: string; lang?: string };
    web.route(`/news/${name}`, respond(bytes, html));
    // The corpus pages' images live on the real web, which tests never reach: offline.
    const outcome = await importUrl(library, `${web.origin}/news/${name}`, {
      images: { offline: true },
    });
    const id = savedId(outcome);
    const article = await library.get(id);
    expect(article.title.replace(/\s+/g, ' ').trim()).toBe(meta.title.replace(/\s+/g, ' ').trim());
    expect(article.sourceKind).toBe('url');
    expect(article.url).toBe(`${web.origin}/news/${name}`);
    if (meta.lang) expect(article.lang).toBe(meta.lang);
    expect(article.wordCount).toBeGreaterThan(100);
    expect(article.contentHtml).not.toMatch(/<img[^>]+src="https?:/);
    expect(article.versions).toMatchObject({ shown: 1, count: 1 });
  });

  it('saves a page with its images, served from the library afterwards', async () => {
    web.route('/pics/one.png', respond(tinyPng(1, 2, 3), { 'Content-Type': 'image/png' }));
    web.route(
      '/with-images',
      respond(
        articlePage(
          'Pictures',
          `<figure><img src="/pics/one.png" alt="One"><figcaption>One.</figcaption></figure>`,
        ),
        html,
      ),
    );
    const id = savedId(await importUrl(library, `${web.origin}/with-images`));
    const article = await library.get(id);
    const image = /<img src="(images\/[0-9a-f]{64}\.png)" alt="One">/.exec(article.contentHtml);
    expect(image).not.toBeNull();
    expect(await readdir(join(root, 'images'))).toEqual([image?.[1]?.slice('images/'.length)]);
    expect(article.imageFailures).toEqual([]);
  });

  it('decodes a page whose server lies about the charset', async () => {
    const page = articlePage('Café society', `<p>Crème brûlée à la carte, naïve façade.</p>`);
    const latin = iconv.encode(page.replace('<meta charset="utf-8">', ''), 'windows-1252');
    web.route('/liar', respond(latin, { 'Content-Type': 'text/html; charset=utf-8' }));
    const article = await library.get(savedId(await importUrl(library, `${web.origin}/liar`)));
    expect(article.title).toBe('Café society');
    expect(await library.readText(article.id)).toContain('Crème brûlée à la carte, naïve façade.');
  });

  it('stores a hostile page safe', async () => {
    const hostile = [
      '<script>document.title="pwned"</script>',
      '<img src="x" onerror="alert(1)">',
      '<svg onload="alert(2)"><circle r="5"/></svg>',
      '<p><a href="javascript:alert(3)">click</a> <a href="data:text/html,<script>alert(4)</script>">data</a> <a href="relative/page">relative link</a></p>',
      '<p style="width: expression(alert(5)); background: url(javascript:alert(6))">styled</p>',
      '<iframe src="https://evil.example/frame"></iframe>',
      '<form action="https://evil.example/steal"><input name="password"></form>',
      '<object data="https://evil.example/x.swf"></object>',
    ].join('');
    const head =
      '<meta http-equiv="refresh" content="0; url=https://evil.example/"><base href="https://evil.example/">';
    web.route('/hostile', respond(articlePage('Hostile page', hostile, head), html));
    const article = await library.get(
      savedId(await importUrl(library, `${web.origin}/hostile`, quick)),
    );
    const content = article.contentHtml;
    expect(content).not.toMatch(
      /<script|<iframe|<svg|<form|<input|<object|<meta|<base|onerror|onload|javascript:|data:|expression\(|style=/i,
    );
    // The base href was ignored: the relative link resolves against the page's real address.
    expect(content).toContain(`href="${web.origin}/relative/page"`);
    expect(content).not.toContain('evil.example');
    expect(await library.readText(article.id)).toContain(ARTICLE_PARAGRAPHS[0]);
  });

  it('saves the article even when an image hangs, recording the image', async () => {
    web.route('/pics/hang.png', () => undefined);
    web.route(
      '/slow-image',
      respond(articlePage('Slow image', '<img src="/pics/hang.png" alt="h">'), html),
    );
    const started = Date.now();
    const id = savedId(await importUrl(library, `${web.origin}/slow-image`, quick));
    expect(Date.now() - started).toBeLessThan(4000);
    const article = await library.get(id);
    expect(article.imageFailures).toEqual([
      {
        url: `${web.origin}/pics/hang.png`,
        reason: expect.stringMatching(/did not arrive within 500 ms/),
        alt: 'h',
      },
    ]);
    expect(article.versions?.all[0]?.missingImages).toBe(1);
  });
});

describe('importUrl refuses bad answers, storing nothing', () => {
  it.each([
    ['404', '/missing', 'http-error', /answered 404/],
    ['500', '/error', 'http-error', /answered 500/],
    ['a PDF', '/doc.pdf', 'unsupported-file', /PDF document/],
    ['an image', '/photo.png', 'unsupported-file', /an image/],
    ['JSON', '/api.json', 'unsupported-file', /JSON data/],
    ['a redirect loop', '/loop-1', 'network-error', /loop/],
    ['a page without an article', '/menu', 'unsupported-file', /No article was found/],
    ['an oversized page', '/big', 'too-large', /larger than/],
    ['a server that never answers', '/never', 'timeout', /did not arrive/],
  ])('%s', async (_what, route, code, message) => {
    web.route('/error', respond('<h1>Oops</h1>', html, 500));
    web.route('/doc.pdf', respond('%PDF-1.4', { 'Content-Type': 'application/pdf' }));
    web.route('/photo.png', respond(tinyPng(), { 'Content-Type': 'image/png' }));
    web.route('/api.json', respond('{"ok":true}', { 'Content-Type': 'application/json' }));
    web.route('/loop-1', redirect('/loop-2'));
    web.route('/loop-2', redirect('/loop-1'));
    web.route('/menu', respond('<html><body><nav><a href="/">Home</a></nav></body></html>', html));
    web.route('/big', respond(Buffer.alloc(300_000, 0x61), html));
    web.route('/never', () => undefined);
    const before = library.count();
    const outcome = await importUrl(library, `${web.origin}${route}`, {
      page: { timeoutMs: 800, maxBytes: 200_000 },
    });
    expect(expectFailed(outcome, code)).toMatch(message);
    expect(outcome.source).toBe(`${web.origin}${route}`);
    expect(library.count()).toBe(before);
    expect(await articleFolders()).toEqual([]);
  });

  it('an unreachable host', async () => {
    const port = await closedPort();
    expectFailed(await importUrl(library, `http://127.0.0.1:${port}/x`), 'network-error');
    expect(await articleFolders()).toEqual([]);
  });

  it('addresses that are not web addresses', async () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'not a url',
      `http://x/${'a'.repeat(3000)}`,
    ]) {
      expectFailed(await importUrl(library, url), 'invalid-argument');
    }
  });

  it('cancellation: a cancelled outcome, nothing stored, even with the page already fetched', async () => {
    web.route('/pics/stall.png', () => undefined);
    web.route('/cancel-me', respond(articlePage('Cancelled', '<img src="/pics/stall.png">'), html));
    const controller = new AbortController();
    const pending = importUrl(library, `${web.origin}/cancel-me`, { signal: controller.signal });
    // Cancel while the image is being fetched: the page is in hand, the article not yet stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    controller.abort();
    expectFailed(await pending, 'cancelled');
    expect(await articleFolders()).toEqual([]);
  });
});

describe('saving an address twice', () => {
  it('finds the article already saved, without fetching again', async () => {
    web.route('/story?id=7', respond(articlePage('Story seven'), html));
    const first = await importUrl(library, `${web.origin}/story?id=7`);
    const id = savedId(first);
    const fetched = web.requests.length;
    for (const again of [
      `${web.origin}/story?id=7`,
      `${web.origin}/story?id=7#comments`,
      `${web.origin}/story?utm_source=feed&id=7&utm_medium=rss&fbclid=abc`,
    ]) {
      const outcome = await importUrl(library, again);
      expect(outcome).toMatchObject({ status: 'exists', source: again, article: { id } });
    }
    expect(web.requests.length).toBe(fetched);
    expect(library.count()).toBe(1);
  });

  it('finds it after a redirect to the saved address', async () => {
    web.route('/canonical', respond(articlePage('Canonical'), html));
    web.route('/short', redirect('/canonical'));
    const id = savedId(await importUrl(library, `${web.origin}/canonical`));
    expect(await importUrl(library, `${web.origin}/short`)).toMatchObject({
      status: 'exists',
      article: { id },
    });
    expect(library.count()).toBe(1);
  });

  it('saves once when the same address is saved twice at the same time', async () => {
    web.route('/twice', respond(articlePage('Twice'), html));
    const outcomes = await Promise.all([
      importUrl(library, `${web.origin}/twice`),
      importUrl(library, `${web.origin}/twice#again`),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['saved', 'exists']);
    expect(library.count()).toBe(1);
  });

  it('normalizes addresses for comparison only', () => {
    expect(normalizeArticleUrl('HTTPS://Example.COM:443/a?utm_campaign=x#top')).toBe(
      'https://example.com/a',
    );
    expect(normalizeArticleUrl('https://example.com/a?b=1&utm_source=x&c=2')).toBe(
      'https://example.com/a?b=1&c=2',
    );
    expect(normalizeArticleUrl('ftp://example.com/a')).toBeNull();
  });
});

describe('refreshing an article', () => {
  it('stores a new version, shows it, and keeps the earlier one with its annotations', async () => {
    web.route('/living', respond(articlePage('Living story'), html));
    const id = savedId(await importUrl(library, `${web.origin}/living`));
    const annotation = await library.addAnnotation(id, {
      motivation: 'highlighting',
      quote: { exact: 'night bus', prefix: 'extend the ', suffix: ' service' },
      position: { start: 40, end: 49 },
    });
    expect(annotation.target.version).toBe(1);

    web.route(
      '/living',
      respond(
        articlePage(
          'Living story, updated',
          '<p>Update: the council approved the budget on Friday evening.</p>',
        ),
        html,
      ),
    );
    const refreshed = await refreshArticle(library, id);
    expect(refreshed.id).toBe(id);
    expect(refreshed.title).toBe('Living story, updated');
    expect(library.count()).toBe(1);

    const shown = await library.get(id);
    expect(shown.versions).toMatchObject({ shown: 2, count: 2 });
    expect(shown.versions?.all.map((entry) => entry.version)).toEqual([1, 2]);
    expect(shown.contentHtml).toContain('approved the budget');
    expect(await library.readText(id)).toContain('approved the budget');

    const first = await library.get(id, 1);
    expect(first.versions?.shown).toBe(1);
    expect(first.contentHtml).not.toContain('approved the budget');

    expect(await library.listAnnotations(id)).toEqual([annotation]);
    expect(library.health().problems).toEqual([]);
    await expect(library.get(id, 3)).rejects.toMatchObject({ code: 'not-found' });
  });

  it('fails clearly, changing nothing, when the page is gone', async () => {
    web.route('/fleeting', respond(articlePage('Fleeting'), html));
    const id = savedId(await importUrl(library, `${web.origin}/fleeting`));
    web.route('/fleeting', respond('gone', html, 410));
    await expect(refreshArticle(library, id)).rejects.toMatchObject({ code: 'http-error' });
    expect((await library.get(id)).versions?.count).toBe(1);
  });

  it('refuses an article that has no web address', async () => {
    const saved = await library.add({
      title: 'From a file',
      siteName: null,
      section: null,
      byline: null,
      publishedTime: null,
      excerpt: null,
      url: null,
      lang: null,
      dir: null,
      sourceKind: 'text',
      fileName: 'a.txt',
      contentHtml: '<p>Text.</p>',
      textContent: 'Text.',
      wordCount: 1,
    });
    await expect(refreshArticle(library, saved.id)).rejects.toMatchObject({
      code: 'unsupported-file',
    });
  });
});

describe('retrying images', () => {
  it('saves the images that failed, in place, text and annotations untouched', async () => {
    web.route(
      '/later',
      respond(
        articlePage(
          'Later',
          '<figure><img src="/pics/later.png" alt="L"><figcaption>Cap.</figcaption></figure>',
        ),
        html,
      ),
    );
    const id = savedId(await importUrl(library, `${web.origin}/later`));
    const before = await library.get(id);
    expect(before.imageFailures?.map((failure) => failure.url)).toEqual([
      `${web.origin}/pics/later.png`,
    ]);
    expect(
      new JSDOM(before.contentHtml).window.document.querySelector('a.missing-image'),
    ).not.toBeNull();
    const text = await library.readText(id);

    web.route('/pics/later.png', respond(tinyPng(200), { 'Content-Type': 'image/png' }));
    expect(await retryImages(library, id)).toEqual({ saved: 1, stillMissing: 0 });

    const after = await library.get(id);
    expect(after.imageFailures).toEqual([]);
    expect(after.contentHtml).toMatch(/<img src="images\/[0-9a-f]{64}\.png" alt="L">/);
    expect(after.versions).toMatchObject({ shown: 1, count: 1 });
    expect(await library.readText(id)).toBe(text);
    expect(library.health().problems).toEqual([]);
    // Nothing left to retry.
    expect(await retryImages(library, id)).toEqual({ saved: 0, stillMissing: 0 });

    // The rewritten content is what the library checks on the next open, too.
    await library.close();
    ({ library } = await sandbox.open(root));
    expect((await library.get(id)).contentHtml).toBe(after.contentHtml);
    expect(library.health().problems).toEqual([]);
  });
});
