/**
 * Search over a library: keeps the full-text index in step with it and answers `library.query`.
 *
 * - **Never in the way of the first paint.** `start()` returns at once; loading the saved index (or
 *   building it by reading every article's text) runs in the background in slices of a few
 *   milliseconds, with `setImmediate` between them so requests keep being served. Until it is
 *   ready, text queries search what is indexed so far; progress is reported through `onProgress`.
 * - **Incremental.** Every library change event queues its ids; shortly after, only those articles
 *   are read again. An article whose indexed content (title, byline, site, tags, notes, highlights,
 *   body) did not change, e.g. after a bookmark, is not re-indexed: a content hash tells.
 * - **Saved for the next start** in `<root>/search-index.json` (persisted-index.ts), written ten
 *   seconds after the index content last changed (at most a minute late) and on close(). Each
 *   article's entry keeps a stamp of its summary; at the next start only articles whose stamp
 *   differs are read again, articles gone from the library are dropped, and a missing or unusable
 *   file is rebuilt.
 * - **One thing at a time.** Loading, re-indexing and writing run one after another on an internal
 *   queue, so the index never changes while it is being written.
 * - Queries without text never touch the index: they filter and sort the library's summaries.
 * - Tag counts come from the summaries too; those of the whole library (a query without text or
 *   dates) are kept until the library next changes.
 */
import { join } from 'node:path';
import type {
  LibraryCounts,
  LibraryQuery,
  LibraryQueryItem,
  LibraryQueryResult,
  LibraryTagCount,
} from '../../shared/contract';
import { OffprintError } from '../../shared/errors';
import type { Annotation, ArticleSummary } from '../../shared/model';
import type { ChangeListener } from '../library/library';
import { InvertedIndex } from './inverted-index';
import { readSnapshot, writeSnapshot } from './persisted-index';
import {
  SortOrders,
  TagTally,
  compileFilters,
  count,
  defaultDirection,
  emptyCounts,
  firstInOrder,
  pageOf,
  publishedMs,
} from './query';
import { documentStamp, summaryStamp, toIndexDocument } from './search-document';
import { makeSnippet } from './snippet';

export const SEARCH_INDEX_FILE_NAME = 'search-index.json';

/** What search needs of a library (the store implements it). */
export interface SearchableLibrary {
  readonly root: string;
  /** Every summary, newest saved first. */
  list(): ArticleSummary[];
  /**
   * One summary from the library's index, without reading files; undefined when unknown. Throws
   * once the library is closed: search then stops following it and never writes into its folder.
   */
  summary(id: string): ArticleSummary | undefined;
  /** Plain text of the article's current version. */
  readText(id: string): Promise<string>;
  /** The same, read synchronously without repairs, for snippets; undefined when unreadable. */
  readTextNow(id: string): string | undefined;
  /** The article's highlights and notes (absent: the library has none to offer). */
  listAnnotations?(id: string): Promise<Annotation[]>;
  onChange(listener: ChangeListener): () => void;
}

export interface LibrarySearchOptions {
  /** False: keep the index in memory only (tests, tools). Default true. */
  persist?: boolean;
  /**
   * Quiet time after an index change before search-index.json is written (default 10 s). The file
   * is rewritten whole (~30 MB at 20,000 articles); a change it misses costs only re-reading that
   * article at the next start.
   */
  persistDelayMs?: number;
  /** Longest a change waits for that write while changes keep coming (default 60 s). */
  persistMaxDelayMs?: number;
  /** Quiet time before changed articles are re-read, so bursts are read once (default 50 ms). */
  changeDelayMs?: number;
}

/** Called while the index is loaded or built: done === total means finished. */
export type SearchProgressListener = (done: number, total: number) => void;

/** A search hit that passed the filters. */
interface Match {
  summary: ArticleSummary;
  score: number;
}

/** Longest stretch of synchronous work before the event loop gets a turn. */
const SLICE_MS = 8;
/** Article texts read at once while (re)building. */
const READ_CONCURRENCY = 8;

/** Full-text search and filtered listing over one library. */
export class LibrarySearch {
  readonly #library: SearchableLibrary;
  readonly #file: string | null;
  readonly #persistDelayMs: number;
  readonly #persistMaxDelayMs: number;
  readonly #changeDelayMs: number;
  readonly #orders = new SortOrders();
  readonly #progressListeners = new Set<SearchProgressListener>();
  readonly #pending = new Set<string>();
  readonly #unsubscribe: () => void;
  /** Tag counts of the whole library; null until asked for and after every change. */
  #libraryTags: LibraryTagCount[] | null = null;
  #index = new InvertedIndex();
  #queue: Promise<void> = Promise.resolve();
  #started: Promise<void> | null = null;
  #ready = false;
  #closed = false;
  #changeTimer: ReturnType<typeof setTimeout> | undefined;
  #persistTimer: ReturnType<typeof setTimeout> | undefined;
  #dirtySince: number | null = null;
  #sliceStart = 0;

  constructor(library: SearchableLibrary, options: LibrarySearchOptions = {}) {
    this.#library = library;
    this.#file = options.persist === false ? null : join(library.root, SEARCH_INDEX_FILE_NAME);
    this.#persistDelayMs = options.persistDelayMs ?? 10_000;
    this.#persistMaxDelayMs = options.persistMaxDelayMs ?? 60_000;
    this.#changeDelayMs = options.changeDelayMs ?? 50;
    this.#unsubscribe = library.onChange((ids) => this.#onLibraryChange(ids));
  }

  /**
   * Starts loading or building the index in the background; returns at once. Calling it again
   * does nothing. Use whenReady() to wait for it.
   */
  start(): this {
    if (this.#started === null && !this.#closed) {
      this.#started = this.#enqueue(() => this.#initialize());
    }
    return this;
  }

  /** Resolves once the index reflects the whole library as it was when loading finished. */
  async whenReady(): Promise<void> {
    this.start();
    await this.#started;
  }

  /** True once the initial load or build has finished. */
  get ready(): boolean {
    return this.#ready;
  }

  /** Number of articles in the full-text index. */
  get indexedCount(): number {
    return this.#index.size;
  }

  onProgress(listener: SearchProgressListener): () => void {
    this.#progressListeners.add(listener);
    return () => {
      this.#progressListeners.delete(listener);
    };
  }

  /**
   * Filters, searches, sorts and pages the library. Counts are for the filter chips: the state
   * counts are over the articles matching the text, tag and dates (before the bookmarked/unread/
   * archived filters); the tag counts over those matching the text and dates (before the tag
   * filter too), at most MAX_COUNTED_TAGS of them. No article file is read for either.
   */
  async query(query: LibraryQuery): Promise<LibraryQueryResult> {
    if (this.#closed) throw new OffprintError('internal', 'Search has been closed.');
    const text = query.text?.trim() ?? '';
    return text === '' ? this.#browse(query) : this.#search(query, text);
  }

  /** Re-reads articles changed so far and writes search-index.json if the index changed. */
  async flush(): Promise<void> {
    if (this.#started === null) return;
    this.#clearTimers();
    await this.#enqueue(async () => {
      await this.#reindexPending();
      await this.#persist();
    });
  }

  /** Flushes, then stops following the library. Call before closing the library. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#unsubscribe();
    await this.flush().catch((error: unknown) => {
      console.error('[offprint] search index not saved (it is rebuilt at the next start):', error);
    });
    this.#closed = true;
    this.#clearTimers();
    this.#progressListeners.clear();
  }

  #browse(query: LibraryQuery): LibraryQueryResult {
    const sort = query.sort ?? 'savedAt';
    const direction = query.direction ?? defaultDirection(sort);
    let ordered: ArticleSummary[];
    if (sort === 'savedAt') {
      // The library lists newest saved first already.
      ordered = this.#library.list();
      if (direction === 'asc') ordered.reverse();
    } else {
      ordered = [];
      for (const id of this.#orders.ids(sort, direction, () => this.#library.list())) {
        const summary = this.#library.summary(id);
        if (summary !== undefined) ordered.push(summary);
      }
    }
    const filters = compileFilters(query.filters);
    const counts = emptyCounts();
    // Without dates the tags counted are the whole library's, which a previous query may know.
    const known = filters.ranged ? null : this.#libraryTags;
    const tally = known === null ? new TagTally() : null;
    const { offset, limit } = pageOf(query);
    const items: LibraryQueryItem[] = [];
    let total = 0;
    for (const summary of ordered) {
      if (!filters.inRange(summary)) continue;
      tally?.add(summary);
      if (!filters.hasTag(summary)) continue;
      count(counts, summary);
      if (!filters.inState(summary)) continue;
      if (total >= offset && items.length < limit) items.push({ ...summary });
      total += 1;
    }
    const tags = known ?? (tally as TagTally).result();
    if (!filters.ranged) this.#libraryTags = tags;
    // A copy: the cached counts must not change with what a caller does to the result.
    counts.tags = tags.map((tag) => ({ ...tag }));
    return { total, counts, items };
  }

  #search(query: LibraryQuery, text: string): LibraryQueryResult {
    const { hits, matchedTerms } = this.#index.search(text);
    const filters = compileFilters(query.filters);
    const counts: LibraryCounts = emptyCounts();
    const tally = new TagTally();
    const matches: Match[] = [];
    for (const hit of hits) {
      const summary = this.#library.summary(hit.id);
      if (summary === undefined || !filters.inRange(summary)) continue;
      tally.add(summary);
      if (!filters.hasTag(summary)) continue;
      count(counts, summary);
      if (filters.inState(summary)) matches.push({ summary, score: hit.score });
    }
    counts.tags = tally.result();
    const { offset, limit } = pageOf(query);
    // Only the rows up to the page are put in order: a common word matches thousands.
    const ordered = firstInOrder(matches, offset + limit, this.#matchOrder(query));
    const items = ordered.slice(offset, offset + limit).map(({ summary, score }) => {
      const item: LibraryQueryItem = { ...summary, score: Math.round(score * 1000) / 1000 };
      // Small synchronous reads: a page of 50 takes about a millisecond (see readTextNow).
      const text = this.#library.readTextNow(summary.id);
      // Removed or unreadable since it was indexed: listed without a snippet.
      if (text !== undefined) item.snippet = makeSnippet(text, matchedTerms);
      return item;
    });
    return { total: matches.length, counts, items };
  }

  /** How search results are ordered: best match first unless a sort is asked for. */
  #matchOrder(query: LibraryQuery): (a: Match, b: Match) => number {
    const byId = (a: Match, b: Match) =>
      a.summary.id < b.summary.id ? -1 : a.summary.id > b.summary.id ? 1 : 0;
    const bySaved = (a: Match, b: Match) =>
      a.summary.savedAt < b.summary.savedAt ? -1 : a.summary.savedAt > b.summary.savedAt ? 1 : 0;
    if (query.sort === undefined) {
      // Equally good matches newest first.
      return (a, b) => b.score - a.score || bySaved(b, a) || byId(a, b);
    }
    const sign = (query.direction ?? defaultDirection(query.sort)) === 'asc' ? 1 : -1;
    if (query.sort === 'savedAt') return (a, b) => sign * (bySaved(a, b) || byId(a, b));
    if (query.sort === 'publishedTime') {
      const times = new Map<Match, number>();
      const time = (match: Match) => {
        let known = times.get(match);
        if (known === undefined) {
          known = publishedMs(match.summary);
          times.set(match, known);
        }
        return known;
      };
      return (a, b) => {
        const x = time(a);
        const y = time(b);
        // Undated last in both directions.
        if (Number.isNaN(x) || Number.isNaN(y)) {
          return Number(Number.isNaN(x)) - Number(Number.isNaN(y)) || byId(a, b);
        }
        return sign * (x - y || byId(a, b));
      };
    }
    const rank = this.#orders.rank('title', () => this.#library.list());
    const position = (match: Match) => rank.get(match.summary.id) ?? Number.MAX_SAFE_INTEGER;
    return (a, b) => sign * (position(a) - position(b));
  }

  #onLibraryChange(ids: string[]): void {
    this.#orders.changed(ids, (id) => this.#library.summary(id));
    // Any change may add, drop or rename a tag, or add or remove an article carrying tags.
    this.#libraryTags = null;
    if (this.#closed) return;
    for (const id of ids) this.#pending.add(id);
    if (this.#started === null || this.#changeTimer !== undefined) return;
    this.#changeTimer = setTimeout(() => {
      this.#changeTimer = undefined;
      this.#enqueue(() => this.#reindexPending()).catch((error: unknown) =>
        console.error('[offprint] search index not updated:', error),
      );
    }, this.#changeDelayMs);
    this.#changeTimer.unref?.();
  }

  async #initialize(): Promise<void> {
    this.#beginSlice();
    if (this.#file !== null) {
      try {
        const snapshot = await readSnapshot(this.#file, () => this.#pause());
        if (snapshot === null) {
          this.#markDirty();
        } else {
          this.#index = await InvertedIndex.fromSnapshot(snapshot, () => this.#pause());
        }
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        console.warn(`[offprint] rebuilding the search index: ${reason}`);
        this.#index = new InvertedIndex();
        this.#markDirty();
      }
    }
    // Whatever changed while loading is covered by comparing against the library now.
    this.#pending.clear();
    const summaries = this.#library.list();
    const present = new Set(summaries.map((summary) => summary.id));
    for (const id of this.#index.ids()) {
      if (!present.has(id) && this.#index.remove(id)) this.#markDirty();
    }
    // Annotated articles are read again whatever their stamp: a note edited in a session that
    // ended before the index was saved leaves no trace in the summary (see summaryStamp).
    const stale = summaries
      .filter(
        (summary) =>
          summary.annotationCount > 0 ||
          this.#index.stampOf(summary.id)?.stamp !== summaryStamp(summary),
      )
      .map((summary) => summary.id);
    await this.#reindex(stale, true);
    this.#ready = true;
  }

  async #reindexPending(): Promise<void> {
    if (this.#pending.size === 0 || this.#libraryClosed()) return;
    const ids = [...this.#pending];
    this.#pending.clear();
    this.#beginSlice();
    await this.#reindex(ids, false);
  }

  /** Reads and indexes `ids` again (removing those the library no longer has). */
  async #reindex(ids: readonly string[], reportProgress: boolean): Promise<void> {
    const total = ids.length;
    const every = Math.max(1, Math.floor(total / 100));
    for (let from = 0; from < total; from += READ_CONCURRENCY) {
      const batch = ids.slice(from, from + READ_CONCURRENCY);
      const read = await Promise.all(batch.map((id) => this.#readArticle(id)));
      for (const [offset, article] of read.entries()) {
        const id = batch[offset] as string;
        if (article === null) {
          if (this.#index.remove(id)) this.#markDirty();
        } else if (article !== 'skip') {
          const document = toIndexDocument(article.summary, article.text, article.annotations);
          const stamp = documentStamp(article.summary, document);
          if (this.#index.stampOf(id)?.hash === stamp.hash) {
            // Same content (a bookmark, say): no re-indexing, and not worth rewriting the file for.
            this.#index.restamp(id, stamp.stamp);
          } else {
            this.#index.add(id, document, stamp);
            this.#markDirty();
          }
        }
        const done = from + offset + 1;
        if (reportProgress && (done % every === 0 || done === total)) this.#report(done, total);
        await this.#pause();
      }
    }
    if (reportProgress && total === 0) this.#report(0, 0);
  }

  /** An article's parts, null when it is gone, 'skip' when it cannot be read now. */
  async #readArticle(
    id: string,
  ): Promise<{ summary: ArticleSummary; text: string; annotations: Annotation[] } | null | 'skip'> {
    const summary = this.#library.summary(id);
    if (summary === undefined) return null;
    try {
      // The quick synchronous read first (no queue, no record validation: a fraction of the cost
      // over a whole library); the store's checked read, which repairs, when that fails.
      const text = this.#library.readTextNow(id) ?? (await this.#library.readText(id));
      const annotations =
        summary.annotationCount > 0 ? ((await this.#library.listAnnotations?.(id)) ?? []) : [];
      // The summary may have changed while reading; a later change event brings it back here.
      return { summary: this.#library.summary(id) ?? summary, text, annotations };
    } catch (error) {
      if (error instanceof OffprintError && error.code === 'not-found') return null;
      // Left as indexed (or out of the index) until its next change; the store reports the damage.
      console.warn(`[offprint] search could not read article ${id}:`, error);
      return 'skip';
    }
  }

  #markDirty(): void {
    if (this.#file === null || this.#closed) return;
    this.#dirtySince ??= Date.now();
    if (this.#persistTimer !== undefined) clearTimeout(this.#persistTimer);
    const latest = this.#dirtySince + this.#persistMaxDelayMs - Date.now();
    this.#persistTimer = setTimeout(
      () => {
        this.#persistTimer = undefined;
        this.#enqueue(() => this.#persist()).catch((error: unknown) =>
          console.error('[offprint] search index not saved (retried on the next change):', error),
        );
      },
      Math.max(0, Math.min(this.#persistDelayMs, latest)),
    );
    // A pending save must not keep a CLI process alive; the index is derived anyway.
    this.#persistTimer.unref?.();
  }

  async #persist(): Promise<void> {
    if (this.#file === null || this.#dirtySince === null) return;
    const since = this.#dirtySince;
    this.#dirtySince = null;
    // The folder of a closed library may belong to another process by now.
    if (this.#libraryClosed()) return;
    try {
      this.#beginSlice();
      const snapshot = await this.#index.snapshot(() => this.#pause());
      await writeSnapshot(this.#file, snapshot, () => this.#pause());
    } catch (error) {
      this.#dirtySince = Math.min(since, this.#dirtySince ?? since);
      throw error;
    }
  }

  /** True once the library is closed (see SearchableLibrary.summary); search then stops. */
  #libraryClosed(): boolean {
    try {
      this.#library.summary('');
      return false;
    } catch {
      this.#unsubscribe();
      this.#closed = true;
      this.#clearTimers();
      return true;
    }
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #report(done: number, total: number): void {
    for (const listener of this.#progressListeners) {
      try {
        listener(done, total);
      } catch (error) {
        console.error('[offprint] search progress listener failed:', error);
      }
    }
  }

  #beginSlice(): void {
    this.#sliceStart = performance.now();
  }

  /** Gives the event loop a turn once the current slice of work is used up. */
  async #pause(): Promise<void> {
    if (performance.now() - this.#sliceStart < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }

  #clearTimers(): void {
    if (this.#changeTimer !== undefined) clearTimeout(this.#changeTimer);
    if (this.#persistTimer !== undefined) clearTimeout(this.#persistTimer);
    this.#changeTimer = undefined;
    this.#persistTimer = undefined;
  }
}
