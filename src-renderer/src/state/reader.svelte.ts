/**
 * The article being read: loads it by id, marks it read once it is on screen, keeps its bookmark
 * and archive state in step with the library, and deletes it (with Undo) when asked.
 */
import type { OffprintErrorShape } from '../../../src-main/shared/errors';
import { ARTICLE_ID_PATTERN } from '../../../src-main/shared/limits';
import type { Article, ArticleSummary } from '../../../src-main/shared/model';
import { services as defaultServices, type RendererServices } from '../lib/api';
import type { DeletionsState } from './deletions.svelte';
import type { NotificationsState } from './notifications.svelte';

const NOT_IN_LIBRARY: OffprintErrorShape = {
  code: 'not-found',
  message: 'This article is not in your library. It may have been removed.',
};

export class ReaderState {
  #id = $state<string | null>(null);
  #article = $state.raw<Article | null>(null);
  #loading = $state(false);
  #error = $state.raw<OffprintErrorShape | null>(null);
  /** Bumped by every open, so that an answer for an article no longer shown is ignored. */
  #generation = 0;
  /** State changes sent but not acknowledged; a reload meanwhile could show the state before them. */
  #pendingWrites = 0;

  readonly #notifications: NotificationsState;
  readonly #services: RendererServices;
  readonly #deletions: DeletionsState | null;

  constructor(
    notifications: NotificationsState,
    services: RendererServices = defaultServices,
    deletions: DeletionsState | null = null,
  ) {
    this.#notifications = notifications;
    this.#services = services;
    this.#deletions = deletions;
  }

  /** The id asked for, whether or not it loaded. */
  get id(): string | null {
    return this.#id;
  }
  get article(): Article | null {
    return this.#article;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get error(): OffprintErrorShape | null {
    return this.#error;
  }

  /** Follows library changes to the open article; returns the function that stops following. */
  start(): () => void {
    return this.#services.api.on('library.changed', ({ ids }) => {
      const id = this.#article?.id;
      if (id && (ids.length === 0 || ids.includes(id))) void this.#reload(id);
    });
  }

  /** Shows an article and marks it read. */
  async open(id: string): Promise<void> {
    if (id === this.#id && (this.#article || this.#loading)) return;
    const generation = ++this.#generation;
    this.#id = id;
    this.#article = null;
    this.#error = null;
    if (!ARTICLE_ID_PATTERN.test(id)) {
      // No id the library makes looks like this: say so plainly instead of a validation message.
      this.#error = NOT_IN_LIBRARY;
      return;
    }
    this.#loading = true;
    const result = await this.#services.api['article.get']({ id });
    if (generation !== this.#generation) return;
    this.#loading = false;
    if (!result.ok) {
      this.#error = result.error.code === 'not-found' ? NOT_IN_LIBRARY : result.error;
      return;
    }
    this.#article = result.value;
    if (!result.value.read) await this.#markRead(result.value, generation);
  }

  /** Forgets the article, e.g. when the reader closes. */
  close(): void {
    this.#generation++;
    this.#id = null;
    this.#article = null;
    this.#error = null;
    this.#loading = false;
  }

  /** Flips the bookmark at once; flips it back and says why if main refuses. */
  async toggleBookmark(): Promise<void> {
    const article = this.#article;
    if (article) await this.#setFlag(article, 'bookmarked', !article.bookmarked);
  }

  /** Archives or unarchives the article at once, with Undo on the message. */
  async toggleArchive(): Promise<void> {
    const article = this.#article;
    if (!article) return;
    const archived = !article.archived;
    if (!(await this.#setFlag(article, 'archived', archived))) return;
    this.#notifications.info(`${archived ? 'Archived' : 'Unarchived'} “${article.title}”`, {
      label: 'Undo',
      run: () => {
        if (this.#article?.id === article.id)
          void this.#setFlag(this.#article, 'archived', !archived);
      },
    });
  }

  /**
   * Deletes the article shown, with Undo (the delete waits for the Undo time). Returns whether a
   * delete was asked for, so the view knows to leave the reader.
   */
  delete(): boolean {
    const article = this.#article;
    if (!article || !this.#deletions) return false;
    this.#deletions.request(article);
    return true;
  }

  async #setFlag(
    article: Article,
    flag: 'bookmarked' | 'archived',
    value: boolean,
  ): Promise<boolean> {
    this.#article = { ...article, [flag]: value };
    this.#pendingWrites++;
    const result = await this.#services.api['article.setState']({
      id: article.id,
      patch: { [flag]: value },
    });
    this.#pendingWrites--;
    if (this.#article?.id !== article.id) return result.ok;
    if (result.ok) {
      this.#merge(result.value);
      return true;
    }
    if (this.#article[flag] === value) this.#article = { ...this.#article, [flag]: !value };
    const verb =
      flag === 'bookmarked'
        ? value
          ? 'bookmark'
          : 'remove the bookmark from'
        : value
          ? 'archive'
          : 'unarchive';
    this.#notifications.error(`Could not ${verb} “${article.title}”: ${result.error.message}`);
    return false;
  }

  async #markRead(article: Article, generation: number): Promise<void> {
    this.#pendingWrites++;
    const result = await this.#services.api['article.setState']({
      id: article.id,
      patch: { read: true },
    });
    this.#pendingWrites--;
    if (generation !== this.#generation) return;
    if (result.ok) this.#merge(result.value);
    else
      this.#notifications.error(
        `Could not mark “${article.title}” as read: ${result.error.message}`,
      );
  }

  // Quietly refreshes the open article after a change elsewhere; the page stays as it is meanwhile.
  async #reload(id: string): Promise<void> {
    const generation = this.#generation;
    const result = await this.#services.api['article.get']({ id });
    if (generation !== this.#generation || this.#pendingWrites > 0 || !result.ok) return;
    if (this.#article?.id === id) this.#article = result.value;
  }

  // Takes the user state main acknowledged, keeping the content already loaded.
  #merge(summary: ArticleSummary): void {
    if (this.#article?.id !== summary.id) return;
    this.#article = { ...this.#article, ...summary };
  }
}
