/**
 * The library store: per-article folders on lowdb plus a derived index.
 *
 * ## On disk
 *
 * ```
 * <root>/
 *   library.json           index (lowdb): { format: 2, reflectsWritesBefore, articles: ArticleSummary[] }
 *                          only what lists and filters need (incl. tags, annotationCount), never
 *                          bodies; derived, rebuilt when missing, damaged or of another format
 *   settings.json          lowdb: { format: 1, sort } (settings-file.ts)
 *   articles/<id>/         one folder per article; <id> = <yyyymmdd>-<title slug, ≤40>-<6 base36>
 *     article.json         lowdb: { format: 2, metadata, user state (bookmarked/read/archived, tags,
 *                          progress), savedAt, updatedAt, currentVersion, versions[] (with the
 *                          SHA-256 of each version's files) }; written LAST by add, so present
 *                          means complete
 *     content-<n>.html     sanitized content of version n (the reader shows currentVersion)
 *     text-<n>.txt         plain text of version n (search, CLI)
 *     annotations.json     lowdb: { format: 1, annotations: Annotation[] } (W3C shaped); absent
 *                          means none; the summary's annotationCount is derived from it
 *   articles/.trash-<id>-… a removed article's folder until it is deleted (remove renames first)
 *   quarantine/            damaged files set aside before a repair: <timestamp>-<path with / as _>
 *   images/<sha256>.<ext>  saved article images, named by content, shared by all articles (images.ts)
 *   offprint.lock          { pid, hostname, startedAt, nonce }: one process per library
 * ```
 *
 * ## Rules
 *
 * - **Atomic writes.** Every file is written as `<file>.tmp-<pid>-<n>`, fsynced, renamed over the
 *   target; the folder is fsynced after renames that must survive a crash (atomic-file.ts).
 * - **One writer per article.** Every operation on an article (reads included) goes through a
 *   per-article promise queue (keyed-queue.ts): concurrent changes apply in call order, the last
 *   call wins, and a read never sees a repair half done.
 * - **One file per change.** Each change rewrites exactly one file, so there is no moment when two
 *   files disagree: state, tags and progress write article.json; annotation changes write
 *   annotations.json. `add` writes content and text, fsyncs, then article.json.
 * - **Acknowledged means on disk.** A change resolves after its file is fsynced, renamed and its
 *   folder fsynced. `remove` resolves once the folder is renamed to `.trash-…` and the rename is
 *   durable; the trash folder is then deleted (or by the next open, after a crash).
 * - **Coalesced index.** library.json is written 200 ms after the last change, at most 1 s late, and
 *   on close(). Its `reflectsWritesBefore` tells the next open which files it may trust without
 *   reading (library-index.ts). A close() whose index write fails leaves the lock behind, so the
 *   next open checks like after a crash.
 * - **Derived index.** On open, library.json is checked against the folders (reconcile.ts); after a
 *   crash also annotations.json files newer than the index.
 * - **Damage never blocks opening.** A damaged library.json, settings.json, article.json, content,
 *   text or annotations.json is copied or moved to quarantine/ and repaired around (recovery.ts,
 *   annotations.ts, settings-file.ts), at open or when the file is first read; each case is recorded
 *   in the health log (health(), onHealth) for the user. Content is checked against its SHA-256
 *   when read, not at open, so that opening stays fast.
 * - **Failures.** A failed write leaves the previous files and the in-memory index as they were and
 *   throws OffprintError 'io-error' naming the path. Unknown ids throw 'not-found', malformed ids
 *   and bad input 'invalid-argument' (shared/user-state.ts) before any path is built.
 * - **Formats.** Every file carries `format`; older ones are migrated on read (migrations.ts), newer
 *   ones are left untouched and not used.
 * - **Lock.** offprint.lock is created exclusively; a live owner on this host (or any owner on
 *   another host) makes openLibrary throw 'library-locked'; a dead owner's lock is taken over and
 *   the open runs in recovery mode (lock.ts, load-library.ts).
 *
 * ## Modules
 *
 * store.ts (this: the Library API), load-library.ts (open), reconcile.ts (folder scan),
 * article-record.ts (article.json), annotations.ts, settings-file.ts, article-files.ts (content
 * checks), recovery.ts + quarantine.ts (repairs), health.ts, migrations.ts, library-index.ts,
 * layout.ts, atomic-file.ts, keyed-queue.ts, lock.ts, article-id.ts.
 *
 * ## Seams for later issues
 *
 * - Full-text search: subscribe with onChange(ids) and read `text-<currentVersion>.txt` (readText)
 *   and listAnnotations(id). Progress changes do not fire onChange.
 * - Crash trials: `abandon()` stops a store as a killed process would (no flush, lock left behind);
 *   test/unit/core/library/crash-trials.test.ts kills real processes.
 * - Re-saving an article (addVersion): writes content-<n+1>.html and text-<n+1>.txt, then
 *   article.json with a new `versions` entry (with digests) and `currentVersion` n+1. Annotations
 *   keep their `target.version`. replaceVersionContent (images saved by a retry) rewrites one
 *   version's content in three crash-safe steps (see there). Each version entry may list the
 *   `imageFailures` of its content.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { OffprintError } from '../../shared/errors';
import type {
  Annotation,
  AnnotationPatch,
  Article,
  ArticleStatePatch,
  ArticleSummary,
  ImageFailure,
  LibraryHealth,
  LibrarySettings,
  NewAnnotation,
} from '../../shared/model';
import {
  MAX_ANNOTATIONS_PER_ARTICLE,
  annotationPatchSchema,
  newAnnotationSchema,
  parseInput,
  progressSchema,
  settingsPatchSchema,
  tagsSchema,
} from '../../shared/user-state';
import { assertArticleId, createArticleId, isArticleId } from './article-id';
import { sha256 } from './article-files';
import {
  type ArticleRecord,
  type ArticleVersion,
  createRecord,
  newArticleSchema,
  parseWith,
  readArticleRecord,
  readingMinutes,
  toSummary,
  writeArticleRecord,
} from './article-record';
import {
  type LoadedAnnotations,
  createAnnotation,
  loadAnnotations,
  patchAnnotation,
  saveAnnotations,
} from './annotations';
import {
  CorruptFileError,
  isErrorCode,
  syncDirectory,
  toIoError,
  writeFileAtomic,
} from './atomic-file';
import { HealthLog, type ProblemDraft } from './health';
import { KeyedQueue } from './keyed-queue';
import { DEFAULT_INDEX_TIMING, LibraryIndex } from './library-index';
import type { ChangeListener, HealthListener, Library, NewArticle } from './library';
import { LibraryLayout } from './layout';
import { type OpenReport, loadLibrary } from './load-library';
import { type LibraryLock, acquireLibraryLock } from './lock';
import { type ScanHooks, changedSince, sameSummary } from './reconcile';
import { loadVersionFile, repairArticleRecord } from './recovery';
import { SettingsFile } from './settings-file';

export type { UnreadableArticle } from './reconcile';
export type { OpenReport } from './load-library';

export interface OpenLibraryOptions extends ScanHooks {
  /** Quiet time before a changed index is written (default 200 ms). */
  indexWriteDelayMs?: number;
  /** Longest an index change waits while changes keep coming (default 1 s). */
  indexWriteMaxDelayMs?: number;
  /**
   * After a clean close, list from the index at once and check the article folders just after
   * opening instead of before (in slices, between requests): what is found changed is re-read and
   * announced through onChange. After a crash or with no usable index the check stays up front.
   * The hosts set it: stat'ing 20,000 folders was the larger part of a cold open (~0.4 s).
   */
  checkInBackground?: boolean;
  /**
   * Called once the lock is taken, before the folders are scanned: from here on the open can only
   * fail on the disk, not because another process has the library (hosts announce themselves then).
   */
  onLocked?: () => void;
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
 * folder cannot be created or read. Damaged files never make it throw: see `report.problems`.
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
    options.onLocked?.();
    const index = new LibraryIndex(layout.indexFile, {
      syncDir: layout.root,
      timing: {
        debounceMs: options.indexWriteDelayMs ?? DEFAULT_INDEX_TIMING.debounceMs,
        maxDelayMs: options.indexWriteMaxDelayMs ?? DEFAULT_INDEX_TIMING.maxDelayMs,
      },
      onBackgroundError: (error) =>
        console.error('[offprint] library index not saved (retried on the next change):', error),
    });
    const settings = new SettingsFile(layout);
    const health = new HealthLog();
    const report = await loadLibrary({
      layout,
      index,
      settings,
      lock,
      health,
      created,
      hooks: options,
      deferChecks: options.checkInBackground ?? false,
    });
    if (created) await syncDirectory(layout.root).catch(() => undefined);
    const library = new LibraryStore({
      layout,
      lock,
      index,
      settings,
      health,
      deferredCheck: report.deferred,
    });
    return { library, created, report };
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw toIoError('open the library', layout.root, error);
  }
}

const STATE_KEYS = ['bookmarked', 'read', 'archived'] as const;

/** The Library on disk. Create it with openLibrary(). */
export class LibraryStore implements Library {
  readonly root: string;
  readonly #layout: LibraryLayout;
  readonly #lock: LibraryLock;
  readonly #index: LibraryIndex;
  readonly #settings: SettingsFile;
  readonly #health: HealthLog;
  readonly #queue = new KeyedQueue();
  readonly #listeners = new Set<ChangeListener>();
  /** Every operation from its call to its settling, including the part before it joins the queue. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #closed = false;
  #closing: Promise<void> | null = null;

  /** Use openLibrary(): it takes the lock and loads what this constructor is handed. */
  constructor(parts: {
    layout: LibraryLayout;
    lock: LibraryLock;
    index: LibraryIndex;
    settings: SettingsFile;
    health: HealthLog;
    /** Folders openLibrary left for after opening (OpenLibraryOptions.checkInBackground). */
    deferredCheck?: { ids: string[]; trustBefore: number } | null;
  }) {
    this.root = parts.layout.root;
    this.#layout = parts.layout;
    this.#lock = parts.lock;
    this.#index = parts.index;
    this.#settings = parts.settings;
    this.#health = parts.health;
    if (parts.deferredCheck)
      this.#checkLater(parts.deferredCheck.ids, parts.deferredCheck.trustBefore);
  }

  count(): number {
    this.#assertOpen();
    return this.#index.size;
  }

  list(): ArticleSummary[] {
    this.#assertOpen();
    return this.#index.list();
  }

  summary(id: string): ArticleSummary | undefined {
    this.#assertOpen();
    return this.#index.get(id);
  }

  get(id: string, version?: number): Promise<Article> {
    return this.#onArticle(id, async () => {
      const record = await this.#readRecord(id);
      const shown = version ?? record.currentVersion;
      const entry = record.versions.find((item) => item.version === shown);
      if (entry === undefined) {
        throw new OffprintError('not-found', `Article ${id} has no version ${shown}.`);
      }
      const contentHtml = await this.#readVersionFile(record, 'content', shown);
      return {
        ...this.#summaryOf(record),
        contentHtml,
        dir: record.dir,
        progress: record.progress,
        versions: {
          shown,
          count: record.versions.length,
          all: record.versions.map((item) => ({
            version: item.version,
            savedAt: item.savedAt,
            wordCount: item.wordCount,
            missingImages: item.imageFailures?.length ?? 0,
          })),
        },
        imageFailures: entry.imageFailures ?? [],
      };
    });
  }

  /** Plain text of an article's current version (search, CLI). Throws like get(). */
  readText(id: string): Promise<string> {
    return this.#onArticle(id, async () => {
      const record = await this.#readRecord(id);
      return this.#readVersionFile(record, 'text');
    });
  }

  /**
   * The current text read synchronously, without the queue, checks or repairs; undefined when it
   * cannot be read. For search snippets only: 50 small reads from the page cache take ~1 ms this
   * way and 10-30 ms through the async path, and a damaged text costs no more than a bad snippet.
   */
  readTextNow(id: string): string | undefined {
    this.#assertOpen();
    if (!isArticleId(id) || !this.#index.has(id)) return undefined;
    try {
      const record = JSON.parse(readFileSync(this.#layout.articleFile(id), 'utf8')) as {
        currentVersion?: unknown;
      };
      // textFile() refuses anything but a positive integer version.
      return readFileSync(this.#layout.textFile(id, Number(record.currentVersion)), 'utf8');
    } catch {
      return undefined;
    }
  }

  add(input: NewArticle): Promise<ArticleSummary> {
    return this.#track(() => this.#add(input));
  }

  addVersion(id: string, input: NewArticle): Promise<ArticleSummary> {
    return this.#track(async () => {
      const article = checkNewArticle(input);
      return this.#onArticle(id, async () => {
        const current = await this.#readRecord(id);
        const version = Math.max(...current.versions.map((entry) => entry.version)) + 1;
        const savedAt = new Date().toISOString();
        const contentFile = this.#layout.contentFile(id, version);
        const textFile = this.#layout.textFile(id, version);
        const next: ArticleRecord = {
          ...current,
          ...metadataOf(article),
          updatedAt: savedAt,
          currentVersion: version,
          versions: [
            ...current.versions,
            {
              version,
              savedAt,
              wordCount: article.wordCount,
              contentSha256: sha256(article.contentHtml),
              textSha256: sha256(article.textContent),
              ...(article.imageFailures?.length ? { imageFailures: article.imageFailures } : {}),
            },
          ],
        };
        let summary: ArticleSummary;
        try {
          await writeFileAtomic(contentFile, article.contentHtml);
          await writeFileAtomic(textFile, article.textContent);
          // The new files must be durable before article.json names them.
          await syncDirectory(this.#layout.articleDir(id));
          summary = await this.#commitRecord(next);
        } catch (error) {
          // Not acknowledged: the version's files go again; article.json still names the old ones.
          await rm(contentFile, { force: true }).catch(() => undefined);
          await rm(textFile, { force: true }).catch(() => undefined);
          throw toIoError(`save a new version of article ${id}`, contentFile, error);
        }
        this.#emit([id]);
        return summary;
      });
    });
  }

  replaceVersionContent(
    id: string,
    version: number,
    contentHtml: string,
    imageFailures: ImageFailure[],
  ): Promise<void> {
    return this.#track(() =>
      this.#onArticle(id, async () => {
        const current = await this.#readRecord(id);
        if (!current.versions.some((entry) => entry.version === version)) {
          throw new OffprintError('not-found', `Article ${id} has no version ${version}.`);
        }
        const withEntry = (change: (entry: ArticleVersion) => ArticleVersion): ArticleRecord => ({
          ...current,
          updatedAt: new Date().toISOString(),
          versions: current.versions.map((entry) =>
            entry.version === version ? change(entry) : entry,
          ),
        });
        const path = this.#layout.contentFile(id, version);
        try {
          // Three steps, each leaving a consistent article: first the content's digest goes (a
          // file without one is checked only for being text), then the file is replaced, then
          // the new digest is recorded. A crash between any two never makes the content look
          // damaged, which would have it rebuilt from the text.
          await this.#commitRecord(withEntry(({ contentSha256: _old, ...entry }) => entry));
          await writeFileAtomic(path, contentHtml);
          await syncDirectory(this.#layout.articleDir(id));
          await this.#commitRecord(
            withEntry(({ imageFailures: _failures, ...entry }) => ({
              ...entry,
              contentSha256: sha256(contentHtml),
              ...(imageFailures.length > 0 ? { imageFailures } : {}),
            })),
          );
        } catch (error) {
          throw toIoError(`save the images of article ${id}`, path, error);
        }
        this.#emit([id]);
      }),
    );
  }

  setState(id: string, patch: ArticleStatePatch): Promise<ArticleSummary> {
    return this.#track(async () => {
      const changes = checkPatch(patch);
      return this.#changeRecord(id, 'save the state of', (current) =>
        STATE_KEYS.every((key) => changes[key] === undefined || changes[key] === current[key])
          ? null
          : { ...current, ...changes },
      );
    });
  }

  setTags(id: string, tags: readonly string[]): Promise<ArticleSummary> {
    return this.#track(async () => {
      const checked = parseInput(tagsSchema, tags);
      return this.#changeRecord(id, 'save the tags of', (current) =>
        JSON.stringify(current.tags) === JSON.stringify(checked)
          ? null
          : { ...current, tags: checked },
      );
    });
  }

  setProgress(id: string, progress: number): Promise<void> {
    return this.#track(async () => {
      const checked = parseInput(progressSchema, progress);
      await this.#onArticle(id, async () => {
        const current = await this.#readRecord(id);
        if (current.progress === checked) return;
        // Progress is not in the summary: article.json alone changes; no index write, no event
        // (it changes on every scroll, and lists and search do not show it).
        const path = this.#layout.articleFile(id);
        try {
          await writeArticleRecord(this.#layout, { ...current, progress: checked });
        } catch (error) {
          throw toIoError(`save the reading position of article ${id}`, path, error);
        }
      });
    });
  }

  listAnnotations(id: string): Promise<Annotation[]> {
    return this.#onArticle(id, async () => (await this.#loadAnnotations(id)).annotations);
  }

  addAnnotation(id: string, input: NewAnnotation): Promise<Annotation> {
    return this.#track(async () => {
      const checked = parseInput(newAnnotationSchema, input);
      return this.#onArticle(id, async () => {
        const record = await this.#readRecord(id);
        const version = checked.version ?? record.currentVersion;
        if (!record.versions.some((entry) => entry.version === version)) {
          throw new OffprintError(
            'invalid-argument',
            `Article ${id} has no version ${version} to annotate.`,
          );
        }
        const loaded = await this.#loadWritableAnnotations(id);
        if (loaded.annotations.length >= MAX_ANNOTATIONS_PER_ARTICLE) {
          throw new OffprintError(
            'invalid-argument',
            `An article has at most ${MAX_ANNOTATIONS_PER_ARTICLE} highlights and notes.`,
          );
        }
        const annotation = createAnnotation(id, version, checked, new Date().toISOString());
        await this.#saveAnnotations(id, [...loaded.annotations, annotation]);
        return annotation;
      });
    });
  }

  updateAnnotation(id: string, annotationId: string, patch: AnnotationPatch): Promise<Annotation> {
    return this.#track(async () => {
      const checked = parseInput(annotationPatchSchema, patch);
      return this.#onArticle(id, async () => {
        const loaded = await this.#loadWritableAnnotations(id);
        const at = findAnnotation(loaded.annotations, id, annotationId);
        const current = loaded.annotations[at] as Annotation;
        let next: Annotation | null;
        try {
          next = patchAnnotation(current, checked, new Date().toISOString());
        } catch (error) {
          throw new OffprintError('invalid-argument', describe(error));
        }
        if (next === null) return current;
        const annotations = [...loaded.annotations];
        annotations[at] = next;
        await this.#saveAnnotations(id, annotations);
        return next;
      });
    });
  }

  removeAnnotation(id: string, annotationId: string): Promise<void> {
    return this.#track(() =>
      this.#onArticle(id, async () => {
        const loaded = await this.#loadWritableAnnotations(id);
        const at = findAnnotation(loaded.annotations, id, annotationId);
        await this.#saveAnnotations(
          id,
          loaded.annotations.filter((_, index) => index !== at),
        );
      }),
    );
  }

  remove(id: string): Promise<void> {
    return this.#onArticle(id, async () => {
      const dir = this.#layout.articleDir(id);
      const trash = this.#layout.trashDir(id);
      // One rename takes the whole folder out of the library: there is no half-deleted article.
      try {
        await rename(dir, trash);
      } catch (error) {
        if (isErrorCode(error, 'ENOENT')) {
          this.#forget(id);
          throw notFound(id);
        }
        throw toIoError(`remove article ${id}`, dir, error);
      }
      try {
        await syncDirectory(this.#layout.articlesDir);
      } catch (error) {
        // The rename has happened; only its durability is uncertain. Do not report a failure
        // for a delete the user can already see.
        console.warn(`[offprint] removing ${id}: could not sync the articles folder:`, error);
      }
      this.#forget(id);
      await rm(trash, { recursive: true, force: true }).catch((error: unknown) => {
        console.warn(`[offprint] ${trash} left behind; the next open removes it:`, error);
      });
    });
  }

  onChange(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  health(): LibraryHealth {
    return { problems: this.#health.list() };
  }

  onHealth(listener: HealthListener): () => void {
    return this.#health.onChange((problems) => listener({ problems }));
  }

  settings(): LibrarySettings {
    this.#assertOpen();
    return this.#settings.get();
  }

  updateSettings(patch: Partial<LibrarySettings>): Promise<LibrarySettings> {
    return this.#track(async () => {
      this.#assertOpen();
      const checked = parseInput(settingsPatchSchema, patch);
      return this.#queue.run(this.#layout.settingsFile, () => this.#settings.update(checked));
    });
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
    this.#health.clearListeners();
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
    if (failure !== null) {
      // The index on disk may miss changes the next open would not look for (annotation counts):
      // leaving the lock makes that open treat this session as crashed and check everything.
      this.#lock.forget();
    } else {
      try {
        await this.#lock.release();
      } catch (error) {
        failure = error;
      }
    }
    this.#listeners.clear();
    this.#health.clearListeners();
    if (failure !== null) throw failure;
  }

  async #add(input: NewArticle): Promise<ArticleSummary> {
    this.#assertOpen();
    const article = checkNewArticle(input);
    const savedAt = new Date();
    const id = await this.#reserveFolder(article.title, savedAt);
    const dir = this.#layout.articleDir(id);
    const record = createRecord(id, article, savedAt.toISOString(), {
      contentSha256: sha256(article.contentHtml),
      textSha256: sha256(article.textContent),
    });

    return this.#queue.run(id, async () => {
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

  /**
   * Read-modify-write of article.json in the article's queue. `change` returns the new record, or
   * null when nothing changes (then nothing is written or announced). Bumps updatedAt.
   */
  #changeRecord(
    id: string,
    action: string,
    change: (current: ArticleRecord) => ArticleRecord | null,
  ): Promise<ArticleSummary> {
    return this.#onArticle(id, async () => {
      const current = await this.#readRecord(id);
      const next = change(current);
      if (next === null) return this.#summaryOf(current);
      let summary: ArticleSummary;
      try {
        summary = await this.#commitRecord({ ...next, updatedAt: new Date().toISOString() });
      } catch (error) {
        throw toIoError(`${action} article ${id}`, this.#layout.articleFile(id), error);
      }
      this.#emit([id]);
      return summary;
    });
  }

  /** Writes article.json and updates the in-memory index in the same tick (see LibraryIndex). */
  async #commitRecord(record: ArticleRecord, alsoSync?: string): Promise<ArticleSummary> {
    const token = this.#index.beginArticleWrite();
    try {
      await writeArticleRecord(this.#layout, record);
      if (alsoSync !== undefined) await syncDirectory(alsoSync);
    } catch (error) {
      this.#index.endArticleWrite(token);
      throw error;
    }
    const summary = this.#summaryOf(record);
    this.#index.endArticleWrite(token);
    this.#index.put(summary);
    return summary;
  }

  /** The summary of a record, with the annotation count the index holds. */
  #summaryOf(record: ArticleRecord): ArticleSummary {
    return toSummary(record, this.#index.get(record.id)?.annotationCount ?? 0);
  }

  /**
   * Reads article.json (call inside the article's queue). A damaged or lost one is repaired from
   * the index entry and the content; a folder gone behind our back stops being listed.
   */
  async #readRecord(id: string): Promise<ArticleRecord> {
    const path = this.#layout.articleFile(id);
    let record: ArticleRecord | null;
    try {
      record = await readArticleRecord(path);
    } catch (error) {
      if (error instanceof CorruptFileError && !error.unsupportedFormat) {
        return this.#repairRecord(id, `its article.json could not be read (${error.reason})`);
      }
      throw toIoError(`read article ${id}`, path, error);
    }
    if (record === null) {
      if (!(await exists(this.#layout.articleDir(id)))) {
        // Deleted behind our back: stop listing it rather than show an article that cannot open.
        this.#forget(id);
        throw notFound(id);
      }
      return this.#repairRecord(id, 'its article.json was missing');
    }
    if (record.id !== id) {
      return this.#repairRecord(id, `its article.json names another article (${record.id})`);
    }
    return record;
  }

  async #repairRecord(id: string, what: string): Promise<ArticleRecord> {
    const known = this.#index.get(id);
    const problems: ProblemDraft[] = [];
    const token = this.#index.beginArticleWrite();
    let repaired;
    try {
      repaired = await repairArticleRecord(this.#layout, id, known, what, (problem) =>
        problems.push(problem),
      );
    } catch (error) {
      this.#index.endArticleWrite(token);
      throw toIoError(`repair article ${id}`, this.#layout.articleFile(id), error);
    }
    this.#index.endArticleWrite(token);
    if (repaired.kind === 'quarantined') {
      this.#forget(id);
    } else {
      this.#index.put(this.#summaryOf(repaired.record));
      this.#emit([id]);
    }
    for (const problem of problems) this.#health.report(problem);
    if (repaired.kind === 'quarantined') {
      throw new OffprintError(
        'not-found',
        `Article ${id} was damaged beyond repair; its files were moved to the quarantine folder.`,
      );
    }
    return repaired.record;
  }

  /** Reads a version's content or text, repairing it (and recording so) when damaged. */
  async #readVersionFile(
    record: ArticleRecord,
    kind: 'content' | 'text',
    version = record.currentVersion,
  ): Promise<string> {
    const id = record.id;
    let loaded;
    try {
      loaded = await loadVersionFile(this.#layout, record, version, kind);
    } catch (error) {
      const path =
        kind === 'content'
          ? this.#layout.contentFile(id, version)
          : this.#layout.textFile(id, version);
      throw toIoError(`read the ${kind} of article ${id}`, path, error);
    }
    if (loaded.record !== null) {
      try {
        await this.#commitRecord(loaded.record);
      } catch (error) {
        throw toIoError(`repair article ${id}`, this.#layout.articleFile(id), error);
      }
      for (const problem of loaded.problems) this.#health.report(problem);
      this.#emit([id]);
    }
    return loaded.value;
  }

  /** Reads annotations.json (inside the queue), recording any repair and fixing the count. */
  async #loadAnnotations(id: string): Promise<LoadedAnnotations> {
    const summary = this.#index.get(id);
    let loaded: LoadedAnnotations;
    try {
      loaded = await loadAnnotations(this.#layout, id, `"${summary?.title ?? id}"`);
    } catch (error) {
      throw toIoError(
        `read the annotations of article ${id}`,
        this.#layout.annotationsFile(id),
        error,
      );
    }
    if (loaded.problem !== null) this.#health.report(loaded.problem);
    if (summary !== undefined && summary.annotationCount !== loaded.annotations.length) {
      this.#index.put({ ...summary, annotationCount: loaded.annotations.length });
      this.#emit([id]);
    }
    return loaded;
  }

  async #loadWritableAnnotations(id: string): Promise<LoadedAnnotations> {
    await this.#readRecord(id); // The article must exist (and be repaired first if damaged).
    const loaded = await this.#loadAnnotations(id);
    if (!loaded.writable) {
      throw new OffprintError(
        'not-permitted',
        `The highlights and notes of article ${id} were written by a newer Offprint; they are left unchanged.`,
      );
    }
    return loaded;
  }

  /** Writes annotations.json and the count in the index in the same tick (see #commitRecord). */
  async #saveAnnotations(id: string, annotations: Annotation[]): Promise<void> {
    const token = this.#index.beginArticleWrite();
    try {
      await saveAnnotations(this.#layout, id, annotations);
    } catch (error) {
      this.#index.endArticleWrite(token);
      throw toIoError(
        `save the annotations of article ${id}`,
        this.#layout.annotationsFile(id),
        error,
      );
    }
    const summary = this.#index.get(id);
    this.#index.endArticleWrite(token);
    if (summary !== undefined && summary.annotationCount !== annotations.length) {
      this.#index.put({ ...summary, annotationCount: annotations.length });
    }
    this.#emit([id]);
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

  /**
   * Runs `task` in the article's queue after checking the id, tracked so close() waits for it.
   * Also re-checks that the article still exists once its turn comes (a remove may have run).
   */
  #onArticle<T>(id: string, task: () => Promise<T>): Promise<T> {
    return this.#track(async () => {
      this.#assertKnown(id);
      return this.#queue.run(id, async () => {
        if (!this.#index.has(id)) throw notFound(id);
        return task();
      });
    });
  }

  /**
   * The open-time check of indexed folders, run after open (OpenLibraryOptions.checkInBackground):
   * stats in slices of well under a millisecond, then re-reads each article changed since the index
   * was written, in its queue like any other operation, so a change made meanwhile is never undone.
   */
  #checkLater(ids: readonly string[], trustBefore: number): void {
    // Small slices with a timer between them: the requests of the first moments after opening
    // (the first list, the user's first clicks) need whole turns of the event loop for their I/O.
    const slice = 100;
    const check = async () => {
      const changed: string[] = [];
      for (let at = 0; at < ids.length; at += slice) {
        await new Promise<void>((resolve) => setTimeout(resolve, 1));
        if (this.#closed) return;
        for (const id of ids.slice(at, at + slice)) {
          if (changedSince(this.#layout, id, trustBefore)) changed.push(id);
        }
      }
      for (const id of changed) {
        if (this.#closed || !this.#index.has(id)) continue;
        await this.#onArticle(id, async () => {
          // Repairs a damaged article.json and forgets a vanished folder, as the open-time scan.
          const record = await this.#readRecord(id);
          const count = (await this.#loadAnnotations(id)).annotations.length;
          const summary = toSummary(record, count);
          const before = this.#index.get(id);
          if (before === undefined || !sameSummary(before, summary)) {
            this.#index.put(summary);
            this.#emit([id]);
          }
        }).catch((error: unknown) => {
          if (!this.#closed) console.warn(`[offprint] checking article ${id} after open:`, error);
        });
      }
    };
    void this.#track(check);
  }

  /** Drops an article from the index and announces it. */
  #forget(id: string): void {
    if (!this.#index.has(id)) return;
    this.#index.delete(id);
    this.#emit([id]);
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

/** Checks what an importer hands over; the library stores nothing it could not read back. */
function checkNewArticle(input: NewArticle): NewArticle {
  try {
    return parseWith(newArticleSchema, input);
  } catch (error) {
    throw new OffprintError('invalid-argument', `Cannot save this article: ${describe(error)}.`);
  }
}

/** The metadata a new version brings (a refresh may find a corrected title or byline). */
function metadataOf(article: NewArticle): Partial<ArticleRecord> {
  return {
    title: article.title,
    siteName: article.siteName,
    section: article.section,
    byline: article.byline,
    publishedTime: article.publishedTime,
    excerpt: article.excerpt,
    url: article.url,
    lang: article.lang,
    dir: article.dir,
    wordCount: article.wordCount,
    readingMinutes: readingMinutes(article.wordCount),
  };
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

/** Index of the annotation in the list; throws 'invalid-argument' or 'not-found'. */
function findAnnotation(annotations: Annotation[], id: string, annotationId: string): number {
  if (typeof annotationId !== 'string' || !/^[0-9a-f-]{36}$/i.test(annotationId)) {
    throw new OffprintError('invalid-argument', 'That is not an annotation id.');
  }
  const at = annotations.findIndex((annotation) => annotation.id === annotationId);
  if (at < 0) {
    throw new OffprintError('not-found', `Article ${id} has no annotation ${annotationId}.`);
  }
  return at;
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
