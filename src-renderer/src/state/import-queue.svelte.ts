/**
 * Saving web pages, as a queue: addresses typed, pasted or dropped, and bookmarks files, run as jobs
 * in main (a few fetches at a time) with progress, cancel, and at the end one result per address:
 * saved, already there (with Refresh right there), or failed and why.
 *
 * The renderer chooses each job's id, so progress events are matched to the job from the first one
 * and Cancel works at once. What is added while a job runs waits and runs as the next job of the
 * same run; a list longer than main takes in one call is split into several jobs. A run's results
 * stay listed until the user dismisses them or the next run starts.
 */
import type { EventMap } from '../../../src-main/shared/contract';
import type { OffprintErrorShape } from '../../../src-main/shared/errors';
import { MAX_URLS_PER_IMPORT } from '../../../src-main/shared/limits';
import type { ArticleSummary, ImportOutcome } from '../../../src-main/shared/model';
import { services as defaultServices, type RendererServices } from '../lib/api';
import { addressesFromDrop, addressesInText } from '../lib/web-addresses';
import type { NotificationsState } from './notifications.svelte';

/** What became of one address. */
export interface QueueResult {
  /** Stable within the queue's life: the list's key. */
  key: number;
  /** The address (or, for a list main could not read, the file it came from). */
  source: string;
  status: ImportOutcome['status'];
  /** The article saved or found (saved, exists). */
  article: ArticleSummary | null;
  /** Why it failed (failed); code 'cancelled' when the user cancelled before it ran. */
  error: { code: string; message: string } | null;
  /** A refresh of an article that was already there: not asked, on its way, done, or failed. */
  refresh: 'none' | 'running' | 'done' | 'failed';
  /** Why the refresh failed. */
  refreshError: string | null;
}

/** The counts the summary line shows; a cancelled address counts as cancelled, not failed. */
export interface QueueCounts {
  saved: number;
  exists: number;
  failed: number;
  cancelled: number;
}

export interface ImportQueueOptions {
  /** Addresses per job; main takes at most MAX_URLS_PER_IMPORT in one call. */
  batchSize?: number;
}

/**
 * What waits to be sent: addresses the renderer read, or a list main reads (a bookmarks export;
 * how many addresses it holds is known once main's first progress report says).
 */
type Batch =
  { kind: 'urls'; urls: readonly string[] } | { kind: 'links'; text: string; source: string };

const CANCELLED: OffprintErrorShape = { code: 'cancelled', message: 'Cancelled.' };

/** "1 page", "3 pages". */
export function pagesLabel(count: number): string {
  return `${count.toLocaleString()} ${count === 1 ? 'page' : 'pages'}`;
}

/** How many addresses a batch is known to hold. */
function sizeOf(batch: Batch): number {
  return batch.kind === 'urls' ? batch.urls.length : 0;
}

export class ImportQueueState {
  #waiting = $state.raw<readonly Batch[]>([]);
  /** The job running now; null between runs. `size` is learned from main for a list it reads. */
  #job = $state.raw<{ id: string; batch: Batch; size: number } | null>(null);
  /** Progress main reported for the running job. */
  #jobDone = $state(0);
  #label = $state('');
  /** Addresses of this run finished by earlier jobs. */
  #finished = $state(0);
  #cancelling = $state(false);
  #results = $state.raw<readonly QueueResult[]>([]);
  /** What a cancel took off the queue: listed as cancelled once the running job has answered. */
  #dropped = $state.raw<readonly Batch[]>([]);

  #runInFlight: Promise<void> | null = null;
  /** A cancel main did not know the job for yet (the call may not have reached it): sent again. */
  #cancelUnanswered = false;
  #nextKey = 1;
  #nextJob = 1;
  /** Tells this window's jobs from any other's. */
  readonly #session = Math.floor(Math.random() * 36 ** 6).toString(36);

  readonly #notifications: NotificationsState;
  readonly #openArticle: (id: string) => void;
  readonly #services: RendererServices;
  readonly #batchSize: number;

  constructor(
    notifications: NotificationsState,
    openArticle: (id: string) => void,
    services: RendererServices = defaultServices,
    options: ImportQueueOptions = {},
  ) {
    this.#notifications = notifications;
    this.#openArticle = openArticle;
    this.#services = services;
    const batchSize = options.batchSize ?? MAX_URLS_PER_IMPORT;
    this.#batchSize = Math.max(1, Math.min(batchSize, MAX_URLS_PER_IMPORT));
  }

  /** True while a job runs (and what waits for it). */
  get running(): boolean {
    return this.#job !== null;
  }
  /** Addresses in this run, as far as known: finished, running and waiting. */
  get total(): number {
    const waiting = [...this.#waiting, ...this.#dropped].reduce((sum, b) => sum + sizeOf(b), 0);
    return this.#finished + (this.#job?.size ?? 0) + waiting;
  }
  /** Addresses of this run that are finished (saved, found, failed). */
  get done(): number {
    return this.#finished + this.#jobDone;
  }
  /** What main last said it was doing, e.g. `Saved "Night buses" (2 of 5)`. */
  get label(): string {
    return this.#label;
  }
  get cancelling(): boolean {
    return this.#cancelling;
  }
  /** One result per address of the run (running or last), in the order given, until dismissed. */
  get results(): readonly QueueResult[] {
    return this.#results;
  }
  get counts(): QueueCounts {
    const counts: QueueCounts = { saved: 0, exists: 0, failed: 0, cancelled: 0 };
    for (const result of this.#results) {
      if (result.error?.code === 'cancelled') counts.cancelled += 1;
      else counts[result.status] += 1;
    }
    return counts;
  }
  /** Whether there is anything to show: a run in progress or results not dismissed. */
  get visible(): boolean {
    return this.running || this.#results.length > 0;
  }

  /** True for the id of a job this queue started: its progress is shown here, not elsewhere. */
  owns(job: string): boolean {
    return job.startsWith(`save-${this.#session}-`);
  }

  /** Follows progress events; returns the function that stops following. */
  start(): () => void {
    return this.#services.api.on('progress', (report) => this.#onProgress(report));
  }

  /**
   * Saves pages by address. An address already running or waiting is not queued twice. When a job
   * runs they wait for it; otherwise a run starts now. Resolves when the run is over.
   */
  save(urls: readonly string[]): Promise<void> {
    const queued = [this.#job?.batch, ...this.#waiting].flatMap((batch) =>
      batch?.kind === 'urls' ? batch.urls : [],
    );
    const fresh = urls.filter((url, index) => !queued.includes(url) && urls.indexOf(url) === index);
    const batches: Batch[] = [];
    for (let at = 0; at < fresh.length; at += this.#batchSize) {
      batches.push({ kind: 'urls', urls: fresh.slice(at, at + this.#batchSize) });
    }
    return this.#enqueue(batches);
  }

  /**
   * Saves the pages a list names that main reads (a bookmarks export); `source` names it in a
   * result should main find nothing to save in it.
   */
  saveLinks(text: string, source: string): Promise<void> {
    return this.#enqueue([{ kind: 'links', text, source }]);
  }

  /**
   * Saves the web addresses in text pasted on the library (spelled out with http:// or https://).
   * When it holds none, says so and returns false.
   */
  saveFromText(text: string): boolean {
    const urls = addressesInText(text);
    if (urls.length > 0) {
      void this.save(urls);
      return true;
    }
    if (text.trim() !== '') {
      this.#notifications.info(
        'The copied text holds no web address to save (one starting with http:// or https://).',
      );
    }
    return false;
  }

  /**
   * Saves what a drag from a browser carried (`text/uri-list`, else the plain text). When it holds
   * no web address, says so: the user meant to give something.
   */
  saveDropped(uriList: string, plainText: string): void {
    const urls = addressesFromDrop(uriList, plainText);
    if (urls.length > 0) {
      void this.save(urls);
      return;
    }
    this.#notifications.error(
      'Nothing to save: drop a link to a web page (http:// or https://), or files to import.',
    );
  }

  /** Lists outcomes of pages saved by another way in (a bookmarks file picked in the native dialog). */
  adopt(outcomes: readonly ImportOutcome[]): void {
    this.#addResults(outcomes);
  }

  /**
   * Stops the run: main cancels the addresses of the running job not yet saved (those saved stay),
   * and what waits is not sent. Each address not saved gets the result "Cancelled".
   */
  async cancel(): Promise<void> {
    const job = this.#job;
    if (!job || this.#cancelling) return;
    this.#cancelling = true;
    this.#dropped = [...this.#dropped, ...this.#waiting];
    this.#waiting = [];
    const result = await this.#services.api['import.cancel']({ job: job.id });
    if (this.#job?.id !== job.id) return;
    if (!result.ok) {
      this.#notifications.error(`Could not cancel: ${result.error.message}`);
      this.#cancelling = false;
    } else if (!result.value) {
      // Main has no such job yet: the call that starts it is still on its way. Its first progress
      // report says it has arrived; the cancel is sent again then.
      this.#cancelUnanswered = true;
    }
  }

  /** Fetches an article that was already there again, as a new version (earlier ones are kept). */
  async refresh(key: number): Promise<void> {
    const target = this.#results.find((result) => result.key === key);
    if (!target?.article || target.refresh === 'running') return;
    this.#update(key, { refresh: 'running', refreshError: null });
    const result = await this.#services.api['article.refresh']({ id: target.article.id });
    if (result.ok) {
      this.#update(key, { refresh: 'done', article: result.value });
    } else {
      this.#update(key, { refresh: 'failed', refreshError: result.error.message });
    }
  }

  /** Opens the article a result is about. */
  open(key: number): void {
    const article = this.#results.find((result) => result.key === key)?.article;
    if (article) this.#openArticle(article.id);
  }

  /** Clears the results; a run in progress goes on and lists its own. */
  dismiss(): void {
    this.#results = [];
  }

  #enqueue(batches: readonly Batch[]): Promise<void> {
    if (batches.length > 0) {
      this.#waiting = [...this.#waiting, ...batches];
      if (!this.#runInFlight) {
        // A new run: the last run's results have been seen; its list and counts start afresh.
        this.#finished = 0;
        this.#results = [];
        this.#runInFlight = this.#run();
      }
    }
    return this.#runInFlight ?? Promise.resolve();
  }

  async #run(): Promise<void> {
    try {
      for (let batch = this.#waiting[0]; batch; batch = this.#waiting[0]) {
        this.#waiting = this.#waiting.slice(1);
        await this.#runJob(batch);
      }
    } finally {
      // Here, not in a later callback: anything added from now on must start a new run.
      this.#runInFlight = null;
      this.#job = null;
      this.#cancelling = false;
      this.#cancelUnanswered = false;
      this.#label = '';
    }
  }

  /** Sends one batch as one job and lists what became of each address. */
  async #runJob(batch: Batch): Promise<void> {
    const id = `save-${this.#session}-${this.#nextJob++}`;
    const size = sizeOf(batch);
    this.#job = { id, batch, size };
    this.#jobDone = 0;
    this.#label =
      batch.kind === 'urls' ? `Saving ${pagesLabel(size)}…` : `Reading ${batch.source}…`;
    this.#cancelling = false;
    this.#cancelUnanswered = false;

    let outcomes: ImportOutcome[];
    if (batch.kind === 'urls') {
      const result = await this.#services.api['import.url']({ urls: [...batch.urls], job: id });
      outcomes = batch.urls.map((source, index): ImportOutcome => {
        if (!result.ok) return { status: 'failed', source, error: result.error };
        return (
          result.value[index] ?? {
            status: 'failed',
            source,
            error: { code: 'internal', message: 'Offprint did not report on this address.' },
          }
        );
      });
    } else {
      const result = await this.#services.api['import.links']({ text: batch.text, job: id });
      outcomes = result.ok
        ? result.value
        : [{ status: 'failed', source: batch.source, error: result.error }];
    }
    this.#finished += Math.max(outcomes.length, this.#job?.size ?? 0);
    this.#jobDone = 0;
    this.#addResults(outcomes);
    const dropped = this.#dropped;
    if (dropped.length > 0) {
      this.#dropped = [];
      const cancelled = dropped.flatMap((waiting): ImportOutcome[] =>
        waiting.kind === 'urls'
          ? waiting.urls.map((source) => ({ status: 'failed', source, error: CANCELLED }))
          : [{ status: 'failed', source: waiting.source, error: CANCELLED }],
      );
      this.#finished += cancelled.length;
      this.#addResults(cancelled);
    }
  }

  #onProgress(report: EventMap['progress']): void {
    const job = this.#job;
    if (!job || report.job !== job.id) return;
    // A list main reads says how many addresses it holds in its first report.
    if (report.total !== job.size) this.#job = { ...job, size: report.total };
    // Events may arrive out of step with the answer; progress never goes backwards.
    if (report.done >= this.#jobDone) {
      this.#jobDone = Math.min(report.done, report.total);
      this.#label = report.label;
    }
    if (this.#cancelUnanswered && report.done < report.total) {
      this.#cancelUnanswered = false;
      void this.#services.api['import.cancel']({ job: job.id });
    }
  }

  #addResults(outcomes: readonly ImportOutcome[]): void {
    const added = outcomes.map((outcome): QueueResult => ({
      key: this.#nextKey++,
      source: outcome.source,
      status: outcome.status,
      article: outcome.status === 'failed' ? null : outcome.article,
      error: outcome.status === 'failed' ? outcome.error : null,
      refresh: 'none',
      refreshError: null,
    }));
    this.#results = [...this.#results, ...added];
  }

  #update(key: number, change: Partial<QueueResult>): void {
    this.#results = this.#results.map((result) =>
      result.key === key ? { ...result, ...change } : result,
    );
  }
}
