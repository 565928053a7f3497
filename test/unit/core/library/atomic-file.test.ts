import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AtomicJsonFile,
  CorruptFileError,
  TEMP_FILE_PATTERN,
  toIoError,
  writeFileAtomic,
} from '../../../../src-main/core/library/atomic-file';
import { OffprintError } from '../../../../src-main/shared/errors';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offprint-atomic-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const file = join(dir, 'data.json');
    await writeFile(file, 'old');
    await writeFileAtomic(file, 'new', { syncDir: dir });
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['data.json']);
  });

  it('names temp files <file>.tmp-<pid>-<n>', () => {
    expect(TEMP_FILE_PATTERN.test(`article.json.tmp-${process.pid}-12`)).toBe(true);
    expect(TEMP_FILE_PATTERN.test('article.json')).toBe(false);
  });

  it('on failure keeps the old content and removes its temp file', async () => {
    // A non-empty folder where the file should go: the final rename fails.
    const target = join(dir, 'article.json');
    await mkdir(target);
    await writeFile(join(target, 'keep'), 'kept');
    await expect(writeFileAtomic(target, 'new')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['article.json']);
    expect(await readFile(join(target, 'keep'), 'utf8')).toBe('kept');
  });

  it('writes side by side to one file without sharing a temp name', async () => {
    const file = join(dir, 'data.txt');
    await Promise.all(Array.from({ length: 20 }, (_, i) => writeFileAtomic(file, `value ${i}`)));
    expect(await readFile(file, 'utf8')).toMatch(/^value \d+$/);
    expect(await readdir(dir)).toEqual(['data.txt']);
  });
});

describe('AtomicJsonFile', () => {
  const parse = (raw: unknown): { n: number } => {
    if (typeof (raw as { n?: unknown }).n !== 'number') throw new Error('n must be a number');
    return raw as { n: number };
  };

  it('reads null for a missing file and round-trips data', async () => {
    const file = new AtomicJsonFile(join(dir, 'x.json'), { parse, indent: 2 });
    expect(await file.read()).toBeNull();
    await file.write({ n: 3 });
    expect(await file.read()).toEqual({ n: 3 });
    expect(await readFile(join(dir, 'x.json'), 'utf8')).toBe('{\n  "n": 3\n}\n');
  });

  it('throws CorruptFileError for bad JSON and for the wrong shape', async () => {
    const path = join(dir, 'x.json');
    const file = new AtomicJsonFile(path, { parse });
    await writeFile(path, '{"n": ');
    await expect(file.read()).rejects.toThrow(CorruptFileError);
    await writeFile(path, '{"n": "three"}');
    await expect(file.read()).rejects.toThrow(/n must be a number/);
  });
});

describe('toIoError', () => {
  it('names the path and says what is wrong in plain words', () => {
    const cause = Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' });
    const error = toIoError('save the article', '/lib/articles/x', cause);
    expect(error).toBeInstanceOf(OffprintError);
    expect(error.code).toBe('io-error');
    expect(error.message).toBe('Could not save the article (/lib/articles/x): the disk is full.');
  });

  it('passes an OffprintError through', () => {
    const original = new OffprintError('not-found', 'gone');
    expect(toIoError('read', '/x', original)).toBe(original);
  });
});
