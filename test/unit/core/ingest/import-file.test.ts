import * as fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { importBytes, importPath } from '../../../../src-main/core/ingest/import-file';
import { OffprintError } from '../../../../src-main/shared/errors';
import { MAX_IMPORT_BYTES } from '../../../../src-main/shared/limits';
import type { ImportOutcome } from '../../../../src-main/shared/model';
import { RecordingLibrary } from './fake-library';

// Wrap open() so the tests can prove an oversized file is refused without ever being opened.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return { ...actual, open: vi.fn(actual.open) };
});

const corpusDir = new URL('../../../../../shared/corpus/text/', import.meta.url);
const trtFile = 'trtworld-2025-06-11-ukraine-bodies.txt';

/** PNG signature and IHDR chunk, then deterministic pseudo-random bytes. */
function fakePng(length: number): Uint8Array {
  const header = [
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  ];
  const bytes = new Uint8Array(length);
  bytes.set(header);
  let seed = 12345;
  for (let index = header.length; index < length; index += 1) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    bytes[index] = seed & 0xff;
  }
  return bytes;
}

function expectFailure(outcome: ImportOutcome, code: string): string {
  expect(outcome.status).toBe('failed');
  if (outcome.status !== 'failed') throw new Error('unreachable');
  expect(outcome.error.code).toBe(code);
  return outcome.error.message;
}

let dir: string;
let library: RecordingLibrary;

beforeAll(async () => {
  dir = await fs.mkdtemp(join(tmpdir(), 'offprint-import-'));
});

afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  library = new RecordingLibrary();
  vi.mocked(fs.open).mockClear();
});

describe('importPath refuses bad files without touching the library', () => {
  it('a missing file: not-found', async () => {
    const path = join(dir, 'gone.txt');
    const outcome = await importPath(library, path);
    expect(expectFailure(outcome, 'not-found')).toBe(
      'gone.txt was not found; it may have been moved or deleted.',
    );
    expect(outcome.source).toBe(path);
    expect(library.added).toEqual([]);
  });

  it('a directory: unsupported-file', async () => {
    const path = join(dir, 'folder.txt');
    await fs.mkdir(path);
    const message = expectFailure(await importPath(library, path), 'unsupported-file');
    expect(message).toBe('folder.txt is a folder, not a file.');
    expect(library.added).toEqual([]);
  });

  it('a 60 MB file: too-large, decided from its size without opening it', async () => {
    const path = join(dir, 'huge.txt');
    await fs.writeFile(path, '');
    await fs.truncate(path, 60 * 1024 * 1024); // sparse: instant, no 60 MB written
    const message = expectFailure(await importPath(library, path), 'too-large');
    expect(message).toBe('huge.txt is too large to import (60 MB; the limit is 20 MB).');
    expect(vi.mocked(fs.open)).not.toHaveBeenCalled();
    expect(library.added).toEqual([]);
  });

  it('an empty file: empty-file', async () => {
    const path = join(dir, 'empty.txt');
    await fs.writeFile(path, '');
    expect(expectFailure(await importPath(library, path), 'empty-file')).toBe(
      'empty.txt is empty.',
    );
    expect(library.added).toEqual([]);
  });

  it('a whitespace-only file, even behind a BOM: empty-file', async () => {
    const path = join(dir, 'blank.txt');
    await fs.writeFile(path, '\uFEFF  \n\t\r\n   \n');
    const message = expectFailure(await importPath(library, path), 'empty-file');
    expect(message).toBe('blank.txt is empty (it holds only blank space).');
    expect(library.added).toEqual([]);
  });

  it('an image: unsupported-file, saying it is binary', async () => {
    const path = join(dir, 'photo.png');
    await fs.writeFile(path, fakePng(4096));
    const message = expectFailure(await importPath(library, path), 'unsupported-file');
    expect(message).toBe('photo.png is not a text article (it looks like a binary file).');
    expect(library.added).toEqual([]);
  });

  it('binary bytes behind a .txt name: unsupported-file', async () => {
    const path = join(dir, 'disguised.txt');
    await fs.writeFile(path, fakePng(512));
    const message = expectFailure(await importPath(library, path), 'unsupported-file');
    expect(message).toContain('disguised.txt is not a text article');
    expect(library.added).toEqual([]);
  });

  it('a text file with an unknown extension: unsupported-file, naming what is accepted', async () => {
    const path = join(dir, 'notes.rtf');
    await fs.writeFile(path, 'A title\n\nSome text.\n');
    const message = expectFailure(await importPath(library, path), 'unsupported-file');
    // The list of accepted types grows as importers are registered; the text ones are always there.
    expect(message).toMatch(
      /^notes\.rtf is a \.rtf file; Offprint imports \.txt(, | and )\.text\b.* files\.$/,
    );

    const bare = join(dir, 'README');
    await fs.writeFile(bare, 'A title\n\nSome text.\n');
    expect(expectFailure(await importPath(library, bare), 'unsupported-file')).toMatch(
      /^README has no file extension; Offprint imports \.txt(, | and )\.text\b.* files\.$/,
    );
    expect(library.added).toEqual([]);
  });

  it('a library that fails to write: the failure is reported, not thrown', async () => {
    library.failAddWith = new OffprintError('library-locked', 'The library is open elsewhere.');
    const path = join(dir, 'fine.txt');
    await fs.writeFile(path, 'A title\n\nSome text.\n');
    const message = expectFailure(await importPath(library, path), 'library-locked');
    expect(message).toBe('fine.txt could not be saved: The library is open elsewhere.');
  });
});

describe('importPath saves good files', () => {
  it('imports the TRT World corpus file', async () => {
    const path = new URL(trtFile, corpusDir).pathname;
    const outcome = await importPath(library, path);
    expect(outcome.status).toBe('saved');
    if (outcome.status !== 'saved') return;
    expect(outcome.source).toBe(path);
    expect(outcome.article.title).toBe(
      'Ukraine receives bodies of its soldiers from Russia under Istanbul deal',
    );
    expect(library.added).toHaveLength(1);
    expect(library.added[0]?.fileName).toBe(trtFile);
    // The open() spy sees real reads, so its silence in the too-large test means something.
    expect(vi.mocked(fs.open)).toHaveBeenCalledTimes(1);
    expect(library.added[0]?.contentHtml).toContain('<h2>Kiev begins ID process</h2>');
  });

  it('accepts .text and upper-case extensions, and Latin-1 bytes', async () => {
    const latin1 = await fs.readFile(new URL('bbc-sport-199.txt', corpusDir));
    const path = join(dir, 'MUTU.TEXT');
    await fs.writeFile(path, latin1);
    const outcome = await importPath(library, path);
    expect(outcome.status).toBe('saved');
    expect(library.added[0]?.title).toBe('Chelsea sack Mutu');
    expect(library.added[0]?.textContent).toContain('£15.8m');
  });
});

describe('importBytes', () => {
  it('runs the same content checks on uploads', async () => {
    expectFailure(await importBytes(library, 'empty.txt', new Uint8Array()), 'empty-file');
    const png = expectFailure(
      await importBytes(library, 'photo.png', fakePng(2048)),
      'unsupported-file',
    );
    expect(png).toBe('photo.png is not a text article (it looks like a binary file).');
    expectFailure(
      await importBytes(library, 'page.docx', new TextEncoder().encode('hi')),
      'unsupported-file',
    );
    expect(library.added).toEqual([]);
  });

  it('refuses an upload over the limit', async () => {
    const bytes = new Uint8Array(MAX_IMPORT_BYTES + 1);
    const message = expectFailure(await importBytes(library, 'big.txt', bytes), 'too-large');
    expect(message).toBe('big.txt is too large to import (over 20 MB, the limit).');
    expect(library.added).toEqual([]);
  });

  it('uses only the base name of an uploaded file name', async () => {
    const bytes = new TextEncoder().encode('Title line\n\nBody text.\n');
    const outcome = await importBytes(library, 'C:\\Users\\me\\story.txt', bytes);
    expect(outcome.status).toBe('saved');
    expect(outcome.source).toBe('C:\\Users\\me\\story.txt');
    expect(library.added[0]?.fileName).toBe('story.txt');
  });

  it('saves a good upload', async () => {
    const bytes = await fs.readFile(new URL('bbc-tech-001.txt', corpusDir));
    const outcome = await importBytes(library, 'bbc-tech-001.txt', bytes);
    expect(outcome.status).toBe('saved');
    expect(library.added).toHaveLength(1);
    expect(library.added[0]?.siteName).toBe('BBC News');
  });
});
