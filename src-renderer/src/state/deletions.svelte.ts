/**
 * Deleting with a way back. A delete hides the article at once and offers Undo; the delete itself
 * is only sent once the Undo has had its time. That needs no trash in the library: undoing is just
 * not sending. Deletes still waiting when the page goes away are sent then, so a delete the user
 * saw happen is not lost by closing the window.
 */
import type { ArticleSummary } from '../../../src-main/shared/model';
import { services as defaultServices, type RendererServices } from '../lib/api';
import type { NotificationsState } from './notifications.svelte';

export interface DeletionsOptions {
  /** How long Undo is offered before the delete is sent, in milliseconds. */
  undoMs?: number;
}

type Doomed = Pick<ArticleSummary, 'id' | 'title'>;

interface Pending {
  article: Doomed;
  timer: ReturnType<typeof setTimeout>;
  toastId: number;
}

const NOTHING: ReadonlySet<string> = new Set();

export class DeletionsState {
  /** Articles out of sight: deletes waiting for their Undo time, and deletes done this session. */
  #hidden = $state.raw<ReadonlySet<string>>(NOTHING);
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #pending = new Map<string, Pending>();

  readonly #notifications: NotificationsState;
  readonly #services: RendererServices;
  readonly #undoMs: number;

  constructor(
    notifications: NotificationsState,
    services: RendererServices = defaultServices,
    options: DeletionsOptions = {},
  ) {
    this.#notifications = notifications;
    this.#services = services;
    this.#undoMs = options.undoMs ?? 6000;
  }

  /** Ids the list must not show. */
  get hidden(): ReadonlySet<string> {
    return this.#hidden;
  }

  /** Whether a delete of this article is still waiting (and can be undone). */
  isPending(id: string): boolean {
    return this.#pending.has(id);
  }

  /** Sends waiting deletes when the page goes away; returns the function that stops listening. */
  start(target: Window = window): () => void {
    const flush = () => void this.flush();
    target.addEventListener('pagehide', flush);
    return () => target.removeEventListener('pagehide', flush);
  }

  /** Hides an article and deletes it after the Undo time, unless undone meanwhile. */
  request(article: Doomed): void {
    if (this.#pending.has(article.id) || this.#hidden.has(article.id)) return;
    this.#setHidden(article.id, true);
    const toastId = this.#notifications.info(`Deleted “${article.title}”`, {
      label: 'Undo',
      run: () => this.undo(article.id),
    });
    const timer = setTimeout(() => void this.#send(article.id), this.#undoMs);
    this.#pending.set(article.id, { article, timer, toastId });
  }

  /** Cancels a waiting delete: nothing is sent and the article shows again. */
  undo(id: string): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    this.#notifications.dismiss(pending.toastId);
    this.#setHidden(id, false);
  }

  /** Sends every waiting delete now. */
  async flush(): Promise<void> {
    await Promise.all([...this.#pending.keys()].map((id) => this.#send(id)));
  }

  async #send(id: string): Promise<void> {
    const pending = this.#pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(id);
    this.#notifications.dismiss(pending.toastId);
    const result = await this.#services.api['article.delete']({ id });
    // Already gone (deleted in another window) is what the user wanted.
    if (result.ok || result.error.code === 'not-found') return;
    this.#setHidden(id, false);
    this.#notifications.error(
      `Could not delete “${pending.article.title}”: ${result.error.message}`,
    );
  }

  #setHidden(id: string, hidden: boolean): void {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole, never mutated
    const next = new Set(this.#hidden);
    if (hidden) next.add(id);
    else next.delete(id);
    this.#hidden = next;
  }
}
