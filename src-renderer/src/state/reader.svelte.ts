/**
 * The article being read: loads it by id, marks it read once it is on screen, keeps its bookmark
 * and archive state in step with the library, and deletes it (with Undo) when asked. An article
 * saved from the web can be fetched again (a new version; earlier ones are kept and can be shown),
 * and the images a save could not get can be tried again. Its tags are edited here: shown at once,
 * put back (with main's reason) when main refuses them.
 */
import type { OffprintErrorShape } from '../../../src-main/shared/errors';
import { ARTICLE_ID_PATTERN } from '../../../src-main/shared/limits';
import type { Article, ArticleSummary, ArticleVersions } from '../../../src-main/shared/model';
import { services as defaultServices, type RendererServices } from '../lib/api';
import { flagRefusal, type ArticleFlag } from '../lib/article-flags';
import { splitTagInput, tagProblem, withTags, withoutTag } from '../lib/tags';
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
  /** The version the user chose to see; null shows the library's current one (the newest saved). */
  #pinnedVersion = $state<number | null>(null);
  /** Which version the library shows by default, as its last answer without a version said. */
  #currentVersion = $state<number | null>(null);
  #switching = $state(false);
  #refreshing = $state(false);
  #retrying = $state(false);
  /** Bumped by every version switch, so that only the last one asked for is shown. */
  #switch = 0;

  /** What is typed in the tag field, not yet added. */
  #tagDraft = $state('');
  /** Why the last tag change was refused (main's words), shown by the tag field. */
  #tagProblem = $state<string | null>(null);
  /** The tags main last acknowledged for the article shown: what a refused change goes back to. */
  #savedTags: string[] = [];
  /** Tag lists go to main one at a time, so the last one sent is the one kept. */
  #tagQueue: Promise<unknown> = Promise.resolve();
  /** Tag changes sent but not answered; while any is out, the tags shown are the newest asked for. */
  #tagWrites = 0;
  /** Bumped by every tag change: only the answer to the newest decides what is shown. */
  #tagRequest = 0;

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
  /** The versions of the article shown: which one is on screen, and all that exist. */
  get versions(): ArticleVersions | null {
    return this.#article?.versions ?? null;
  }
  /** True when the version on screen is the library's current one (what a refresh replaced last). */
  get showingCurrent(): boolean {
    const shown = this.#article?.versions?.shown;
    return this.#pinnedVersion === null || shown === undefined || shown === this.#currentVersion;
  }
  /** Another version is on its way. */
  get switching(): boolean {
    return this.#switching;
  }
  get refreshing(): boolean {
    return this.#refreshing;
  }
  get retrying(): boolean {
    return this.#retrying;
  }
  /** What is typed in the tag field; changing it clears the last refusal. */
  get tagDraft(): string {
    return this.#tagDraft;
  }
  set tagDraft(text: string) {
    this.#tagDraft = text;
    this.#tagProblem = null;
  }
  /** Why the last tag change did not happen, for the tag field; null when nothing went wrong. */
  get tagProblem(): string | null {
    return this.#tagProblem;
  }
  /** Whether the article can be fetched again: it was saved from a web address. */
  get canRefresh(): boolean {
    const url = this.#article?.url;
    return !!url && /^https?:\/\//i.test(url);
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
    this.#reset(id);
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
    this.#savedTags = result.value.tags;
    this.#currentVersion = result.value.versions?.shown ?? null;
    if (!result.value.read) await this.#markRead(result.value, generation);
  }

  /**
   * Shows another saved version of the article (1 is the first saved). The user state (bookmark,
   * read) is the article's, whichever version is shown.
   */
  async showVersion(version: number): Promise<void> {
    const article = this.#article;
    if (!article || version === article.versions?.shown) return;
    const generation = this.#generation;
    const request = ++this.#switch;
    this.#switching = true;
    const result = await this.#services.api['article.get']({ id: article.id, version });
    if (generation !== this.#generation || request !== this.#switch) return;
    this.#switching = false;
    if (!result.ok) {
      this.#notifications.error(`Could not show version ${version}: ${result.error.message}`);
      return;
    }
    this.#pinnedVersion = version === this.#currentVersion ? null : version;
    this.#article = result.value;
  }

  /** Back to the current version after looking at an earlier one. */
  showCurrent(): Promise<void> {
    const current = this.#currentVersion ?? this.#article?.versions?.count;
    return current === undefined || current === null
      ? Promise.resolve()
      : this.showVersion(current);
  }

  /**
   * Fetches the article from its address again. The page as it is now becomes a new version and is
   * shown; the earlier versions stay and can still be chosen.
   */
  async refresh(): Promise<void> {
    const article = this.#article;
    if (!article || !this.canRefresh || this.#refreshing) return;
    const generation = this.#generation;
    this.#refreshing = true;
    const result = await this.#services.api['article.refresh']({ id: article.id });
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.#refreshing = false;
      this.#notifications.error(`Could not refresh “${article.title}”: ${result.error.message}`);
      return;
    }
    this.#pinnedVersion = null;
    const reloaded = await this.#services.api['article.get']({ id: article.id });
    if (generation !== this.#generation) return;
    this.#refreshing = false;
    if (!reloaded.ok) {
      this.#notifications.error(`Refreshed, but could not show it: ${reloaded.error.message}`);
      return;
    }
    this.#article = reloaded.value;
    this.#currentVersion = reloaded.value.versions?.shown ?? null;
    const versions = reloaded.value.versions;
    this.#notifications.info(
      versions
        ? `Saved version ${versions.shown} of “${reloaded.value.title}”; earlier versions are kept`
        : `Refreshed “${reloaded.value.title}”`,
    );
  }

  /**
   * Tries again to save the images of the current version that could not be saved, and shows the
   * content with those it got. Earlier versions' images are not retried.
   */
  async retryImages(): Promise<void> {
    const article = this.#article;
    if (!article || this.#retrying || !this.showingCurrent) return;
    const generation = this.#generation;
    this.#retrying = true;
    const result = await this.#services.api['article.retryImages']({ id: article.id });
    if (generation !== this.#generation) return;
    if (!result.ok) {
      this.#retrying = false;
      this.#notifications.error(`Could not retry the images: ${result.error.message}`);
      return;
    }
    const reloaded = await this.#services.api['article.get']({ id: article.id });
    if (generation !== this.#generation) return;
    this.#retrying = false;
    if (reloaded.ok) this.#article = reloaded.value;
    const { saved, stillMissing } = result.value;
    const images = (count: number) => `${count} ${count === 1 ? 'image' : 'images'}`;
    if (stillMissing === 0) {
      this.#notifications.info(saved > 0 ? `Saved ${images(saved)}` : 'No image is missing');
    } else if (saved > 0) {
      this.#notifications.info(
        `Saved ${images(saved)}; ${images(stillMissing)} still could not be saved`,
      );
    } else {
      const reason = reloaded.ok ? reloaded.value.imageFailures?.[0]?.reason : undefined;
      this.#notifications.error(
        `${images(stillMissing)} still could not be saved${reason ? `: ${reason}` : ''}`,
      );
    }
  }

  /** Forgets the article, e.g. when the reader closes. */
  close(): void {
    this.#generation++;
    this.#reset(null);
    this.#loading = false;
  }

  /** Starts over on `id`: no article or error yet, no version chosen, nothing under way. */
  #reset(id: string | null): void {
    this.#id = id;
    this.#article = null;
    this.#error = null;
    this.#pinnedVersion = null;
    this.#currentVersion = null;
    this.#switching = false;
    this.#refreshing = false;
    this.#retrying = false;
    this.#tagDraft = '';
    this.#tagProblem = null;
    this.#savedTags = [];
  }

  /**
   * Adds the tags typed in the tag field (commas separate several). They show at once; if main
   * refuses them they go, the field gets its text back and tagProblem says why. Resolves to
   * whether the tags are saved (true also when every one was there already).
   */
  async addTags(): Promise<boolean> {
    const article = this.#article;
    if (!article) return false;
    const typed = this.#tagDraft;
    const added = splitTagInput(typed);
    if (added.length === 0) return false;
    const tags = withTags(article.tags, added);
    this.#tagDraft = '';
    if (tags.length === article.tags.length) {
      const [only] = added;
      this.#tagProblem =
        added.length === 1 && only !== undefined
          ? `This article is already tagged “${only}”.`
          : 'This article already has those tags.';
      return true;
    }
    return this.#changeTags(article, tags, { typed });
  }

  /** Takes a tag off at once; puts it back and says why if main refuses. */
  async removeTag(tag: string): Promise<boolean> {
    const article = this.#article;
    if (!article) return false;
    const tags = withoutTag(article.tags, tag);
    if (tags.length === article.tags.length) return true;
    return this.#changeTags(article, tags, { removed: tag });
  }

  /**
   * Shows `tags` on the article and sends them to main. The answer shows the tags as main keeps
   * them (trimmed, deduplicated); a refusal puts back the last acknowledged tags and, for an
   * addition, gives the field back the text that was typed (if it is still empty), to be corrected.
   */
  async #changeTags(
    article: Article,
    tags: string[],
    change: { typed: string } | { removed: string },
  ): Promise<boolean> {
    const { id } = article;
    const generation = this.#generation;
    const request = ++this.#tagRequest;
    this.#article = { ...article, tags };
    this.#tagProblem = null;
    this.#pendingWrites++;
    this.#tagWrites++;
    const send = () => this.#services.api['article.setTags']({ id, tags });
    const answer = this.#tagQueue.then(send, send);
    this.#tagQueue = answer.catch(() => undefined);
    const result = await answer;
    this.#pendingWrites--;
    this.#tagWrites--;
    const current = this.#article;
    if (generation !== this.#generation || current?.id !== id) {
      // The user has moved on: a refusal can no longer be shown beside the field.
      if (!result.ok) {
        const verb = 'typed' in change ? 'add tags to' : `remove the tag “${change.removed}” from`;
        this.#notifications.error(`Could not ${verb} “${article.title}”: ${result.error.message}`);
      }
      return result.ok;
    }
    if (result.ok) this.#savedTags = result.value.tags;
    // A later change is on its way: its answer decides what is shown.
    if (request !== this.#tagRequest) return result.ok;
    if (result.ok) {
      this.#article = { ...current, tags: result.value.tags };
      return true;
    }
    this.#article = { ...current, tags: this.#savedTags };
    const reason =
      result.error.code === 'invalid-argument'
        ? tagProblem(result.error.message)
        : result.error.message;
    if ('typed' in change) {
      this.#tagProblem = reason;
      if (this.#tagDraft === '') this.#tagDraft = change.typed;
    } else {
      this.#tagProblem = `Could not remove “${change.removed}”: ${reason}`;
    }
    return false;
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

  async #setFlag(article: Article, flag: ArticleFlag, value: boolean): Promise<boolean> {
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
    this.#notifications.error(flagRefusal(flag, value, article.title, result.error.message));
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
  // The version the user chose stays chosen; the current one may have changed (a refresh elsewhere).
  async #reload(id: string): Promise<void> {
    const generation = this.#generation;
    const pinned = this.#pinnedVersion;
    const result = await this.#services.api['article.get'](
      pinned === null ? { id } : { id, version: pinned },
    );
    if (generation !== this.#generation || this.#pendingWrites > 0 || !result.ok) return;
    if (this.#article?.id !== id || this.#pinnedVersion !== pinned) return;
    this.#article = result.value;
    this.#savedTags = result.value.tags;
    if (pinned === null) this.#currentVersion = result.value.versions?.shown ?? null;
  }

  // Takes the user state main acknowledged, keeping the content already loaded, and the tags
  // shown while a change of them is on its way (this answer may predate it).
  #merge(summary: ArticleSummary): void {
    if (this.#article?.id !== summary.id) return;
    const tags = this.#tagWrites > 0 ? this.#article.tags : summary.tags;
    this.#article = { ...this.#article, ...summary, tags };
    if (this.#tagWrites === 0) this.#savedTags = summary.tags;
  }
}
