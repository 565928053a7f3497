/**
 * The browser host serving a library that is still opening, over real HTTP on 127.0.0.1: a real
 * store whose library.json was deleted is rebuilt behind the served page; the event stream carries
 * the open's progress (job `library-open`) up to done === total, API calls wait for the library,
 * and a failed open reaches them as its typed error.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { type ClientRequest, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Library, NewArticle } from '../../../src-main/core/library/library';
import { openLibrary } from '../../../src-main/core/library/store';
import { openAppLibrary } from '../../../src-main/core/open-app-library';
import { LibrarySearch } from '../../../src-main/core/search/library-search';
import { LIBRARY_OPEN_JOB, LibraryOpening } from '../../../src-main/library-opening';
import { type HostServer, startHostServer } from '../../../src-main/host/server';
import type { EventMap } from '../../../src-main/shared/contract';

type Progress = EventMap['progress'];

/** Enough folders for the scan to report between its first and last (it reports every 200). */
const ARTICLES = 450;

let dir: string;
let rendererDir: string;
/** A library of ARTICLES articles whose index was deleted after it was closed. */
let root: string;
const cleanups: (() => Promise<void>)[] = [];

function article(index: number): NewArticle {
  const text = `Report number ${index} from the harbour.\n\nBoats came back at dawn.`;
  return {
    title: `Harbour report ${index}`,
    siteName: 'Coast Weekly',
    section: null,
    byline: null,
    publishedTime: null,
    excerpt: null,
    url: null,
    lang: 'en',
    dir: 'ltr',
    sourceKind: 'text',
    fileName: `report-${index}.txt`,
    contentHtml: text
      .split('\n\n')
      .map((paragraph) => `<p>${paragraph}</p>`)
      .join('\n'),
    textContent: text,
    wordCount: 10,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offprint-host-opening-'));
  rendererDir = join(dir, 'renderer');
  mkdirSync(rendererDir, { recursive: true });
  writeFileSync(
    join(rendererDir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>Offprint</title></head><body></body></html>',
  );
  root = join(dir, 'library');
  const { library } = await openLibrary(root);
  // In parallel: each add has its own folder and queue, and fsyncs one at a time would be slow.
  for (let start = 0; start < ARTICLES; start += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, ARTICLES - start) }, (_, offset) =>
        library.add(article(start + offset)),
      ),
    );
  }
  await library.close();
  await rm(join(root, 'library.json'));
}, 60_000);

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A promise and the function that resolves it. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

async function serve(opening: LibraryOpening): Promise<HostServer> {
  const server = await startHostServer({ opening, rendererDir });
  cleanups.push(async () => {
    await server.close();
    await opening.close();
  });
  return server;
}

/** A call the way the renderer makes it; resolves with the parsed Result. */
async function call(server: HostServer, channel: string, args: unknown = {}) {
  const response = await fetch(`${server.url}api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Offprint-Token': server.token },
    body: JSON.stringify(args),
  });
  return (await response.json()) as { ok: boolean; value?: unknown; error?: { code: string } };
}

/** An event-stream client: collects `library-open` progress until a report says done === total. */
function followOpen(server: HostServer): {
  connected: Promise<void>;
  finished: Promise<Progress[]>;
} {
  const connected = gate();
  let req: ClientRequest;
  const finished = new Promise<Progress[]>((resolve, reject) => {
    const reports: Progress[] = [];
    let text = '';
    req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: `/api/events?token=${encodeURIComponent(server.token)}`,
      },
      (res) => {
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          if (text.includes(': connected\n\n')) connected.open();
          let end: number;
          while ((end = text.indexOf('\n\n')) !== -1) {
            const frame = text.slice(0, end);
            text = text.slice(end + 2);
            const match = /^event: progress\ndata: (.*)$/.exec(frame);
            if (!match?.[1]) continue;
            const report = JSON.parse(match[1]) as Progress;
            if (report.job !== LIBRARY_OPEN_JOB) continue;
            reports.push(report);
            if (report.done === report.total) {
              req.destroy();
              resolve(reports);
            }
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
  return { connected: connected.promise, finished };
}

describe('browser host: a library still opening', () => {
  it('rebuilds a deleted index behind the served page, with progress, and then answers', async () => {
    // The open waits until the page and the event stream were served, so that "before the open
    // finishes" is certain rather than a race with a fast disk.
    const start = gate();
    const opening = new LibraryOpening({
      open: async (hooks) => {
        await start.promise;
        return openAppLibrary({ libraryDir: root, resourcesDir: join(dir, 'no-resources'), hooks });
      },
      startSearch: (library) => new LibrarySearch(library, { persist: false }).start(),
    });
    const server = await serve(opening);

    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`content="${server.token}"`);
    const events = followOpen(server);
    await events.connected;
    let listed = false;
    const list = call(server, 'library.list').finally(() => (listed = true));
    // One more round trip, so the list call has surely reached the server and is waiting there.
    expect((await fetch(server.url)).status).toBe(200);
    expect(opening.library).toBeNull();
    expect(listed).toBe(false);

    start.open();
    const reports = await events.finished;
    const first = reports[0];
    expect(first).toEqual({
      job: LIBRARY_OPEN_JOB,
      label: 'Rebuilding the library index',
      done: 0,
      total: ARTICLES,
    });
    expect(reports.some((report) => report.done > 0 && report.done < ARTICLES)).toBe(true);
    expect(reports.at(-1)).toEqual({ ...first, done: ARTICLES });
    const dones = reports.map((report) => report.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));

    const result = await list;
    expect(result.ok).toBe(true);
    const titles = (result.value as { title: string }[]).map((summary) => summary.title);
    expect(titles).toHaveLength(ARTICLES);
    expect(new Set(titles).size).toBe(ARTICLES);
    expect(opening.progress).toBeNull();
    const info = await call(server, 'library.info');
    expect(info.value).toMatchObject({ articleCount: ARTICLES, host: 'browser' });
  });

  it('tells an event stream opened mid-way how far the open is', async () => {
    const finish = gate();
    let library: Library | null = null;
    const opening = new LibraryOpening({
      open: async (hooks) => {
        hooks.onLocked();
        hooks.onProgress(0, 1000, true);
        hooks.onProgress(400, 1000, true);
        await finish.promise;
        library = (await openLibrary(join(dir, 'mid-way'))).library;
        return library;
      },
      startSearch: () => undefined,
    });
    const server = await serve(opening);
    await opening.claimed;

    const events = followOpen(server);
    await events.connected;
    finish.open();
    const reports = await events.finished;
    // The report replayed on connecting, then the final one (the mid-way library is empty).
    expect(reports).toEqual([
      { job: LIBRARY_OPEN_JOB, label: 'Rebuilding the library index', done: 400, total: 1000 },
      { job: LIBRARY_OPEN_JOB, label: 'Rebuilding the library index', done: 1000, total: 1000 },
    ]);
    expect(opening.library).toBe(library);
  });

  it('answers calls with the typed error when the library cannot be opened', async () => {
    // This process holds the library, as another Offprint would.
    const holder = await openLibrary(root);
    cleanups.push(() => holder.library.close());
    const start = gate();
    const opening = new LibraryOpening({
      open: async (hooks) => {
        await start.promise;
        return openAppLibrary({ libraryDir: root, resourcesDir: join(dir, 'no-resources'), hooks });
      },
    });
    const server = await serve(opening);
    const events = followOpen(server);
    await events.connected;
    start.open();

    await expect(opening.claimed).rejects.toMatchObject({ code: 'library-locked' });
    const result = await call(server, 'library.list');
    expect(result).toMatchObject({ ok: false, error: { code: 'library-locked' } });
    // Input is still checked first, and the page is still served.
    expect(await call(server, 'article.get', { id: 42 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
    expect((await fetch(server.url)).status).toBe(200);
    // Whatever it showed, the renderer hears the open is over.
    const reports = await events.finished;
    expect(reports.at(-1)?.done).toBe(reports.at(-1)?.total);
  });
});
