/**
 * Offline images against a real HTTP server on 127.0.0.1: every image of an article is fetched once,
 * stored by content hash in `<library>/images/`, and the content points at the stored copy; failures
 * of every kind are recorded and leave an empty placeholder; a retry fetches them later; and no
 * remote image address is ever left in stored content.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseHtmlArticle } from '../../../../src-main/core/ingest/html';
import { OFFLINE_REASON, localizeImages } from '../../../../src-main/core/ingest/localize-images';
import { sanitizeHtml } from '../../../../src-main/core/ingest/sanitize';
import { textFromDom } from '../../../../src-main/core/ingest/text-metrics';
import { LOCAL_IMAGE_URL, sniffImageType } from '../../../../src-main/core/library/images';
import { CONTENT_SECURITY_POLICY } from '../../../../src-main/host/csp';
import { OffprintError } from '../../../../src-main/shared/errors';
import { type WebFixture, articlePage, respond, startWebFixture, tinyPng } from './web-fixture';

let web: WebFixture;
let root: string;

beforeAll(async () => {
  web = await startWebFixture();
});

afterAll(async () => {
  await web.close();
});

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'offprint-images-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const png = (red: number) => respond(tinyPng(red), { 'Content-Type': 'image/png' });
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function fragment(html: string): DocumentFragment {
  const { document } = new JSDOM('').window;
  const template = document.createElement('template');
  template.innerHTML = html;
  return template.content;
}

/** Every image address in the markup that is not a stored library image. */
function remoteImageAddresses(html: string): string[] {
  const root = fragment(html);
  const found: string[] = [];
  for (const element of Array.from(root.querySelectorAll('[src], [srcset]'))) {
    const src = element.getAttribute('src');
    if (src !== null && !LOCAL_IMAGE_URL.test(src)) found.push(src);
    if (element.hasAttribute('srcset')) found.push(element.getAttribute('srcset') ?? '');
  }
  return found;
}

describe('localizeImages stores images once, by content', () => {
  it('fetches an image, stores it under its SHA-256 and points the content at it', async () => {
    web.route('/img/red.png', png(255));
    const html = sanitizeHtml(
      `<p>Text</p><figure><img src="${web.origin}/img/red.png" alt="Red" width="1" height="1"><figcaption>Red.</figcaption></figure>`,
    );
    const result = await localizeImages(html, root);

    const bytes = tinyPng(255);
    const name = `${sha(bytes)}.png`;
    expect(result.stored).toBe(1);
    expect(result.failures).toEqual([]);
    expect(result.contentHtml).toContain(
      `<img src="images/${name}" alt="Red" width="1" height="1">`,
    );
    expect(await readFile(join(root, 'images', name))).toEqual(Buffer.from(bytes));
    expect(remoteImageAddresses(result.contentHtml)).toEqual([]);
  });

  it('fetches an address used twice once, and stores equal bytes once across articles', async () => {
    web.route('/img/a.png', png(10));
    web.route('/img/same-bytes.png', png(10));
    const before = web.requests.length;
    const first = await localizeImages(
      `<img src="${web.origin}/img/a.png"><img src="${web.origin}/img/a.png"><img src="${web.origin}/img/same-bytes.png">`,
      root,
    );
    const second = await localizeImages(`<img src="${web.origin}/img/a.png">`, root);
    expect(first.stored).toBe(3);
    expect(second.stored).toBe(1);
    const requested = web.requests.slice(before);
    expect(requested.filter((path) => path === '/img/a.png')).toHaveLength(2); // once per article
    expect(await readdir(join(root, 'images'))).toEqual([`${sha(tinyPng(10))}.png`]);
  });

  it('picks the largest srcset candidate up to 2000w and drops srcset and sizes', async () => {
    web.route('/img/400.png', png(1));
    web.route('/img/1600.png', png(2));
    web.route('/img/3000.png', png(3));
    const html = sanitizeHtml(
      `<img src="${web.origin}/img/400.png" srcset="${web.origin}/img/400.png 400w, ${web.origin}/img/3000.png 3000w, ${web.origin}/img/1600.png 1600w" sizes="100vw" alt="x">`,
    );
    const result = await localizeImages(html, root);
    expect(result.contentHtml).toBe(`<img src="images/${sha(tinyPng(2))}.png" alt="x">`);
  });

  it('collapses <picture> to one stored image, taking a source when the img has none', async () => {
    web.route('/img/wide.png', png(4));
    web.route('/img/fallback.png', png(5));
    const withImg = sanitizeHtml(
      `<picture><source srcset="${web.origin}/img/wide.png 1x" media="(min-width: 800px)"><img src="${web.origin}/img/fallback.png" alt="p"></picture>`,
    );
    const result = await localizeImages(withImg, root);
    expect(result.contentHtml).toBe(`<img src="images/${sha(tinyPng(5))}.png" alt="p">`);

    // The img's own address failing, the <source> is the fallback.
    const brokenImg = `<picture><source srcset="${web.origin}/img/wide.png"><img src="${web.origin}/img/missing.png"></picture>`;
    const fallback = await localizeImages(brokenImg, root);
    expect(fallback.contentHtml).toBe(`<img src="images/${sha(tinyPng(4))}.png">`);
    expect(fallback.failures).toEqual([]);
  });

  it('saves lazily loaded images (data-src behind a placeholder) of an imported page', async () => {
    web.route('/img/lazy.png', png(6));
    web.route('/img/lazy-set.png', png(7));
    const page = articlePage(
      'Lazy images',
      `<figure><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="${web.origin}/img/lazy.png" alt="lazy"><figcaption>One.</figcaption></figure>` +
        `<figure><img src="/static/blank.gif" data-srcset="${web.origin}/img/lazy-set.png 800w" alt="set"><figcaption>Two.</figcaption></figure>`,
    );
    const article = parseHtmlArticle(new TextEncoder().encode(page), {
      url: `${web.origin}/story`,
    });
    const result = await localizeImages(article.contentHtml, root);
    expect(result.failures).toEqual([]);
    expect(result.contentHtml).toContain(`src="images/${sha(tinyPng(6))}.png"`);
    expect(result.contentHtml).toContain(`src="images/${sha(tinyPng(7))}.png"`);
    expect(remoteImageAddresses(result.contentHtml)).toEqual([]);
  });
});

describe('localizeImages records failures and never breaks the article', () => {
  it('records each failure with its address and reason, leaving an empty placeholder', async () => {
    web.route('/img/page.html', respond('<html></html>', { 'Content-Type': 'text/html' }));
    web.route(
      '/img/drawing.svg',
      respond('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', {
        'Content-Type': 'image/svg+xml',
      }),
    );
    web.route('/img/lying.png', respond('GIF? no, text', { 'Content-Type': 'image/png' }));
    web.route('/img/huge.png', respond(Buffer.alloc(300_000, 1), { 'Content-Type': 'image/png' }));
    web.route('/img/hangs.png', () => undefined);
    web.route('/img/ok.png', png(8));
    const urls = [
      'missing.png',
      'page.html',
      'drawing.svg',
      'lying.png',
      'huge.png',
      'hangs.png',
    ].map((name) => `${web.origin}/img/${name}`);
    const html = sanitizeHtml(
      `<p>Before.</p>${urls.map((url, index) => `<img src="${url}" alt="image ${index}">`).join('')}<p><a href="https://example.com/big"><img src="${web.origin}/img/missing.png"></a></p><img src="${web.origin}/img/ok.png"><p>After.</p>`,
    );
    const started = Date.now();
    const result = await localizeImages(html, root, { timeoutMs: 500, maxBytes: 100_000 });
    expect(Date.now() - started).toBeLessThan(3000);

    expect(result.stored).toBe(1);
    expect(result.failures.map((failure) => failure.url)).toEqual([...urls, urls[0]]);
    const reasons = result.failures.map((failure) => failure.reason);
    expect(reasons[0]).toMatch(/answered 404/);
    expect(reasons[1]).toMatch(/is not an image \(the server says text\/html\)/);
    expect(reasons[2]).toMatch(/SVG drawing/);
    expect(reasons[3]).toMatch(/not in a format Offprint keeps/);
    expect(reasons[4]).toMatch(/larger than 98 KB/);
    expect(reasons[5]).toMatch(/did not arrive within 500 ms/);
    expect(result.failures[0]?.alt).toBe('image 0');

    const content = fragment(result.contentHtml);
    const placeholders = Array.from(content.querySelectorAll('.missing-image'));
    expect(placeholders).toHaveLength(7);
    expect(placeholders[0]?.outerHTML).toBe(
      `<a class="missing-image" href="${urls[0]}" title="Image not saved: image 0" rel="noopener noreferrer"></a>`,
    );
    // Inside a link, a span: links do not nest.
    expect(placeholders[6]?.outerHTML).toBe(
      '<span class="missing-image" title="Image not saved"></span>',
    );
    // The text is unchanged, so annotations on it stay where they are.
    expect(textFromDom(content)).toBe(textFromDom(fragment(html)));
    expect(remoteImageAddresses(result.contentHtml)).toEqual([]);
    // What the localizer wrote survives the sanitizer unchanged.
    expect(sanitizeHtml(result.contentHtml)).toBe(result.contentHtml);
  });

  it('gives up on the rest when the article-wide deadline passes', async () => {
    web.route('/img/stall.png', () => undefined);
    const html = Array.from(
      { length: 12 },
      (_, index) => `<img src="${web.origin}/img/stall.png?${index}">`,
    ).join('');
    for (let index = 0; index < 12; index += 1)
      web.route(`/img/stall.png?${index}`, () => undefined);
    const started = Date.now();
    const result = await localizeImages(html, root, { timeoutMs: 10_000, totalTimeoutMs: 400 });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.failures).toHaveLength(12);
    expect(result.failures[0]?.reason).toMatch(
      /Gave up: the article's images took longer than 400 ms/,
    );
  });

  it('fetches nothing offline, recording every image for a later retry', async () => {
    const before = web.requests.length;
    const result = await localizeImages(`<img src="${web.origin}/img/ok.png" alt="o">`, root, {
      offline: true,
    });
    expect(web.requests.length).toBe(before);
    expect(result.failures).toEqual([
      { url: `${web.origin}/img/ok.png`, reason: OFFLINE_REASON, alt: 'o' },
    ]);
  });

  it('throws cancelled when the signal fires', async () => {
    web.route('/img/slow.png', () => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await localizeImages(`<img src="${web.origin}/img/slow.png">`, root, {
      signal: controller.signal,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OffprintError);
    expect((error as OffprintError).code).toBe('cancelled');
  });

  it('drops an image with no web address at all', async () => {
    const result = await localizeImages('<p>x</p><img alt="nothing">', root);
    expect(result.contentHtml).toBe('<p>x</p>');
    expect(result.failures).toEqual([]);
  });
});

describe('retrying images', () => {
  it('restores the placeholders of recorded failures and fetches them again', async () => {
    const html = `<p>One</p><img src="${web.origin}/img/later.png" alt="Later"><p>Two</p><img src="${web.origin}/img/never.png">`;
    const first = await localizeImages(html, root);
    expect(first.failures.map((failure) => failure.url)).toEqual([
      `${web.origin}/img/later.png`,
      `${web.origin}/img/never.png`,
    ]);

    web.route('/img/later.png', png(9));
    const retry = await localizeImages(first.contentHtml, root, {}, first.failures);
    expect(retry.stored).toBe(1);
    expect(retry.failures.map((failure) => failure.url)).toEqual([`${web.origin}/img/never.png`]);
    expect(retry.contentHtml).toBe(
      `<p>One</p><img src="images/${sha(tinyPng(9))}.png" alt="Later"><p>Two</p><a class="missing-image" href="${web.origin}/img/never.png" title="Image not saved" rel="noopener noreferrer"></a>`,
    );
  });

  it("does not mistake a page's own missing-image class for a placeholder", async () => {
    const html = sanitizeHtml('<p class="missing-image">A paragraph styled by its site.</p>');
    expect(html).toContain('class="missing-image"');
    const result = await localizeImages(html, root);
    expect(result.contentHtml).toBe('<p>A paragraph styled by its site.</p>');
  });
});

describe('reading needs no network', () => {
  it("the app's CSP lets images come only from the app itself (and inline data)", () => {
    const imgSrc = CONTENT_SECURITY_POLICY.split(';')
      .map((directive) => directive.trim())
      .find((directive) => directive.startsWith('img-src'));
    expect(imgSrc).toBe("img-src 'self' data: blob:");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it('stored content of a hostile page holds no remote address that could load', async () => {
    web.route('/img/kept.png', png(12));
    const page = articlePage(
      'Tracking',
      `<img src="https://tracker.example/pixel.gif?u=1" width="1" height="1">` +
        `<img src="${web.origin}/img/kept.png" srcset="https://cdn.example/a.png 2x">` +
        `<picture><source srcset="https://cdn.example/b.webp"><img src="https://cdn.example/b.jpg"></picture>` +
        `<video poster="https://cdn.example/poster.jpg" src="https://cdn.example/v.mp4"></video>` +
        `<p style="background:url(https://tracker.example/bg.png)">styled</p>` +
        `<input type="image" src="https://tracker.example/input.png">`,
    );
    const article = parseHtmlArticle(new TextEncoder().encode(page), { url: `${web.origin}/t` });
    const result = await localizeImages(article.contentHtml, root, { timeoutMs: 300 });
    expect(remoteImageAddresses(result.contentHtml)).toEqual([]);
    expect(result.contentHtml).not.toMatch(/poster=|style=|<video|<input/);
    // Only links (opened outside the app, never loaded by it) may still name remote hosts.
    for (const element of Array.from(fragment(result.contentHtml).querySelectorAll('*'))) {
      for (const attribute of Array.from(element.attributes)) {
        if (/^https?:/i.test(attribute.value))
          expect(`${element.tagName} ${attribute.name}`).toBe('A href');
      }
    }
    expect(sniffImageType(tinyPng(12))).toBe('png');
  });
});
