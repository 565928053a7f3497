/**
 * The open-time scan: makes the index agree with the article folders.
 *
 * - No usable index (missing, not JSON, wrong format or shape): every article.json is read (rebuild).
 * - Usable index: each folder's article.json is only stat'ed; it is read when the folder is not in
 *   the index or its mtime is not older than the index's `reflectsWritesBefore` (minus a margin for
 *   coarse file-system clocks). Index entries whose folder is gone are dropped.
 * - A folder with no article.json is an interrupted add (or remove): it is removed.
 * - An article.json that cannot be used is reported through `onUnreadable` and left where it is;
 *   this is the seam where quarantine plugs in.
 * - After a crash (stale lock) or a rebuild, temp files of interrupted writes are swept as well.
 */
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import type { ArticleSummary } from '../../shared/model';
import { isArticleId } from './article-id';
import { type ArticleRecord, parseArticleRecord, toSummary } from './article-record';
import { AtomicJsonFile, CorruptFileError, TEMP_FILE_PATTERN, isErrorCode } from './atomic-file';
import type { IndexFile } from './library-index';
import type { LibraryLayout } from './layout';

/**
 * article.json files this much older than the index's `reflectsWritesBefore` are trusted without
 * reading. Covers file systems whose timestamps lag the wall clock (Linux stamps files from a clock
 * that ticks every few ms; FAT keeps 2 s).
 */
export const MTIME_MARGIN_MS = 2_000;

/** Folders looked at in parallel: enough to hide disk latency, few enough for 2 cores. */
const SCAN_CONCURRENCY = 16;

/** An article folder the store could not use. */
export interface UnreadableArticle {
  id: string;
  path: string;
  reason: string;
}

export interface ScanHooks {
  /** Called as folders are scanned (every 200 folders and at the end). */
  onProgress?: (done: number, total: number) => void;
  /** Called for each folder that is skipped because its files cannot be used. */
  onUnreadable?: (article: UnreadableArticle) => void;
}

export interface ScanResult {
  summaries: ArticleSummary[];
  /** True when the summaries differ from the index read from disk (so it must be rewritten). */
  changed: boolean;
  /** Ids whose article.json was read because the index was missing, stale or lacked them. */
  reread: string[];
  /** Ids in the index whose folder or article.json is gone. */
  dropped: string[];
  /** Folders without article.json that were removed. */
  removedIncomplete: string[];
  unreadable: UnreadableArticle[];
  removedTempFiles: number;
}

type FolderOutcome =
  | { kind: 'kept'; summary: ArticleSummary }
  | { kind: 'read'; summary: ArticleSummary }
  | { kind: 'incomplete' }
  | { kind: 'unreadable'; reason: string };

/** Scans `<root>/articles` against `index` (null: rebuild from scratch). */
export async function scanArticles(
  layout: LibraryLayout,
  index: IndexFile | null,
  options: { sweepTempFiles: boolean; hooks: ScanHooks },
): Promise<ScanResult> {
  const { hooks } = options;
  const entries = await readdir(layout.articlesDir, { withFileTypes: true });
  // Anything that is not a folder named like an article id is not ours to judge or touch.
  const ids = entries.filter((entry) => entry.isDirectory() && isArticleId(entry.name));
  const indexed = new Map(index?.articles.map((summary) => [summary.id, summary]) ?? []);
  const trustBefore = index === null ? -Infinity : index.reflectsWritesBefore - MTIME_MARGIN_MS;

  const result: ScanResult = {
    summaries: [],
    changed: index === null,
    reread: [],
    dropped: [],
    removedIncomplete: [],
    unreadable: [],
    removedTempFiles: 0,
  };
  let done = 0;
  const total = ids.length;
  const report = (article: UnreadableArticle): void => {
    result.unreadable.push(article);
    hooks.onUnreadable?.(article);
  };
  const onFolder = async (id: string): Promise<void> => {
    const dir = layout.articleDir(id);
    if (options.sweepTempFiles) result.removedTempFiles += await removeTempFiles(dir);
    const outcome = await scanFolder(layout, id, indexed.get(id), trustBefore);
    switch (outcome.kind) {
      case 'kept':
        result.summaries.push(outcome.summary);
        break;
      case 'read': {
        result.summaries.push(outcome.summary);
        result.reread.push(id);
        const before = indexed.get(id);
        if (before === undefined || !sameSummary(before, outcome.summary)) result.changed = true;
        break;
      }
      case 'incomplete':
        try {
          await rm(dir, { recursive: true, force: true });
          result.removedIncomplete.push(id);
        } catch (error) {
          report({ id, path: dir, reason: `incomplete folder could not be removed: ${error}` });
        }
        if (indexed.has(id)) result.changed = true;
        break;
      case 'unreadable':
        report({ id, path: dir, reason: outcome.reason });
        if (indexed.has(id)) result.changed = true;
        break;
    }
    done += 1;
    if (done % 200 === 0) hooks.onProgress?.(done, total);
  };

  await forEachLimited(
    ids.map((entry) => entry.name),
    SCAN_CONCURRENCY,
    onFolder,
  );
  hooks.onProgress?.(done, total);

  const present = new Set(ids.map((entry) => entry.name));
  for (const id of indexed.keys()) {
    if (!present.has(id)) {
      result.dropped.push(id);
      result.changed = true;
    }
  }
  for (const item of result.removedIncomplete) if (indexed.has(item)) result.dropped.push(item);
  return result;
}

async function scanFolder(
  layout: LibraryLayout,
  id: string,
  indexed: ArticleSummary | undefined,
  trustBefore: number,
): Promise<FolderOutcome> {
  const file = layout.articleFile(id);
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(file)).mtimeMs;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { kind: 'incomplete' };
    return { kind: 'unreadable', reason: describe(error) };
  }
  if (indexed !== undefined && mtimeMs < trustBefore) return { kind: 'kept', summary: indexed };
  let record: ArticleRecord | null;
  try {
    record = await readArticleRecord(file);
  } catch (error) {
    return { kind: 'unreadable', reason: describe(error) };
  }
  if (record === null) return { kind: 'incomplete' };
  if (record.id !== id) {
    return { kind: 'unreadable', reason: `its id ${record.id} does not match the folder name` };
  }
  return { kind: 'read', summary: toSummary(record) };
}

/** Reads and checks one article.json; null when it does not exist, CorruptFileError when unusable. */
export async function readArticleRecord(file: string): Promise<ArticleRecord | null> {
  const db = new Low<ArticleRecord | null>(
    new AtomicJsonFile<ArticleRecord | null>(file, { parse: parseArticleRecord }),
    null,
  );
  await db.read();
  return db.data;
}

/** Deletes leftovers of interrupted atomic writes in one folder; returns how many. */
export async function removeTempFiles(dir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (!TEMP_FILE_PATTERN.test(name)) continue;
    try {
      await unlink(join(dir, name));
      removed += 1;
    } catch {
      // Leave it: it is garbage, not data, and the next sweep tries again.
    }
  }
  return removed;
}

function sameSummary(a: ArticleSummary, b: ArticleSummary): boolean {
  const keys = Object.keys(b) as (keyof ArticleSummary)[];
  return keys.length === Object.keys(a).length && keys.every((key) => a[key] === b[key]);
}

function describe(error: unknown): string {
  if (error instanceof CorruptFileError) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next] as T;
      next += 1;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
