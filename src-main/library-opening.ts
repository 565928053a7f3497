/**
 * The library while it opens, as both hosts serve it. Opening can take a while (rebuilding
 * library.json from 20,000 article folders takes ~1.6 s here, much longer on a slow disk), and the
 * user must not face nothing meanwhile: the hosts show the window first, this object opens the
 * library behind it, and
 * - its handler table is the usual one (handlers.ts) whose every call waits for the library, and
 *   fails with the open's own typed error (e.g. 'library-locked') when opening fails;
 * - the open's progress goes to every event sink as 'progress' events with job `library-open`,
 *   ending with done === total once calls are answered; then the sinks get the library's own
 *   events (forwardLibraryEvents).
 * One mechanism for both hosts, so the browser host, which the tests drive, exercises Electron's.
 */
import type { Library } from './core/library/library';
import { LibrarySearch } from './core/search/library-search';
import {
  type EventSink,
  type Handlers,
  type HostServices,
  createHandlers,
  forwardLibraryEvents,
} from './handlers';
import { CHANNEL_NAMES, type EventMap } from './shared/contract';

/** The `job` of the open's progress events. */
export const LIBRARY_OPEN_JOB = 'library-open';

export type ProgressReport = EventMap['progress'];

/** What the opening hands the function that opens the library (openAppLibrary's `hooks`). */
export interface OpenHooks {
  /** Folders scanned so far; `rebuilding` when there was no usable index. */
  onProgress: (done: number, total: number, rebuilding: boolean) => void;
  /** The lock is taken: no other process can make the open fail now (see `claimed`). */
  onLocked: () => void;
}

export interface LibraryOpeningOptions {
  /** Opens the library, calling the hooks as it goes. */
  open: (hooks: OpenHooks) => Promise<Library>;
  /**
   * The search over the opened library, started. Default: persisted, loaded in the background.
   * Undefined: each handler table builds an in-memory one (createHandlers).
   */
  startSearch?: (library: Library) => LibrarySearch | undefined;
}

interface Opened {
  library: Library;
  search: LibrarySearch | undefined;
}

interface Subscriber {
  send: EventSink;
  /** Stops forwarding the library's events; null until the library is open. */
  stop: (() => void) | null;
}

/** Starts opening a library at once; see the module comment. */
export class LibraryOpening {
  /** The open library (search started); rejects with the open's error. */
  readonly ready: Promise<Library>;
  /**
   * Resolves once the lock is taken (or the library is open): the open can then no longer fail
   * because another process has the library. Rejects when the open fails before that.
   */
  readonly claimed: Promise<void>;
  readonly #opened: Promise<Opened>;
  readonly #subscribers = new Set<Subscriber>();
  #current: Opened | null = null;
  /** The last progress report sent, while the open is still running. */
  #report: ProgressReport | null = null;
  #closing: Promise<void> | null = null;

  constructor(options: LibraryOpeningOptions) {
    const startSearch =
      options.startSearch ?? ((library: Library) => new LibrarySearch(library).start());
    let claim = (): void => undefined;
    const claimed = new Promise<void>((resolve) => (claim = resolve));
    this.#opened = (async () => {
      const library = await options.open({
        onProgress: (done, total, rebuilding) => this.#onProgress(done, total, rebuilding),
        onLocked: claim,
      });
      return { library, search: startSearch(library) };
    })();
    this.#opened.then(
      (opened) => this.#onOpen(opened),
      () => this.#finishProgress(this.#report?.total ?? 0),
    );
    this.claimed = Promise.race([claimed, this.#opened.then(() => undefined)]);
    this.ready = this.#opened.then(({ library }) => library);
    // Whoever needs these awaits them; a failure nobody awaited yet must not end the process.
    this.claimed.catch(() => undefined);
    this.ready.catch(() => undefined);
  }

  /** An opening of a library that is already open (tests, tools): calls go straight through. */
  static of(library: Library, search?: LibrarySearch): LibraryOpening {
    return new LibraryOpening({ open: async () => library, startSearch: () => search });
  }

  /** The library once open, else null. */
  get library(): Library | null {
    return this.#current?.library ?? null;
  }

  /** Where the open is (the last report), while it runs: for a renderer that subscribes late. */
  get progress(): ProgressReport | null {
    return this.#report;
  }

  /**
   * The handler table for one host: createHandlers' table, each call waiting for the library.
   * Arguments are validated before that (dispatch), so bad input is refused at once.
   */
  handlers(services: HostServices): Handlers {
    const table = this.#opened.then(({ library, search }) =>
      createHandlers(library, services, search),
    );
    // Each call reports a failed open itself; the table unused must not end the process.
    table.catch(() => undefined);
    return deferredHandlers(table);
  }

  /**
   * Sends the open's progress to `send`, then, once open, the library's events; returns the
   * function that stops it.
   */
  forwardEvents(send: EventSink): () => void {
    const subscriber: Subscriber = { send, stop: null };
    this.#subscribers.add(subscriber);
    if (this.#current) subscriber.stop = this.#forward(this.#current, send);
    return () => {
      this.#subscribers.delete(subscriber);
      subscriber.stop?.();
    };
  }

  /**
   * Stops forwarding, waits for the open to settle, then closes the search and the library (their
   * pending writes reach the disk, the lock is released). Nothing to close when the open failed.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const subscriber of this.#subscribers) subscriber.stop?.();
      this.#subscribers.clear();
      let opened: Opened;
      try {
        opened = await this.#opened;
      } catch {
        return;
      }
      try {
        // Search first: it saves its index into the library folder, ours until the lock goes.
        await opened.search?.close();
      } finally {
        await opened.library.close();
      }
    })();
    return this.#closing;
  }

  #onProgress(done: number, total: number, rebuilding: boolean): void {
    // The scan's last report is not the end: the index is still written, and calls are answered
    // only once the open resolves, which is when the final report goes (#onOpen).
    if (done >= total) return;
    this.#send({
      job: LIBRARY_OPEN_JOB,
      label: rebuilding ? 'Rebuilding the library index' : 'Checking the library',
      done,
      total,
    });
  }

  #onOpen(opened: Opened): void {
    this.#current = opened;
    this.#finishProgress(this.#report?.total ?? opened.library.count());
    if (this.#closing) return;
    for (const subscriber of this.#subscribers) {
      subscriber.stop ??= this.#forward(opened, subscriber.send);
    }
  }

  /** The report that tells renderers the open is over (done === total), whatever its outcome. */
  #finishProgress(total: number): void {
    const label = this.#report?.label ?? 'Opening the library';
    this.#send({ job: LIBRARY_OPEN_JOB, label, done: total, total });
  }

  #send(report: ProgressReport): void {
    this.#report = report.done < report.total ? report : null;
    for (const { send } of this.#subscribers) send('progress', report);
  }

  #forward(opened: Opened, send: EventSink): () => void {
    return forwardLibraryEvents(opened.library, send, opened.search);
  }
}

/**
 * A handler table whose calls wait for `table` and then run its handler; when `table` rejects,
 * every call rejects with that error (dispatch turns it into the typed error result).
 */
export function deferredHandlers(table: Promise<Handlers>): Handlers {
  const entries = CHANNEL_NAMES.map((channel) => [
    channel,
    async (args: unknown) => {
      // One channel's handler, called with what dispatch validated against the same channel.
      const handler = (await table)[channel] as (args: unknown) => Promise<unknown>;
      return handler(args);
    },
  ]);
  return Object.fromEntries(entries) as Handlers;
}
