import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { INDEX_FORMAT } from '../../../../src-main/core/library/library-index';
import { OffprintError } from '../../../../src-main/shared/errors';
import { ARTICLE_ID_PATTERN } from '../../../../src-main/shared/limits';
import type { ArticleSummary } from '../../../../src-main/shared/model';
import { Sandbox, makeReadOnly, readOnlyMethod, sampleArticle } from './helpers';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

async function readJson(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

async function indexOnDisk(root: string): Promise<{ format: number; articles: ArticleSummary[] }> {
  return (await readJson(join(root, 'library.json'))) as {
    format: number;
    articles: ArticleSummary[];
  };
}

/** Resolves with the error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<OffprintError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OffprintError);
    return error as OffprintError;
  }
  throw new Error('expected a rejection');
}

/** Same for a function that throws synchronously or returns a rejecting promise. */
async function failureOf(run: () => unknown): Promise<OffprintError> {
  return failure(Promise.resolve().then(run));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('openLibrary', () => {
  it('creates the layout in a missing folder and reports created', async () => {
    const root = join(await sandbox.dir(), 'nested', 'library');
    const { library, created, report } = await sandbox.open(root);

    expect(created).toBe(true);
    expect(report.index).toBe('created');
    expect(library.root).toBe(root);
    expect(library.count()).toBe(0);
    expect(await indexOnDisk(root)).toMatchObject({ format: INDEX_FORMAT, articles: [] });
    expect((await stat(join(root, 'articles'))).isDirectory()).toBe(true);
    const lock = (await readJson(join(root, 'offprint.lock'))) as Record<string, unknown>;
    expect(lock).toMatchObject({ pid: process.pid, hostname: hostname() });
    expect(typeof lock.startedAt).toBe('string');
    expect((await readdir(root)).sort()).toEqual([
      'articles',
      'library.json',
      'offprint.lock',
      'settings.json',
    ]);
    expect(await readJson(join(root, 'settings.json'))).toEqual({ format: 1, sort: 'savedAt' });
    expect(report.problems).toEqual([]);

    await library.close();
    await expect(stat(join(root, 'offprint.lock'))).rejects.toThrow(/ENOENT/);
    const again = await sandbox.open(root);
    expect(again.created).toBe(false);
    expect(again.report.index).toBe('loaded');
  });

  it('reports an existing folder of articles without an index as not created', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    await first.library.add(sampleArticle());
    await first.library.close();
    await rm(join(root, 'library.json'));
    const { created, report, library } = await sandbox.open(root);
    expect(created).toBe(false);
    expect(report.index).toBe('rebuilt');
    expect(library.count()).toBe(1);
  });

  it('fails with io-error when the library path is a file', async () => {
    const file = join(await sandbox.dir(), 'not-a-folder');
    await writeFile(file, 'x');
    const error = await failure(sandbox.open(file));
    expect(error.code).toBe('io-error');
    expect(error.message).toContain(file);
  });
});

describe('add, get, list, setState', () => {
  it('round-trips an article and its state', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));

    const first = await library.add(sampleArticle());
    expect(first.id).toMatch(ARTICLE_ID_PATTERN);
    expect(first.id).toMatch(/^\d{8}-ceasefire-talks-resume-in-cairo-[a-z0-9]{6}$/);
    expect(first.id.slice(0, 8)).toBe(first.savedAt.slice(0, 10).replaceAll('-', ''));
    expect(first).toMatchObject({
      title: 'Ceasefire talks resume in Cairo',
      siteName: 'TRT World',
      wordCount: 9,
      readingMinutes: 1,
      bookmarked: false,
      read: false,
      archived: false,
    });
    expect(first.updatedAt).toBe(first.savedAt);

    await pause(5); // distinct savedAt, so "newest first" is decided by time, not by id
    const second = await library.add(
      sampleArticle({ title: 'Élections à Genève : résultats', wordCount: 1200 }),
    );
    expect(second.id).toMatch(/^\d{8}-elections-a-geneve-resultats-[a-z0-9]{6}$/);
    expect(second.readingMinutes).toBe(5);
    expect(library.list().map((item) => item.id)).toEqual([second.id, first.id]);
    expect(library.count()).toBe(2);

    const article = await library.get(first.id);
    expect(article.contentHtml).toBe(sampleArticle().contentHtml);
    expect(article.dir).toBe('ltr');
    expect(article).toMatchObject(first);
    expect(await library.readText(first.id)).toBe(sampleArticle().textContent);

    const folder = join(root, 'articles', first.id);
    expect((await readdir(folder)).sort()).toEqual([
      'article.json',
      'content-1.html',
      'text-1.txt',
    ]);
    expect(await readJson(join(folder, 'article.json'))).toMatchObject({
      format: 2,
      id: first.id,
      currentVersion: 1,
      versions: [
        {
          version: 1,
          savedAt: first.savedAt,
          wordCount: 9,
          contentSha256: createHash('sha256').update(sampleArticle().contentHtml).digest('hex'),
        },
      ],
      tags: [],
      progress: 0,
    });

    await pause(5);
    const marked = await library.setState(first.id, { bookmarked: true, read: true });
    expect(marked).toMatchObject({ id: first.id, bookmarked: true, read: true, archived: false });
    expect(marked.updatedAt > first.updatedAt).toBe(true);
    expect(marked.savedAt).toBe(first.savedAt);
    expect(library.list().find((item) => item.id === first.id)).toEqual(marked);
    expect(await library.get(first.id)).toMatchObject(marked);
    const unmarked = await library.setState(first.id, { bookmarked: false });
    expect(unmarked).toMatchObject({ bookmarked: false, read: true });

    // A patch that changes nothing writes nothing and announces nothing.
    const unchanged = await library.setState(first.id, { read: true });
    expect(unchanged.updatedAt).toBe(unmarked.updatedAt);
    expect(changes).toEqual([[first.id], [second.id], [first.id], [first.id]]);
  });

  it('returns summaries that cannot be changed behind the store', async () => {
    const { library } = await sandbox.open(await sandbox.dir());
    await library.add(sampleArticle());
    const [summary] = library.list();
    expect(() => {
      (summary as ArticleSummary).bookmarked = true;
    }).toThrow(TypeError);
    expect(library.list()[0]?.bookmarked).toBe(false);
  });

  it('refuses invalid input to add and setState', async () => {
    const { library } = await sandbox.open(await sandbox.dir());
    expect((await failure(library.add(sampleArticle({ title: '   ' })))).code).toBe(
      'invalid-argument',
    );
    expect((await failure(library.add(sampleArticle({ wordCount: -1 })))).code).toBe(
      'invalid-argument',
    );
    const { id } = await library.add(sampleArticle());
    const bad = { pinned: true } as unknown as { read: boolean };
    expect((await failureOf(() => library.setState(id, bad))).code).toBe('invalid-argument');
    const notBoolean = { read: 'yes' } as unknown as { read: boolean };
    expect((await failureOf(() => library.setState(id, notBoolean))).code).toBe('invalid-argument');
    expect(library.count()).toBe(1);
  });

  it('removes an article and its folder', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    const keep = await library.add(sampleArticle({ title: 'Keep me' }));
    const gone = await library.add(sampleArticle({ title: 'Remove me' }));
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));
    await library.remove(gone.id);
    expect(changes).toEqual([[gone.id]]);
    expect(library.list().map((item) => item.id)).toEqual([keep.id]);
    expect(await readdir(join(root, 'articles'))).toEqual([keep.id]);
    expect((await failureOf(() => library.get(gone.id))).code).toBe('not-found');
    await library.close();
    const reopened = await sandbox.open(root);
    expect(reopened.library.list().map((item) => item.id)).toEqual([keep.id]);
  });

  it('finishes changes called before close() and refuses those called after', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    let settled = false;
    const adding = library.add(sampleArticle()).finally(() => {
      settled = true;
    });
    const closing = library.close();
    const later = library.add(sampleArticle({ title: 'Too late' }));
    await closing;
    // close() resolved only after the add was acknowledged and written into the index.
    expect(settled).toBe(true);
    const added = await adding;
    expect((await indexOnDisk(root)).articles.map((item) => item.id)).toEqual([added.id]);
    expect((await failure(later)).code).toBe('internal');
    const reopened = await sandbox.open(root);
    expect(reopened.library.list().map((item) => item.id)).toEqual([added.id]);
  });

  it('stops listing an article whose folder was deleted behind its back', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    const added = await library.add(sampleArticle());
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));
    await rm(join(root, 'articles', added.id), { recursive: true });
    expect((await failureOf(() => library.get(added.id))).code).toBe('not-found');
    expect(library.count()).toBe(0);
    expect(changes).toEqual([[added.id]]);
  });

  it('refuses calls once closed', async () => {
    const { library } = await sandbox.open(await sandbox.dir());
    await library.close();
    await library.close(); // twice is fine
    expect(() => library.list()).toThrow(OffprintError);
    expect((await failureOf(() => library.add(sampleArticle()))).code).toBe('internal');
  });
});

describe('ids', () => {
  it('answers not-found for an unknown id', async () => {
    const { library } = await sandbox.open(await sandbox.dir());
    const id = '20250101-no-such-article-abc123';
    const error = await failureOf(() => library.get(id));
    expect(error.code).toBe('not-found');
    expect(error.message).toContain(id);
    expect((await failureOf(() => library.setState(id, { read: true }))).code).toBe('not-found');
    expect((await failureOf(() => library.remove(id))).code).toBe('not-found');
  });

  it.each(['../../etc/passwd', '..', '.', 'a/b', 'A-upper', '', '-leading', 'x'.repeat(81)])(
    'rejects %j before touching any path',
    async (id) => {
      const root = await sandbox.dir();
      const { library } = await sandbox.open(root);
      for (const run of [
        () => library.get(id),
        () => library.readText(id),
        () => library.setState(id, { read: true }),
        () => library.remove(id),
      ]) {
        expect((await failureOf(run)).code).toBe('invalid-argument');
      }
    },
  );
});

describe('durability and repair', () => {
  it('keeps acknowledged writes when the process dies without close()', async () => {
    const root = await sandbox.dir();
    // A long index delay: the index on disk must not be what carries the changes across.
    const first = await sandbox.open(root, { indexWriteDelayMs: 60_000 });
    const added = await first.library.add(sampleArticle());
    await first.library.setState(added.id, { bookmarked: true, read: true });
    first.library.abandon();
    expect((await indexOnDisk(root)).articles).toEqual([]);

    await rm(join(root, 'offprint.lock'));
    const second = await sandbox.open(root);
    expect(second.report.reread).toEqual([added.id]);
    const [summary] = second.library.list();
    expect(summary).toMatchObject({ id: added.id, bookmarked: true, read: true, archived: false });
    expect(await second.library.get(added.id)).toMatchObject({
      bookmarked: true,
      contentHtml: sampleArticle().contentHtml,
    });
    // The repaired index was written at open.
    expect((await indexOnDisk(root)).articles).toEqual(second.library.list());
  });

  it('notices state newer than the index after a crash (stale lock)', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const added = await first.library.add(sampleArticle());
    await first.library.close();

    const second = await sandbox.open(root, { indexWriteDelayMs: 60_000 });
    await second.library.setState(added.id, { archived: true });
    second.library.abandon(); // lock file stays, as after a crash
    expect((await indexOnDisk(root)).articles[0]?.archived).toBe(false);

    const third = await sandbox.open(root);
    expect(third.report.recoveredStaleLock).toBe(true);
    expect(third.library.list()[0]).toMatchObject({ id: added.id, archived: true });
  });

  it('trusts the index for article.json files older than it, and re-reads newer ones', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const added = await first.library.add(sampleArticle({ title: 'Original title' }));
    await first.library.close();

    const file = join(root, 'articles', added.id, 'article.json');
    const record = (await readJson(file)) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...record, title: 'Edited by hand' }));
    const anHourAgo = new Date(Date.now() - 3_600_000);
    await utimes(file, anHourAgo, anHourAgo);
    const second = await sandbox.open(root);
    // Not read: proves open does not read every article.json when the index is good.
    expect(second.report.reread).toEqual([]);
    expect(second.library.list()[0]?.title).toBe('Original title');
    await second.library.close();

    const now = new Date();
    await utimes(file, now, now);
    const third = await sandbox.open(root);
    expect(third.report.reread).toEqual([added.id]);
    expect(third.library.list()[0]?.title).toBe('Edited by hand');
  });

  it('rebuilds a deleted index identically', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const a = await first.library.add(sampleArticle({ title: 'First' }));
    await first.library.add(sampleArticle({ title: 'Second', sourceKind: 'html' }));
    const c = await first.library.add(sampleArticle({ title: 'Third', dir: 'rtl', lang: 'ar' }));
    await first.library.setState(a.id, { bookmarked: true });
    await first.library.setState(c.id, { archived: true, read: true });
    const listed = first.library.list();
    await first.library.close();
    const before = await indexOnDisk(root);
    expect(before.articles).toEqual(listed);

    await rm(join(root, 'library.json'));
    const second = await sandbox.open(root);
    expect(second.created).toBe(false);
    expect(second.report.index).toBe('rebuilt');
    expect(second.report.indexProblem).toMatch(/missing/);
    expect(second.library.list()).toEqual(listed);
    expect((await indexOnDisk(root)).articles).toEqual(before.articles);
  });

  it.each([
    ['not JSON', '{"format": 2, "articles": [', /not valid JSON/],
    [
      'a newer format',
      JSON.stringify({ format: INDEX_FORMAT + 1, articles: [] }),
      new RegExp(`format is ${INDEX_FORMAT + 1}`),
    ],
    [
      'the wrong shape',
      JSON.stringify({ format: INDEX_FORMAT, reflectsWritesBefore: 0, articles: [{ id: 'x' }] }),
      /title|articles/,
    ],
  ])('rebuilds an index that is %s', async (_label, content, problem) => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const added = await first.library.add(sampleArticle());
    await first.library.setState(added.id, { read: true });
    const listed = first.library.list();
    await first.library.close();

    await writeFile(join(root, 'library.json'), content);
    const second = await sandbox.open(root);
    expect(second.report.index).toBe('rebuilt');
    expect(second.report.indexProblem).toMatch(problem);
    expect(second.library.list()).toEqual(listed);
    expect((await indexOnDisk(root)).articles).toEqual(listed);
  });

  it('takes in an article folder added behind the index', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const own = await first.library.add(sampleArticle({ title: 'Already here' }));
    await first.library.close();

    const elsewhere = await sandbox.dir();
    const other = await sandbox.open(elsewhere);
    const foreign = await other.library.add(sampleArticle({ title: 'Copied in' }));
    await other.library.setState(foreign.id, { bookmarked: true });
    await other.library.close();
    await cp(join(elsewhere, 'articles', foreign.id), join(root, 'articles', foreign.id), {
      recursive: true,
    });

    const second = await sandbox.open(root);
    expect(second.report.index).toBe('loaded');
    expect(second.report.reread).toContain(foreign.id);
    expect(second.library.count()).toBe(2);
    expect(second.library.list().find((item) => item.id === foreign.id)).toMatchObject({
      title: 'Copied in',
      bookmarked: true,
    });
    expect((await second.library.get(own.id)).title).toBe('Already here');
    expect((await indexOnDisk(root)).articles).toHaveLength(2);
  });

  it('ignores and removes a half-written folder, and drops an index entry without a folder', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const kept = await first.library.add(sampleArticle({ title: 'Complete' }));
    const vanished = await first.library.add(sampleArticle({ title: 'Vanishes' }));
    await first.library.close();

    const half = join(root, 'articles', '20250101-interrupted-add-abc123');
    await mkdir(half);
    await writeFile(join(half, 'content-1.html'), '<p>half</p>');
    await writeFile(join(half, 'text-1.txt'), 'half');
    await rm(join(root, 'articles', vanished.id), { recursive: true });

    const second = await sandbox.open(root);
    expect(second.library.list().map((item) => item.id)).toEqual([kept.id]);
    expect(second.report.removedIncomplete).toEqual(['20250101-interrupted-add-abc123']);
    expect(second.report.dropped).toEqual([vanished.id]);
    expect(await readdir(join(root, 'articles'))).toEqual([kept.id]);
    expect((await indexOnDisk(root)).articles.map((item) => item.id)).toEqual([kept.id]);
  });

  it('skips an article.json from a newer Offprint, reports it and leaves the folder alone', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const good = await first.library.add(sampleArticle({ title: 'Good' }));
    const bad = await first.library.add(sampleArticle({ title: 'Bad' }));
    await first.library.close();
    const newer = JSON.stringify({ format: 99, id: bad.id, title: 'From the future' });
    await writeFile(join(root, 'articles', bad.id, 'article.json'), newer);

    const reported: string[] = [];
    const second = await sandbox.open(root, {
      onUnreadable: (article) => reported.push(article.id),
    });
    expect(reported).toEqual([bad.id]);
    expect(second.report.unreadable[0]).toMatchObject({ id: bad.id, reason: /newer Offprint/ });
    expect(second.library.list().map((item) => item.id)).toEqual([good.id]);
    expect((await readdir(join(root, 'articles'))).sort()).toEqual([bad.id, good.id].sort());
    expect(await readFile(join(root, 'articles', bad.id, 'article.json'), 'utf8')).toBe(newer);
    expect(second.report.problems).toMatchObject([
      {
        file: 'folder',
        path: `articles/${bad.id}`,
        articleId: bad.id,
        outcome: 'skipped',
        quarantined: null,
        message: expect.stringMatching(
          /newer Offprint \(format 99\)\. Its files are left as they are/,
        ),
      },
    ]);
  });

  it('sweeps temp files left by a crashed session', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    const added = await first.library.add(sampleArticle());
    first.library.abandon();
    const leftover = join(root, 'articles', added.id, 'article.json.tmp-999999-7');
    await writeFile(leftover, '{"partial": ');
    await writeFile(join(root, 'library.json.tmp-999999-8'), '{');

    const second = await sandbox.open(root);
    expect(second.report.recoveredStaleLock).toBe(true);
    expect(second.report.removedTempFiles).toBe(2);
    expect(await readdir(join(root, 'articles', added.id))).not.toContain(
      'article.json.tmp-999999-7',
    );
    expect(second.library.list().map((item) => item.id)).toEqual([added.id]);
  });

  it('reports rebuild progress up to the total', async () => {
    const root = await sandbox.dir();
    const first = await sandbox.open(root);
    for (const title of ['One', 'Two', 'Three']) await first.library.add(sampleArticle({ title }));
    await first.library.close();
    await rm(join(root, 'library.json'));
    const progress: [number, number][] = [];
    await sandbox.open(root, { onProgress: (done, total) => progress.push([done, total]) });
    expect(progress.at(-1)).toEqual([3, 3]);
  });
});

describe('lock', () => {
  function writeLock(root: string, owner: Record<string, unknown>): Promise<void> {
    return writeFile(
      join(root, 'offprint.lock'),
      JSON.stringify({
        hostname: hostname(),
        startedAt: new Date().toISOString(),
        nonce: 'n',
        ...owner,
      }),
    );
  }

  it('refuses a library another live process holds', async () => {
    const root = await sandbox.dir();
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    sandbox.onCleanup(() => {
      child.kill();
    });
    await new Promise((resolve) => child.once('spawn', resolve));
    await writeLock(root, { pid: child.pid });

    const error = await failure(sandbox.open(root));
    expect(error.code).toBe('library-locked');
    expect(error.message).toBe(
      `This library is already open in another Offprint window or process (pid ${child.pid}). Close it first.`,
    );
    // The lock is left as it was.
    expect(await readJson(join(root, 'offprint.lock'))).toMatchObject({ pid: child.pid });
  });

  it('refuses a second open in the same process', async () => {
    const root = await sandbox.dir();
    await sandbox.open(root);
    expect((await failure(sandbox.open(root))).code).toBe('library-locked');
  });

  it('refuses a library locked from another computer', async () => {
    const root = await sandbox.dir();
    await writeLock(root, { pid: 4242, hostname: `not-${hostname()}` });
    const error = await failure(sandbox.open(root));
    expect(error.code).toBe('library-locked');
    expect(error.message).toMatch(/another computer/);
  });

  it('takes over a stale lock whose process is dead', async () => {
    const root = await sandbox.dir();
    const child = spawn('true', [], { stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    await writeLock(root, { pid: child.pid });

    const { library, report } = await sandbox.open(root);
    expect(report.recoveredStaleLock).toBe(true);
    expect(await readJson(join(root, 'offprint.lock'))).toMatchObject({ pid: process.pid });
    await library.add(sampleArticle());
    await library.close();
    await expect(stat(join(root, 'offprint.lock'))).rejects.toThrow(/ENOENT/);
  });

  it('takes over an old lock that cannot be parsed', async () => {
    const root = await sandbox.dir();
    const lock = join(root, 'offprint.lock');
    await writeFile(lock, '');
    const aMinuteAgo = new Date(Date.now() - 60_000);
    await utimes(lock, aMinuteAgo, aMinuteAgo);
    const { report } = await sandbox.open(root);
    expect(report.recoveredStaleLock).toBe(true);
  });

  it('does not remove a lock it no longer owns', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    await writeLock(root, { pid: 4242, nonce: 'someone-else' });
    await library.close();
    expect(await readJson(join(root, 'offprint.lock'))).toMatchObject({ nonce: 'someone-else' });
  });
});

describe('failures', () => {
  const reason =
    readOnlyMethod === null
      ? 'cannot make a folder read-only here (root without chattr)'
      : `using ${readOnlyMethod}`;

  it.skipIf(readOnlyMethod === null)(
    `setState on a read-only article folder fails with io-error and keeps the old state (${reason})`,
    async () => {
      const root = await sandbox.dir();
      const { library } = await sandbox.open(root);
      const added = await library.add(sampleArticle());
      await library.setState(added.id, { read: true });
      const before = library.list();
      const folder = join(root, 'articles', added.id);
      const fileBefore = await readFile(join(folder, 'article.json'), 'utf8');

      const restore = await makeReadOnly(folder);
      sandbox.onCleanup(restore);
      const error = await failure(library.setState(added.id, { bookmarked: true }));
      expect(error.code).toBe('io-error');
      expect(error.message).toContain(join(folder, 'article.json'));
      expect(library.list()).toEqual(before);
      expect(await library.get(added.id)).toMatchObject({ read: true, bookmarked: false });
      await restore();

      expect(await readFile(join(folder, 'article.json'), 'utf8')).toBe(fileBefore);
      expect((await readdir(folder)).sort()).toEqual([
        'article.json',
        'content-1.html',
        'text-1.txt',
      ]);
      await library.close();
      const reopened = await sandbox.open(root);
      expect(reopened.library.list()).toEqual(before);
    },
  );

  it.skipIf(readOnlyMethod === null)(
    `add into a read-only library fails with io-error and keeps every article (${reason})`,
    async () => {
      const root = await sandbox.dir();
      const { library } = await sandbox.open(root);
      const existing = await library.add(sampleArticle({ title: 'Existing' }));
      const articles = join(root, 'articles');

      const restore = await makeReadOnly(articles);
      sandbox.onCleanup(restore);
      const error = await failure(library.add(sampleArticle({ title: 'New' })));
      expect(error.code).toBe('io-error');
      expect(error.message).toContain(articles);
      expect(library.list().map((item) => item.id)).toEqual([existing.id]);
      await restore();

      expect(await readdir(articles)).toEqual([existing.id]);
      expect((await library.get(existing.id)).title).toBe('Existing');
    },
  );

  it('fails with io-error naming the path when a folder stands where content is expected', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    const added = await library.add(sampleArticle());
    const content = join(root, 'articles', added.id, 'content-1.html');
    await rm(content);
    await mkdir(content);
    const error = await failure(library.get(added.id));
    expect(error.code).toBe('io-error');
    expect(error.message).toContain(content);
    expect(library.list()).toHaveLength(1);
  });
});

describe('concurrency', () => {
  it('applies 50 concurrent toggles in call order: the last one wins', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    const added = await library.add(sampleArticle());

    // Toggles spread over the three flags: a read-modify-write race would lose some of them.
    const keys = ['bookmarked', 'read', 'archived'] as const;
    const patches = Array.from({ length: 50 }, (_, i) => ({
      [keys[i % 3] as string]: i % 2 === 0,
    }));
    const results = await Promise.all(patches.map((patch) => library.setState(added.id, patch)));

    const expected = { bookmarked: false, read: false, archived: false };
    patches.forEach((patch, i) => {
      Object.assign(expected, patch);
      // Each call saw every earlier call applied: they ran one by one, in call order.
      expect(results[i]).toMatchObject(expected);
    });
    // Call 49 set read=false, call 48 bookmarked=true, call 47 archived=false.
    expect(expected).toEqual({ bookmarked: true, read: false, archived: false });
    expect(library.list()[0]).toMatchObject(expected);

    const folder = join(root, 'articles', added.id);
    expect(await readJson(join(folder, 'article.json'))).toMatchObject(expected);
    expect((await readdir(folder)).sort()).toEqual([
      'article.json',
      'content-1.html',
      'text-1.txt',
    ]);
    await library.close();
    expect((await sandbox.open(root)).library.list()[0]).toMatchObject(expected);
  });

  it('keeps concurrent adds and state changes on different articles apart', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    const added = await Promise.all(
      Array.from({ length: 20 }, (_, i) => library.add(sampleArticle({ title: `Story ${i}` }))),
    );
    await Promise.all(added.map((item, i) => library.setState(item.id, { read: i % 3 === 0 })));
    await library.close();
    const reopened = await sandbox.open(root);
    expect(reopened.library.count()).toBe(20);
    for (const [i, item] of added.entries()) {
      expect((await reopened.library.get(item.id)).read).toBe(i % 3 === 0);
    }
  });
});
