/**
 * The library store: per-article folders on lowdb plus a derived index.
 *
 * ## On disk
 *
 * ```
 * <root>/
 *   library.json           index (lowdb): { format: 1, reflectsWritesBefore, articles: ArticleSummary[] }
 *                          only what lists and filters need, never bodies; derived, rebuilt when unusable
 *   articles/<id>/         one folder per article; <id> = <yyyymmdd>-<title slug, ≤40>-<6 base36>
 *     article.json         lowdb: { format: 1, metadata, user state (bookmarked/read/archived),
 *                          savedAt, updatedAt, currentVersion, versions[], tags[] }; written LAST,
 *                          so present means complete
 *     content-<n>.html     sanitized content of version n (the reader shows currentVersion)
 *     text-<n>.txt         plain text of version n (search, CLI)
 *   settings.json          reserved for settings (not written yet)
 *   offprint.lock          { pid, hostname, startedAt, nonce }: one process per library
 * ```
 *
 * ## Rules
 *
 * - **Atomic writes.** Every file is written as `<file>.tmp-<pid>-<n>`, fsynced, renamed over the
 *   target; the folder is fsynced after renames that must survive a crash (atomic-file.ts).
 * - **One writer per file.** Writes to one file go through a per-path promise queue (keyed-queue.ts),
 *   so concurrent setState calls on one article apply in call order: the last call wins.
 * - **Acknowledged means on disk.** `add` resolves after content, text and then article.json are
 *   fsynced and renamed (the folder is fsynced between content and article.json). `setState` resolves
 *   after article.json is. `remove` deletes article.json first (the folder is then an incomplete one,
 *   cleaned at the next open), then the folder.
 * - **Coalesced index.** library.json is written 200 ms after the last change, at most 1 s late, and
 *   on close(). Its `reflectsWritesBefore` tells the next open which article.json files it may trust
 *   without reading (library-index.ts).
 * - **Derived index.** On open, library.json is checked against the folders (reconcile.ts): rebuilt
 *   from every article.json when missing or unusable; otherwise only folders it lacks or that changed
 *   after it are read, entries without a folder are dropped, folders without article.json removed.
 * - **Failures.** A failed write leaves the previous files and the in-memory index as they were and
 *   throws OffprintError 'io-error' naming the path. Unknown ids throw 'not-found', malformed ids
 *   'invalid-argument' before any path is built.
 * - **Lock.** offprint.lock is created exclusively; a live owner on this host (or any owner on
 *   another host) makes openLibrary throw 'library-locked'; a dead owner's lock is taken over and
 *   temp files of its interrupted writes are swept (lock.ts).
 *
 * ## Seams for later issues
 *
 * - Full-text search: subscribe with onChange(ids) and read `text-<currentVersion>.txt` (readText).
 * - Quarantine: `onUnreadable` in OpenLibraryOptions receives every article folder that cannot be
 *   used; today it is skipped and left in place. Progress of a long open: `onProgress`.
 * - Crash trials: `abandon()` stops a store as a killed process would (no flush, lock left behind);
 *   every intermediate state of add/setState/remove is one the open-time scan repairs.
 * - Re-saving an article: write content-<n+1>.html and text-<n+1>.txt, then article.json with a new
 *   `versions` entry and `currentVersion` n+1. Formats: MIGRATIONS in article-record.ts.
 */
import { mkdir, readFile, rm, stat, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Low } from 'lowdb';
import { OffprintError } from '../../shared/errors';
import type { Article, ArticleStatePatch, ArticleSummary } from '../../shared/model';
import { assertArticleId, createArticleId } from './article-id';
import {
  type ArticleRecord,
  createRecord,
  newArticleSchema,
  parseArticleRecord,
  parseWith,
  toSummary,
} from './article-record';
import {
  AtomicJsonFile,
  isErrorCode,
  syncDirectory,
  toIoError,
  writeFileAtomic,
} from './atomic-file';
import { KeyedQueue } from './keyed-queue';
import { DEFAULT_INDEX_TIMING, type IndexFile, LibraryIndex } from './library-index';
import type { ChangeListener, Library, NewArticle } from './library';
import { LibraryLayout } from './layout';
import { type LibraryLock, acquireLibraryLock } from './lock';
import { type ScanHooks, type UnreadableArticle, removeTempFiles, scanArticles } from './reconcile';

export type { UnreadableArticle } from './reconcile';

export interface OpenLibraryOptions extends ScanHooks {
  /** Quiet time before a changed index is written (default 200 ms). */
  indexWriteDelayMs?: number;
  /** Longest an index change waits while changes keep coming (default 1 s). */
  indexWriteMaxDelayMs?: number;
}

/** What opening found and repaired; for logs, the CLI and tests. */
export interface OpenReport {
  /** 'rebuilt' when library.json was missing or unusable (see `indexProblem`). */
  index: 'created' | 'loaded' | 'rebuilt';
  indexProblem: string | null;
  /** The previous session ended without close() (its lock was stale). */
  recoveredStaleLock: boolean;
  reread: string[];
  dropped: string[];
  removedIncomplete: string[];
  unreadable: UnreadableArticle[];
  removedTempFiles: number;
}

export interface OpenedLibrary {
  library: LibraryStore;
  /** True when there was no library here before: the caller adds the welcome article. */
  created: boolean;
  report: OpenReport;
}

/**
 * Opens (creating when missing) the library in `root`: takes the lock, loads and repairs the index.
 * Throws OffprintError 'library-locked' when another live process holds it, 'io-error' when the
 * folder cannot be created or read.
 */
export async function openLibrary(
  root: string,
  options: OpenLibraryOptions = {},
): Promise<OpenedLibrary> {
  const layout = new LibraryLayout(resolve(root));
  const created = !(await exists(layout.indexFile)) && !(await exists(layout.articlesDir));
  try {
    await mkdir(layout.root, { recursive: true });
  } catch (error) {
    throw toIoError('create the library folder', layout.root, error);
  }
  const lock = await acquireLibraryLock(layout.lockFile);
  try {
    const index = new LibraryIndex(layout.indexFile, {
      syncDir: layout.root,
      timing: {
        debounceMs: options.indexWriteDelayMs ?? DEFAULT_INDEX_TIMING.debounceMs,
        maxDelayMs: options.indexWriteMaxDelayMs ?? DEFAULT_INDEX_TIMING.maxDelayMs,
      },
      onBackgroundError: (error) =>
        console.error('[offprint] library index not saved (retried on the next change):', error),
    });
    const report = await loadIndex(layout, index, lock, created, options);
    if (created) await syncDirectory(layout.root).catch(() => undefined);
    return { library: new LibraryStore(layout, lock, index), created, report };
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw toIoError('open the library', layout.root, error);
  }
}

async function loadIndex(
  layout: LibraryLayout,
  index: LibraryIndex,
  lock: LibraryLock,
  created: boolean,
  hooks: ScanHooks,
): Promise<OpenReport> {
  await mkdir(layout.articlesDir, { recursive: true });
  let removedTempFiles = await removeTempFiles(layout.root);

  let stored: IndexFile | null = null;
  let indexProblem: string | null = null;
  try {
    stored = await index.read();
    if (stored === null && !created) indexProblem = 'library.json is missing';
  } catch (error) {
    indexProblem = error instanceof Error ? error.message : String(error);
  }
  const recoveredStaleLock = lock.replacedStale !== null;
  const scan = await scanArticles(layout, stored, {
    // Temp files only outlive a session that crashed; a rebuild is a good moment to look too.
    sweepTempFiles: recoveredStaleLock || stored === null,
    hooks,
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
  };
}

const STATE_KEYS = ['bookmarked', 'read', 'archived'] as const;

/** The Library on disk. Create it with openLibrary(). */
export class LibraryStore implements Library {
  readonly root: string;
  readonly #layout: LibraryLayout;
  readonly #lock: LibraryLock;
  readonly #index: LibraryIndex;
  readonly #queue = new KeyedQueue();
  readonly #listeners = new Set<ChangeListener>();
  /** Every change from its call to its settling, including the part before it joins the queue. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  #closing: Promise<void> | null = null;

  /** Use openLibrary(): it takes the lock and loads the index this constructor is handed. */
  constructor(layout: LibraryLayout, lock: LibraryLock, index: LibraryIndex) {
    this.root = layout.root;
    this.#layout = layout;
    this.#lock = lock;
    this.#index = index;
  }

  count(): number {
    this.#assertOpen();
    return this.#index.size;
  }

  list(): ArticleSummary[] {
    this.#assertOpen();
    return this.#index.list();
  }

  async get(id: string): Promise<Article> {
    this.#assertKnown(id);
    const record = await this.#readRecord(id);
    const path = this.#layout.contentFile(id, record.currentVersion);
    let contentHtml: string;
    try {
      contentHtml = await readFile(path, 'utf8');
    } catch (error) {
      throw toIoError(`read the content of article ${id}`, path, error);
    }
    return { ...toSummary(record), contentHtml, dir: record.dir };
  }

  /** Plain text of an article's current version (search, CLI). Throws like get(). */
  async readText(id: string): Promise<string> {
    this.#assertKnown(id);
    const record = await this.#readRecord(id);
    const path = this.#layout.textFile(id, record.currentVersion);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      throw toIoError(`read the text of article ${id}`, path, error);
    }
  }

  add(input: NewArticle): Promise<ArticleSummary> {
    return this.#track(() => this.#add(input));
  }

  setState(id: string, patch: ArticleStatePatch): Promise<ArticleSummary> {
    return this.#track(() => this.#setState(id, patch));
  }

  remove(id: string): Promise<void> {
    return this.#track(() => this.#remove(id));
  }

  async #add(input: NewArticle): Promise<ArticleSummary> {
    this.#assertOpen();
    let article: NewArticle;
    try {
      article = parseWith(newArticleSchema, input);
    } catch (error) {
      throw new OffprintError('invalid-argument', `Cannot save this article: ${describe(error)}.`);
    }
    const savedAt = new Date();
    const id = await this.#reserveFolder(article.title, savedAt);
    const dir = this.#layout.articleDir(id);
    const record: ArticleRecord = createRecord(id, article, savedAt.toISOString());

    return this.#queue.run(this.#layout.articleFile(id), async () => {
      let summary: ArticleSummary;
      try {
        await writeFileAtomic(this.#layout.contentFile(id, 1), article.contentHtml);
        await writeFileAtomic(this.#layout.textFile(id, 1), article.textContent);
        // Content must be durable before article.json can be: article.json means "complete".
        await syncDirectory(dir);
        summary = await this.#commitRecord(record, this.#layout.articlesDir);
      } catch (error) {
        // Nothing was acknowledged: take the half-made folder away again (the next open would too).
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
        throw toIoError(`save the article "${article.title}"`, dir, error);
      }
      this.#emit([id]);
      return summary;
    });
  }

  async #setState(id: string, patch: ArticleStatePatch): Promise<ArticleSummary> {
    this.#assertKnown(id);
    const changes = checkPatch(patch);
    const path = this.#layout.articleFile(id);
    return this.#queue.run(path, async () => {
      const current = await this.#readRecord(id);
      if (STATE_KEYS.every((key) => changes[key] === undefined || changes[key] === current[key])) {
        return toSummary(current);
      }
      const next: ArticleRecord = { ...current, ...changes, updatedAt: new Date().toISOString() };
      let summary: ArticleSummary;
      try {
        summary = await this.#commitRecord(next);
      } catch (error) {
        throw toIoError(`save the state of article ${id}`, path, error);
      }
      this.#emit([id]);
      return summary;
    });
  }

  async #remove(id: string): Promise<void> {
    this.#assertKnown(id);
    const path = this.#layout.articleFile(id);
    const dir = this.#layout.articleDir(id);
    await this.#queue.run(path, async () => {
      if (!this.#index.has(id)) throw notFound(id);
      try {
        // article.json first: from here on the folder is "incomplete" and no open will list it.
        await unlink(path).catch((error: unknown) => {
          if (!isErrorCode(error, 'ENOENT')) throw error;
        });
        await syncDirectory(dir);
      } catch (error) {
        throw toIoError(`remove article ${id}`, path, error);
      }
      this.#index.delete(id);
      this.#emit([id]);
      await rm(dir, { recursive: true, force: true }).catch((error: unknown) => {
        console.warn(`[offprint] ${dir} left behind; the next open removes it:`, error);
      });
    });
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Waits for writes in progress, writes the index, releases the lock. Safe to call twice. */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  /**
   * For crash trials and tests: stops the store as if its process had been killed now. Pending
   * index changes are dropped, the lock file stays behind (and counts as stale for the next open,
   * even in this process). Writes already running still finish.
   */
  abandon(): void {
    this.#closed = true;
    this.#closing ??= Promise.resolve();
    this.#index.dispose();
    this.#lock.forget();
    this.#listeners.clear();
  }

  async #close(): Promise<void> {
    this.#closed = true;
    // Changes called before close() finish (and are acknowledged) before the lock goes.
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#queue.idle();
    let failure: unknown = null;
    try {
      await this.#index.flush();
    } catch (error) {
      failure = toIoError('save the library index', this.#layout.indexFile, error);
    }
    this.#index.dispose();
    try {
      await this.#lock.release();
    } catch (error) {
      failure ??= error;
    }
    this.#listeners.clear();
    if (failure !== null) throw failure;
  }

  /** Writes article.json and updates the in-memory index in the same tick (see LibraryIndex). */
  async #commitRecord(record: ArticleRecord, alsoSync?: string): Promise<ArticleSummary> {
    const db = this.#recordDb(record.id);
    db.data = record;
    const token = this.#index.beginArticleWrite();
    try {
      await db.write();
      if (alsoSync !== undefined) await syncDirectory(alsoSync);
    } catch (error) {
      this.#index.endArticleWrite(token);
      throw error;
    }
    const summary = toSummary(record);
    this.#index.endArticleWrite(token);
    this.#index.put(summary);
    return summary;
  }

  async #readRecord(id: string): Promise<ArticleRecord> {
    const db = this.#recordDb(id);
    try {
      await db.read();
    } catch (error) {
      throw toIoError(`read article ${id}`, this.#layout.articleFile(id), error);
    }
    if (db.data === null) {
      // Deleted behind our back: stop listing it rather than show an article that cannot open.
      if (this.#index.has(id)) {
        this.#index.delete(id);
        this.#emit([id]);
      }
      throw notFound(id);
    }
    return db.data;
  }

  #recordDb(id: string): Low<ArticleRecord | null> {
    return new Low<ArticleRecord | null>(
      new AtomicJsonFile<ArticleRecord | null>(this.#layout.articleFile(id), {
        parse: parseArticleRecord,
        indent: 2,
        // The rename of article.json is what acknowledges a change: make it durable.
        syncDir: this.#layout.articleDir(id),
      }),
      null,
    );
  }

  /** Picks a fresh id and creates its folder; mkdir without `recursive` fails if it exists. */
  async #reserveFolder(title: string, savedAt: Date): Promise<string> {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const id = createArticleId(title, savedAt);
      if (this.#index.has(id)) continue;
      try {
        await mkdir(this.#layout.articleDir(id));
        return id;
      } catch (error) {
        if (isErrorCode(error, 'EEXIST')) continue;
        throw toIoError(`save the article "${title}"`, this.#layout.articleDir(id), error);
      }
    }
    throw new OffprintError('internal', 'Could not find a free article id; try again.');
  }

  #track<T>(operation: () => Promise<T>): Promise<T> {
    const work = operation();
    this.#inFlight.add(work);
    const settle = () => this.#inFlight.delete(work);
    void work.then(settle, settle);
    return work;
  }

  #emit(ids: string[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(ids);
      } catch (error) {
        // A listener's bug must not turn a stored change into a reported failure.
        console.error('[offprint] library change listener failed:', error);
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new OffprintError('internal', 'The library has been closed.');
  }

  /** Checks the id's shape before any path is built, then that the library has it. */
  #assertKnown(id: string): void {
    this.#assertOpen();
    assertArticleId(id);
    if (!this.#index.has(id)) throw notFound(id);
  }
}

function checkPatch(patch: ArticleStatePatch): ArticleStatePatch {
  if (typeof patch !== 'object' || patch === null) {
    throw new OffprintError('invalid-argument', 'The state change must be an object.');
  }
  const checked: ArticleStatePatch = {};
  for (const [key, value] of Object.entries(patch)) {
    if (!(STATE_KEYS as readonly string[]).includes(key)) {
      throw new OffprintError('invalid-argument', `Unknown article state: ${key}.`);
    }
    if (value === undefined) continue;
    if (typeof value !== 'boolean') {
      throw new OffprintError('invalid-argument', `${key} must be true or false.`);
    }
    checked[key as (typeof STATE_KEYS)[number]] = value;
  }
  return checked;
}

function notFound(id: string): OffprintError {
  return new OffprintError('not-found', `There is no article ${id} in this library.`);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return false;
    throw toIoError('look at the library folder', path, error);
  }
}
