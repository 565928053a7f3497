/**
 * How far the article in the reader has been read: the fraction of it scrolled past, for the thin
 * bar at the top of the reader, saved with article.setProgress so that the article opens where the
 * reader left it. Scrolling reports many positions a second; main is told at most once per
 * interval (2 s), and at once when the reader closes, moves to another article or the page is
 * hidden, so the last place is kept without a write per scroll event.
 */
import { services as defaultServices, type RendererServices } from '../lib/api';
import type { NotificationsState } from './notifications.svelte';

/** Main hears of the position at most this often while the reader scrolls. */
export const PROGRESS_SAVE_INTERVAL_MS = 2000;

export interface ReadingProgressOptions {
  /** How often at most the position is saved while scrolling, in milliseconds. */
  intervalMs?: number;
}

/** A fraction from 0 to 1; anything else (NaN from an empty page, overscroll) is brought inside. */
function clamp(fraction: number): number {
  if (!Number.isFinite(fraction)) return 0;
  return Math.min(1, Math.max(0, fraction));
}

/** Four decimals: a tenth of a line on a long article, and no noise in article.json. */
function rounded(fraction: number): number {
  return Math.round(clamp(fraction) * 10_000) / 10_000;
}

export class ReadingProgressState {
  #id = $state<string | null>(null);
  #fraction = $state(0);
  /** False until the reader has been put back at its place: its own scrolling is not reading. */
  #following = false;
  /** The position main last heard of (or had) for the article followed. */
  #saved = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** One message per article if saving fails: a failure every 2 s would drown the reader. */
  #told = false;
  /**
   * Positions sent this session, by article: reopening an article before main has written (or
   * after it failed to) still finds the place the reader left.
   */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
  #sent = new Map<string, number>();

  readonly #notifications: NotificationsState;
  readonly #services: RendererServices;
  readonly #intervalMs: number;

  constructor(
    notifications: NotificationsState,
    services: RendererServices = defaultServices,
    options: ReadingProgressOptions = {},
  ) {
    this.#notifications = notifications;
    this.#services = services;
    this.#intervalMs = options.intervalMs ?? PROGRESS_SAVE_INTERVAL_MS;
  }

  /** The article followed, or null when the reader shows none. */
  get id(): string | null {
    return this.#id;
  }
  /** How much of the article has been scrolled past, 0 to 1. */
  get fraction(): number {
    return this.#fraction;
  }

  /**
   * Starts on an article whose stored progress is `stored` (the previous article's position is
   * saved first). Returns where the reader should put it: the stored place, or the one sent this
   * session if main may not have it yet. Scrolling counts once follow() is called.
   */
  begin(id: string, stored: number): number {
    if (this.#id !== null) void this.end();
    const start = this.#sent.get(id) ?? rounded(stored);
    this.#id = id;
    this.#fraction = start;
    this.#saved = start;
    this.#following = false;
    this.#told = false;
    return start;
  }

  /**
   * The reader has been put back at its place, which is `fraction` (not always the one asked for:
   * the page may be shorter now). That is no reading, so nothing is saved; scrolling from here is.
   */
  follow(fraction: number): void {
    if (this.#id === null) return;
    this.#fraction = clamp(fraction);
    this.#saved = rounded(fraction);
    this.#following = true;
  }

  /** The reader scrolled to `fraction`: shown at once, saved within the interval. */
  update(fraction: number): void {
    if (this.#id === null || !this.#following) return;
    this.#fraction = clamp(fraction);
    if (this.#timer !== null || !this.#moved()) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, this.#intervalMs);
  }

  /** Saves the position now if it moved since main last heard of it (leaving, page hidden). */
  async flush(): Promise<void> {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const id = this.#id;
    if (id === null || !this.#following || !this.#moved()) return;
    const progress = rounded(this.#fraction);
    this.#saved = progress;
    this.#sent.set(id, progress);
    const result = await this.#services.api['article.setProgress']({ id, progress });
    if (result.ok || this.#told) return;
    this.#told = true;
    this.#notifications.error(`Could not save your place in the article: ${result.error.message}`);
  }

  /** Stops following (the reader closed), saving the position first; resolves once main answered. */
  end(): Promise<void> {
    const saving = this.flush();
    this.#id = null;
    this.#following = false;
    this.#fraction = 0;
    return saving;
  }

  #moved(): boolean {
    return rounded(this.#fraction) !== this.#saved;
  }
}
