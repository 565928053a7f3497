/**
 * What opening a library does after taking the lock: sweep leftovers, read settings.json and
 * library.json (quarantining either when damaged), scan the article folders against the index
 * (reconcile.ts) and write the index back when it changed. Everything found damaged goes into the
 * health log, which the OpenReport and the running library both expose.
 */
import { mkdir } from 'node:fs/promises';
import type { LibraryProblem } from '../../shared/model';
import { CorruptFileError } from './atomic-file';
import type { HealthLog } from './health';
import type { IndexFile, LibraryIndex } from './library-index';
import type { LibraryLayout } from './layout';
import type { LibraryLock } from './lock';
import { quarantineMove } from './quarantine';
import { type ScanHooks, type ScanResult, removeTempFiles, scanArticles } from './reconcile';
import type { SettingsFile } from './settings-file';

/**
 * What opening found and repaired; for logs, the CLI and tests. Most of it is what the folder scan
 * found (reconcile.ts). With `checkInBackground` after a clean close, `deferred` lists the indexed
 * articles listed without a look at their folders, which the store then checks (LibraryStore).
 */
export interface OpenReport extends Pick<
  ScanResult,
  'reread' | 'dropped' | 'removedIncomplete' | 'unreadable' | 'removedTrash' | 'deferred'
> {
  /** 'rebuilt' when library.json was missing or unusable (see `indexProblem`). */
  index: 'created' | 'loaded' | 'rebuilt';
  indexProblem: string | null;
  /** The previous session ended without close() (its lock was stale). */
  recoveredStaleLock: boolean;
  /** Temp files of interrupted writes removed now: the scan's and those outside the article folders. */
  removedTempFiles: number;
  /** Damaged files found and what was done about each: what the user is told. */
  problems: LibraryProblem[];
}

export async function loadLibrary(parts: {
  layout: LibraryLayout;
  index: LibraryIndex;
  settings: SettingsFile;
  lock: LibraryLock;
  health: HealthLog;
  created: boolean;
  hooks: ScanHooks;
  /** See OpenLibraryOptions.checkInBackground. */
  deferChecks?: boolean;
}): Promise<OpenReport> {
  const { layout, index, settings, lock, health, created } = parts;
  await mkdir(layout.articlesDir, { recursive: true });
  let removedTempFiles = await removeTempFiles(layout.root);

  const settingsProblem = await settings.load(layout);
  if (settingsProblem !== null) health.report(settingsProblem);

  let stored: IndexFile | null = null;
  let indexProblem: string | null = null;
  try {
    stored = await index.read();
    if (stored === null && !created) indexProblem = 'library.json is missing';
  } catch (error) {
    indexProblem = error instanceof CorruptFileError ? error.reason : String(error);
    // Another format is not damage (the index is derived: it is simply rebuilt over).
    if (error instanceof CorruptFileError && !error.unsupportedFormat) {
      const quarantined = await quarantineMove(layout, layout.indexFile).catch(() => null);
      health.report({
        file: 'index',
        path: layout.relative(layout.indexFile),
        articleId: null,
        outcome: 'rebuilt',
        message: `The library index could not be read (${error.reason}): it was rebuilt from the article folders. Nothing was lost.`,
        quarantined,
      });
    }
  }
  const recoveredStaleLock = lock.replacedStale !== null;
  const recovering = recoveredStaleLock || stored === null;
  if (recovering) {
    // Temp files only outlive a session that crashed; quarantine copies are written the same way.
    removedTempFiles += await removeTempFiles(layout.quarantineDir);
  }
  const scan = await scanArticles(layout, stored, {
    recovering,
    deferChecks: parts.deferChecks ?? false,
    hooks: parts.hooks,
    report: (problem) => health.report(problem),
  });
  removedTempFiles += scan.removedTempFiles;
  index.load(scan.summaries);
  if (scan.changed || stored === null) {
    index.markDirty();
    await index.flush();
  }
  return {
    index: created ? 'created' : stored === null ? 'rebuilt' : 'loaded',
    indexProblem,
    recoveredStaleLock,
    reread: scan.reread,
    dropped: scan.dropped,
    removedIncomplete: scan.removedIncomplete,
    unreadable: scan.unreadable,
    removedTempFiles,
    removedTrash: scan.removedTrash,
    deferred: scan.deferred,
    problems: health.list(),
  };
}
