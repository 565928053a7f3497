/**
 * Damaged files never stop a library from opening: for each kind of file (library.json,
 * settings.json, article.json, content, text, annotations.json) a truncated or garbage copy is
 * moved or copied to quarantine/, the library repairs around it, and the health report says what
 * was affected and what was recovered.
 */
import { randomBytes } from 'node:crypto';
import { readFile, readdir, rm, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LibraryStore } from '../../../../src-main/core/library/store';
import type { LibraryHealth, LibraryProblem } from '../../../../src-main/shared/model';
import { Sandbox, sampleArticle } from './helpers';

const sandbox = new Sandbox();
beforeEach(() => {
  // Every repair is logged with console.warn; the tests read the health report instead.
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});
afterEach(async () => {
  vi.restoreAllMocks();
  await sandbox.cleanup();
});

const QUARANTINED = /^quarantine\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-/;

async function quarantineFiles(root: string): Promise<string[]> {
  try {
    return (await readdir(join(root, 'quarantine'))).sort();
  } catch {
    return [];
  }
}

/** A library with two articles in known states, closed; returns what it held. */
async function prepared(): Promise<{
  root: string;
  keepId: string;
  damagedId: string;
  listed: ReturnType<LibraryStore['list']>;
}> {
  const root = await sandbox.dir();
  const { library } = await sandbox.open(root);
  const keep = await library.add(sampleArticle({ title: 'Harbour reopens' }));
  const damaged = await library.add(
    sampleArticle({
      title: 'Ceasefire talks resume',
      contentHtml: '<h1>Ceasefire talks resume</h1><p>Negotiators met again on Tuesday.</p>',
    }),
  );
  await library.setState(damaged.id, { bookmarked: true, read: true });
  await library.setTags(damaged.id, ['Middle East', 'diplomacy']);
  await library.setProgress(damaged.id, 0.75);
  await library.addAnnotation(damaged.id, {
    motivation: 'commenting',
    quote: { exact: 'met again', prefix: 'Negotiators ', suffix: ' on' },
    position: { start: 12, end: 21 },
    note: 'Who attended?',
  });
  const listed = library.list();
  await library.close();
  return { root, keepId: keep.id, damagedId: damaged.id, listed };
}

/** Makes a file look as old as the rest, so the open-time scan trusts the index for it. */
async function backdate(path: string): Promise<void> {
  const old = new Date(Date.now() - 60_000);
  await utimes(path, old, old);
}

function only(problems: LibraryProblem[]): LibraryProblem {
  expect(problems).toHaveLength(1);
  return problems[0] as LibraryProblem;
}

describe('library.json', () => {
  it.each([
    ['garbage', async (file: string) => writeFile(file, randomBytes(300))],
    ['truncated', async (file: string) => truncate(file, Math.floor((await stat(file)).size / 2))],
    ['empty', async (file: string) => writeFile(file, '')],
  ])('%s: is quarantined and rebuilt with nothing lost', async (_label, damage) => {
    const { root, listed } = await prepared();
    const original = await readFile(join(root, 'library.json'));
    await damage(join(root, 'library.json'));
    const damagedBytes = await readFile(join(root, 'library.json'));

    const { library, report } = await sandbox.open(root);
    expect(report.index).toBe('rebuilt');
    const problem = only(report.problems);
    expect(problem).toMatchObject({
      file: 'index',
      path: 'library.json',
      articleId: null,
      outcome: 'rebuilt',
      message: expect.stringMatching(/index could not be read .*rebuilt.*Nothing was lost/),
      quarantined: expect.stringMatching(QUARANTINED),
    });
    expect(problem.quarantined).toMatch(/-library\.json$/);
    expect(await readFile(join(root, problem.quarantined as string))).toEqual(damagedBytes);
    expect(library.list()).toEqual(listed);
    expect(library.health()).toEqual({ problems: report.problems });
    expect(JSON.parse(await readFile(join(root, 'library.json'), 'utf8')).articles).toEqual(listed);
    expect(original.length).toBeGreaterThan(0);
  });
});

describe('settings.json', () => {
  it('garbage: is quarantined and reset to the defaults; the articles are untouched', async () => {
    const { root, listed } = await prepared();
    const { library: first } = await sandbox.open(root);
    await first.updateSettings({ sort: 'title' });
    await first.close();
    await writeFile(join(root, 'settings.json'), '{"format": 1, "sort": "ti');

    const { library, report } = await sandbox.open(root);
    const problem = only(report.problems);
    expect(problem).toMatchObject({
      file: 'settings',
      path: 'settings.json',
      outcome: 'reset',
      message: expect.stringMatching(/settings could not be read \(not valid JSON\).*defaults/),
    });
    expect(await readFile(join(root, problem.quarantined as string), 'utf8')).toBe(
      '{"format": 1, "sort": "ti',
    );
    expect(library.settings()).toEqual({ sort: 'savedAt' });
    expect(JSON.parse(await readFile(join(root, 'settings.json'), 'utf8'))).toEqual({
      format: 1,
      sort: 'savedAt',
    });
    expect(library.list()).toEqual(listed);
  });
});

describe('article.json', () => {
  it('garbage, found at open: rebuilt from the index, keeping state, tags and notes', async () => {
    const { root, damagedId, listed } = await prepared();
    const file = join(root, 'articles', damagedId, 'article.json');
    await writeFile(file, '{"format": 2, "id": "' + damagedId);

    const { library, report } = await sandbox.open(root);
    const [articleProblem, ...rest] = report.problems;
    expect(rest).toEqual([]);
    expect(articleProblem).toMatchObject({
      file: 'article',
      path: `articles/${damagedId}/article.json`,
      articleId: damagedId,
      outcome: 'rebuilt',
      message: expect.stringMatching(
        /^Article "Ceasefire talks resume": its article.json could not be read \(not valid JSON\); the article was rebuilt from the library index: its state and tags are kept, its reading position is not\.$/,
      ),
    });
    expect(await readFile(join(root, articleProblem?.quarantined as string), 'utf8')).toBe(
      '{"format": 2, "id": "' + damagedId,
    );
    expect(library.list()).toEqual(listed);
    const article = await library.get(damagedId);
    expect(article).toMatchObject({ bookmarked: true, read: true, progress: 0 });
    expect(article.tags).toEqual(['Middle East', 'diplomacy']);
    expect(await library.listAnnotations(damagedId)).toHaveLength(1);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 2, id: damagedId });
  });

  it('damaged after open-time checks: repaired on first read, reported through onHealth', async () => {
    const { root, damagedId } = await prepared();
    const file = join(root, 'articles', damagedId, 'article.json');
    await writeFile(file, JSON.stringify({ format: 2, id: damagedId, title: 42 }));
    await backdate(file); // The scan trusts the index and does not read it.

    const { library, report } = await sandbox.open(root);
    expect(report.problems).toEqual([]);
    const seen: LibraryHealth[] = [];
    library.onHealth((health) => seen.push(health));
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));

    const summary = await library.setTags(damagedId, ['after repair']);
    expect(summary).toMatchObject({ bookmarked: true, tags: ['after repair'] });
    expect(seen).toHaveLength(1);
    expect(only(seen[0]?.problems ?? [])).toMatchObject({
      file: 'article',
      articleId: damagedId,
      outcome: 'rebuilt',
      message: expect.stringMatching(/title Invalid type/),
    });
    expect(library.health().problems).toHaveLength(1);
    expect(changes).toContainEqual([damagedId]);
  });

  it('garbage with no index: rebuilt from its content with default state', async () => {
    const { root, damagedId } = await prepared();
    await rm(join(root, 'library.json'));
    await writeFile(join(root, 'articles', damagedId, 'article.json'), randomBytes(64));

    const { library, report } = await sandbox.open(root);
    const problem = only(report.problems);
    expect(problem).toMatchObject({ file: 'article', articleId: damagedId, outcome: 'rebuilt' });
    expect(problem.message).toMatch(
      /rebuilt from its content with default state \(not bookmarked, unread, no tags\)/,
    );
    const article = await library.get(damagedId);
    expect(article).toMatchObject({
      title: 'Ceasefire talks resume',
      bookmarked: false,
      read: false,
      tags: [],
      wordCount: 8,
      annotationCount: 1,
    });
    expect(article.contentHtml).toContain('Negotiators met again');
  });

  it('garbage with no content left: dropped from the list, its folder kept in quarantine', async () => {
    const { root, damagedId, keepId } = await prepared();
    const folder = join(root, 'articles', damagedId);
    await writeFile(join(folder, 'article.json'), 'not json at all');
    await rm(join(folder, 'content-1.html'));
    await rm(join(folder, 'text-1.txt'));

    const { library, report } = await sandbox.open(root);
    const problem = only(report.problems);
    expect(problem).toMatchObject({ file: 'article', articleId: damagedId, outcome: 'dropped' });
    expect(problem.message).toMatch(/no content was left.*no longer listed.*quarantine/);
    expect(problem.quarantined).toMatch(new RegExp(`-articles_${damagedId}$`));
    expect(library.list().map((item) => item.id)).toEqual([keepId]);
    expect(await readdir(join(root, 'articles'))).toEqual([keepId]);
    // Everything that was in the folder is kept, annotations included.
    expect((await readdir(join(root, problem.quarantined as string))).sort()).toEqual([
      'annotations.json',
      'article.json',
    ]);
  });

  it('missing from a folder the index knows: rebuilt rather than deleted', async () => {
    const { root, damagedId, listed } = await prepared();
    await rm(join(root, 'articles', damagedId, 'article.json'));
    const { library, report } = await sandbox.open(root);
    expect(only(report.problems)).toMatchObject({
      file: 'article',
      outcome: 'rebuilt',
      quarantined: null,
      message: expect.stringMatching(/article.json was missing/),
    });
    expect(report.removedIncomplete).toEqual([]);
    expect(library.list()).toEqual(listed);
  });
});

describe('content and text', () => {
  it('truncated content: rebuilt from the plain text on first read, reported once', async () => {
    const { root, damagedId } = await prepared();
    const file = join(root, 'articles', damagedId, 'content-1.html');
    await truncate(file, 10);
    const truncated = await readFile(file);

    const { library, report } = await sandbox.open(root);
    expect(report.problems).toEqual([]); // content is checked when read, not at open
    const article = await library.get(damagedId);
    expect(article.contentHtml).toBe(
      '<p>Negotiators met again on Tuesday.</p>\n<p>No agreement yet.</p>',
    );
    const problem = only(library.health().problems);
    expect(problem).toMatchObject({
      file: 'content',
      path: `articles/${damagedId}/content-1.html`,
      outcome: 'rebuilt',
      message: expect.stringMatching(
        /^The content of "Ceasefire talks resume" was damaged \(it is not what was saved \(truncated or overwritten\)\): it was rebuilt from the article's plain text/,
      ),
    });
    expect(await readFile(join(root, problem.quarantined as string))).toEqual(truncated);
    // The repaired file is the new truth: reading again reports nothing more.
    expect((await library.get(damagedId)).contentHtml).toBe(article.contentHtml);
    expect(library.health().problems).toHaveLength(1);
    await library.close();
    const again = await sandbox.open(root);
    expect((await again.library.get(damagedId)).contentHtml).toBe(article.contentHtml);
    expect(again.library.health().problems).toEqual([]);
  });

  it('binary text file: remade from the content when read', async () => {
    const { root, keepId } = await prepared();
    await writeFile(join(root, 'articles', keepId, 'text-1.txt'), Buffer.from([0xff, 0xfe, 0, 1]));
    const { library } = await sandbox.open(root);
    expect(await library.readText(keepId)).toBe(
      'Negotiators met again on Tuesday.\n\nNo agreement yet.',
    );
    expect(only(library.health().problems)).toMatchObject({
      file: 'text',
      outcome: 'rebuilt',
      articleId: keepId,
    });
  });

  it('both damaged: the article still opens, with a notice instead of its text', async () => {
    const { root, keepId } = await prepared();
    await writeFile(join(root, 'articles', keepId, 'content-1.html'), 'x');
    await rm(join(root, 'articles', keepId, 'text-1.txt'));
    const { library } = await sandbox.open(root);
    const article = await library.get(keepId);
    expect(article.title).toBe('Harbour reopens');
    expect(article.contentHtml).toMatch(/damaged and could not be recovered/);
    expect(only(library.health().problems)).toMatchObject({
      file: 'content',
      outcome: 'reset',
      message: expect.stringMatching(/was damaged .* and its plain text was missing/),
    });
  });
});

describe('annotations.json', () => {
  it('truncated, found when listed: set aside, the article has none, the count follows', async () => {
    const { root, damagedId } = await prepared();
    const file = join(root, 'articles', damagedId, 'annotations.json');
    await truncate(file, 40);
    // article.json as old as the index: the scan trusts the index and reads neither file.
    await backdate(join(root, 'articles', damagedId, 'article.json'));
    const { library, report } = await sandbox.open(root);
    expect(report.problems).toEqual([]);
    expect(await library.listAnnotations(damagedId)).toEqual([]);
    const problem = only(library.health().problems);
    expect(problem).toMatchObject({
      file: 'annotations',
      outcome: 'reset',
      articleId: damagedId,
      message: expect.stringMatching(
        /highlights and notes of "Ceasefire talks resume" could not be read/,
      ),
    });
    expect((await readFile(join(root, problem.quarantined as string))).length).toBe(40);
    expect(library.list().find((item) => item.id === damagedId)?.annotationCount).toBe(0);
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    // New annotations start a fresh file.
    await library.addAnnotation(damagedId, {
      motivation: 'highlighting',
      quote: { exact: 'again', prefix: '', suffix: '' },
      position: { start: 16, end: 21 },
    });
    expect(library.list().find((item) => item.id === damagedId)?.annotationCount).toBe(1);
  });

  it('garbage after a crash: found by the recovery scan at open', async () => {
    const { root, damagedId } = await prepared();
    const { library: crashed } = await sandbox.open(root);
    crashed.abandon();
    await writeFile(join(root, 'articles', damagedId, 'annotations.json'), randomBytes(100));
    const { library, report } = await sandbox.open(root);
    expect(report.recoveredStaleLock).toBe(true);
    expect(only(report.problems)).toMatchObject({ file: 'annotations', outcome: 'reset' });
    expect(library.list().find((item) => item.id === damagedId)?.annotationCount).toBe(0);
  });

  it('one bad entry: the others are kept and the bad one set aside', async () => {
    const { root, damagedId } = await prepared();
    const { library: first } = await sandbox.open(root);
    await first.addAnnotation(damagedId, {
      motivation: 'highlighting',
      quote: { exact: 'Tuesday', prefix: 'on ', suffix: '.' },
      position: { start: 25, end: 32 },
      color: 'blue',
    });
    const both = await first.listAnnotations(damagedId);
    await first.close();
    const file = join(root, 'articles', damagedId, 'annotations.json');
    const stored = JSON.parse(await readFile(file, 'utf8'));
    stored.annotations[0].target.selector = 'broken';
    await writeFile(file, JSON.stringify(stored));

    const { library } = await sandbox.open(root);
    expect(await library.listAnnotations(damagedId)).toEqual([both[1]]);
    expect(only(library.health().problems)).toMatchObject({
      file: 'annotations',
      outcome: 'rebuilt',
      message: expect.stringMatching(/^1 of the 2 highlights and notes .* the others are kept/),
    });
    expect(JSON.parse(await readFile(file, 'utf8')).annotations).toEqual([both[1]]);
  });
});

describe('any file, any damage', () => {
  it('never stops the library from opening, and the index always matches what it lists', async () => {
    const { root, keepId, damagedId } = await prepared();
    const targets = [
      'library.json',
      'settings.json',
      ...[keepId, damagedId].flatMap((id) =>
        ['article.json', 'content-1.html', 'text-1.txt', 'annotations.json'].map(
          (name) => `articles/${id}/${name}`,
        ),
      ),
    ];
    for (let round = 0; round < 12; round += 1) {
      for (const target of targets) {
        if (Math.random() < 0.6) continue;
        const path = join(root, ...target.split('/'));
        const size = await stat(path).then(
          (info) => info.size,
          () => -1,
        );
        if (size < 0) continue;
        if (Math.random() < 0.5) await truncate(path, Math.floor(Math.random() * size));
        else await writeFile(path, randomBytes(Math.floor(Math.random() * 200)));
      }
      const { library, report } = await sandbox.open(root);
      for (const summary of library.list()) {
        const article = await library.get(summary.id);
        expect(article.id).toBe(summary.id);
        await library.readText(summary.id);
        expect((await library.listAnnotations(summary.id)).length).toBe(
          library.list().find((item) => item.id === summary.id)?.annotationCount,
        );
      }
      for (const problem of library.health().problems) {
        expect(problem.message.length).toBeGreaterThan(20);
        if (problem.quarantined !== null) {
          await stat(join(root, problem.quarantined));
        }
      }
      expect(report.unreadable).toEqual([]);
      await library.close();
    }
    expect((await quarantineFiles(root)).length).toBeGreaterThan(0);
  });
});
