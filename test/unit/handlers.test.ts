/**
 * Every channel through dispatch(), the one door both hosts use: for each channel at least one input
 * that is accepted and one that is refused, against a real library in a temporary folder.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Library } from '../../src-main/core/library/library';
import { openLibrary } from '../../src-main/core/library/store';
import { PathGrants } from '../../src-main/core/path-grants';
import { LibrarySearch } from '../../src-main/core/search/library-search';
import {
  type Handlers,
  type HostServices,
  createHandlers,
  dispatch,
} from '../../src-main/handlers';
import { CHANNEL_NAMES } from '../../src-main/shared/contract';
import type { EventMap, LibraryCounts } from '../../src-main/shared/contract';
import {
  MAX_FILES_PER_IMPORT,
  MAX_IMPORT_BASE64_CHARS,
  MAX_LINKS_TEXT_CHARS,
} from '../../src-main/shared/limits';
import type { Article, ArticleSummary, ImportOutcome } from '../../src-main/shared/model';
import { FIREFOX_BOOKMARKS } from './core/ingest/bookmarks-fixture';
import {
  type WebFixture,
  articlePage,
  respond,
  startWebFixture,
  tinyPng,
} from './core/ingest/web-fixture';

const ARTICLE_TEXT =
  'Harbour reopens after storm\n\nThe old harbour reopened on Monday after repairs to the sea wall.\n\nFishing boats returned within hours.\n';

let dir: string;
let library: Library;
let services: HostServices;
let handlers: Handlers;
let picked: string[];

function ok<T>(result: Awaited<ReturnType<typeof dispatch>>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value as T;
}

function errorCode(result: Awaited<ReturnType<typeof dispatch>>): string | null {
  return result.ok ? null : result.error.code;
}

/** Imports one small article through the upload channel and returns its summary. */
async function uploadOne(name = 'harbour.txt'): Promise<ArticleSummary> {
  const outcomes = ok<ImportOutcome[]>(
    await dispatch(handlers, 'import.upload', {
      files: [{ name, dataBase64: Buffer.from(ARTICLE_TEXT).toString('base64') }],
    }),
  );
  const [outcome] = outcomes;
  if (outcome?.status !== 'saved') throw new Error(`upload failed: ${JSON.stringify(outcome)}`);
  return outcome.article;
}

/** Article folders on disk: what "nothing written" is checked against. */
function articleFolders(): string[] {
  try {
    return readdirSync(join(dir, 'library', 'articles'));
  } catch {
    return [];
  }
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'offprint-handlers-'));
  ({ library } = await openLibrary(join(dir, 'library')));
  picked = [];
  services = { kind: 'electron', pickFiles: async () => picked, grants: new PathGrants() };
  handlers = createHandlers(library, services);
});

afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dispatch', () => {
  it('refuses a channel that is not in the contract', async () => {
    for (const name of ['nope', 'toString', '__proto__', 'constructor', '']) {
      expect(errorCode(await dispatch(handlers, name, {})), name).toBe('unknown-channel');
    }
  });

  it('never throws, even when a handler does something unexpected', async () => {
    const broken = {
      ...handlers,
      'library.list': async () => {
        throw new TypeError('boom');
      },
    } as Handlers;
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await dispatch(broken, 'library.list', {});
    quiet.mockRestore();
    expect(result).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('refuses non-object arguments on every channel', async () => {
    for (const name of CHANNEL_NAMES) {
      // (An empty array passes valibot's strictObject({}) as "no fields", so it is not listed.)
      for (const raw of [undefined, null, 'x', 42, true]) {
        expect(errorCode(await dispatch(handlers, name, raw)), `${name} ${String(raw)}`).toBe(
          'invalid-argument',
        );
      }
    }
  });
});

describe('library.info', () => {
  it('accepts {} and describes the library and the host', async () => {
    await uploadOne();
    const info = ok<{ root: string; articleCount: number; host: string; version: string }>(
      await dispatch(handlers, 'library.info', {}),
    );
    expect(info).toMatchObject({ root: library.root, articleCount: 1, host: 'electron' });
    expect(typeof info.version).toBe('string');
  });

  it('refuses extra fields', async () => {
    expect(errorCode(await dispatch(handlers, 'library.info', { verbose: true }))).toBe(
      'invalid-argument',
    );
  });
});

describe('library.list', () => {
  it('accepts {} and lists what was imported', async () => {
    expect(ok<ArticleSummary[]>(await dispatch(handlers, 'library.list', {}))).toEqual([]);
    const article = await uploadOne();
    const list = ok<ArticleSummary[]>(await dispatch(handlers, 'library.list', {}));
    expect(list.map((item) => item.id)).toEqual([article.id]);
  });

  it('refuses extra fields', async () => {
    const result = await dispatch(handlers, 'library.list', { limit: 10 });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!result.ok) expect(result.error.message).toContain('library.list');
  });
});

describe('article.get', () => {
  it('accepts an existing id and returns its content', async () => {
    const { id } = await uploadOne();
    const article = ok<{ id: string; title: string; contentHtml: string }>(
      await dispatch(handlers, 'article.get', { id }),
    );
    expect(article.id).toBe(id);
    expect(article.contentHtml).toContain('sea wall');
  });

  it('refuses bad ids, missing and extra fields; a well-formed unknown id is not-found', async () => {
    for (const args of [
      { id: '../../etc/passwd' },
      { id: 'Upper-Case' },
      { id: '' },
      { id: 'a'.repeat(81) },
      { id: 42 },
      {},
      { id: 'abc', extra: 1 },
    ]) {
      expect(errorCode(await dispatch(handlers, 'article.get', args)), JSON.stringify(args)).toBe(
        'invalid-argument',
      );
    }
    expect(errorCode(await dispatch(handlers, 'article.get', { id: 'no-such-article' }))).toBe(
      'not-found',
    );
  });
});

describe('article.setState', () => {
  it('accepts a patch and persists it', async () => {
    const { id } = await uploadOne();
    const updated = ok<ArticleSummary>(
      await dispatch(handlers, 'article.setState', { id, patch: { bookmarked: true, read: true } }),
    );
    expect(updated).toMatchObject({ id, bookmarked: true, read: true, archived: false });
    const again = ok<ArticleSummary[]>(await dispatch(handlers, 'library.list', {}));
    expect(again[0]).toMatchObject({ bookmarked: true, read: true });
  });

  it('refuses wrong types, unknown patch fields and bad ids; unknown id is not-found', async () => {
    const { id } = await uploadOne();
    for (const args of [
      { id, patch: { bookmarked: 'yes' } },
      { id, patch: { starred: true } },
      { id, patch: null },
      { id },
      { id: '../x', patch: { read: true } },
      { id, patch: { read: true }, extra: 1 },
    ]) {
      expect(
        errorCode(await dispatch(handlers, 'article.setState', args)),
        JSON.stringify(args),
      ).toBe('invalid-argument');
    }
    const unchanged = ok<ArticleSummary[]>(await dispatch(handlers, 'library.list', {}));
    expect(unchanged[0]).toMatchObject({ bookmarked: false, read: false, archived: false });
    expect(
      errorCode(
        await dispatch(handlers, 'article.setState', {
          id: 'no-such-article',
          patch: { read: true },
        }),
      ),
    ).toBe('not-found');
  });
});

describe('dialog.openFiles', () => {
  it('returns the picked paths and grants exactly those', async () => {
    picked = [join(dir, 'a.txt'), join(dir, 'b.txt')];
    expect(ok<string[]>(await dispatch(handlers, 'dialog.openFiles', {}))).toEqual(picked);
    expect(services.grants.has(join(dir, 'a.txt'))).toBe(true);
    expect(services.grants.has(join(dir, 'c.txt'))).toBe(false);
  });

  it('refuses extra fields, and is not-permitted where the host has no dialog', async () => {
    expect(errorCode(await dispatch(handlers, 'dialog.openFiles', { path: '/' }))).toBe(
      'invalid-argument',
    );
    const browser = createHandlers(library, {
      kind: 'browser',
      pickFiles: null,
      grants: new PathGrants(),
    });
    expect(errorCode(await dispatch(browser, 'dialog.openFiles', {}))).toBe('not-permitted');
  });
});

describe('import.files', () => {
  it('imports a file the user picked, once', async () => {
    const file = join(dir, 'harbour.txt');
    writeFileSync(file, ARTICLE_TEXT);
    picked = [file];
    ok(await dispatch(handlers, 'dialog.openFiles', {}));
    const outcomes = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.files', { paths: [file] }),
    );
    expect(outcomes).toMatchObject([{ status: 'saved', source: expect.any(String) }]);
    expect(library.count()).toBe(1);
    // The grant is spent: importing the same path again needs a new pick.
    expect(errorCode(await dispatch(handlers, 'import.files', { paths: [file] }))).toBe(
      'not-permitted',
    );
  });

  it('refuses a path that was not picked, and writes nothing', async () => {
    const picks = join(dir, 'picked.txt');
    const secret = join(dir, 'not-picked.txt');
    writeFileSync(picks, ARTICLE_TEXT);
    writeFileSync(secret, ARTICLE_TEXT);
    picked = [picks];
    ok(await dispatch(handlers, 'dialog.openFiles', {}));
    for (const paths of [[secret], [picks, secret], ['/etc/passwd'], [join(dir, '..', 'x.txt')]]) {
      const result = await dispatch(handlers, 'import.files', { paths });
      expect(errorCode(result), paths.join()).toBe('not-permitted');
    }
    expect(library.count()).toBe(0);
    expect(articleFolders()).toEqual([]);
    // The refused calls did not spend the grant of the picked file either.
    expect(services.grants.has(picks)).toBe(true);
  });

  it('refuses malformed argument lists', async () => {
    for (const args of [
      { paths: [] },
      { paths: [''] },
      { paths: 'a.txt' },
      { paths: [42] },
      { paths: Array.from({ length: MAX_FILES_PER_IMPORT + 1 }, (_, index) => `/f${index}`) },
      { paths: ['/a'], recursive: true },
      {},
    ]) {
      expect(errorCode(await dispatch(handlers, 'import.files', args))).toBe('invalid-argument');
    }
  });
});

describe('import.upload', () => {
  it('imports uploaded bytes and reports each file', async () => {
    const article = await uploadOne('harbour.txt');
    expect(article.title).toContain('Harbour');
    expect(library.count()).toBe(1);
    expect(articleFolders()).toHaveLength(1);
  });

  it('refuses missing, extra and oversized fields, and writes nothing', async () => {
    const data = Buffer.from(ARTICLE_TEXT).toString('base64');
    for (const args of [
      { files: [] },
      { files: [{ name: 'a.txt' }] },
      { files: [{ dataBase64: data }] },
      { files: [{ name: '', dataBase64: data }] },
      { files: [{ name: 'a.txt', dataBase64: data, path: '/etc/passwd' }] },
      { files: [{ name: 'a.txt', dataBase64: 42 }] },
      { files: [{ name: 'a.txt', dataBase64: 'A'.repeat(MAX_IMPORT_BASE64_CHARS + 4) }] },
      { files: { name: 'a.txt', dataBase64: data } },
    ]) {
      const label = JSON.stringify(args).slice(0, 80);
      expect(errorCode(await dispatch(handlers, 'import.upload', args)), label).toBe(
        'invalid-argument',
      );
    }
    expect(library.count()).toBe(0);
    expect(articleFolders()).toEqual([]);
  });
});

describe('library.query', () => {
  type QueryResult = {
    total: number;
    counts: LibraryCounts;
    items: (ArticleSummary & { snippet?: { text: string; highlights: [number, number][] } })[];
  };

  it('accepts {} and lists the library with counts', async () => {
    const article = await uploadOne();
    const result = ok<QueryResult>(await dispatch(handlers, 'library.query', {}));
    expect(result.total).toBe(1);
    expect(result.counts).toEqual({ all: 1, bookmarked: 0, unread: 1, archived: 0, tags: [] });
    expect(result.items.map((item) => item.id)).toEqual([article.id]);
  });

  it('accepts a full query and searches with snippets', async () => {
    const search = new LibrarySearch(library, { persist: false, changeDelayMs: 0 }).start();
    const withSearch = createHandlers(library, services, search);
    const article = await uploadOne();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await search.flush();
    const result = ok<QueryResult>(
      await dispatch(withSearch, 'library.query', {
        text: 'harbor',
        filters: {
          bookmarked: false,
          unread: true,
          archived: false,
          savedAfter: '2000-01-01',
          savedBefore: '2999-12-31T23:59:59Z',
        },
        sort: 'title',
        direction: 'asc',
        offset: 0,
        limit: 500,
      }),
    );
    expect(result.items.map((item) => item.id)).toEqual([article.id]);
    const snippet = result.items[0]?.snippet;
    expect(snippet?.highlights.map(([start, end]) => snippet.text.slice(start, end))).toContain(
      'harbour',
    );
    await search.close();
  });

  it('refuses malformed queries', async () => {
    for (const args of [
      { text: 'x'.repeat(501) },
      { text: 42 },
      { limit: 501 },
      { limit: -1 },
      { limit: 1.5 },
      { offset: -1 },
      { offset: '0' },
      { sort: 'author' },
      { direction: 'up' },
      { filters: { feed: 'abc' } },
      { filters: { bookmarked: 'yes' } },
      { filters: { tag: '' } },
      { filters: { tag: 'x'.repeat(65) } },
      { filters: { savedAfter: 'yesterday' } },
      { filters: { publishedBefore: '2025-13-45' } },
      { query: 'harbour' },
    ]) {
      const label = JSON.stringify(args).slice(0, 80);
      expect(errorCode(await dispatch(handlers, 'library.query', args)), label).toBe(
        'invalid-argument',
      );
    }
  });
});

// --- Article user state, annotations, health and settings (the library store's durability half) ---

type Annotation = import('../../src-main/shared/model').Annotation;
type LibraryHealth = import('../../src-main/shared/model').LibraryHealth;

const NO_SUCH_ARTICLE = '20250101-no-such-article-abc123';
const NO_SUCH_ANNOTATION = '00000000-0000-4000-8000-000000000000';

function newHighlight(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    motivation: 'highlighting',
    quote: { exact: 'sea wall', prefix: 'repairs to the ', suffix: '.' },
    position: { start: 60, end: 68 },
    ...overrides,
  };
}

/** Dispatches every argument and expects each to be refused with `code`. */
async function expectRefused(
  channel: string,
  argsList: unknown[],
  code = 'invalid-argument',
): Promise<void> {
  for (const args of argsList) {
    const label = `${channel} ${JSON.stringify(args)?.slice(0, 100)}`;
    expect(errorCode(await dispatch(handlers, channel, args)), label).toBe(code);
  }
}

describe('article.setTags', () => {
  it('accepts tags, folding and deduplicating them', async () => {
    const { id } = await uploadOne();
    const summary = ok<ArticleSummary>(
      await dispatch(handlers, 'article.setTags', {
        id,
        tags: [' Harbours ', 'harbours', 'Storm'],
      }),
    );
    expect(summary.tags).toEqual(['Harbours', 'Storm']);
    expect(ok<ArticleSummary[]>(await dispatch(handlers, 'library.list', {}))[0]?.tags).toEqual([
      'Harbours',
      'Storm',
    ]);
  });

  it('refuses empty, 10,000-character and too many tags, and bad shapes; changes nothing', async () => {
    const { id } = await uploadOne();
    ok(await dispatch(handlers, 'article.setTags', { id, tags: ['kept'] }));
    const empty = await dispatch(handlers, 'article.setTags', { id, tags: [''] });
    expect(empty).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    if (!empty.ok) expect(empty.error.message).toMatch(/tags\.0.*A tag must not be empty/);
    const huge = await dispatch(handlers, 'article.setTags', { id, tags: ['x'.repeat(10_000)] });
    if (huge.ok) throw new Error('a 10,000-character tag was accepted');
    expect(huge.error.message).toMatch(/at most 64 characters; this one has 10000/);
    await expectRefused('article.setTags', [
      { id, tags: ['   '] },
      { id, tags: Array.from({ length: 101 }, (_, i) => `t${i}`) },
      { id, tags: 'news' },
      { id, tags: [42] },
      { id },
      { id, tags: [], extra: 1 },
      { id: '../x', tags: [] },
    ]);
    await expectRefused('article.setTags', [{ id: NO_SUCH_ARTICLE, tags: ['a'] }], 'not-found');
    expect(library.list()[0]?.tags).toEqual(['kept']);
  });
});

describe('article.setProgress', () => {
  it('accepts a fraction and article.get returns it', async () => {
    const { id } = await uploadOne();
    expect(ok<true>(await dispatch(handlers, 'article.setProgress', { id, progress: 0.25 }))).toBe(
      true,
    );
    const article = ok<{ progress: number }>(await dispatch(handlers, 'article.get', { id }));
    expect(article.progress).toBe(0.25);
  });

  it('refuses values outside 0..1, wrong types and extra fields; unknown id is not-found', async () => {
    const { id } = await uploadOne();
    await expectRefused('article.setProgress', [
      { id, progress: -0.01 },
      { id, progress: 1.01 },
      { id, progress: '0.5' },
      { id, progress: null },
      { id },
      { id, progress: 0.5, extra: true },
    ]);
    await expectRefused(
      'article.setProgress',
      [{ id: NO_SUCH_ARTICLE, progress: 0.5 }],
      'not-found',
    );
  });
});

describe('article.delete', () => {
  it('deletes the article and its folder', async () => {
    const { id } = await uploadOne();
    expect(ok<true>(await dispatch(handlers, 'article.delete', { id }))).toBe(true);
    expect(library.count()).toBe(0);
    expect(articleFolders()).toEqual([]);
    await expectRefused('article.delete', [{ id }], 'not-found');
  });

  it('refuses bad ids and extra fields, and deletes nothing', async () => {
    await uploadOne();
    await expectRefused('article.delete', [
      { id: '../../etc' },
      { id: '' },
      {},
      { id: 'abc', force: true },
    ]);
    await expectRefused('article.delete', [{ id: NO_SUCH_ARTICLE }], 'not-found');
    expect(library.count()).toBe(1);
    expect(articleFolders()).toHaveLength(1);
  });
});

describe('annotation.add, annotation.list', () => {
  it('accepts a highlight and a note and lists them', async () => {
    const { id } = await uploadOne();
    const highlight = ok<Annotation>(
      await dispatch(handlers, 'annotation.add', {
        articleId: id,
        annotation: newHighlight({ color: 'yellow' }),
      }),
    );
    const note = ok<Annotation>(
      await dispatch(handlers, 'annotation.add', {
        articleId: id,
        annotation: newHighlight({ motivation: 'commenting', note: 'Check the date.' }),
      }),
    );
    expect(highlight).toMatchObject({
      type: 'Annotation',
      motivation: 'highlighting',
      color: 'yellow',
      target: { source: id, version: 1 },
    });
    expect(note.body).toEqual({
      type: 'TextualBody',
      value: 'Check the date.',
      format: 'text/plain',
    });
    expect(
      ok<Annotation[]>(await dispatch(handlers, 'annotation.list', { articleId: id })),
    ).toEqual([highlight, note]);
    expect(library.list()[0]?.annotationCount).toBe(2);
  });

  it('refuses malformed annotations and arguments; unknown article is not-found', async () => {
    const { id } = await uploadOne();
    await expectRefused('annotation.add', [
      { articleId: id },
      { articleId: id, annotation: newHighlight({ quote: undefined }) },
      { articleId: id, annotation: newHighlight({ quote: { exact: '', prefix: '', suffix: '' } }) },
      { articleId: id, annotation: newHighlight({ position: { start: 10, end: 2 } }) },
      { articleId: id, annotation: newHighlight({ position: { start: 1.5, end: 2 } }) },
      { articleId: id, annotation: newHighlight({ motivation: 'commenting' }) },
      { articleId: id, annotation: newHighlight({ color: 'red' }) },
      { articleId: id, annotation: newHighlight({ note: 'n'.repeat(20_001) }) },
      { articleId: id, annotation: newHighlight({ id: NO_SUCH_ANNOTATION }) },
      { articleId: id, annotation: newHighlight(), extra: 1 },
      { id, annotation: newHighlight() },
      { articleId: 'Not An Id', annotation: newHighlight() },
    ]);
    await expectRefused(
      'annotation.add',
      [{ articleId: NO_SUCH_ARTICLE, annotation: newHighlight() }],
      'not-found',
    );
    await expectRefused('annotation.list', [{ id }, { articleId: '' }, { articleId: id, x: 1 }]);
    await expectRefused('annotation.list', [{ articleId: NO_SUCH_ARTICLE }], 'not-found');
    expect(library.list()[0]?.annotationCount).toBe(0);
  });
});

describe('annotation.update, annotation.remove', () => {
  it('accepts a patch and a removal', async () => {
    const { id } = await uploadOne();
    const added = ok<Annotation>(
      await dispatch(handlers, 'annotation.add', { articleId: id, annotation: newHighlight() }),
    );
    const updated = ok<Annotation>(
      await dispatch(handlers, 'annotation.update', {
        articleId: id,
        annotationId: added.id,
        patch: { note: 'Added later', color: 'pink' },
      }),
    );
    expect(updated).toMatchObject({ id: added.id, color: 'pink', body: { value: 'Added later' } });
    expect(
      ok<true>(
        await dispatch(handlers, 'annotation.remove', { articleId: id, annotationId: added.id }),
      ),
    ).toBe(true);
    expect(
      ok<Annotation[]>(await dispatch(handlers, 'annotation.list', { articleId: id })),
    ).toEqual([]);
  });

  it('refuses bad ids and patches; unknown annotations are not-found', async () => {
    const { id } = await uploadOne();
    const added = ok<Annotation>(
      await dispatch(handlers, 'annotation.add', { articleId: id, annotation: newHighlight() }),
    );
    const annotationId = added.id;
    await expectRefused('annotation.update', [
      { articleId: id, annotationId: 'not-a-uuid', patch: {} },
      { articleId: id, annotationId, patch: { colour: 'blue' } },
      { articleId: id, annotationId, patch: { note: 42 } },
      { articleId: id, annotationId, patch: { motivation: 'commenting' } }, // no note to comment with
      { articleId: id, annotationId },
    ]);
    await expectRefused(
      'annotation.update',
      [{ articleId: id, annotationId: NO_SUCH_ANNOTATION, patch: { note: 'x' } }],
      'not-found',
    );
    await expectRefused('annotation.remove', [
      { articleId: id, annotationId: '../x' },
      { articleId: id },
      { articleId: id, annotationId, extra: 1 },
    ]);
    await expectRefused(
      'annotation.remove',
      [
        { articleId: id, annotationId: NO_SUCH_ANNOTATION },
        { articleId: NO_SUCH_ARTICLE, annotationId },
      ],
      'not-found',
    );
    expect(
      ok<Annotation[]>(await dispatch(handlers, 'annotation.list', { articleId: id })),
    ).toEqual([added]);
  });
});

describe('library.health', () => {
  it('accepts {} and reports a damaged file found after open, also as an event', async () => {
    const { id } = await uploadOne();
    ok(await dispatch(handlers, 'annotation.add', { articleId: id, annotation: newHighlight() }));
    expect(ok<LibraryHealth>(await dispatch(handlers, 'library.health', {}))).toEqual({
      problems: [],
    });
    const { forwardLibraryEvents } = await import('../../src-main/handlers');
    const events: [string, unknown][] = [];
    const stop = forwardLibraryEvents(library, (event, payload) => events.push([event, payload]));
    writeFileSync(join(library.root, 'articles', id, 'annotations.json'), '{"format": 1, "annot');
    const quiet = vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(
      ok<Annotation[]>(await dispatch(handlers, 'annotation.list', { articleId: id })),
    ).toEqual([]);
    quiet.mockRestore();
    stop();
    const health = ok<LibraryHealth>(await dispatch(handlers, 'library.health', {}));
    expect(health.problems).toMatchObject([
      {
        file: 'annotations',
        articleId: id,
        outcome: 'reset',
        path: `articles/${id}/annotations.json`,
        quarantined: expect.stringMatching(/^quarantine\//),
      },
    ]);
    expect(events).toContainEqual(['library.health', health]);
  });

  it('refuses arguments', async () => {
    await expectRefused('library.health', [{ all: true }]);
  });
});

describe('settings.get, settings.update', () => {
  it('accepts a change and returns it', async () => {
    expect(ok(await dispatch(handlers, 'settings.get', {}))).toEqual({ sort: 'savedAt' });
    expect(ok(await dispatch(handlers, 'settings.update', { patch: { sort: 'title' } }))).toEqual({
      sort: 'title',
    });
    expect(ok(await dispatch(handlers, 'settings.get', {}))).toEqual({ sort: 'title' });
  });

  it('refuses unknown settings and values', async () => {
    await expectRefused('settings.get', [{ sort: 'title' }]);
    await expectRefused('settings.update', [
      { patch: { sort: 'author' } },
      { patch: { theme: 'dark' } },
      { sort: 'title' },
      {},
    ]);
    expect(library.settings()).toEqual({ sort: 'savedAt' });
  });
});

describe('import.upload: a saved page with its files', () => {
  const base64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');
  const page = articlePage(
    'Harbour pictures',
    '<figure><img src="page_files/red.png" alt="Red"></figure><figure><img src="page_files/blue.png" alt="Blue"></figure>',
  );

  it('takes images from the resources and files sent with the page, by relative path', async () => {
    const outcomes = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.upload', {
        files: [
          { name: 'page.html', relativePath: 'Saved/page.html', dataBase64: base64(page) },
          // Sent as a file, it also supplies its bytes (and gets its own outcome).
          {
            name: 'blue.png',
            relativePath: 'Saved/page_files/blue.png',
            dataBase64: base64(tinyPng(0, 0, 255)),
          },
        ],
        resources: [
          { relativePath: 'Saved/page_files/red.png', dataBase64: base64(tinyPng(255, 0, 0)) },
          { relativePath: 'Saved/page_files/style.css', dataBase64: base64('p { color: red }') },
        ],
      }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['saved', 'failed']);
    const [saved] = outcomes;
    if (saved?.status !== 'saved') throw new Error('not saved');
    const article = ok<Article>(await dispatch(handlers, 'article.get', { id: saved.article.id }));
    expect(article.contentHtml.match(/<img src="images\/[0-9a-f]{64}\.png"/g)).toHaveLength(2);
    expect(article.imageFailures ?? []).toEqual([]);
    expect(readdirSync(join(dir, 'library', 'images'))).toHaveLength(2);
    expect(library.count()).toBe(1);
  });

  it('without its files the page is still saved, its images as placeholders', async () => {
    const [outcome] = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.upload', {
        files: [{ name: 'page.html', dataBase64: base64(page) }],
      }),
    );
    if (outcome?.status !== 'saved') throw new Error('not saved');
    const article = ok<Article>(
      await dispatch(handlers, 'article.get', { id: outcome.article.id }),
    );
    expect(article.imageFailures?.map((failure) => failure.url)).toEqual([
      'page_files/red.png',
      'page_files/blue.png',
    ]);
  });

  it('refuses relative paths that are absolute, climb, or are malformed; writes nothing', async () => {
    const data = base64(page);
    const file = (relativePath: unknown) => ({
      files: [{ name: 'page.html', dataBase64: data, relativePath }],
    });
    const resource = (item: unknown) => ({
      files: [{ name: 'page.html', dataBase64: data }],
      resources: [item],
    });
    await expectRefused('import.upload', [
      file(''),
      file('/etc/passwd'),
      file('../page.html'),
      file('Saved/../../page.html'),
      file('Saved/./page.html'),
      file('Saved//page.html'),
      file('Saved/'),
      file('Saved\\page.html'),
      file('Saved/page\u0000.html'),
      file(`${'a/'.repeat(512)}page.html`),
      file(42),
      file(null),
      resource({ dataBase64: data }),
      resource({ relativePath: 'page_files/a.png' }),
      resource({ relativePath: '../a.png', dataBase64: data }),
      resource({ relativePath: 'a.png', dataBase64: data, name: 'a.png' }),
      resource({ relativePath: 'a.png', dataBase64: 'A'.repeat(MAX_IMPORT_BASE64_CHARS + 4) }),
      {
        files: [{ name: 'page.html', dataBase64: data }],
        resources: Array.from({ length: MAX_FILES_PER_IMPORT + 1 }, (_, n) => ({
          relativePath: `f${n}.png`,
          dataBase64: '',
        })),
      },
      { files: [{ name: 'page.html', dataBase64: data }], resources: 'page_files' },
    ]);
    expect(library.count()).toBe(0);
    expect(articleFolders()).toEqual([]);
  });
});

describe('import.links, and bookmarks files picked in the dialog', () => {
  let web: WebFixture;
  let progress: EventMap['progress'][];

  beforeAll(async () => {
    web = await startWebFixture();
    web.route('/one', respond(articlePage('Article one')));
    web.route('/two', respond(articlePage('Article two')));
  });

  afterAll(async () => {
    await web.close();
  });

  beforeEach(() => {
    progress = [];
    services = {
      ...services,
      events: (event, payload) => {
        if (event === 'progress') progress.push(payload as EventMap['progress']);
      },
      web: { page: { timeoutMs: 5000 }, images: { offline: true } },
    };
    handlers = createHandlers(library, services);
  });

  it('saves the addresses of a pasted list as one job, skipping words and repeats', async () => {
    const text = `Read these:\n${web.origin}/one\n${web.origin}/two, ${web.origin}/one#again\nftp://x.example/a ${web.origin}/missing`;
    const outcomes = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.links', { text, job: 'pasted-1' }),
    );
    expect(outcomes.map((outcome) => [outcome.source, outcome.status])).toEqual([
      [`${web.origin}/one`, 'saved'],
      [`${web.origin}/two`, 'saved'],
      [`${web.origin}/missing`, 'failed'],
    ]);
    expect(progress[0]).toEqual({ job: 'pasted-1', label: 'Saving 3 items…', done: 0, total: 3 });
    expect(progress.at(-1)).toMatchObject({ job: 'pasted-1', done: 3, total: 3 });
    expect(library.count()).toBe(2);
  });

  it('saves the links of a bookmarks export, not the export itself', async () => {
    const bookmarks = FIREFOX_BOOKMARKS.replaceAll('https://news.example.com', web.origin)
      .replace(`${web.origin}/2025/06/night-buses?utm_source=rss`, `${web.origin}/one`)
      .replace(`${web.origin}/2025/06/night-buses#comments`, `${web.origin}/one#comments`)
      .replace('http://blog.example.org/post/42', `${web.origin}/two`)
      .replace('https://wiki.example.org/wiki/Bus_(vehicle)', `${web.origin}/one`)
      .replace('https://spaced.example.com/a', `${web.origin}/missing`);
    const outcomes = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.links', { text: bookmarks }),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['saved', 'saved', 'failed']);
    expect(
      library
        .list()
        .map((article) => article.title)
        .sort(),
    ).toEqual(['Article one', 'Article two']);
    expect(progress[0]?.job).toMatch(/^import-/);
  });

  it('import.files: a picked bookmarks file saves its links, its outcomes in its place', async () => {
    const bookmarks = join(dir, 'bookmarks.html');
    writeFileSync(
      bookmarks,
      `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${web.origin}/two">Two</A>\n</DL>`,
    );
    const text = join(dir, 'harbour.txt');
    writeFileSync(text, ARTICLE_TEXT);
    picked = [bookmarks, text];
    ok(await dispatch(handlers, 'dialog.openFiles', {}));
    const outcomes = ok<ImportOutcome[]>(
      await dispatch(handlers, 'import.files', { paths: [bookmarks, text] }),
    );
    expect(outcomes.map((outcome) => [outcome.source, outcome.status])).toEqual([
      [`${web.origin}/two`, 'saved'],
      [text, 'saved'],
    ]);
    expect(progress.at(-1)).toMatchObject({ done: 1, total: 1, label: '1 saved' });
  });

  it('refuses text without web addresses, too much text, bad shapes; fetches nothing', async () => {
    const fetched = web.requests.length;
    await expectRefused('import.links', [
      { text: '' },
      { text: 42 },
      { text: [`${web.origin}/one`] },
      { text: 'x'.repeat(MAX_LINKS_TEXT_CHARS + 1) },
      { text: `${web.origin}/one`, job: 'no spaces' },
      { text: `${web.origin}/one`, extra: true },
      {},
      // Valid shapes, but nothing to save: still refused, with a message saying so.
      { text: 'no addresses here, only ftp://x.example/a and mailto:a@example.com' },
      { text: '<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><DT><A HREF="javascript:1">x</A></DL>' },
    ]);
    const result = await dispatch(handlers, 'import.links', { text: 'nothing' });
    expect(result).toEqual({
      ok: false,
      error: {
        code: 'invalid-argument',
        message: 'The text holds no web addresses (http:// or https://) to save.',
      },
    });
    expect(web.requests.length).toBe(fetched);
    expect(library.count()).toBe(0);
  });
});
