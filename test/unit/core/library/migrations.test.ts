import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseArticleRecord } from '../../../../src-main/core/library/article-record';
import {
  type FileFormat,
  UnsupportedFormatError,
  migrate,
} from '../../../../src-main/core/library/migrations';
import { Sandbox } from './helpers';

const sandbox = new Sandbox();
afterEach(() => sandbox.cleanup());

describe('migrate', () => {
  const spec: FileFormat = {
    name: 'thing.json',
    current: 3,
    migrations: {
      1: (data) => ({ ...data, format: 2, added: 'by 1->2' }),
      2: (data) => ({ ...data, format: 3, renamed: data.old, old: undefined }),
    },
  };

  it('walks the table from the stored format to the current one', () => {
    expect(migrate({ format: 1, old: 'x' }, spec)).toEqual({
      format: 3,
      added: 'by 1->2',
      renamed: 'x',
      old: undefined,
    });
    expect(migrate({ format: 3, kept: true }, spec)).toEqual({ format: 3, kept: true });
  });

  it('refuses newer and unknown formats with UnsupportedFormatError, other junk with Error', () => {
    const newer = (() => {
      try {
        migrate({ format: 4 }, spec);
      } catch (error) {
        return error;
      }
    })();
    expect(newer).toBeInstanceOf(UnsupportedFormatError);
    expect((newer as UnsupportedFormatError).newer).toBe(true);
    expect((newer as Error).message).toMatch(/newer Offprint \(format 4\)/);
    expect(() => migrate({ format: 0 }, spec)).toThrow(UnsupportedFormatError);
    expect(() => migrate({}, spec)).toThrow(/format missing/);
    expect(() => migrate([], spec)).toThrow(/not a JSON object/);
    expect(() => migrate(null, spec)).toThrow(/not a JSON object/);
  });

  it('stops a migration that does not move forward', () => {
    const stuck: FileFormat = { name: 'x', current: 2, migrations: { 1: (data) => data } };
    expect(() => migrate({ format: 1 }, stuck)).toThrow(/did not advance/);
  });
});

/** article.json as the first version of the store wrote it (format 1: no progress, no digests). */
function formatOneRecord(id: string): Record<string, unknown> {
  return {
    format: 1,
    id,
    title: 'Written by the first store',
    siteName: null,
    section: null,
    byline: null,
    publishedTime: null,
    savedAt: '2025-01-14T09:30:00.000Z',
    updatedAt: '2025-01-14T09:30:00.000Z',
    excerpt: null,
    url: null,
    lang: 'en',
    wordCount: 3,
    readingMinutes: 1,
    sourceKind: 'text',
    fileName: null,
    bookmarked: true,
    read: false,
    archived: false,
    dir: null,
    currentVersion: 1,
    versions: [{ version: 1, savedAt: '2025-01-14T09:30:00.000Z', wordCount: 3 }],
    tags: ['kept', 'KEPT', ''],
  };
}

describe('article.json format 1', () => {
  it('parses with progress 0 and cleans tags it would refuse today', () => {
    const record = parseArticleRecord(formatOneRecord('20250114-first-store-abc123'));
    expect(record).toMatchObject({ format: 2, progress: 0, tags: ['kept'], bookmarked: true });
  });

  it('opens in a library with a format-1 index, and is written as format 2 on the next change', async () => {
    const root = await sandbox.dir();
    const id = '20250114-written-by-the-first-store-abc123';
    const folder = join(root, 'articles', id);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'article.json'), JSON.stringify(formatOneRecord(id)));
    await writeFile(join(folder, 'content-1.html'), '<p>Three words here.</p>');
    await writeFile(join(folder, 'text-1.txt'), 'Three words here.');
    await writeFile(
      join(root, 'library.json'),
      JSON.stringify({ format: 1, reflectsWritesBefore: Date.now(), articles: [] }),
    );

    const { library, report } = await sandbox.open(root);
    // The old index is another format, not damage: rebuilt, nothing quarantined.
    expect(report.index).toBe('rebuilt');
    expect(report.problems).toEqual([]);
    expect(library.list()).toMatchObject([
      { id, bookmarked: true, tags: ['kept'], annotationCount: 0 },
    ]);
    const article = await library.get(id);
    expect(article).toMatchObject({ progress: 0, contentHtml: '<p>Three words here.</p>' });
    expect(library.health().problems).toEqual([]); // no digests yet: checked as text only

    await library.setState(id, { read: true });
    const stored = JSON.parse(await readFile(join(folder, 'article.json'), 'utf8'));
    expect(stored).toMatchObject({ format: 2, progress: 0, read: true, tags: ['kept'] });
  });
});
