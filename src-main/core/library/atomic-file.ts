/**
 * Crash-safe file writes and the lowdb adapter built on them.
 *
 * lowdb's own JSONFile renames a fixed `.name.tmp` without fsync: after a power cut the renamed file
 * can be empty, and two writers would share one temp name. Here every write goes to
 * `<file>.tmp-<pid>-<n>` (unique per write), is fsynced, then renamed over the target; the folder
 * is fsynced where asked so that the rename itself survives a crash. A reader therefore sees the
 * old file or the new one, never a torn one.
 */
import { open, rename, unlink } from 'node:fs/promises';
import type { Adapter } from 'lowdb';
import { OffprintError } from '../../shared/errors';
import { UnsupportedFormatError } from './migrations';

/** Names of temp files this module leaves behind when a process dies mid-write. */
export const TEMP_FILE_PATTERN = /\.tmp-\d+-\d+$/;

let tempCounter = 0;

/**
 * Writes `data` to `path` atomically: temp file, fsync, rename; optionally fsyncs the folder.
 * `data` may come in pieces (an iterable of strings), written as they are produced, so that a
 * large file never has to exist as one string.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array | Iterable<string> | AsyncIterable<string>,
  options: { syncDir?: string } = {},
): Promise<void> {
  tempCounter += 1;
  const tempPath = `${path}.tmp-${process.pid}-${tempCounter}`;
  try {
    // 'wx': a stray file of the same name is never silently reused.
    const handle = await open(tempPath, 'wx');
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) {
        await handle.writeFile(data);
      } else {
        for await (const piece of data) await handle.write(piece);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
  } catch (error) {
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
  if (options.syncDir !== undefined) await syncDirectory(options.syncDir);
}

/**
 * Makes the entries of a folder (new names, renames, deletions) durable. Some platforms cannot open
 * or fsync a folder (Windows, some network file systems); there the rename is as durable as the OS
 * makes it, which is the best available.
 */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (isErrorCode(error, 'EISDIR', 'EPERM', 'EACCES')) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isErrorCode(error, 'EINVAL', 'ENOTSUP', 'EPERM', 'EBADF')) throw error;
  } finally {
    await handle.close();
  }
}

/** A file that exists but cannot be used: not JSON, wrong shape, or written by a newer Offprint. */
export class CorruptFileError extends Error {
  readonly path: string;
  /**
   * The file is in a format this Offprint does not read (e.g. written by a newer one): not damage,
   * so it must be left as it is rather than quarantined or rebuilt.
   */
  readonly unsupportedFormat: boolean;
  /** What is wrong, without the path (for messages that name the file already). */
  readonly reason: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super(`${path}: ${reason}`, options);
    this.name = 'CorruptFileError';
    this.path = path;
    this.reason = reason;
    this.unsupportedFormat = options?.cause instanceof UnsupportedFormatError;
  }
}

/**
 * A lowdb adapter for one JSON file: reads validate through `parse` (which also migrates older
 * formats), writes are atomic. `read()` gives null when the file does not exist and throws
 * CorruptFileError when it exists but is unusable.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  readonly path: string;
  readonly #parse: (raw: unknown) => T;
  readonly #indent: number | undefined;
  readonly #syncDir: string | undefined;

  constructor(
    path: string,
    options: { parse: (raw: unknown) => T; indent?: number; syncDir?: string },
  ) {
    this.path = path;
    this.#parse = options.parse;
    this.#indent = options.indent;
    this.#syncDir = options.syncDir;
  }

  async read(): Promise<T | null> {
    let text: string;
    try {
      const handle = await open(this.path, 'r');
      try {
        text = await handle.readFile('utf8');
      } finally {
        await handle.close();
      }
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return null;
      throw error;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new CorruptFileError(this.path, 'not valid JSON', { cause: error });
    }
    try {
      return this.#parse(raw);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CorruptFileError(this.path, reason, { cause: error });
    }
  }

  async write(data: T): Promise<void> {
    const text = `${JSON.stringify(data, null, this.#indent)}\n`;
    await writeFileAtomic(
      this.path,
      text,
      this.#syncDir === undefined ? {} : { syncDir: this.#syncDir },
    );
  }
}

/** True when `error` is a Node system error with one of these codes. */
export function isErrorCode(error: unknown, ...codes: string[]): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    codes.includes(error.code)
  );
}

const IO_REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EISDIR: 'a folder is in the way',
  ENOTDIR: 'a file is in the way of a folder',
  EMFILE: 'too many files are open',
  EIO: 'the disk reported an error',
};

/**
 * Wraps a file-system failure as OffprintError 'io-error' naming the path and, for the usual
 * causes, saying what is wrong in plain words. An OffprintError passes through unchanged.
 */
export function toIoError(action: string, path: string, error: unknown): OffprintError {
  if (error instanceof OffprintError) return error;
  if (error instanceof CorruptFileError) {
    return new OffprintError('io-error', `Could not ${action}: ${error.message}.`, {
      cause: error,
    });
  }
  const code = isErrorCode(error, ...Object.keys(IO_REASONS))
    ? (error as { code: string }).code
    : undefined;
  const reason =
    code !== undefined ? IO_REASONS[code] : error instanceof Error ? error.message : String(error);
  return new OffprintError('io-error', `Could not ${action} (${path}): ${reason}.`, {
    cause: error,
  });
}
