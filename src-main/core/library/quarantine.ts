/**
 * Quarantine: damaged files are set aside in `<root>/quarantine/` before the library repairs around
 * them, so nothing a user could still want is ever deleted by a repair. Names are
 * `<timestamp>-<path relative to the library, / replaced by _>`, e.g.
 * `2025-01-14T09-30-00-123Z-articles_20250114-talks-k3x9qa_article.json`: sortable, and they say
 * where the file came from.
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrorCode, syncDirectory, writeFileAtomic } from './atomic-file';
import type { LibraryLayout } from './layout';

/**
 * Copies a damaged file into quarantine and returns the copy's path relative to the library. For
 * files the caller then replaces atomically (article.json, content): at no moment is the original
 * name missing, so a crash in the middle of a repair cannot make an article look half-written.
 */
export async function quarantineCopy(layout: LibraryLayout, path: string): Promise<string> {
  const target = await freeName(layout, path);
  const bytes = await readFile(path);
  await writeFileAtomic(target, bytes, { syncDir: layout.quarantineDir });
  return layout.relative(target);
}

/**
 * Moves a damaged file or a whole folder into quarantine; returns its new path relative to the
 * library. For things whose absence is a valid state (the index, annotations.json, settings.json,
 * an article folder that cannot be rebuilt).
 */
export async function quarantineMove(layout: LibraryLayout, path: string): Promise<string> {
  const target = await freeName(layout, path);
  await rename(path, target);
  await syncDirectory(layout.quarantineDir);
  return layout.relative(target);
}

/** A quarantine path for `path` that is not taken yet (rename would replace an existing file). */
async function freeName(layout: LibraryLayout, path: string): Promise<string> {
  await mkdir(layout.quarantineDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const base = `${stamp}-${layout.relative(path).replaceAll('/', '_')}`;
  for (let attempt = 1; ; attempt += 1) {
    const candidate = join(layout.quarantineDir, attempt === 1 ? base : `${base}-${attempt}`);
    try {
      await stat(candidate);
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) return candidate;
      throw error;
    }
  }
}
