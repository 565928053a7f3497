/**
 * The web-saving channels through dispatch(), the door both hosts use: import.url (validation,
 * outcomes, progress events, cancel), import.cancel, article.refresh, article.retryImages and
 * article.get with a version. Each has inputs that are accepted and inputs that are refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Library } from '../../src-main/core/library/library';
import { openLibrary } from '../../src-main/core/library/store';
import { PathGrants } from '../../src-main/core/path-grants';
import { type Handlers, createHandlers, dispatch } from '../../src-main/handlers';
import type { EventMap } from '../../src-main/shared/contract';
import { MAX_URL_LENGTH, MAX_URLS_PER_IMPORT } from '../../src-main/shared/limits';
import type {
  Article,
  ArticleSummary,
  ImportOutcome,
  RetryImagesResult,
} from '../../src-main/shared/model';
import {
  type WebFixture,
  articlePage,
  respond,
  startWebFixture,
  tinyPng,
} from './core/ingest/web-fixture';

let web: WebFixture;
let dir: string;
let library: Library;
let handlers: Handlers;
let progress: EventMap['progress'][];

beforeAll(async () => {
  web = await startWebFixture();
  web.route('/a', respond(articlePage('Article A'), { 'Content-Type': 'text/html' }));
  web.route('/b', respond(articlePage('Article B'), { 'Content-Type': 'text/html' }));
  for (const stall of ['/stall', '/stall?2', '/stall?3']) web.route(stall, () => undefined);
});

afterAll(async () => {
  await web.close();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offprint-handlers-web-'));
  ({ library } = await openLibrary(join(dir, 'library')));
  progress = [];
  handlers = createHandlers(library, {
    kind: 'browser',
    pickFiles: null,
    grants: new PathGrants(),
    events: (event, payload) => {
      if (event === 'progress') progress.push(payload as EventMap['progress']);
    },
    web: { page: { timeoutMs: 5000 }, images: { timeoutMs: 1000, totalTimeoutMs: 2000 } },
  });
});

afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

function ok<T>(result: Awaited<ReturnType<typeof dispatch>>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

function refusal(result: Awaited<ReturnType<typeof dispatch>>): string {
  if (result.ok) throw new Error('expected a refusal');
  expect(result.error.code).toBe('invalid-argument');
  return result.error.message;
}

describe('import.url', () => {
  it('saves each address as one job, with progress events and per-item outcomes', async () => {
    const outcomes = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.url', {
        urls: [`${web.origin}/a`, `${web.origin}/missing`, ` ${web.origin}/a#again `],
        job: 'paste-1',
      }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['saved', 'failed', 'exists']);
    expect(outcomes[1]).toMatchObject({ error: { code: 'http-error' } });
    expect(library.count()).toBe(1);
    expect(progress[0]).toEqual({ job: 'paste-1', label: 'Saving 3 items…', done: 0, total: 3 });
    expect(progress.at(-1)).toEqual({
      job: 'paste-1',
      label: '1 saved, 1 already there, 1 failed',
      done: 3,
      total: 3,
    });
  });

  it('makes up a job id when none is given, and reports it in the events', async () => {
    ok(await dispatch(handlers, 'import.url', { urls: [`${web.origin}/b`] }));
    expect(progress[0]?.job).toMatch(/^import-[0-9a-f-]{36}$/);
  });

  it('refuses bad input before fetching anything', async () => {
    const fetched = web.requests.length;
    expect(refusal(await dispatch(handlers, 'import.url', { urls: [] }))).toMatch(/at least one/);
    expect(
      refusal(await dispatch(handlers, 'import.url', { urls: ['ftp://x.example/a'] })),
    ).toMatch(/Only http:\/\/ and https:\/\//);
    expect(
      refusal(await dispatch(handlers, 'import.url', { urls: ['javascript:alert(1)'] })),
    ).toMatch(/Only http/);
    expect(refusal(await dispatch(handlers, 'import.url', { urls: ['nonsense'] }))).toMatch(
      /Only http/,
    );
    expect(
      refusal(
        await dispatch(handlers, 'import.url', {
          urls: [`https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`],
        }),
      ),
    ).toMatch(/longer than 2048/);
    expect(
      refusal(
        await dispatch(handlers, 'import.url', {
          urls: Array.from(
            { length: MAX_URLS_PER_IMPORT + 1 },
            (_, n) => `https://example.com/${n}`,
          ),
        }),
      ),
    ).toMatch(/At most 200/);
    expect(refusal(await dispatch(handlers, 'import.url', { urls: [42] }))).toMatch(/string/);
    expect(
      refusal(
        await dispatch(handlers, 'import.url', { urls: [`${web.origin}/a`], job: 'no spaces' }),
      ),
    ).toMatch(/job id/);
    refusal(await dispatch(handlers, 'import.url', { urls: [`${web.origin}/a`], extra: true }));
    expect(web.requests.length).toBe(fetched);
  });
});

describe('import.cancel', () => {
  it('cancels a running job: its items end as cancelled', async () => {
    const pending = dispatch(handlers, 'import.url', {
      urls: [
        `${web.origin}/stall`,
        `${web.origin}/stall?2`,
        `${web.origin}/stall?3`,
        `${web.origin}/a`,
      ],
      job: 'long-job',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ok<boolean>(await dispatch(handlers, 'import.cancel', { job: 'long-job' }))).toBe(true);
    const outcomes = ok<ImportOutcome[]>(await pending);
    expect(outcomes.map((outcome) => outcome.status === 'failed' && outcome.error.code)).toEqual([
      'cancelled',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
    expect(library.count()).toBe(0);
    expect(progress.at(-1)).toMatchObject({
      job: 'long-job',
      done: 4,
      total: 4,
      label: '0 saved, 4 cancelled',
    });
  });

  it('answers false for a job that is not running, and refuses a malformed id', async () => {
    expect(ok<boolean>(await dispatch(handlers, 'import.cancel', { job: 'nothing-here' }))).toBe(
      false,
    );
    refusal(await dispatch(handlers, 'import.cancel', { job: '' }));
    refusal(await dispatch(handlers, 'import.cancel', {}));
  });
});

describe('article.refresh, article.retryImages, article.get with a version', () => {
  it('refreshes into a new version and gets either version', async () => {
    web.route('/changing', respond(articlePage('Changing'), { 'Content-Type': 'text/html' }));
    const [outcome] = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.url', { urls: [`${web.origin}/changing`] }),
    );
    if (outcome?.status !== 'saved') throw new Error('not saved');
    const id = outcome.article.id;
    web.route(
      '/changing',
      respond(articlePage('Changed', '<p>A correction was appended to this story later.</p>'), {
        'Content-Type': 'text/html',
      }),
    );
    const summary = ok<ArticleSummary>(await dispatch(handlers, 'article.refresh', { id }));
    expect(summary.title).toBe('Changed');
    const latest = ok<Article>(await dispatch(handlers, 'article.get', { id }));
    expect(latest.versions).toMatchObject({ shown: 2, count: 2 });
    const first = ok<Article>(await dispatch(handlers, 'article.get', { id, version: 1 }));
    expect(first.title).toBe('Changed'); // metadata follows the newest copy
    expect(first.contentHtml).not.toContain('correction');
    expect(first.versions?.shown).toBe(1);

    refusal(await dispatch(handlers, 'article.get', { id, version: 0 }));
    refusal(await dispatch(handlers, 'article.get', { id, version: 1.5 }));
    refusal(await dispatch(handlers, 'article.refresh', { id: '../etc' }));
    const missing = await dispatch(handlers, 'article.refresh', { id: 'no-such-article' });
    expect(missing.ok || missing.error.code).toBe('not-found');
  });

  it('retries the images an earlier save could not get', async () => {
    web.route(
      '/pictured',
      respond(articlePage('Pictured', '<img src="/pics/soon.png" alt="Soon">'), {
        'Content-Type': 'text/html',
      }),
    );
    const [outcome] = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.url', { urls: [`${web.origin}/pictured`] }),
    );
    if (outcome?.status !== 'saved') throw new Error('not saved');
    const id = outcome.article.id;
    expect(ok<Article>(await dispatch(handlers, 'article.get', { id })).imageFailures).toHaveLength(
      1,
    );

    web.route('/pics/soon.png', respond(tinyPng(50), { 'Content-Type': 'image/png' }));
    expect(ok<RetryImagesResult>(await dispatch(handlers, 'article.retryImages', { id }))).toEqual({
      saved: 1,
      stillMissing: 0,
    });
    expect(ok<Article>(await dispatch(handlers, 'article.get', { id })).imageFailures).toEqual([]);
    refusal(await dispatch(handlers, 'article.retryImages', { id, version: 1 }));
  });
});
