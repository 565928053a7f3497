/**
 * Shared setup for the library tests: temp library folders that are always cleaned up, a sample
 * article, and a way to make a folder unwritable that works even when the tests run as root.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewArticle } from '../../../../src-main/core/library/library';
import {
  type OpenLibraryOptions,
  type OpenedLibrary,
  openLibrary,
} from '../../../../src-main/core/library/store';

/** A valid article as an importer would hand it over. */
export function sampleArticle(overrides: Partial<NewArticle> = {}): NewArticle {
  return {
    title: 'Ceasefire talks resume in Cairo',
    siteName: 'TRT World',
    section: 'WORLD',
    byline: 'Jane Doe',
    publishedTime: '2025-01-14T09:30:00Z',
    excerpt: 'Negotiators met again on Tuesday.',
    url: 'https://example.com/ceasefire',
    lang: 'en',
    dir: 'ltr',
    sourceKind: 'text',
    fileName: 'ceasefire.txt',
    contentHtml: '<p>Negotiators met again on Tuesday.</p>\n<p>No agreement yet.</p>',
    textContent: 'Negotiators met again on Tuesday.\n\nNo agreement yet.',
    wordCount: 9,
    ...overrides,
  };
}

/** Tracks temp folders and open libraries of one test file and tidies them after each test. */
export class Sandbox {
  readonly #dirs: string[] = [];
  readonly #opened: OpenedLibrary[] = [];
  readonly #cleanups: (() => Promise<void> | void)[] = [];

  async dir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'offprint-library-'));
    this.#dirs.push(dir);
    return dir;
  }

  /** openLibrary, remembered so that afterEach closes it. */
  async open(root: string, options?: OpenLibraryOptions): Promise<OpenedLibrary> {
    const opened = await openLibrary(root, options);
    this.#opened.push(opened);
    return opened;
  }

  onCleanup(cleanup: () => Promise<void> | void): void {
    this.#cleanups.push(cleanup);
  }

  async cleanup(): Promise<void> {
    for (const cleanup of this.#cleanups.splice(0).reverse()) await cleanup();
    for (const { library } of this.#opened.splice(0)) await library.close().catch(() => undefined);
    for (const dir of this.#dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * How this machine can make a folder refuse new files: chmod for ordinary users; for root (whom
 * chmod does not stop) the immutable attribute, where the file system and capabilities allow it.
 * null when neither works.
 */
export const readOnlyMethod: 'chmod' | 'chattr' | null = (() => {
  const probeDir = mkdtempSync(join(tmpdir(), 'offprint-probe-'));
  const refusesWrites = (): boolean => {
    try {
      writeFileSync(join(probeDir, 'probe'), 'x');
      rmSync(join(probeDir, 'probe'));
      return false;
    } catch {
      return true;
    }
  };
  try {
    chmodSync(probeDir, 0o555);
    if (refusesWrites()) return 'chmod';
    chmodSync(probeDir, 0o755);
    try {
      execFileSync('chattr', ['+i', probeDir], { stdio: 'ignore' });
    } catch {
      return null;
    }
    const works = refusesWrites();
    execFileSync('chattr', ['-i', probeDir], { stdio: 'ignore' });
    return works ? 'chattr' : null;
  } finally {
    chmodSync(probeDir, 0o755);
    rmSync(probeDir, { recursive: true, force: true });
  }
})();

/** Makes `dir` refuse new files; returns the function that undoes it. */
export async function makeReadOnly(dir: string): Promise<() => Promise<void>> {
  if (readOnlyMethod === 'chmod') {
    await chmod(dir, 0o555);
    return () => chmod(dir, 0o755);
  }
  if (readOnlyMethod === 'chattr') {
    execFileSync('chattr', ['+i', dir]);
    return async () => {
      execFileSync('chattr', ['-i', dir]);
    };
  }
  throw new Error('No way to make a folder read-only here');
}

/**
 * Whether this machine lets the tests mount a tiny tmpfs (root in a VM or container with the
 * capability): the way to meet a really full disk. Probed once; false elsewhere.
 */
export const canMountSmallDisk: boolean = (() => {
  const probeDir = mkdtempSync(join(tmpdir(), 'offprint-disk-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probeDir], {
      stdio: 'ignore',
    });
    execFileSync('umount', [probeDir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probeDir, { recursive: true, force: true });
  }
})();

/** Mounts a tmpfs of `kilobytes` on `dir` (which must exist); returns the function that unmounts it. */
export function mountSmallDisk(dir: string, kilobytes: number): () => Promise<void> {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kilobytes}k`, 'tmpfs', dir]);
  return async () => {
    execFileSync('umount', ['-l', dir]);
  };
}

/** Writes `<dir>/filler` until the disk refuses even one more byte; returns its path. */
export async function fillDisk(dir: string): Promise<string> {
  const path = join(dir, 'filler');
  const handle = await open(path, 'w');
  try {
    for (const size of [65536, 4096, 1]) {
      for (;;) {
        try {
          await handle.write(Buffer.alloc(size));
        } catch {
          break;
        }
      }
    }
  } finally {
    await handle.close();
  }
  return path;
}
