/**
 * The browser host's saved images, over real HTTP on 127.0.0.1: `GET /images/<sha256>.<ext>`
 * serves a file of the library's images folder (no token needed: the name is a content hash),
 * with its type and the app's headers; nothing else is reachable that way; and a page saved
 * through the host shows its images from the host alone, under the app's CSP.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../../src-main/core/library/library';
import { openLibrary } from '../../../src-main/core/library/store';
import { type HostServer, startHostServer } from '../../../src-main/host/server';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/host/csp';
import type { Article, ImportOutcome } from '../../../src-main/shared/model';
import {
  type WebFixture,
  articlePage,
  respond,
  startWebFixture,
  tinyPng,
} from '../core/ingest/web-fixture';

const HASH = '0123456789abcdef'.repeat(4);
let dir: string;
let library: Library;
let server: HostServer;
let web: WebFixture;

function get(
  path: string,
  method = 'GET',
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function call<T>(channel: string, args: unknown): Promise<T> {
  const response = await fetch(`${server.url}api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Offprint-Token': server.token },
    body: JSON.stringify(args),
  });
  const result = (await response.json()) as { ok: boolean; value: T; error?: unknown };
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offprint-host-images-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head></head><body></body></html>',
  );
  ({ library } = await openLibrary(join(dir, 'library')));
  mkdirSync(join(library.root, 'images'), { recursive: true });
  writeFileSync(join(library.root, 'images', `${HASH}.png`), tinyPng(1));
  writeFileSync(join(library.root, 'library-secret.txt'), 'secret');
  server = await startHostServer({ library, rendererDir });
  web = await startWebFixture();
});

afterAll(async () => {
  await web?.close();
  await server?.close();
  await library?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /images/<sha256>.<ext>', () => {
  it('serves a saved image with its type, the app headers and a long cache', async () => {
    const reply = await get(`/images/${HASH}.png`);
    expect(reply.status).toBe(200);
    expect(reply.body.equals(Buffer.from(tinyPng(1)))).toBe(true);
    expect(reply.headers['content-type']).toBe('image/png');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(reply.headers['cache-control']).toMatch(/immutable/);
    const head = await get(`/images/${HASH}.png`, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('serves nothing else', async () => {
    for (const path of [
      `/images/${'f'.repeat(64)}.png`, // well formed, not in the library
      `/images/${HASH}.svg`,
      `/images/${HASH.toUpperCase()}.png`,
      `/images/${HASH}.png/`,
      `/images/../library-secret.txt`,
      `/images/%2e%2e/library-secret.txt`,
      `/images/..%2flibrary-secret.txt`,
      `/images/${HASH.slice(2)}.png`,
      '/images/',
    ]) {
      const reply = await get(path);
      expect(reply.status, path).toBe(404);
      expect(reply.body.toString()).not.toContain('secret');
    }
    expect((await get(`/images/${HASH}.png`, 'POST')).status).toBe(404);
  });

  it('still checks the Host header (no DNS rebinding)', async () => {
    expect((await get(`/images/${HASH}.png`, 'GET', { Host: 'evil.example' })).status).toBe(403);
  });
});

describe('a page saved through the host reads offline', () => {
  it('its content names only images the host serves', async () => {
    web.route('/pics/p.png', respond(tinyPng(77), { 'Content-Type': 'image/png' }));
    web.route(
      '/story',
      respond(articlePage('Offline story', '<img src="/pics/p.png" alt="P">'), {
        'Content-Type': 'text/html',
      }),
    );
    const [outcome] = await call<ImportOutcome[]>('import.url', { urls: [`${web.origin}/story`] });
    if (outcome?.status !== 'saved') throw new Error(JSON.stringify(outcome));
    // The site goes away: reading must not need it.
    await web.close();
    const article = await call<Article>('article.get', { id: outcome.article.id });
    const sources = [...article.contentHtml.matchAll(/src="([^"]+)"/g)].map((match) => match[1]);
    expect(sources).toHaveLength(1);
    for (const source of sources) {
      expect(source).toMatch(/^images\/[0-9a-f]{64}\.png$/);
      // Resolved against the app page, as the reader's <img> resolves it.
      const url = new URL(source ?? '', server.url);
      expect(url.origin).toBe(new URL(server.url).origin);
      const reply = await get(url.pathname);
      expect(reply.status).toBe(200);
      expect(reply.body.equals(Buffer.from(tinyPng(77)))).toBe(true);
    }
    web = await startWebFixture();
  });
});
