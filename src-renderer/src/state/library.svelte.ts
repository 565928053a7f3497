/**
 * The library list: the question it shows the answer to (search text, filter, order), the rows of
 * that answer, which row is selected, and what the user does to rows (bookmark, archive, delete,
 * import).
 *
 * A library can hold 20,000 articles, so the list is never fetched whole: main answers a window of
 * rows at a time plus the total, and the rows are fetched in chunks as the view scrolls to them.
 * Every new question starts a new generation; answers to an older one are dropped, so a slow answer
 * to "ukr" never replaces the answer to "ukraine". The list is re-asked whenever main says the
 * library changed, so every window shows the same library.
 */
import type {
  LibraryCounts,
  LibraryFilters,
  LibraryQuery,
  LibraryQueryItem,
} from '../../../src-main/shared/contract';
import type { OffprintErrorShape } from '../../../src-main/shared/errors';
import { MAX_QUERY_LIMIT, MAX_QUERY_TEXT_LENGTH } from '../../../src-main/shared/limits';
import {
  LIBRARY_SORTS,
  type ArticleStatePatch,
  type ArticleSummary,
  type ImportOutcome,
  type LibrarySort,
} from '../../../src-main/shared/model';
import { tagKey } from '../../../src-main/shared/user-state';
import { services as defaultServices, type RendererServices } from '../lib/api';
import { flagRefusal, type ArticleFlag } from '../lib/article-flags';
import type { TagCount } from '../lib/tags';
import {
  MAX_DROPPED_FILES,
  importableFilesLabel,
  isBookmarksExport,
  type UploadItem,
} from '../lib/uploads';
import type { DeletionsState } from './deletions.svelte';
import type { NotificationsState } from './notifications.svelte';

/** Which articles by their state: everything, or those with one flag. */
export type LibraryFilter = 'all' | 'unread' | 'bookmarked' | 'archived';

/** What a chip stands for: a state filter, or one tag (`tag:<name>`). */
export type ChipKey = LibraryFilter | `tag:${string}`;

/** A row of the list: an article, with the snippet that matched when there is a search. */
export type LibraryRow = LibraryQueryItem;

/** How the list can be ordered; the direction is the one people expect of each. */
export interface SortOption {
  value: LibrarySort;
  direction: 'asc' | 'desc';
  label: string;
}

export const SORT_OPTIONS: readonly SortOption[] = [
  { value: 'savedAt', direction: 'desc', label: 'Date saved' },
  { value: 'publishedTime', direction: 'desc', label: 'Date published' },
  { value: 'title', direction: 'asc', label: 'Title' },
];

/**
 * A filter chip: what it shows and how many articles that is. State chips count the articles
 * matching the search (within the chosen tag); tag chips count the articles matching the search,
 * whatever tag or state is chosen (main's counts.tags).
 */
export interface FilterChip {
  key: ChipKey;
  kind: 'state' | 'tag';
  label: string;
  count: number;
  pressed: boolean;
}

/** More tags than this and only the most used get a chip (plus the one chosen). */
export const MAX_TAG_CHIPS = 12;

/** Where the chosen order is remembered between sessions. */
export const SORT_STORAGE_KEY = 'offprint.library.sort';

/** The longest search main accepts. */
export const MAX_SEARCH_LENGTH = MAX_QUERY_TEXT_LENGTH;

/** Rows are fetched in chunks of this many, aligned, so neighbouring requests never overlap. */
const CHUNK = 100;
/** A new question asks for this many rows first: a screenful and then some, in one answer. */
const FIRST_CHUNKS = 2;
const MAX_CHUNKS_PER_REQUEST = Math.floor(MAX_QUERY_LIMIT / CHUNK);

const NO_COUNTS: LibraryCounts = { all: 0, bookmarked: 0, unread: 0, archived: 0, tags: [] };
const NOTHING_HIDDEN: ReadonlySet<string> = new Set();

/** Where pages to save from the web go: the import queue (state/import-queue.svelte.ts). */
export interface WebImports {
  /** Saves the pages a bookmarks export names. */
  saveLinks(text: string, source: string): unknown;
  /** Lists outcomes of pages saved by another way in (a bookmarks file picked in the native dialog). */
  adopt(outcomes: readonly ImportOutcome[]): void;
}

export interface LibraryOptions {
  /** Deletes waiting for their Undo time; their rows are hidden. */
  deletions?: DeletionsState;
  /** Where bookmarks files and the pages they name go; without it they are imported as files. */
  webImports?: WebImports;
  /** Where the sort order is kept; null keeps it for this session only. */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** How long typing must pause before the search runs, in milliseconds. */
  searchDelayMs?: number;
}

/** The last part of a path or file name: toasts name files, not folders. */
function baseName(source: string): string {
  return source.split(/[\\/]/).pop() || source;
}

function defaultStorage(): Pick<Storage, 'getItem' | 'setItem'> | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    // Storage can be switched off; the order is then kept for the session only.
    return null;
  }
}

function isSort(value: unknown): value is LibrarySort {
  return (LIBRARY_SORTS as readonly unknown[]).includes(value);
}

function filtersFor(filter: LibraryFilter, tag: string | null): LibraryFilters | undefined {
  const filters: LibraryFilters = {};
  if (filter === 'unread') filters.unread = true;
  else if (filter === 'bookmarked') filters.bookmarked = true;
  else if (filter === 'archived') filters.archived = true;
  if (tag !== null) filters.tag = tag;
  return Object.keys(filters).length > 0 ? filters : undefined;
}

/** Counts less the rows hidden by waiting deletes, which main still counts. */
function withoutRows(counts: LibraryCounts, rows: readonly LibraryRow[]): LibraryCounts {
  if (rows.length === 0) return counts;
  const less = (test: (row: LibraryRow) => boolean) => rows.filter(test).length;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a local tally, never rendered
  const hiddenTags = new Map<string, number>();
  for (const row of rows) {
    for (const tag of row.tags) hiddenTags.set(tagKey(tag), (hiddenTags.get(tagKey(tag)) ?? 0) + 1);
  }
  const tags = counts.tags
    .map(({ tag, count }) => ({ tag, count: count - (hiddenTags.get(tagKey(tag)) ?? 0) }))
    .filter(({ count }) => count > 0)
    // Stable: main's order among equal counts stays.
    .sort((a, b) => b.count - a.count);
  return {
    all: counts.all - rows.length,
    bookmarked: counts.bookmarked - less((row) => row.bookmarked),
    unread: counts.unread - less((row) => !row.read),
    archived: counts.archived - less((row) => row.archived),
    tags,
  };
}

export class LibraryState {
  // The question.
  #text = $state('');
  #filter = $state<LibraryFilter>('all');
  #tag = $state<string | null>(null);
  #sort = $state<LibrarySort>('savedAt');
  /** While searching, order by how well articles match unless the user picked an order. */
  #byRelevance = $state(true);

  // The answer on screen.
  /** Rows in main's order; a hole is a row not fetched yet. */
  #rows = $state.raw<(LibraryRow | undefined)[]>([]);
  #counts = $state.raw<LibraryCounts>(NO_COUNTS);
  #answeredText = $state('');
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state.raw<OffprintErrorShape | null>(null);
  #answers = $state(0);

  #importing = $state(false);
  #lastImport = $state.raw<readonly ImportOutcome[]>([]);
  #selectedId = $state<string | null>(null);

  /** Which question the rows answer; bumped by every new question and every refresh. */
  #generation = 0;
  /** The generation whose first answer (which replaces the rows) is still on its way. */
  #replacing: number | null = null;
  #replacingFromTop = false;
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #requestedChunks = new Set<number>();
  /** The rows the view last asked for, in main's numbering: a refresh fetches these again. */
  #range: [number, number] = [0, CHUNK * FIRST_CHUNKS];
  #refreshInFlight: Promise<void> | null = null;
  #refreshAgain = false;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;
  #searchTimer: ReturnType<typeof setTimeout> | null = null;
  /** State changes sent but not yet acknowledged: they win over any rows loaded meanwhile. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #pendingState = new Map<string, ArticleStatePatch>();

  readonly #notifications: NotificationsState;
  readonly #openArticle: (id: string) => void;
  readonly #services: RendererServices;
  readonly #deletions: DeletionsState | null;
  readonly #webImports: WebImports | null;
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  readonly #searchDelayMs: number;

  /** Where the list was scrolled when the reader opened, so that coming back lands in the same place. */
  scrollY = 0;

  /** The rows as shown: main's answer less the articles being deleted. Holes are rows to fetch. */
  #shown = $derived.by(() => {
    const hidden = this.#deletions?.hidden ?? NOTHING_HIDDEN;
    if (hidden.size === 0) return { rows: this.#rows, removed: [] as LibraryRow[] };
    const rows: (LibraryRow | undefined)[] = [];
    const removed: LibraryRow[] = [];
    for (const row of this.#rows) {
      if (row && hidden.has(row.id)) removed.push(row);
      else rows.push(row);
    }
    return { rows, removed };
  });

  visible = $derived(this.#shown.rows);
  counts = $derived(withoutRows(this.#counts, this.#shown.removed));
  chips: readonly FilterChip[] = $derived.by(() => {
    const state = (key: LibraryFilter, label: string, count: number): FilterChip => ({
      key,
      kind: 'state',
      label,
      count,
      pressed: this.#filter === key,
    });
    const chosen = this.#tag === null ? undefined : tagKey(this.#tag);
    const counted = this.counts.tags;
    const tags = counted.slice(0, MAX_TAG_CHIPS);
    const chosenTag = this.#tag;
    if (chosenTag !== null && !tags.some(({ tag }) => tagKey(tag) === chosen)) {
      // Beyond the most used (or beyond what main names): the chosen tag's articles are `all`.
      tags.push(
        counted.find(({ tag }) => tagKey(tag) === chosen) ?? {
          tag: chosenTag,
          count: this.counts.all,
        },
      );
    }
    return [
      state('all', 'All', this.counts.all),
      state('unread', 'Unread', this.counts.unread),
      state('bookmarked', 'Bookmarked', this.counts.bookmarked),
      state('archived', 'Archived', this.counts.archived),
      ...tags.map(({ tag, count }): FilterChip => ({
        key: `tag:${tag}`,
        kind: 'tag',
        label: tag,
        count,
        pressed: tagKey(tag) === chosen,
      })),
    ];
  });
  selectedIndex = $derived(this.visible.findIndex((row) => row?.id === this.#selectedId));

  constructor(
    notifications: NotificationsState,
    openArticle: (id: string) => void,
    services: RendererServices = defaultServices,
    options: LibraryOptions = {},
  ) {
    this.#notifications = notifications;
    this.#openArticle = openArticle;
    this.#services = services;
    this.#deletions = options.deletions ?? null;
    this.#webImports = options.webImports ?? null;
    this.#storage = options.storage === undefined ? defaultStorage() : options.storage;
    this.#searchDelayMs = options.searchDelayMs ?? 120;
    const remembered = this.#readStoredSort();
    if (remembered) this.#sort = remembered;
  }

  /** The search box's text (the results may still be for an earlier text: see answeredText). */
  get text(): string {
    return this.#text;
  }
  /** Typing: the search runs once typing pauses; answers to earlier texts are dropped. */
  set text(text: string) {
    this.#text = text;
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.#searchTimer = null;
      void this.load();
    }, this.#searchDelayMs);
  }
  /** The search text the rows on screen answer. */
  get answeredText(): string {
    return this.#answeredText;
  }
  get filter(): LibraryFilter {
    return this.#filter;
  }
  set filter(filter: LibraryFilter) {
    if (filter === this.#filter) return;
    this.#filter = filter;
    void this.load();
  }
  /** The tag the list is narrowed to, with the state filter on top; null for every article. */
  get tag(): string | null {
    return this.#tag;
  }
  set tag(tag: string | null) {
    if (tag === this.#tag) return;
    this.#tag = tag;
    void this.load();
  }
  /**
   * The tags of the articles matching the search (every article without one), most used first,
   * as main counted them for the last answer; the reader suggests these.
   */
  get tags(): readonly TagCount[] {
    return this.counts.tags;
  }

  /** A chip was pressed: a state chip is chosen; a tag chip narrows to its tag, or widens again. */
  choose(key: ChipKey): void {
    if (key.startsWith('tag:')) {
      const tag = key.slice('tag:'.length);
      this.tag = this.#tag !== null && tagKey(this.#tag) === tagKey(tag) ? null : tag;
    } else {
      this.filter = key as LibraryFilter;
    }
  }
  /** The order the select shows: 'relevance' while a search is ordered by match. */
  get sort(): LibrarySort | 'relevance' {
    return this.#text.trim() && this.#byRelevance ? 'relevance' : this.#sort;
  }
  set sort(sort: LibrarySort | 'relevance') {
    if (sort === this.sort) return;
    if (sort === 'relevance') {
      this.#byRelevance = true;
    } else {
      this.#byRelevance = false;
      this.#sort = sort;
      this.#storeSort(sort);
    }
    void this.load();
  }
  /** Number of rows in the list as shown, fetched or not. */
  get count(): number {
    return this.visible.length;
  }
  /** True once an answer has arrived; before that the view shows a loading or error state. */
  get loaded(): boolean {
    return this.#loaded;
  }
  /** A new question is on its way; the rows shown still answer the previous one. */
  get loading(): boolean {
    return this.#loading;
  }
  get error(): OffprintErrorShape | null {
    return this.#error;
  }
  /**
   * Bumped whenever the answer to a new question (not a refresh of the same one) arrives, so that
   * the view knows to go back to the top.
   */
  get answers(): number {
    return this.#answers;
  }
  /** True when the library has no article at all (rather than none matching). */
  get libraryEmpty(): boolean {
    return this.#loaded && this.#counts.all === 0 && this.#answeredText === '';
  }
  get importing(): boolean {
    return this.#importing;
  }
  get lastImport(): readonly ImportOutcome[] {
    return this.#lastImport;
  }
  get selectedId(): string | null {
    return this.#selectedId;
  }

  /** Loads the list and follows library changes; returns the function that stops following. */
  start(): () => void {
    // The answer to the question asked again carries the tag counts too.
    const stopChanges = this.#services.api.on('library.changed', () => this.#scheduleRefresh());
    // While the search index is being built, a search finds only what is indexed so far: once a
    // background job finishes, the search on screen is asked again.
    const stopProgress = this.#services.api.on('progress', ({ done, total }) => {
      if (!(done < total) && this.#answeredText !== '') this.#scheduleRefresh();
    });
    void this.load();
    return () => {
      stopChanges();
      stopProgress();
      for (const timer of [this.#refreshTimer, this.#searchTimer]) {
        if (timer !== null) clearTimeout(timer);
      }
      this.#refreshTimer = null;
      this.#searchTimer = null;
    };
  }

  /** Asks the current question anew, from the first row; resolves when its answer is shown. */
  load(): Promise<void> {
    if (this.#searchTimer !== null) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    return this.#replace(true);
  }

  /**
   * Fetches the rows on screen again, keeping the question and the place. Calls made while one
   * runs fold into one more run after it, so a burst of changes costs two fetches, not fifty.
   */
  refresh(): Promise<void> {
    if (this.#refreshInFlight) {
      this.#refreshAgain = true;
      return this.#refreshInFlight;
    }
    this.#refreshInFlight = (async () => {
      do {
        this.#refreshAgain = false;
        await this.#replace(false);
      } while (this.#refreshAgain);
    })().finally(() => {
      this.#refreshInFlight = null;
    });
    return this.#refreshInFlight;
  }

  /** Empties the search box and shows the whole list again at once. */
  clearSearch(): void {
    const had = this.#text !== '' || this.#answeredText !== '';
    this.#text = '';
    this.#byRelevance = true;
    if (had) void this.load();
  }

  /**
   * Makes sure the rows from `start` to `end` (exclusive, as shown) are fetched or on their way.
   * The virtual list calls this as it scrolls; resolves when they have arrived.
   */
  ensureRows(start: number, end: number): Promise<void> {
    // Hidden rows shift what is shown against main's numbering: fetch as much further on.
    const from = Math.max(0, start);
    const to = end + this.#shown.removed.length;
    this.#range = [from, to];
    if (this.#replacing !== null) return Promise.resolve();
    return this.#fetchMissing(from, to);
  }

  #fetchMissing(from: number, to: number): Promise<void> {
    const last = Math.min(to, this.#rows.length);
    const missing: number[] = [];
    for (let chunk = Math.floor(from / CHUNK); chunk * CHUNK < last; chunk++) {
      if (this.#requestedChunks.has(chunk)) continue;
      const begin = chunk * CHUNK;
      const end = Math.min(begin + CHUNK, this.#rows.length);
      for (let index = begin; index < end; index++) {
        if (this.#rows[index] === undefined) {
          missing.push(chunk);
          break;
        }
      }
    }
    const requests: Promise<void>[] = [];
    // Neighbouring chunks go in one request, up to the most main answers at once.
    for (let at = 0; at < missing.length;) {
      const first = missing[at] as number;
      let count = 1;
      while (
        count < MAX_CHUNKS_PER_REQUEST &&
        at + count < missing.length &&
        missing[at + count] === first + count
      ) {
        count++;
      }
      requests.push(this.#fetchChunks(this.#generation, first, count));
      at += count;
    }
    return Promise.all(requests).then(() => undefined);
  }

  async #fetchChunks(generation: number, first: number, count: number): Promise<void> {
    for (let chunk = first; chunk < first + count; chunk++) this.#requestedChunks.add(chunk);
    const result = await this.#services.api['library.query'](
      this.#args(first * CHUNK, count * CHUNK),
    );
    if (generation !== this.#generation) return;
    if (!result.ok) {
      // Asked again when the view next needs them.
      for (let chunk = first; chunk < first + count; chunk++) this.#requestedChunks.delete(chunk);
      this.#notifications.error(`Could not load more of the list: ${result.error.message}`);
      return;
    }
    const { total, counts, items } = result.value;
    const rows = this.#rows.slice(0, total);
    rows.length = total;
    items.forEach((item, position) => {
      const index = first * CHUNK + position;
      if (index < total) rows[index] = this.#withPendingState(item);
    });
    this.#rows = rows;
    this.#counts = counts;
  }

  /**
   * Asks a question whose first answer replaces the rows: a new question (from the top) or a
   * refresh (the rows on screen). The rows shown meanwhile stay, so the list never blanks out.
   */
  async #replace(newQuestion: boolean): Promise<void> {
    // A refresh that overtakes a new question still answers a new question.
    const fromTop = newQuestion || this.#replacingFromTop;
    const generation = ++this.#generation;
    this.#replacing = generation;
    this.#replacingFromTop = fromTop;
    this.#requestedChunks.clear();
    if (fromTop) this.#range = [0, CHUNK * FIRST_CHUNKS];
    let first = Math.floor(this.#range[0] / CHUNK);
    const last = Math.min(
      first + MAX_CHUNKS_PER_REQUEST,
      Math.max(first + 1, Math.ceil(this.#range[1] / CHUNK)),
    );
    const text = this.#searchText();
    this.#loading = fromTop;

    let result = await this.#services.api['library.query'](
      this.#args(first * CHUNK, (last - first) * CHUNK),
    );
    if (generation !== this.#generation) return;
    // The list shrank below the place asked for: the place is gone, start from the top.
    if (result.ok && first > 0 && result.value.total <= first * CHUNK) {
      first = 0;
      result = await this.#services.api['library.query'](this.#args(0, CHUNK * FIRST_CHUNKS));
      if (generation !== this.#generation) return;
    }
    this.#replacing = null;
    this.#replacingFromTop = false;
    this.#loading = false;
    if (!result.ok) {
      this.#error = result.error;
      if (this.#loaded && fromTop) {
        this.#notifications.error(`Could not search the library: ${result.error.message}`);
      }
      return;
    }
    const { total, counts, items } = result.value;
    const rows = new Array<LibraryRow | undefined>(total);
    items.forEach((item, position) => {
      const index = first * CHUNK + position;
      if (index < total) rows[index] = this.#withPendingState(item);
    });
    const answered = Math.ceil(items.length / CHUNK);
    for (let chunk = first; chunk < first + answered; chunk++) this.#requestedChunks.add(chunk);
    this.#rows = rows;
    this.#counts = counts;
    this.#answeredText = text;
    this.#loaded = true;
    this.#error = null;
    if (fromTop) this.#answers++;
    // Rows the view asked for while this answer was on its way.
    void this.#fetchMissing(...this.#range);
  }

  #searchText(): string {
    return this.#text.trim().slice(0, MAX_SEARCH_LENGTH);
  }

  #args(offset: number, limit: number): LibraryQuery {
    const text = this.#searchText();
    const filters = filtersFor(this.#filter, this.#tag);
    const args: LibraryQuery = { offset, limit };
    if (text) args.text = text;
    if (filters) args.filters = filters;
    if (!(text && this.#byRelevance)) {
      const option = SORT_OPTIONS.find((candidate) => candidate.value === this.#sort);
      args.sort = this.#sort;
      args.direction = option?.direction ?? 'desc';
    }
    return args;
  }

  #readStoredSort(): LibrarySort | null {
    try {
      const stored = this.#storage?.getItem(SORT_STORAGE_KEY);
      return isSort(stored) ? stored : null;
    } catch {
      return null;
    }
  }

  #storeSort(sort: LibrarySort): void {
    try {
      this.#storage?.setItem(SORT_STORAGE_KEY, sort);
    } catch {
      // A full or disabled storage only means the order is not remembered.
    }
  }

  // An import of many files sends a burst of change events: refresh once for the burst.
  #scheduleRefresh(): void {
    if (this.#refreshTimer !== null) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      void this.refresh();
    }, 50);
  }

  #withPendingState<Row extends ArticleSummary>(row: Row): Row {
    const pending = this.#pendingState.get(row.id);
    if (!pending) return row;
    const differs = (Object.keys(pending) as ArticleFlag[]).some(
      (flag) => pending[flag] !== row[flag],
    );
    return differs ? { ...row, ...pending } : row;
  }

  #find(id: string): LibraryRow | undefined {
    return this.#rows.find((row) => row?.id === id);
  }

  #replaceRow(id: string, change: (row: LibraryRow) => LibraryRow): void {
    const index = this.#rows.findIndex((row) => row?.id === id);
    const row = this.#rows[index];
    if (!row) return;
    const rows = this.#rows.slice();
    rows[index] = change(row);
    this.#rows = rows;
  }

  /**
   * Sets a flag at once and tells main; if main refuses, the flag goes back and an error says why.
   * Returns whether main took it.
   */
  async #setFlag(row: ArticleSummary, flag: ArticleFlag, value: boolean): Promise<boolean> {
    const { id } = row;
    this.#pendingState.set(id, { ...this.#pendingState.get(id), [flag]: value });
    this.#replaceRow(id, (current) => ({ ...current, [flag]: value }));

    const result = await this.#services.api['article.setState']({ id, patch: { [flag]: value } });
    // A later change of the same flag owns the outcome from here on.
    const pending = this.#pendingState.get(id);
    if (pending?.[flag] !== value) return result.ok;
    const rest = { ...pending };
    delete rest[flag];
    if (Object.keys(rest).length === 0) this.#pendingState.delete(id);
    else this.#pendingState.set(id, rest);
    if (result.ok) {
      this.#replaceRow(id, (current) => ({ ...current, ...result.value }));
      return true;
    }
    this.#replaceRow(id, (current) => ({ ...current, [flag]: !value }));
    this.#notifications.error(flagRefusal(flag, value, row.title, result.error.message));
    return false;
  }

  /** Flips an article's bookmark at once; flips it back and says why if main refuses. */
  async toggleBookmark(id: string): Promise<void> {
    const row = this.#find(id);
    if (row) await this.#setFlag(row, 'bookmarked', !row.bookmarked);
  }

  /** Toggles the bookmark of the selected article, if any. */
  toggleSelectedBookmark(): Promise<void> {
    return this.#selectedId ? this.toggleBookmark(this.#selectedId) : Promise.resolve();
  }

  /** Archives or unarchives an article at once, with Undo on the message. */
  async toggleArchive(id: string): Promise<void> {
    const row = this.#find(id);
    if (!row) return;
    const archived = !row.archived;
    if (!(await this.#setFlag(row, 'archived', archived))) return;
    this.#notifications.info(`${archived ? 'Archived' : 'Unarchived'} “${row.title}”`, {
      label: 'Undo',
      run: () => void this.#setFlag(row, 'archived', !archived),
    });
  }

  toggleSelectedArchive(): Promise<void> {
    return this.#selectedId ? this.toggleArchive(this.#selectedId) : Promise.resolve();
  }

  /**
   * Deletes an article, with Undo. The selection moves to the next row, so that pressing Delete
   * again goes on down the list.
   */
  deleteArticle(id: string): void {
    const row = this.#find(id);
    if (!row || !this.#deletions) return;
    if (this.#selectedId === id) {
      const index = this.selectedIndex;
      const next = this.visible[index + 1] ?? this.visible[index - 1];
      this.#selectedId = next?.id ?? null;
    }
    this.#deletions.request(row);
  }

  deleteSelected(): void {
    if (this.#selectedId) this.deleteArticle(this.#selectedId);
  }

  select(id: string | null): void {
    this.#selectedId = id;
  }

  /**
   * Moves the selection by `step` rows in the list as shown, stopping at either end. When the row
   * to go to has not been fetched yet, it is fetched first.
   */
  async moveSelection(step: number): Promise<void> {
    const count = this.count;
    if (count === 0) return;
    const from = this.selectedIndex;
    const to = from === -1 ? (step > 0 ? 0 : count - 1) : from + step;
    const index = Math.min(count - 1, Math.max(0, to));
    if (!this.visible[index]) await this.ensureRows(index, index + 1);
    const row = this.visible[index];
    if (row) this.#selectedId = row.id;
  }

  /** Opens an article in the reader and remembers it as the selection for when the user comes back. */
  open(id: string): void {
    this.#selectedId = id;
    this.#openArticle(id);
  }

  openSelected(): void {
    if (this.#selectedId && this.selectedIndex !== -1) this.open(this.#selectedId);
  }

  /**
   * Opens the host's file picker. `browserInput` is the view's file input, which a browser needs;
   * the files chosen there come back through importFiles.
   */
  async pickAndImport(browserInput: HTMLInputElement | null): Promise<void> {
    if (this.#importing) return;
    this.#importing = true;
    try {
      const result = await this.#services.pickAndImportFiles(browserInput);
      if (!result.ok) {
        this.#notifications.error(`Could not import: ${result.error.message}`);
      } else if (result.value) {
        this.#report(result.value);
      }
    } finally {
      this.#importing = false;
    }
  }

  /**
   * Imports files dropped on the window, pasted, or chosen in the browser's file picker, each with
   * where it sat among the others (a saved page finds its images that way). A bookmarks export is
   * not an article: the pages it names are saved through the import queue instead.
   */
  async importFiles(given: readonly (File | UploadItem)[]): Promise<void> {
    if (given.length === 0) return;
    this.#importing = true;
    try {
      let items = given;
      const webImports = this.#webImports;
      if (webImports) {
        const kept: (File | UploadItem)[] = [];
        for (const item of given) {
          const file = item instanceof File ? item : item.file;
          if (await isBookmarksExport(file)) {
            void webImports.saveLinks(await file.text(), file.name);
          } else {
            kept.push(item);
          }
        }
        if (kept.length === 0) return;
        items = kept;
      }
      const outcomes = await this.#services.importDroppedFiles(items);
      if (outcomes.length === 0) {
        this.#notifications.error(
          `Nothing to import there: Offprint imports ${importableFilesLabel()}.`,
        );
        return;
      }
      this.#report(outcomes);
    } finally {
      this.#importing = false;
    }
  }

  /**
   * Imports what was dropped on the window. `truncated`: a dropped folder held more files than are
   * looked at, so some were left out; the user is told, and the rest is imported.
   */
  importDropped(items: readonly UploadItem[], truncated: boolean): Promise<void> {
    if (truncated) {
      this.#notifications.error(
        `That folder holds more than ${MAX_DROPPED_FILES.toLocaleString()} files, so only the first were looked at. To import a saved page, drop the page with its “_files” folder.`,
      );
    }
    return this.importFiles(items);
  }

  #report(all: readonly ImportOutcome[]): void {
    this.#lastImport = all;
    // Pages saved from a bookmarks file picked in the native dialog: listed with the other saves.
    const fromWeb = all.filter((outcome) => /^https?:\/\//i.test(outcome.source));
    const outcomes =
      this.#webImports && fromWeb.length > 0
        ? all.filter((outcome) => !fromWeb.includes(outcome))
        : all;
    if (outcomes !== all) this.#webImports?.adopt(fromWeb);
    const saved: ArticleSummary[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'saved') {
        saved.push(outcome.article);
        continue;
      }
      if (outcome.status === 'exists') {
        const { article } = outcome;
        this.#notifications.info(`Already in your library: ${article.title}`, {
          label: 'Open',
          run: () => this.open(article.id),
        });
        continue;
      }
      const name = baseName(outcome.source);
      const message = outcome.error.message;
      this.#notifications.error(
        message.includes(name) ? message : `Could not import ${name}: ${message}`,
      );
    }
    const [first] = saved;
    if (first && saved.length === 1) {
      this.#notifications.info(`Imported ${first.title}`, {
        label: 'Open',
        run: () => this.open(first.id),
      });
    } else if (first) {
      this.#notifications.info(`Imported ${saved.length} articles`, {
        label: 'Open first',
        run: () => this.open(first.id),
      });
    }
    if (saved.length > 0 || fromWeb.length > 0) void this.refresh();
  }
}
