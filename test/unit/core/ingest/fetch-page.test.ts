/**
 * fetchPage against a real HTTP server on 127.0.0.1: corpus pages, compression, redirects (chains,
 * loops, too many, to other schemes), HTTP errors, unreachable hosts, huge and endless bodies,
 * servers that never answer, non-HTML answers, and cancellation. Every failure must be a clear
 * OffprintError, and none may outlast its timeout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage } from '../../../../src-main/core/ingest/fetch-page';
import { parseHtmlArticle } from '../../../../src-main/core/ingest/html';
import { OffprintError } from '../../../../src-main/shared/errors';
import {
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

beforeAll(async () => {
  web = await startWebFixture();
});

afterAll(async () => {
  await web.close();
});

async function fetchError(promise: Promise<unknown>): Promise<OffprintError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OffprintError) return error;
    throw error;
  }
  throw new Error('expected the fetch to fail');
}

describe('fetchPage gets pages', () => {
  it.each(['guardian-1', 'lemonde-1', 'qq'])(
    'serves corpus page %s intact, and the importer reads it',
    async (name) => {
      const bytes = readFileSync(path.join(CORPUS, name, 'source.html'));
      const meta = JSON.parse(
        readFileSync(path.join(CORPUS, name, 'expected-metadata.json'), 'utf8'),
      ) as { title: string };
      web.route(`/corpus/${name}`, respond(bytes));
      const page = await fetchPage(`${web.origin}/corpus/${name}`);
      expect(page.status).toBe(200);
      expect(page.mediaType).toBe('text/html');
      expect(Buffer.from(page.bytes).equals(bytes)).toBe(true);
      const article = parseHtmlArticle(page.bytes, {
        url: page.url,
        contentType: page.contentType,
      });
      expect(article.title.replace(/\s+/g, ' ').trim()).toBe(
        meta.title.replace(/\s+/g, ' ').trim(),
      );
      expect(article.url).toBe(`${web.origin}/corpus/${name}`);
    },
  );

  it('sends a desktop User-Agent and accepts gzip and brotli, decoding both', async () => {
    const html = articlePage('Compressed');
    let userAgent = '';
    let acceptEncoding = '';
    web.route('/gzip', (req, res) => {
      userAgent = req.headers['user-agent'] ?? '';
      acceptEncoding = String(req.headers['accept-encoding'] ?? '');
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' });
      res.end(gzipSync(html));
    });
    web.route(
      '/br',
      respond(brotliCompressSync(html), { 'Content-Type': 'text/html', 'Content-Encoding': 'br' }),
    );
    expect(new TextDecoder().decode((await fetchPage(`${web.origin}/gzip`)).bytes)).toBe(html);
    expect(new TextDecoder().decode((await fetchPage(`${web.origin}/br`)).bytes)).toBe(html);
    expect(userAgent).toMatch(/^Mozilla\/5\.0 \(.*\) .*Chrome\/\d+/);
    expect(acceptEncoding).toMatch(/gzip/);
    expect(acceptEncoding).toMatch(/br/);
  });

  it('follows a redirect chain and reports the final address', async () => {
    web.route('/chain/1', redirect('/chain/2', 301));
    web.route('/chain/2', redirect(`${web.origin}/chain/3`, 307));
    web.route('/chain/3', redirect('/chain/page#section', 308));
    web.route('/chain/page', respond(articlePage('At the end of the chain')));
    const page = await fetchPage(`${web.origin}/chain/1`);
    expect(page.requestedUrl).toBe(`${web.origin}/chain/1`);
    expect(page.url).toBe(`${web.origin}/chain/page#section`);
  });

  it('accepts HTML sent without a Content-Type', async () => {
    web.route('/untyped', respond(articlePage('No type'), {}));
    expect((await fetchPage(`${web.origin}/untyped`)).bytes.length).toBeGreaterThan(100);
  });
});

describe('fetchPage refuses, with a clear error', () => {
  it('an unreachable host', async () => {
    const port = await closedPort();
    const error = await fetchError(fetchPage(`http://127.0.0.1:${port}/story`));
    expect(error.code).toBe('network-error');
    expect(error.message).toContain(`http://127.0.0.1:${port}/story`);
    expect(error.message).toContain('refused the connection');
  });

  it('HTTP 404 and 500', async () => {
    web.route('/gone', respond('nope', { 'Content-Type': 'text/html' }, 404));
    web.route('/broken', respond('oops', { 'Content-Type': 'text/html' }, 500));
    const notFound = await fetchError(fetchPage(`${web.origin}/gone`));
    expect(notFound.code).toBe('http-error');
    expect(notFound.message).toMatch(/answered 404 \(Not Found\)/);
    const broken = await fetchError(fetchPage(`${web.origin}/broken`));
    expect(broken.code).toBe('http-error');
    expect(broken.message).toMatch(/answered 500/);
  });

  it('a redirect loop, detected as one', async () => {
    web.route('/loop/a', redirect('/loop/b'));
    web.route('/loop/b', redirect('/loop/a'));
    const error = await fetchError(fetchPage(`${web.origin}/loop/a`));
    expect(error.code).toBe('network-error');
    expect(error.message).toMatch(/redirects in a loop/);
  });

  it('more than five redirects', async () => {
    for (let hop = 1; hop <= 8; hop += 1) web.route(`/hop/${hop}`, redirect(`/hop/${hop + 1}`));
    web.route('/hop/9', respond(articlePage('Far away')));
    const error = await fetchError(fetchPage(`${web.origin}/hop/1`));
    expect(error.message).toMatch(/redirects more than 5 times/);
    // Exactly six requests: the first and five followed redirects.
    expect(web.requests.filter((request) => request.startsWith('/hop/'))).toHaveLength(6);
    // The same chain is fine when it is short enough.
    expect((await fetchPage(`${web.origin}/hop/5`)).url).toBe(`${web.origin}/hop/9`);
  });

  it('a redirect to anything but http(s)', async () => {
    web.route('/to-file', redirect('file:///etc/passwd'));
    web.route('/to-data', redirect('data:text/html,<script>alert(1)</script>'));
    for (const route of ['/to-file', '/to-data']) {
      const error = await fetchError(fetchPage(`${web.origin}${route}`));
      expect(error.code).toBe('network-error');
      expect(error.message).toMatch(/does not follow/);
    }
  });

  it('addresses that are not web addresses', async () => {
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ftp://x.example/a',
      'nonsense',
    ]) {
      expect((await fetchError(fetchPage(url))).code).toBe('invalid-argument');
    }
  });

  it('a 100 MB body, streamed without a length: stopped at the cap, quickly', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    web.route('/huge', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.write('<html><body>');
      const push = () => {
        while (sent < 100 && res.write(chunk)) sent += 1;
        if (sent >= 100) res.end();
        else res.once('drain', push);
      };
      push();
    });
    const started = Date.now();
    const error = await fetchError(fetchPage(`${web.origin}/huge`, { maxBytes: 10 * 1024 * 1024 }));
    expect(error.code).toBe('too-large');
    expect(error.message).toMatch(/larger than 10 MB/);
    expect(Date.now() - started).toBeLessThan(5000);
    // The server was not drained to the end: the client hung up near the cap.
    expect(sent).toBeLessThan(60);
  });

  it('a body whose declared length is over the cap, before reading it', async () => {
    web.route('/declared', (_req, res) => {
      res.writeHead(200, {
        'Content-Type': 'text/html',
        'Content-Length': String(200 * 1024 * 1024),
      });
      res.write('<html>');
      // Never finishes: only the header can have been the reason for the refusal.
    });
    const error = await fetchError(fetchPage(`${web.origin}/declared`, { timeoutMs: 5000 }));
    expect(error.code).toBe('too-large');
  });

  it('a compressed body that inflates past the cap (a zip bomb)', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    web.route('/bomb', respond(bomb, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip' }));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const error = await fetchError(fetchPage(`${web.origin}/bomb`, { maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('too-large');
  });

  it('a server that never answers, and one that trickles: timeout, on time', async () => {
    web.route('/silent', () => undefined);
    web.route('/trickle', (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      const timer = setInterval(() => res.write('<p>a'), 100);
      res.on('close', () => clearInterval(timer));
    });
    for (const route of ['/silent', '/trickle']) {
      const started = Date.now();
      const error = await fetchError(fetchPage(`${web.origin}${route}`, { timeoutMs: 600 }));
      const elapsed = Date.now() - started;
      expect(error.code).toBe('timeout');
      expect(error.message).toMatch(/did not arrive within 600 ms/);
      expect(elapsed).toBeGreaterThanOrEqual(500);
      expect(elapsed).toBeLessThan(2500);
    }
  });

  it.each([
    ['/doc.pdf', 'application/pdf', '%PDF-1.7', /a PDF document, not a web page/],
    ['/photo.png', 'image/png', tinyPng(), /an image \(image\/png\), not a web page/],
    ['/data.json', 'application/json; charset=utf-8', '{"a":1}', /JSON data, not a web page/],
    ['/feed.xml', 'application/rss+xml', '<rss/>', /a news feed/],
  ])('a non-HTML answer: %s', async (route, type, body, message) => {
    web.route(route, respond(body, { 'Content-Type': type }));
    const error = await fetchError(fetchPage(`${web.origin}${route}`));
    expect(error.code).toBe('unsupported-file');
    expect(error.message).toMatch(message);
  });

  it('binary sent without a type', async () => {
    web.route('/mystery', respond(tinyPng(), {}));
    expect((await fetchError(fetchPage(`${web.origin}/mystery`))).code).toBe('unsupported-file');
  });

  it('cancellation: reported as cancelled, at once', async () => {
    web.route('/slow', () => undefined);
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await fetchError(
      fetchPage(`${web.origin}/slow`, { signal: controller.signal, timeoutMs: 10_000 }),
    );
    expect(error.code).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
