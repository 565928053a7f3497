/**
 * The library index: every article's summary, held in memory for list() and written to
 * `library.json` for a fast start. It is derived data: article.json files are the truth, and the
 * index can always be rebuilt from them (see reconcile.ts).
 *
 * Index writes are coalesced (a burst of changes costs one write, at most `maxDelayMs` late), so the
 * file can lag behind the article files. To let the next open find what it missed without reading
 * every article.json, each written index records `reflectsWritesBefore`: every article.json whose
 * mtime is older than that is reflected in the index. It is "now", or the start of the oldest
 * article.json write still in flight, whichever is earlier.
 */
import { Low } from 'lowdb';
import * as v from 'valibot';
import type { ArticleSummary } from '../../shared/model';
import { AtomicJsonFile, writeFileAtomic } from './atomic-file';
import { parseWith, summarySchema } from './article-record';
import { UnsupportedFormatError } from './migrations';

/**
 * Format of library.json. The index is derived, so a different format is simply rebuilt (no
 * migrations). 2: summaries carry tags and annotationCount.
 */
export const INDEX_FORMAT = 2;

const indexSchema = v.object({
  format: v.literal(INDEX_FORMAT),
  /** Epoch milliseconds; see the module comment. */
  reflectsWritesBefore: v.number(),
  articles: v.array(summarySchema),
});

export type IndexFile = v.InferOutput<typeof indexSchema>;

/**
 * Checks a parsed library.json; throws UnsupportedFormatError for another format (rebuilt, not
 * damage) and an Error saying what is wrong otherwise.
 */
export function parseIndexFile(raw: unknown): IndexFile {
  const format = (raw as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format !== INDEX_FORMAT) {
    throw new UnsupportedFormatError(
      `format is ${format}, not ${INDEX_FORMAT}`,
      format,
      format > INDEX_FORMAT,
    );
  }
  return parseWith(indexSchema, raw);
}

/**
 * A frozen copy, tags included, so no caller can change the index behind the store. Built field by
 * field: a frozen spread copy gets a hidden class of its own in V8 (20,000 summaries, 20,000
 * classes), which made every property read across the list megamorphic: filtering the hits of a
 * search took milliseconds per thousand.
 */
function frozen(summary: ArticleSummary): Readonly<ArticleSummary> {
  const copy: ArticleSummary = {
    id: summary.id,
    title: summary.title,
    siteName: summary.siteName,
    section: summary.section,
    byline: summary.byline,
    publishedTime: summary.publishedTime,
    savedAt: summary.savedAt,
    updatedAt: summary.updatedAt,
    excerpt: summary.excerpt,
    url: summary.url,
    lang: summary.lang,
    wordCount: summary.wordCount,
    readingMinutes: summary.readingMinutes,
    sourceKind: summary.sourceKind,
    fileName: summary.fileName,
    bookmarked: summary.bookmarked,
    read: summary.read,
    archived: summary.archived,
    tags: Object.freeze([...summary.tags]) as string[],
    annotationCount: summary.annotationCount,
  };
  return Object.freeze(copy);
}

/** Newest saved first; ties (same millisecond) by id so the order never depends on load order. */
export function compareNewestFirst(a: ArticleSummary, b: ArticleSummary): number {
  if (a.savedAt !== b.savedAt) return a.savedAt < b.savedAt ? 1 : -1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export interface IndexWriteTiming {
  /** Quiet time after the last change before the index is written. */
  debounceMs: number;
  /** Longest a change waits for the index write while changes keep coming. */
  maxDelayMs: number;
}

export const DEFAULT_INDEX_TIMING: IndexWriteTiming = { debounceMs: 200, maxDelayMs: 1000 };

export class LibraryIndex {
  readonly #db: Low<IndexFile | null>;
  readonly #path: string;
  readonly #syncDir: string;
  readonly #timing: IndexWriteTiming;
  readonly #onBackgroundError: (error: unknown) => void;
  readonly #summaries = new Map<string, Readonly<ArticleSummary>>();
  #sorted: readonly Readonly<ArticleSummary>[] | null = null;
  /** Start times (epoch ms) of article.json writes in flight, by token. */
  readonly #writesInFlight = new Map<number, number>();
  #nextToken = 0;
  #dirtySince: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #writing: Promise<void> | null = null;
  #disposed = false;

  constructor(
    indexPath: string,
    options: {
      syncDir: string;
      timing: IndexWriteTiming;
      onBackgroundError: (error: unknown) => void;
    },
  ) {
    this.#db = new Low<IndexFile | null>(
      new AtomicJsonFile<IndexFile | null>(indexPath, {
        parse: parseIndexFile,
        syncDir: options.syncDir,
      }),
      null,
    );
    this.#path = indexPath;
    this.#syncDir = options.syncDir;
    this.#timing = options.timing;
    this.#onBackgroundError = options.onBackgroundError;
  }

  /**
   * Reads library.json: null when missing; throws CorruptFileError when unparseable, of the wrong
   * format or shape.
   */
  async read(): Promise<IndexFile | null> {
    this.#db.data = null;
    await this.#db.read();
    return this.#db.data;
  }

  /** Replaces the whole in-memory index (at open). Does not schedule a write. */
  load(summaries: Iterable<ArticleSummary>): void {
    this.#summaries.clear();
    for (const summary of summaries) this.#summaries.set(summary.id, frozen(summary));
    this.#sorted = null;
  }

  get size(): number {
    return this.#summaries.size;
  }

  has(id: string): boolean {
    return this.#summaries.has(id);
  }

  get(id: string): Readonly<ArticleSummary> | undefined {
    return this.#summaries.get(id);
  }

  /** Every summary, newest first. A fresh array; the summaries themselves are frozen. */
  list(): ArticleSummary[] {
    this.#sorted ??= [...this.#summaries.values()].sort(compareNewestFirst);
    return [...this.#sorted];
  }

  /** Adds or replaces one summary and schedules an index write. */
  put(summary: ArticleSummary): void {
    this.#summaries.set(summary.id, frozen(summary));
    this.#sorted = null;
    this.markDirty();
  }

  /** Removes one summary and schedules an index write. */
  delete(id: string): void {
    if (this.#summaries.delete(id)) {
      this.#sorted = null;
      this.markDirty();
    }
  }

  /**
   * Call just before writing an article.json; pass the token to `endArticleWrite` in the same tick
   * as the `put` that reflects the write (or on failure), so no snapshot can miss it unnoticed.
   */
  beginArticleWrite(): number {
    this.#nextToken += 1;
    this.#writesInFlight.set(this.#nextToken, Date.now());
    return this.#nextToken;
  }

  endArticleWrite(token: number): void {
    this.#writesInFlight.delete(token);
  }

  /** Schedules a coalesced write of library.json. */
  markDirty(): void {
    this.#dirtySince ??= Date.now();
    if (this.#disposed) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const latest = this.#dirtySince + this.#timing.maxDelayMs - Date.now();
    const wait = Math.max(0, Math.min(this.#timing.debounceMs, latest));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#writeOnce().catch(this.#onBackgroundError);
    }, wait);
    // A pending index write must not keep a CLI process alive; the index is derived anyway.
    this.#timer.unref?.();
  }

  /** True when the in-memory index has changes library.json does not have yet. */
  get dirty(): boolean {
    return this.#dirtySince !== null;
  }

  /**
   * The timer's write: one write, never two back to back. Changes made while it runs are left to
   * the next timer, which markDirty() sets as usual once it is done. (Looping like flush() rewrote
   * the whole index after nearly every add during an import: at 20,000 articles that cut the
   * import rate from ~300 to ~40 per second.)
   */
  async #writeOnce(): Promise<void> {
    if (this.#writing !== null || this.#dirtySince === null) return;
    await this.#writeChanges(this.#dirtySince);
    if (this.#dirtySince !== null) this.markDirty();
  }

  /**
   * Writes the changes made since `since` (the index's dirty mark; no write is in progress). If the
   * write fails the index is left dirty from the earlier mark, to be retried by the next change or
   * flush.
   */
  async #writeChanges(since: number): Promise<void> {
    this.#dirtySince = null;
    const writing = this.#write();
    this.#writing = writing;
    try {
      await writing;
    } catch (error) {
      this.#dirtySince = Math.min(since, this.#dirtySince ?? since);
      throw error;
    } finally {
      this.#writing = null;
    }
  }

  /** Writes library.json now if anything changed; resolves once it is on disk. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    for (;;) {
      if (this.#writing !== null) {
        // One writer per file: wait for the write in progress, then write again if still dirty.
        await this.#writing.catch(() => undefined);
        continue;
      }
      if (this.#dirtySince === null) return;
      await this.#writeChanges(this.#dirtySince);
    }
  }

  /** Stops scheduling writes (close, or a simulated crash). Pending changes are dropped. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #write(): Promise<void> {
    // Taken synchronously with the snapshot below: see the module comment.
    const reflectsWritesBefore = Math.min(Date.now(), ...this.#writesInFlight.values());
    const text = indexFileText(reflectsWritesBefore, this.list());
    await writeFileAtomic(this.#path, text, { syncDir: this.#syncDir });
  }
}

/**
 * library.json (the same JSON as JSON.stringify of the whole file) in pieces of 500 summaries. As
 * one string it was 13 MB at 20,000 articles: written every second during an import, that much
 * garbage per write drove the process over 450 MB, and stringifying it blocked for ~50 ms.
 */
function* indexFileText(
  reflectsWritesBefore: number,
  articles: readonly ArticleSummary[],
): Generator<string> {
  yield `{"format":${INDEX_FORMAT},"reflectsWritesBefore":${reflectsWritesBefore},"articles":[`;
  for (let at = 0; at < articles.length; at += 500) {
    const piece = articles.slice(at, at + 500).map((summary) => JSON.stringify(summary));
    yield `${at > 0 ? ',' : ''}${piece.join(',')}`;
  }
  yield ']}\n';
}
