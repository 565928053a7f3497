/**
 * The browser host against a real library in a temporary folder, over real HTTP on 127.0.0.1: who
 * may call it (token, Host, Origin), what it refuses (size, non-JSON, unknown channels), what it
 * serves (the renderer, with the token, and nothing outside it) and the event stream.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Library } from '../../../src-main/core/library/library';
import { openLibrary } from '../../../src-main/core/library/store';
import {
  type HostServer,
  MAX_REQUEST_BODY_BYTES,
  startHostServer,
} from '../../../src-main/host/server';
import { CONTENT_SECURITY_POLICY } from '../../../src-main/host/csp';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let dir: string;
let library: Library;
let server: HostServer;
let host: string;
let origin: string;

/** One HTTP request with full control of the headers (fetch would not let us forge Host). */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, method, path, headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** An API call the way the renderer makes it, with the token unless told otherwise. */
function call(channel: string, args: unknown, headers: Record<string, string> = {}) {
  return send('POST', `/api/${channel}`, {
    headers: {
      'Content-Type': 'application/json',
      'X-Offprint-Token': server.token,
      Origin: origin,
      ...headers,
    },
    body: JSON.stringify(args),
  });
}

function json(reply: Reply): { ok: boolean; value?: unknown; error?: { code: string } } {
  return JSON.parse(reply.body) as { ok: boolean; value?: unknown; error?: { code: string } };
}

const UPLOAD = {
  files: [
    {
      name: 'harbour.txt',
      dataBase64: Buffer.from(
        'Harbour reopens after storm\n\nThe old harbour reopened on Monday after repairs to the sea wall.\n\nFishing boats returned within hours.\n',
      ).toString('base64'),
    },
  ],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offprint-host-'));
  const rendererDir = join(dir, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>Offprint</title></head><body></body></html>',
  );
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  // What a traversal would reach if the server let it out of the renderer folder.
  writeFileSync(join(dir, 'package.json'), '{"secret": true}');
  ({ library } = await openLibrary(join(dir, 'library')));
  server = await startHostServer({ library, rendererDir });
  host = `127.0.0.1:${server.port}`;
  origin = `http://${host}`;
});

afterAll(async () => {
  await server?.close();
  await library?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser host: who may call', () => {
  it('binds 127.0.0.1 with a fresh URL-safe token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });

  it('refuses a call without the token and changes nothing', async () => {
    const before = library.count();
    const reply = await send('POST', '/api/import.upload', {
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(UPLOAD),
    });
    expect(reply.status).toBe(403);
    expect(json(reply)).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    expect(library.count()).toBe(before);
  });

  it('refuses a wrong token, including one that differs only in length', async () => {
    for (const token of ['x'.repeat(32), `${server.token}x`, server.token.slice(1), '']) {
      const before = library.count();
      const reply = await call('import.upload', UPLOAD, { 'X-Offprint-Token': token });
      expect(reply.status, token).toBe(403);
      expect(json(reply).error?.code).toBe('not-permitted');
      expect(library.count()).toBe(before);
    }
  });

  it('refuses a foreign Origin even with the right token', async () => {
    for (const foreign of ['https://evil.example', 'http://127.0.0.1:1', 'null']) {
      const reply = await call('library.list', {}, { Origin: foreign });
      expect(reply.status, foreign).toBe(403);
      expect(json(reply).error?.code).toBe('not-permitted');
    }
  });

  it('refuses a foreign Host header (DNS rebinding), for the API and for pages', async () => {
    const foreignHosts = [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1',
      `127.0.0.1:${server.port + 1}`,
      `127.0.0.1.evil.example:${server.port}`,
    ];
    for (const foreignHost of foreignHosts) {
      const api = await call('library.list', {}, { Host: foreignHost });
      expect(api.status, foreignHost).toBe(403);
      const page = await send('GET', '/', { headers: { Host: foreignHost } });
      expect(page.status, foreignHost).toBe(403);
      expect(page.body).not.toContain(server.token);
    }
  });

  it('accepts localhost as well as 127.0.0.1', async () => {
    const reply = await call(
      'library.info',
      {},
      { Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` },
    );
    expect(reply.status).toBe(200);
    expect(json(reply)).toMatchObject({ ok: true, value: { host: 'browser' } });
  });
});

describe('browser host: what it refuses', () => {
  it('answers an oversized declared body with 413 at once, without reading it', async () => {
    const started = Date.now();
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/import.upload',
          headers: {
            'Content-Type': 'application/json',
            'X-Offprint-Token': server.token,
            'Content-Length': MAX_REQUEST_BODY_BYTES + 1,
          },
        },
        (res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      // Send only the start of the promised body: the answer must not wait for the rest.
      req.write('{"files":[');
    });
    expect(reply.status).toBe(413);
    expect(json(reply).error?.code).toBe('too-large');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops reading a streamed body once it passes the limit', async () => {
    const before = library.count();
    const chunk = Buffer.alloc(1024 * 1024, 'A');
    let written = 0;
    const reply = await new Promise<Reply>((resolve, reject) => {
      let answered = false;
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/import.upload',
          // No Content-Length: chunked, so only counting the bytes can catch it.
          headers: { 'Content-Type': 'application/json', 'X-Offprint-Token': server.token },
        },
        (res) => {
          answered = true;
          let body = '';
          res.on('data', (part: Buffer) => (body += part.toString('utf8')));
          res.on('end', () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
          });
        },
      );
      // The server may close while we are still writing: that is the point.
      req.on('error', (error) => (answered ? undefined : reject(error)));
      const pump = () => {
        while (!answered && written < MAX_REQUEST_BODY_BYTES * 3) {
          written += chunk.length;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        if (!answered) req.end();
      };
      pump();
    });
    expect(reply.status).toBe(413);
    expect(json(reply).error?.code).toBe('too-large');
    expect(written).toBeLessThan(MAX_REQUEST_BODY_BYTES * 3);
    expect(library.count()).toBe(before);
  });

  it('answers a body that is not JSON with 400 invalid-argument', async () => {
    const headers = { 'X-Offprint-Token': server.token, 'Content-Type': 'application/json' };
    for (const body of ['{"files": [', 'hello', '']) {
      const reply = await send('POST', '/api/library.list', { headers, body });
      expect(reply.status, body).toBe(400);
      expect(json(reply).error?.code).toBe('invalid-argument');
    }
    const plain = await send('POST', '/api/library.list', {
      headers: { 'X-Offprint-Token': server.token, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(400);
  });

  it('answers an unknown channel with 404 unknown-channel', async () => {
    for (const channel of ['nope', 'constructor', '__proto__', 'library.list/../x']) {
      const reply = await call(channel, {});
      expect(reply.status, channel).toBe(404);
      expect(json(reply).error?.code).toBe('unknown-channel');
    }
  });

  it('answers a valid call with 200 and typed errors with 200 too', async () => {
    const list = await call('library.list', {});
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toMatch(/^application\/json/);
    expect(json(list)).toMatchObject({ ok: true, value: expect.any(Array) });

    const invalid = await call('article.get', { id: '../../etc/passwd' });
    expect(invalid.status).toBe(200);
    expect(json(invalid).error?.code).toBe('invalid-argument');

    const missing = await call('article.get', { id: 'no-such-article' });
    expect(missing.status).toBe(200);
    expect(json(missing).error?.code).toBe('not-found');

    const noDialog = await call('dialog.openFiles', {});
    expect(json(noDialog).error?.code).toBe('not-permitted');
  });
});

describe('browser host: events', () => {
  it('streams library.changed after a change, and refuses the stream without the token', async () => {
    const refused = await send('GET', '/api/events?token=wrong');
    expect(refused.status).toBe(403);

    const upload = json(await call('import.upload', UPLOAD));
    expect(upload.ok).toBe(true);
    const [outcome] = upload.value as Array<{ status: string; article: { id: string } }>;
    expect(outcome?.status).toBe('saved');
    const id = outcome!.article.id;

    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: `/api/events?token=${encodeURIComponent(server.token)}`,
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
          let text = '';
          let changed = false;
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (!changed && text.includes(': connected')) {
              changed = true;
              // Change the library only once the stream is open, through the API like the renderer.
              void call('article.setState', { id, patch: { bookmarked: true } });
            }
            const frame = /event: library\.changed\ndata: (.*)\n\n/.exec(text);
            if (frame) {
              req.destroy();
              resolve(frame[1]!);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(received)).toEqual({ ids: [id] });
  });
});

describe('browser host: static files', () => {
  it('serves index.html with the token meta right after <head>, the CSP and no caching', async () => {
    for (const path of ['/', '/index.html']) {
      const reply = await send('GET', path);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.body).toContain(
        `<head><meta name="offprint-token" content="${server.token}"><meta charset="utf-8">`,
      );
    }
  });

  it('serves assets with their type and the CSP', async () => {
    const reply = await send('GET', '/assets/app.js');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(reply.body).toBe('console.log("app");');
  });

  it('never serves anything outside the renderer folder', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/%2E%2E%2Fpackage.json',
      '/..%5cpackage.json',
      '/assets/%00.js',
      '/%E0%A4%A',
    ]) {
      const reply = await send('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.body, path).not.toContain('secret');
    }
  });

  it('answers unknown paths and folders with 404', async () => {
    for (const path of ['/missing.js', '/assets', '/assets/']) {
      expect((await send('GET', path)).status, path).toBe(404);
    }
  });
});
