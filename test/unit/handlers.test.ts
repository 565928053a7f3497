/**
 * Every channel through dispatch(), the one door both hosts use: for each channel at least one input
 * that is accepted and one that is refused, against a real library in a temporary folder.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Library } from '../../src-main/core/library/library';
import { openLibrary } from '../../src-main/core/library/store';
import { PathGrants } from '../../src-main/core/path-grants';
import {
  type Handlers,
  type HostServices,
  createHandlers,
  dispatch,
} from '../../src-main/handlers';
import { CHANNEL_NAMES } from '../../src-main/shared/contract';
import { MAX_FILES_PER_IMPORT, MAX_IMPORT_BASE64_CHARS } from '../../src-main/shared/limits';
import type { ArticleSummary, ImportOutcome } from '../../src-main/shared/model';

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
