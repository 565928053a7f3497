/**
 * The library list: what is in it, which row is selected, bookmarks, and imports. The list is
 * reloaded whenever main says the library changed, so every window shows the same library.
 */
import type { OffprintErrorShape } from '../../../src-main/shared/errors';
import type { ArticleSummary, ImportOutcome } from '../../../src-main/shared/model';
import { services as defaultServices, type RendererServices } from '../lib/api';
import type { NotificationsState } from './notifications.svelte';

export type LibraryFilter = 'all' | 'bookmarked';

/** The last part of a path or file name: toasts name files, not folders. */
function baseName(source: string): string {
  return source.split(/[\\/]/).pop() || source;
}

export class LibraryState {
  #articles = $state.raw<ArticleSummary[]>([]);
  #loaded = $state(false);
  #loading = $state(false);
  #error = $state.raw<OffprintErrorShape | null>(null);
  #importing = $state(false);
  #lastImport = $state.raw<readonly ImportOutcome[]>([]);
  #filter = $state<LibraryFilter>('all');
  #selectedId = $state<string | null>(null);

  /** Bookmark changes sent but not yet acknowledged: they win over any list loaded meanwhile. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #pendingBookmarks = new Map<string, boolean>();
  #inFlight: Promise<void> | null = null;
  #reloadAgain = false;
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;

  readonly #notifications: NotificationsState;
  readonly #openArticle: (id: string) => void;
  readonly #services: RendererServices;

  /** Where the list was scrolled when the reader opened, so that coming back lands in the same place. */
  scrollY = 0;

  visible = $derived(
    this.#filter === 'bookmarked'
      ? this.#articles.filter((article) => article.bookmarked)
      : this.#articles,
  );
  selectedIndex = $derived(this.visible.findIndex((article) => article.id === this.#selectedId));
  bookmarkedCount = $derived(this.#articles.filter((article) => article.bookmarked).length);
  unreadCount = $derived(this.#articles.filter((article) => !article.read).length);

  constructor(
    notifications: NotificationsState,
    openArticle: (id: string) => void,
    services: RendererServices = defaultServices,
  ) {
    this.#notifications = notifications;
    this.#openArticle = openArticle;
    this.#services = services;
  }

  get articles(): readonly ArticleSummary[] {
    return this.#articles;
  }
  /** True once a list has arrived; before that the view shows a loading or error state. */
  get loaded(): boolean {
    return this.#loaded;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): OffprintErrorShape | null {
    return this.#error;
  }
  get importing(): boolean {
    return this.#importing;
  }
  get lastImport(): readonly ImportOutcome[] {
    return this.#lastImport;
  }
  get filter(): LibraryFilter {
    return this.#filter;
  }
  set filter(filter: LibraryFilter) {
    this.#filter = filter;
  }
  get selectedId(): string | null {
    return this.#selectedId;
  }

  /** Loads the list and follows library changes; returns the function that stops following. */
  start(): () => void {
    const stop = this.#services.api.on('library.changed', () => this.#scheduleRefresh());
    void this.load();
    return () => {
      stop();
      if (this.#refreshTimer !== null) clearTimeout(this.#refreshTimer);
      this.#refreshTimer = null;
    };
  }

  /** (Re)loads the list. Calls made while a load is running fold into one more load after it. */
  load(): Promise<void> {
    if (this.#inFlight) {
      this.#reloadAgain = true;
      return this.#inFlight;
    }
    this.#inFlight = this.#loadUntilSettled().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #loadUntilSettled(): Promise<void> {
    do {
      this.#reloadAgain = false;
      this.#loading = true;
      const result = await this.#services.api['library.list']({});
      this.#loading = false;
      if (result.ok) {
        this.#articles = result.value.map((article) => this.#withPendingBookmark(article));
        this.#loaded = true;
        this.#error = null;
      } else {
        this.#error = result.error;
      }
    } while (this.#reloadAgain);
  }

  // An import of many files sends a burst of change events: reload once for the burst.
  #scheduleRefresh(): void {
    if (this.#refreshTimer !== null) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = null;
      void this.load();
    }, 50);
  }

  #withPendingBookmark(article: ArticleSummary): ArticleSummary {
    const pending = this.#pendingBookmarks.get(article.id);
    return pending === undefined || pending === article.bookmarked
      ? article
      : { ...article, bookmarked: pending };
  }

  #replace(id: string, change: (article: ArticleSummary) => ArticleSummary): void {
    this.#articles = this.#articles.map((article) =>
      article.id === id ? change(article) : article,
    );
  }

  /**
   * Flips an article's bookmark at once and tells main; if main refuses, the bookmark flips back
   * and an error says why.
   */
  async toggleBookmark(id: string): Promise<void> {
    const article = this.#articles.find((candidate) => candidate.id === id);
    if (!article) return;
    const bookmarked = !article.bookmarked;
    this.#pendingBookmarks.set(id, bookmarked);
    this.#replace(id, (current) => ({ ...current, bookmarked }));

    const result = await this.#services.api['article.setState']({ id, patch: { bookmarked } });
    // A later toggle of the same article owns the outcome from here on.
    if (this.#pendingBookmarks.get(id) !== bookmarked) return;
    this.#pendingBookmarks.delete(id);
    if (result.ok) {
      this.#replace(id, () => result.value);
      return;
    }
    this.#replace(id, (current) => ({ ...current, bookmarked: !bookmarked }));
    this.#notifications.error(
      `Could not ${bookmarked ? 'bookmark' : 'remove the bookmark from'} “${article.title}”: ${result.error.message}`,
    );
  }

  /** Toggles the bookmark of the selected article, if any. */
  toggleSelectedBookmark(): Promise<void> {
    return this.#selectedId ? this.toggleBookmark(this.#selectedId) : Promise.resolve();
  }

  select(id: string | null): void {
    this.#selectedId = id;
  }

  /** Moves the selection by `step` rows in the visible list, stopping at either end. */
  moveSelection(step: number): void {
    const list = this.visible;
    if (list.length === 0) return;
    const from = this.selectedIndex;
    const to = from === -1 ? (step > 0 ? 0 : list.length - 1) : from + step;
    const clamped = Math.min(list.length - 1, Math.max(0, to));
    this.#selectedId = list[clamped]?.id ?? null;
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

  /** Imports files dropped on the window or chosen in the browser's file picker. */
  async importFiles(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    this.#importing = true;
    try {
      this.#report(await this.#services.importDroppedFiles(files));
    } finally {
      this.#importing = false;
    }
  }

  #report(outcomes: readonly ImportOutcome[]): void {
    this.#lastImport = outcomes;
    const saved: ArticleSummary[] = [];
    for (const outcome of outcomes) {
      if (outcome.status === 'saved') {
        saved.push(outcome.article);
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
    if (saved.length > 0) void this.load();
  }
}
