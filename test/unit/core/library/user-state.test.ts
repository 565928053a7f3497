/**
 * Tags, reading progress, annotations, settings and remove on the real store: what is stored, what
 * is refused (with which error), that concurrent changes keep call order, and that failed writes
 * (read-only folders) change nothing.
 */
import { mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LibraryStore } from '../../../../src-main/core/library/store';
import { OffprintError } from '../../../../src-main/shared/errors';
import type { Annotation, NewAnnotation } from '../../../../src-main/shared/model';
import {
  Sandbox,
  canMountSmallDisk,
  fillDisk,
  makeReadOnly,
  mountSmallDisk,
  readOnlyMethod,
  sampleArticle,
} from './helpers';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

async function failure(run: () => unknown): Promise<OffprintError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(OffprintError);
    return error as OffprintError;
  }
  throw new Error('expected a rejection');
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
}

function highlight(overrides: Partial<NewAnnotation> = {}): NewAnnotation {
  return {
    motivation: 'highlighting',
    quote: { exact: 'met again', prefix: 'Negotiators ', suffix: ' on Tuesday' },
    position: { start: 12, end: 21 },
    ...overrides,
  };
}

async function openWithArticle(): Promise<{ root: string; library: LibraryStore; id: string }> {
  const root = await sandbox.dir();
  const { library } = await sandbox.open(root);
  const { id } = await library.add(sampleArticle());
  return { root, library, id };
}

const unknownId = '20250101-no-such-article-abc123';

describe('tags', () => {
  it('stores folded, deduplicated tags in article.json, the summary and the index', async () => {
    const { root, library, id } = await openWithArticle();
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));

    const summary = await library.setTags(id, ['  Middle East ', 'middle   east', 'Cairo', 'Café']);
    expect(summary.tags).toEqual(['Middle East', 'Cairo', 'Café']);
    expect(library.list()[0]?.tags).toEqual(['Middle East', 'Cairo', 'Café']);
    expect(changes).toEqual([[id]]);
    const stored = await readJson(join(root, 'articles', id, 'article.json'));
    expect(stored.tags).toEqual(['Middle East', 'Cairo', 'Café']);
    expect(stored.updatedAt).toBe(summary.updatedAt);

    // The same list again writes nothing and announces nothing.
    await library.setTags(id, ['Middle East', 'Cairo', 'Café']);
    expect(changes).toHaveLength(1);

    await library.close();
    const reopened = await sandbox.open(root);
    expect(reopened.library.list()[0]?.tags).toEqual(['Middle East', 'Cairo', 'Café']);
    expect((await reopened.library.get(id)).tags).toEqual(['Middle East', 'Cairo', 'Café']);
  });

  it('keeps at most 100 and refuses 101', async () => {
    const { library, id } = await openWithArticle();
    const hundred = Array.from({ length: 100 }, (_, i) => `tag ${i}`);
    expect((await library.setTags(id, hundred)).tags).toHaveLength(100);
    const error = await failure(() => library.setTags(id, [...hundred, 'one more']));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/at most 100 tags/);
    expect(library.list()[0]?.tags).toHaveLength(100);
  });

  it.each([
    ['an empty tag', [''], /must not be empty/],
    ['a blank tag', ['   '], /must not be empty/],
    ['a 10,000-character tag', ['x'.repeat(10_000)], /at most 64 characters; this one has 10000/],
    ['a 65-character tag', ['y'.repeat(65)], /at most 64 characters/],
    ['a control character', ['bad\u0000tag'], /control characters/],
    ['a number', [42], /must be text/],
  ])('refuses %s with invalid-argument and keeps the old tags', async (_label, tags, message) => {
    const { root, library, id } = await openWithArticle();
    await library.setTags(id, ['kept']);
    const file = join(root, 'articles', id, 'article.json');
    const before = await readFile(file, 'utf8');
    const error = await failure(() => library.setTags(id, tags as string[]));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(message);
    expect(await readFile(file, 'utf8')).toBe(before);
    expect(library.list()[0]?.tags).toEqual(['kept']);
  });

  it('accepts exactly 64 characters', async () => {
    const { library, id } = await openWithArticle();
    expect((await library.setTags(id, ['z'.repeat(64)])).tags).toEqual(['z'.repeat(64)]);
  });

  it('applies concurrent tag changes in call order', async () => {
    const { root, library, id } = await openWithArticle();
    const lists = Array.from({ length: 30 }, (_, i) => [
      `round ${i}`,
      i % 2 === 0 ? 'even' : 'odd',
    ]);
    const results = await Promise.all(lists.map((tags) => library.setTags(id, tags)));
    results.forEach((summary, i) => expect(summary.tags).toEqual(lists[i]));
    expect(library.list()[0]?.tags).toEqual(['round 29', 'odd']);
    await library.close();
    expect((await readJson(join(root, 'articles', id, 'article.json'))).tags).toEqual([
      'round 29',
      'odd',
    ]);
  });

  it('answers not-found for an unknown article and invalid-argument for a bad id', async () => {
    const { library } = await openWithArticle();
    expect((await failure(() => library.setTags(unknownId, ['a']))).code).toBe('not-found');
    expect((await failure(() => library.setTags('../x', ['a']))).code).toBe('invalid-argument');
  });
});

describe('reading progress', () => {
  it('stores progress in article.json without touching the index or announcing it', async () => {
    const { root, library, id } = await openWithArticle();
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));
    const before = library.list()[0];
    await library.setProgress(id, 0.42);
    expect((await library.get(id)).progress).toBe(0.42);
    expect((await readJson(join(root, 'articles', id, 'article.json'))).progress).toBe(0.42);
    expect(library.list()[0]).toEqual(before);
    expect(changes).toEqual([]);
    await library.close();
    expect((await (await sandbox.open(root)).library.get(id)).progress).toBe(0.42);
  });

  it.each([-0.1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '0.5'])('refuses %s', async (value) => {
    const { library, id } = await openWithArticle();
    const error = await failure(() => library.setProgress(id, value as number));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/progress/i);
    expect((await library.get(id)).progress).toBe(0);
  });

  it('accepts both ends and answers not-found for an unknown article', async () => {
    const { library, id } = await openWithArticle();
    await library.setProgress(id, 1);
    await library.setProgress(id, 0);
    expect((await library.get(id)).progress).toBe(0);
    expect((await failure(() => library.setProgress(unknownId, 0.5))).code).toBe('not-found');
  });
});

describe('annotations', () => {
  it('adds W3C-shaped annotations to annotations.json and counts them in the summary', async () => {
    const { root, library, id } = await openWithArticle();
    const changes: string[][] = [];
    library.onChange((ids) => changes.push(ids));

    const added = await library.addAnnotation(
      id,
      highlight({ motivation: 'commenting', note: 'Who attended?', color: 'green' }),
    );
    expect(added).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      type: 'Annotation',
      created: expect.any(String),
      modified: added.created,
      motivation: 'commenting',
      body: { type: 'TextualBody', value: 'Who attended?', format: 'text/plain' },
      target: {
        source: id,
        version: 1,
        selector: [
          {
            type: 'TextQuoteSelector',
            exact: 'met again',
            prefix: 'Negotiators ',
            suffix: ' on Tuesday',
          },
          { type: 'TextPositionSelector', start: 12, end: 21 },
        ],
      },
      color: 'green',
    } satisfies Annotation);
    const plain = await library.addAnnotation(id, highlight({ note: '   ' }));
    expect(plain.body).toBeUndefined();
    expect(plain.color).toBeUndefined();

    expect(await library.listAnnotations(id)).toEqual([added, plain]);
    expect(library.list()[0]?.annotationCount).toBe(2);
    expect(changes).toEqual([[id], [id]]);
    expect(await readJson(join(root, 'articles', id, 'annotations.json'))).toEqual({
      format: 1,
      annotations: [added, plain],
    });
    // Annotations do not rewrite article.json: one file per change.
    expect((await readJson(join(root, 'articles', id, 'article.json'))).annotationCount).toBe(
      undefined,
    );

    await library.close();
    const reopened = await sandbox.open(root);
    expect(reopened.library.list()[0]?.annotationCount).toBe(2);
    expect(await reopened.library.listAnnotations(id)).toEqual([added, plain]);
  });

  it('updates and removes annotations', async () => {
    const { library, id } = await openWithArticle();
    const first = await library.addAnnotation(id, highlight({ color: 'yellow' }));
    const second = await library.addAnnotation(id, highlight({ note: 'keep' }));
    await new Promise((resolve) => setTimeout(resolve, 5));

    const noted = await library.updateAnnotation(id, first.id, {
      motivation: 'commenting',
      note: 'A note now',
      color: null,
    });
    expect(noted).toMatchObject({ motivation: 'commenting', body: { value: 'A note now' } });
    expect(noted.color).toBeUndefined();
    expect(noted.modified > first.modified).toBe(true);
    expect(noted.created).toBe(first.created);

    // A patch that changes nothing keeps `modified`.
    expect(await library.updateAnnotation(id, first.id, { note: 'A note now' })).toEqual(noted);

    const error = await failure(() => library.updateAnnotation(id, first.id, { note: null }));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(/comment needs a note/);

    await library.removeAnnotation(id, second.id);
    expect(await library.listAnnotations(id)).toEqual([noted]);
    expect(library.list()[0]?.annotationCount).toBe(1);
  });

  it.each([
    ['an empty quote', highlight({ quote: { exact: '', prefix: '', suffix: '' } }), /empty/],
    ['a comment without a note', highlight({ motivation: 'commenting' }), /needs a note/],
    ['end before start', highlight({ position: { start: 9, end: 3 } }), /end must follow/],
    ['a negative offset', highlight({ position: { start: -1, end: 3 } }), /position/],
    ['an unknown colour', { ...highlight(), color: 'red' }, /colour/],
    ['an unknown motivation', { ...highlight(), motivation: 'bookmarking' }, /highlighting or/],
    ['an extra field', { ...highlight(), css: 'x' }, /css/],
    ['a 20,001-character note', highlight({ note: 'n'.repeat(20_001) }), /at most 20000/],
    ['a version that does not exist', highlight({ version: 7 }), /no version 7/],
  ])('refuses %s and writes nothing', async (_label, input, message) => {
    const { root, library, id } = await openWithArticle();
    const error = await failure(() => library.addAnnotation(id, input as NewAnnotation));
    expect(error.code).toBe('invalid-argument');
    expect(error.message).toMatch(message);
    expect(await readdir(join(root, 'articles', id))).not.toContain('annotations.json');
    expect(library.list()[0]?.annotationCount).toBe(0);
  });

  it('answers not-found for unknown articles and annotations, invalid-argument for bad ids', async () => {
    const { library, id } = await openWithArticle();
    const missing = '00000000-0000-4000-8000-000000000000';
    expect((await failure(() => library.listAnnotations(unknownId))).code).toBe('not-found');
    expect((await failure(() => library.addAnnotation(unknownId, highlight()))).code).toBe(
      'not-found',
    );
    expect((await failure(() => library.updateAnnotation(id, missing, { note: 'x' }))).code).toBe(
      'not-found',
    );
    expect((await failure(() => library.removeAnnotation(id, missing))).code).toBe('not-found');
    expect((await failure(() => library.removeAnnotation(id, '../../x'))).code).toBe(
      'invalid-argument',
    );
  });

  it('keeps every one of 40 concurrent adds, and concurrent edits apply in call order', async () => {
    const { root, library, id } = await openWithArticle();
    const added = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        library.addAnnotation(id, highlight({ note: `note ${i}` })),
      ),
    );
    // Each add read the file after the previous one wrote it: nothing was lost to a race.
    expect((await library.listAnnotations(id)).map((item) => item.body?.value)).toEqual(
      added.map((_, i) => `note ${i}`),
    );
    const target = added[0] as Annotation;
    const edits = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        library.updateAnnotation(id, target.id, { note: `edit ${i}` }),
      ),
    );
    expect(edits.map((item) => item.body?.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => `edit ${i}`),
    );
    await Promise.all(added.slice(20).map((item) => library.removeAnnotation(id, item.id)));
    expect(library.list()[0]?.annotationCount).toBe(20);
    await library.close();
    const onDisk = await readJson(join(root, 'articles', id, 'annotations.json'));
    expect((onDisk.annotations as Annotation[]).map((item) => item.body?.value)).toEqual([
      'edit 19',
      ...added.slice(1, 20).map((_, i) => `note ${i + 1}`),
    ]);
  });

  it('mixes concurrent tag, state and annotation changes on one article without losing any', async () => {
    const { root, library, id } = await openWithArticle();
    await Promise.all([
      library.setTags(id, ['one']),
      library.addAnnotation(id, highlight({ note: 'a' })),
      library.setState(id, { bookmarked: true }),
      library.setProgress(id, 0.5),
      library.addAnnotation(id, highlight({ note: 'b' })),
      library.setTags(id, ['one', 'two']),
      library.setState(id, { read: true }),
    ]);
    await library.close();
    const { library: reopened } = await sandbox.open(root);
    expect(reopened.list()[0]).toMatchObject({
      tags: ['one', 'two'],
      bookmarked: true,
      read: true,
      annotationCount: 2,
    });
    expect((await reopened.get(id)).progress).toBe(0.5);
  });
});

describe('remove', () => {
  it('renames the folder away in one step and finishes an interrupted remove at open', async () => {
    const { root, library, id } = await openWithArticle();
    await library.addAnnotation(id, highlight());
    await library.remove(id);
    expect(await readdir(join(root, 'articles'))).toEqual([]);
    expect(library.count()).toBe(0);
    expect((await failure(() => library.listAnnotations(id))).code).toBe('not-found');
    library.abandon();

    // A crash between the rename and the delete leaves a trash folder: the next open removes it
    // and never lists it.
    const other = await sandbox.open(root);
    const kept = await other.library.add(sampleArticle({ title: 'Kept' }));
    const trash = join(root, 'articles', `.trash-${kept.id}-1-1`);
    await mkdir(trash);
    await writeFile(join(trash, 'article.json'), '{}');
    await other.library.close();
    const third = await sandbox.open(root);
    expect(third.report.removedTrash).toBe(1);
    expect(await readdir(join(root, 'articles'))).toEqual([kept.id]);
    expect(third.library.list().map((item) => item.id)).toEqual([kept.id]);
  });

  it('refuses a second remove and operations queued behind a remove', async () => {
    const { library, id } = await openWithArticle();
    const removing = library.remove(id);
    const tagging = library.setTags(id, ['late']);
    await removing;
    expect((await failure(() => tagging)).code).toBe('not-found');
    expect((await failure(() => library.remove(id))).code).toBe('not-found');
  });
});

describe('settings', () => {
  it('reads defaults, stores a change durably and refuses unknown values', async () => {
    const root = await sandbox.dir();
    const { library } = await sandbox.open(root);
    expect(library.settings()).toEqual({ sort: 'savedAt' });
    expect(await library.updateSettings({ sort: 'title' })).toEqual({ sort: 'title' });
    expect(await readJson(join(root, 'settings.json'))).toEqual({ format: 1, sort: 'title' });
    const error = await failure(() =>
      library.updateSettings({ sort: 'colour' } as unknown as { sort: 'title' }),
    );
    expect(error.code).toBe('invalid-argument');
    await library.close();
    expect((await sandbox.open(root)).library.settings()).toEqual({ sort: 'title' });
  });

  it('keeps keys a later Offprint added, and falls back per setting on an odd value', async () => {
    const root = await sandbox.dir();
    await (await sandbox.open(root)).library.close();
    await writeFile(
      join(root, 'settings.json'),
      JSON.stringify({ format: 1, sort: 'mystery', theme: 'dark' }),
    );
    const { library, report } = await sandbox.open(root);
    expect(report.problems).toEqual([]);
    expect(library.settings()).toEqual({ sort: 'savedAt' });
    await library.updateSettings({ sort: 'publishedTime' });
    expect(await readJson(join(root, 'settings.json'))).toEqual({
      format: 1,
      sort: 'publishedTime',
      theme: 'dark',
    });
  });

  it('leaves a settings.json from a newer Offprint untouched and refuses to overwrite it', async () => {
    const root = await sandbox.dir();
    await (await sandbox.open(root)).library.close();
    const newer = JSON.stringify({ format: 5, sort: 'title', layout: 'grid' });
    await writeFile(join(root, 'settings.json'), newer);
    const { library, report } = await sandbox.open(root);
    expect(report.problems).toMatchObject([{ file: 'settings', outcome: 'skipped' }]);
    expect(library.settings()).toEqual({ sort: 'savedAt' });
    expect((await failure(() => library.updateSettings({ sort: 'title' }))).code).toBe(
      'not-permitted',
    );
    expect(await readFile(join(root, 'settings.json'), 'utf8')).toBe(newer);
  });
});

describe('read-only folders', () => {
  const reason =
    readOnlyMethod === null
      ? 'cannot make a folder read-only here (root without chattr)'
      : `using ${readOnlyMethod}`;

  it.skipIf(readOnlyMethod === null)(
    `tags, progress and annotations on a read-only article fail with io-error and change nothing (${reason})`,
    async () => {
      const { root, library, id } = await openWithArticle();
      await library.setTags(id, ['before']);
      const kept = await library.addAnnotation(id, highlight({ note: 'kept' }));
      const folder = join(root, 'articles', id);
      const files = async () =>
        Promise.all(
          ['article.json', 'annotations.json'].map((name) => readFile(join(folder, name), 'utf8')),
        );
      const before = await files();
      const listed = library.list();

      const restore = await makeReadOnly(folder);
      sandbox.onCleanup(restore);
      for (const run of [
        () => library.setTags(id, ['after']),
        () => library.setProgress(id, 0.9),
        () => library.addAnnotation(id, highlight({ note: 'new' })),
        () => library.updateAnnotation(id, kept.id, { note: 'changed' }),
        () => library.removeAnnotation(id, kept.id),
      ]) {
        const error = await failure(run);
        expect(error.code).toBe('io-error');
        expect(error.message).toContain(folder);
      }
      expect(library.list()).toEqual(listed);
      await restore();

      expect(await files()).toEqual(before);
      expect((await readdir(folder)).sort()).toEqual([
        'annotations.json',
        'article.json',
        'content-1.html',
        'text-1.txt',
      ]);
      await library.close();
      const reopened = await sandbox.open(root);
      expect(reopened.library.list()).toEqual(listed);
      expect(await reopened.library.listAnnotations(id)).toEqual([kept]);
    },
  );

  it.skipIf(readOnlyMethod === null)(
    `remove from a read-only articles folder fails with io-error and keeps the article (${reason})`,
    async () => {
      const { root, library, id } = await openWithArticle();
      const restore = await makeReadOnly(join(root, 'articles'));
      sandbox.onCleanup(restore);
      const error = await failure(() => library.remove(id));
      expect(error.code).toBe('io-error');
      await restore();
      expect(library.count()).toBe(1);
      expect((await library.get(id)).title).toBe(sampleArticle().title);
      expect((await stat(join(root, 'articles', id, 'article.json'))).isFile()).toBe(true);
    },
  );

  it.skipIf(readOnlyMethod === null)(
    `settings on a read-only library folder fail with io-error and keep the old value (${reason})`,
    async () => {
      const root = await sandbox.dir();
      const { library } = await sandbox.open(root);
      const restore = await makeReadOnly(root);
      sandbox.onCleanup(restore);
      const error = await failure(() => library.updateSettings({ sort: 'title' }));
      expect(error.code).toBe('io-error');
      expect(library.settings()).toEqual({ sort: 'savedAt' });
      await restore();
      expect(await readJson(join(root, 'settings.json'))).toEqual({ format: 1, sort: 'savedAt' });
    },
  );
});

describe('full disk', () => {
  it.skipIf(!canMountSmallDisk)(
    'changes on a full disk fail with io-error "the disk is full" and lose nothing (tmpfs)',
    async () => {
      const disk = join(await sandbox.dir(), 'disk');
      await mkdir(disk);
      const unmount = mountSmallDisk(disk, 1024);
      sandbox.onCleanup(unmount);
      const root = join(disk, 'library');
      const { library } = await sandbox.open(root);
      const { id } = await library.add(sampleArticle());
      await library.setTags(id, ['before']);
      const kept = await library.addAnnotation(id, highlight({ note: 'kept' }));
      await library.setProgress(id, 0.3);
      const listed = library.list();
      const folder = join(root, 'articles', id);
      const snapshot = async () =>
        Promise.all(
          ['article.json', 'annotations.json', 'content-1.html', 'text-1.txt'].map((name) =>
            readFile(join(folder, name), 'utf8'),
          ),
        );
      const before = await snapshot();

      const filler = await fillDisk(disk);
      for (const run of [
        () => library.setTags(id, ['after', 'x'.repeat(60)]),
        () => library.setState(id, { bookmarked: true }),
        () => library.setProgress(id, 0.9),
        () => library.addAnnotation(id, highlight({ note: 'n'.repeat(5000) })),
        () => library.updateAnnotation(id, kept.id, { note: 'm'.repeat(5000) }),
        () => library.add(sampleArticle({ title: 'No room', contentHtml: 'c'.repeat(20_000) })),
      ]) {
        const error = await failure(run);
        expect(error.code).toBe('io-error');
        expect(error.message).toMatch(/the disk is full/);
      }
      expect(library.list()).toEqual(listed);
      expect(await snapshot()).toEqual(before);
      expect((await readdir(folder)).sort()).toEqual([
        'annotations.json',
        'article.json',
        'content-1.html',
        'text-1.txt',
      ]);
      expect(await readdir(join(root, 'articles'))).toEqual([id]);

      // Room again: the same library carries on, and a reopen finds everything as it was.
      await rm(filler);
      expect((await library.setTags(id, ['after'])).tags).toEqual(['after']);
      await library.close();
      const reopened = await sandbox.open(root);
      expect(reopened.report.problems).toEqual([]);
      expect(reopened.library.list()[0]).toMatchObject({ tags: ['after'], annotationCount: 1 });
      expect((await reopened.library.get(id)).progress).toBe(0.3);
      await reopened.library.close();
    },
  );
});
