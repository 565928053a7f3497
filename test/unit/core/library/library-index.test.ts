import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LibraryIndex } from '../../../../src-main/core/library/library-index';
import type { ArticleSummary } from '../../../../src-main/shared/model';
import { articleSummary } from '../../../support/article-summary';

let dir: string;
let path: string;
const errors: unknown[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offprint-index-'));
  path = join(dir, 'library.json');
  errors.length = 0;
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function makeIndex(debounceMs: number, maxDelayMs: number): LibraryIndex {
  return new LibraryIndex(path, {
    syncDir: dir,
    timing: { debounceMs, maxDelayMs },
    onBackgroundError: (error) => errors.push(error),
  });
}

function summary(id: string, savedAt: string): ArticleSummary {
  return articleSummary({ id, title: id, savedAt, updatedAt: savedAt });
}

async function onDisk(): Promise<{ reflectsWritesBefore: number; articles: ArticleSummary[] }> {
  return JSON.parse(await readFile(path, 'utf8'));
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LibraryIndex', () => {
  it('lists newest first, ties broken by id, and writes the same order', async () => {
    const index = makeIndex(10_000, 10_000);
    index.put(summary('b-same', '2025-01-02T00:00:00.000Z'));
    index.put(summary('old', '2025-01-01T00:00:00.000Z'));
    index.put(summary('a-same', '2025-01-02T00:00:00.000Z'));
    index.put(summary('new', '2025-01-03T00:00:00.000Z'));
    expect(index.list().map((item) => item.id)).toEqual(['new', 'a-same', 'b-same', 'old']);
    await index.flush();
    expect((await onDisk()).articles).toEqual(index.list());
    index.dispose();
  });

  it('coalesces changes into a later write, and flush() writes at once', async () => {
    const index = makeIndex(10_000, 10_000);
    index.put(summary('a', '2025-01-01T00:00:00.000Z'));
    await pause(30);
    await expect(stat(path)).rejects.toThrow(/ENOENT/);
    expect(index.dirty).toBe(true);
    await index.flush();
    expect((await onDisk()).articles.map((item) => item.id)).toEqual(['a']);
    expect(index.dirty).toBe(false);
    index.dispose();
  });

  it('writes by itself no later than the maximum delay while changes keep coming', async () => {
    const index = makeIndex(100, 300);
    const started = Date.now();
    // A change every 40 ms never leaves 100 ms of quiet: only the 300 ms cap gets a write out.
    for (let i = 0; i < 25 && Date.now() - started < 1_500; i += 1) {
      index.put(summary(`a${i}`, '2025-01-01T00:00:00.000Z'));
      await pause(40);
      if (
        await stat(path).then(
          () => true,
          () => false,
        )
      )
        break;
    }
    expect((await onDisk()).articles.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(errors).toEqual([]);
    index.dispose();
  });

  it('dates its snapshot no later than the start of an article write still in flight', async () => {
    const index = makeIndex(10_000, 10_000);
    const before = Date.now();
    const token = index.beginArticleWrite();
    await pause(50);
    index.put(summary('a', '2025-01-01T00:00:00.000Z'));
    await index.flush();
    const inFlight = (await onDisk()).reflectsWritesBefore;
    expect(inFlight).toBeGreaterThanOrEqual(before);
    expect(inFlight).toBeLessThan(before + 40);

    index.endArticleWrite(token);
    index.markDirty();
    await index.flush();
    expect((await onDisk()).reflectsWritesBefore).toBeGreaterThanOrEqual(before + 50);
    index.dispose();
  });

  it('reports a background write failure and retries on flush', async () => {
    const index = new LibraryIndex(join(dir, 'missing-folder', 'library.json'), {
      syncDir: dir,
      timing: { debounceMs: 5, maxDelayMs: 5 },
      onBackgroundError: (error) => errors.push(error),
    });
    index.put(summary('a', '2025-01-01T00:00:00.000Z'));
    for (let i = 0; i < 100 && errors.length === 0; i += 1) await pause(10);
    expect(errors).toHaveLength(1);
    expect(index.dirty).toBe(true);
    await expect(index.flush()).rejects.toThrow(/ENOENT/);
    index.dispose();
  });
});
