/**
 * The open-time scan: makes the index agree with the article folders, and repairs what it reads.
 *
 * - No usable index (missing, damaged, other format): every article.json is read (rebuild).
 * - Usable index: each folder's article.json is only stat'ed; it is read when the folder is not in
 *   the index or its mtime is not older than the index's `reflectsWritesBefore` (minus a margin for
 *   coarse file-system clocks). Index entries whose folder is gone are dropped.
 * - Reading an article.json also reads its annotations.json for the count shown in lists.
 * - After a crash (stale lock) or with no usable index ("recovering"), each folder is listed:
 *   temp files of interrupted writes are swept, and an annotations.json newer than the index is
 *   read even when article.json is trusted (annotation changes write only that file).
 * - A folder without article.json is an interrupted add (removed), unless the index knew it: then
 *   article.json was lost, and it is rebuilt like a damaged one.
 * - A damaged article.json is copied to quarantine and rebuilt (recovery.ts); a folder with nothing
 *   left to rebuild from is moved to quarantine whole. One in a format this Offprint cannot read is
 *   left alone and not listed (`unreadable`, `onUnreadable`).
 * - `articles/.trash-*` folders (a remove that did not finish) are deleted.
 */
import { statSync } from 'node:fs';
import { readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArticleSummary } from '../../shared/model';
import { loadAnnotations } from './annotations';
import { isArticleId } from './article-id';
import { type ArticleRecord, readArticleRecord, toSummary } from './article-record';
import { CorruptFileError, TEMP_FILE_PATTERN, isErrorCode } from './atomic-file';
import type { ProblemDraft } from './health';
import type { IndexFile } from './library-index';
import { ANNOTATIONS_FILE_NAME, type LibraryLayout, TRASH_PREFIX } from './layout';
import { repairArticleRecord } from './recovery';

/**
 * article.json files this much older than the index's `reflectsWritesBefore` are trusted without
 * reading. Covers file systems whose timestamps lag the wall clock (Linux stamps files from a clock
 * that ticks every few ms; FAT keeps 2 s).
 */
export const MTIME_MARGIN_MS = 2_000;

/** Folders looked at in parallel: enough to hide disk latency, few enough for 2 cores. */
const SCAN_CONCURRENCY = 16;

/** An article folder the store could not use and left as it was. */
export interface UnreadableArticle {
  id: string;
  path: string;
  reason: string;
}

export interface ScanHooks {
  /**
   * Called as folders are scanned: at the start of a rebuild or recovery, every 200 folders and at
   * the end. `rebuilding`: there was no usable index (what a host tells the user it is doing).
   */
  onProgress?: (done: number, total: number, rebuilding: boolean) => void;
  /** Called for each folder that is skipped and left as it is (not damaged: unreadable). */
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
  /** Folders left as they were and not listed (e.g. written by a newer Offprint). */
  unreadable: UnreadableArticle[];
  removedTempFiles: number;
  /** Folders of removes that had not finished (`articles/.trash-*`), deleted now. */
  removedTrash: number;
  /**
   * With `deferChecks`: indexed articles listed as indexed without a look at their folder, and the
   * time their article.json must be older than to be trusted (see `changedSince`).
   */
  deferred: { ids: string[]; trustBefore: number } | null;
}

type FolderOutcome =
  | { kind: 'kept'; summary: ArticleSummary }
  | { kind: 'read'; summary: ArticleSummary }
  | { kind: 'incomplete' }
  | { kind: 'quarantined' }
  | { kind: 'unreadable'; reason: string };

interface FolderContext {
  layout: LibraryLayout;
  indexed: ArticleSummary | undefined;
  trustBefore: number;
  recovering: boolean;
  report: (problem: ProblemDraft) => void;
}

/** Scans `<root>/articles` against `index` (null: rebuild from scratch). */
export async function scanArticles(
  layout: LibraryLayout,
  index: IndexFile | null,
  options: {
    /** List every folder: sweep temp files, look at annotations.json (after a crash, rebuild). */
    recovering: boolean;
    /**
     * Unless recovering: trust the index for the folders it knows without stat'ing them, and
     * return their ids in `deferred` for the caller to check after opening.
     */
    deferChecks?: boolean;
    hooks: ScanHooks;
    /** Receives every damaged file found and what was done about it. */
    report: (problem: ProblemDraft) => void;
  },
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
    removedTrash: 0,
    deferred: null,
  };
  for (const entry of entries) {
    if (!entry.isDirectory() || !entry.name.startsWith(TRASH_PREFIX)) continue;
    try {
      await rm(join(layout.articlesDir, entry.name), { recursive: true, force: true });
      result.removedTrash += 1;
    } catch (error) {
      console.warn(
        `[offprint] could not finish removing ${entry.name}; tried again next open:`,
        error,
      );
    }
  }

  let done = 0;
  const total = ids.length;
  const rebuilding = index === null;
  const progress = (): void => hooks.onProgress?.(done, total, rebuilding);
  // Every folder is read in these cases: worth a first report before the first 200 are done.
  if ((rebuilding || options.recovering) && total > 0) progress();
  const onFolder = async (id: string): Promise<void> => {
    const dir = layout.articleDir(id);
    const before = indexed.get(id);
    let names: Set<string> | null = null;
    if (options.recovering) {
      names = new Set(await readdir(dir).catch(() => []));
      result.removedTempFiles += await removeTempFiles(dir, names);
    }
    // Nothing one folder does (permissions, a disk error) may stop the library from opening.
    const outcome = await scanFolder(id, names, {
      layout,
      indexed: before,
      trustBefore,
      recovering: options.recovering,
      report: options.report,
    }).catch((error: unknown): FolderOutcome => ({ kind: 'unreadable', reason: describe(error) }));
    switch (outcome.kind) {
      case 'kept':
        result.summaries.push(outcome.summary);
        break;
      case 'read': {
        result.summaries.push(outcome.summary);
        result.reread.push(id);
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
        if (before !== undefined) result.changed = true;
        break;
      case 'quarantined':
        if (before !== undefined) {
          result.dropped.push(id);
          result.changed = true;
        }
        break;
      case 'unreadable':
        report({ id, path: dir, reason: outcome.reason });
        if (before !== undefined) result.changed = true;
        break;
    }
    done += 1;
    if (done % 200 === 0) progress();
  };
  const report = (article: UnreadableArticle): void => {
    result.unreadable.push(article);
    hooks.onUnreadable?.(article);
    // Not damage (nothing is moved or rebuilt), but the article vanishes from the list: say so.
    options.report({
      file: 'folder',
      path: layout.relative(article.path),
      articleId: article.id,
      outcome: 'skipped',
      message: `Article ${article.id} is not listed: ${article.reason}. Its files are left as they are.`,
      quarantined: null,
    });
  };

  // Fast path, in one synchronous loop over the index (newest first, so that the summaries come
  // out in the order the first list() wants): a folder the index knows whose article.json is older
  // than the index is kept as indexed. (scanFolder decides the same, but an async call per folder
  // cost more than the stat itself at 20,000 articles.) After a crash every folder takes the slow
  // path.
  const toScan: string[] = [];
  const deferred: string[] | null = options.deferChecks && !options.recovering ? [] : null;
  const names = new Set(ids.map((entry) => entry.name));
  for (const before of options.recovering ? [] : (index?.articles ?? [])) {
    // (A repeated id in a damaged index counts once, as in `indexed`.)
    if (!names.has(before.id) || indexed.get(before.id) !== before) continue;
    if (deferred !== null) {
      result.summaries.push(before);
      deferred.push(before.id);
      done += 1;
      continue;
    }
    let mtimeMs: number | undefined;
    try {
      mtimeMs = statSync(layout.articleFile(before.id)).mtimeMs;
    } catch {
      // Missing or unreadable: scanFolder works out which and what to do.
    }
    if (mtimeMs !== undefined && mtimeMs < trustBefore) {
      result.summaries.push(before);
      done += 1;
      if (done % 200 === 0) progress();
    } else {
      toScan.push(before.id);
    }
  }
  for (const name of names) if (options.recovering || !indexed.has(name)) toScan.push(name);
  await forEachLimited(toScan, SCAN_CONCURRENCY, onFolder);
  progress();
  if (deferred !== null) result.deferred = { ids: deferred, trustBefore };

  for (const id of indexed.keys()) {
    if (!names.has(id)) {
      result.dropped.push(id);
      result.changed = true;
    }
  }
  for (const item of result.removedIncomplete) if (indexed.has(item)) result.dropped.push(item);
  // Articles read again were added as they came: back in the index's order (newest first), so that
  // the first list() sorts an already sorted array in linear time (in scan order: ~50 ms at 20,000).
  if (index !== null && toScan.length > 0) {
    result.summaries = inIndexOrder(result.summaries, index.articles);
  }
  return result;
}

/** `summaries` ordered as in `order`; those not in it last. Linear time. */
function inIndexOrder(
  summaries: ArticleSummary[],
  order: readonly ArticleSummary[],
): ArticleSummary[] {
  const position = new Map(order.map((summary, index) => [summary.id, index]));
  const placed: (ArticleSummary | undefined)[] = new Array(order.length);
  const unplaced: ArticleSummary[] = [];
  for (const summary of summaries) {
    const at = position.get(summary.id);
    if (at === undefined) unplaced.push(summary);
    else placed[at] = summary;
  }
  return [...placed.filter((summary) => summary !== undefined), ...unplaced];
}

async function scanFolder(
  id: string,
  names: Set<string> | null,
  context: FolderContext,
): Promise<FolderOutcome> {
  const { layout, indexed, trustBefore } = context;
  const file = layout.articleFile(id);
  let mtimeMs: number;
  try {
    // Synchronous on purpose: ~5 µs from the inode cache, against ~20 µs of main-thread work plus
    // the thread-pool wait for an async stat; at 20,000 articles that was most of opening.
    mtimeMs = statSync(file).mtimeMs;
  } catch (error) {
    if (!isErrorCode(error, 'ENOENT')) return { kind: 'unreadable', reason: describe(error) };
    // An add writes article.json last, so a folder without it is an add that never finished,
    // unless the index knew the article: then its article.json was lost after the fact.
    if (indexed === undefined) return { kind: 'incomplete' };
    return repairFolder(id, 'its article.json was missing', context);
  }
  if (indexed !== undefined && mtimeMs < trustBefore) {
    if (names?.has(ANNOTATIONS_FILE_NAME)) return checkAnnotationCount(id, indexed, context);
    return { kind: 'kept', summary: indexed };
  }
  let record: ArticleRecord | null;
  try {
    record = await readArticleRecord(file);
  } catch (error) {
    if (error instanceof CorruptFileError && !error.unsupportedFormat) {
      return repairFolder(id, `its article.json could not be read (${describe(error)})`, context);
    }
    return { kind: 'unreadable', reason: describe(error) };
  }
  if (record === null) {
    if (indexed === undefined) return { kind: 'incomplete' };
    return repairFolder(id, 'its article.json was missing', context);
  }
  if (record.id !== id) {
    return repairFolder(
      id,
      `its article.json names another article (${record.id}), perhaps copied over it`,
      context,
    );
  }
  const count = await annotationCount(id, record.title, context);
  return { kind: 'read', summary: toSummary(record, count) };
}

/**
 * After a crash, an annotations.json written after the index may hold a change the index's count
 * does not reflect (annotation changes write only that file): count again.
 */
async function checkAnnotationCount(
  id: string,
  indexed: ArticleSummary,
  context: FolderContext,
): Promise<FolderOutcome> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(context.layout.annotationsFile(id))).mtimeMs;
  } catch {
    return { kind: 'kept', summary: indexed };
  }
  if (mtimeMs < context.trustBefore) return { kind: 'kept', summary: indexed };
  const count = await annotationCount(id, indexed.title, context);
  if (count === indexed.annotationCount) return { kind: 'kept', summary: indexed };
  return { kind: 'read', summary: { ...indexed, annotationCount: count } };
}

async function annotationCount(id: string, title: string, context: FolderContext): Promise<number> {
  const loaded = await loadAnnotations(context.layout, id, `"${title}"`);
  if (loaded.problem !== null) context.report(loaded.problem);
  return loaded.annotations.length;
}

async function repairFolder(
  id: string,
  what: string,
  context: FolderContext,
): Promise<FolderOutcome> {
  const { layout, indexed } = context;
  try {
    const repair = await repairArticleRecord(layout, id, indexed, what, context.report);
    if (repair.kind === 'quarantined') return { kind: 'quarantined' };
    const count = await annotationCount(id, repair.record.title, context);
    return { kind: 'read', summary: toSummary(repair.record, count) };
  } catch (error) {
    return { kind: 'unreadable', reason: `${what}, and repairing it failed: ${describe(error)}` };
  }
}

/**
 * Deletes leftovers of interrupted atomic writes in one folder; returns how many. `names` is the
 * folder's listing when the caller already has it.
 */
export async function removeTempFiles(dir: string, names?: Iterable<string>): Promise<number> {
  let listing: Iterable<string>;
  try {
    listing = names ?? (await readdir(dir));
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of listing) {
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

/**
 * The check the scan makes of an indexed article, on its own: true when its article.json is not
 * older than `trustBefore` (or cannot be stat'ed), so it must be read again.
 */
export function changedSince(layout: LibraryLayout, id: string, trustBefore: number): boolean {
  try {
    return statSync(layout.articleFile(id)).mtimeMs >= trustBefore;
  } catch {
    return true;
  }
}

/** True when two summaries have the same fields and values. */
export function sameSummary(a: ArticleSummary, b: ArticleSummary): boolean {
  const keys = Object.keys(b) as (keyof ArticleSummary)[];
  return (
    keys.length === Object.keys(a).length &&
    keys.every((key) =>
      key === 'tags' ? JSON.stringify(a.tags) === JSON.stringify(b.tags) : a[key] === b[key],
    )
  );
}

function describe(error: unknown): string {
  if (error instanceof CorruptFileError) return error.reason;
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
