/**
 * Long imports (a pasted list of addresses, a bookmarks file) as jobs: a few items at a time,
 * progress after each, and cancel. A job ends with one outcome per item, in the order given:
 * saved, already there, or failed with the reason (a cancelled item fails with code 'cancelled').
 */
import { randomUUID } from 'node:crypto';
import { OffprintError, toErrorShape } from '../../shared/errors';
import type { ImportOutcome } from '../../shared/model';

/** The `progress` event's payload (EventMap['progress']). */
export interface JobProgress {
  job: string;
  label: string;
  done: number;
  total: number;
}

export interface JobOptions<T> {
  /** The job's id; a new one when absent. The caller may choose it so it can cancel at once. */
  job?: string | undefined;
  /** What the item is called in outcomes and progress labels (its address, its file name). */
  sourceOf: (item: T) => string;
  onProgress?: (progress: JobProgress) => void;
}

/** Fetches run side by side up to this many: enough to hide latency, few enough to be polite. */
export const DEFAULT_JOB_CONCURRENCY = 3;

/** Running jobs, so that they can be cancelled by id. One per library (the handlers own one). */
export class ImportJobs {
  readonly #running = new Map<string, AbortController>();
  readonly #concurrency: number;

  constructor(concurrency = DEFAULT_JOB_CONCURRENCY) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /**
   * Runs `work` on every item, at most `concurrency` at once, reporting progress after each one.
   * `work` gets a signal that fires on cancel; it should return a failed outcome rather than throw
   * (a throw is turned into one). Throws OffprintError 'invalid-argument' when a job with the
   * same id is still running.
   */
  async run<T>(
    items: readonly T[],
    work: (item: T, signal: AbortSignal) => Promise<ImportOutcome>,
    options: JobOptions<T>,
  ): Promise<ImportOutcome[]> {
    const job = options.job ?? `import-${randomUUID()}`;
    if (this.#running.has(job)) {
      throw new OffprintError(
        'invalid-argument',
        `An import with the id ${job} is already running.`,
      );
    }
    const controller = new AbortController();
    this.#running.set(job, controller);
    const total = items.length;
    const outcomes: ImportOutcome[] = new Array<ImportOutcome>(total);
    let done = 0;
    const report = (label: string) => {
      try {
        options.onProgress?.({ job, label, done, total });
      } catch (error) {
        // A broken event sink must not stop the import.
        console.error('[offprint] progress listener failed:', error);
      }
    };

    report(`Saving ${total} ${total === 1 ? 'item' : 'items'}…`);
    let next = 0;
    const worker = async () => {
      while (next < total) {
        const index = next;
        next += 1;
        const item = items[index] as T;
        const source = options.sourceOf(item);
        let outcome: ImportOutcome;
        if (controller.signal.aborted) {
          outcome = cancelledOutcome(source);
        } else {
          try {
            outcome = await work(item, controller.signal);
          } catch (error) {
            outcome = { status: 'failed', source, error: toErrorShape(error) };
          }
        }
        outcomes[index] = outcome;
        done += 1;
        report(done === total ? summary(outcomes) : `${labelFor(outcome)} (${done} of ${total})`);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.#concurrency, total) }, worker));
    } finally {
      this.#running.delete(job);
    }
    return outcomes;
  }

  /** Cancels a running job; false when no job has that id (it may have finished). */
  cancel(job: string): boolean {
    const controller = this.#running.get(job);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Ids of the jobs running now. */
  get running(): string[] {
    return [...this.#running.keys()];
  }
}

function cancelledOutcome(source: string): ImportOutcome {
  return { status: 'failed', source, error: { code: 'cancelled', message: 'Cancelled.' } };
}

function labelFor(outcome: ImportOutcome): string {
  if (outcome.status === 'saved') return `Saved "${outcome.article.title}"`;
  if (outcome.status === 'exists') return `Already saved: "${outcome.article.title}"`;
  return `Failed: ${outcome.source}`;
}

/** "3 saved, 1 already there, 2 failed": the last progress label. */
export function summary(outcomes: readonly ImportOutcome[]): string {
  const count = (status: ImportOutcome['status']) =>
    outcomes.filter((outcome) => outcome.status === status).length;
  const cancelled = outcomes.filter(
    (outcome) => outcome.status === 'failed' && outcome.error.code === 'cancelled',
  ).length;
  const parts = [`${count('saved')} saved`];
  if (count('exists') > 0) parts.push(`${count('exists')} already there`);
  const failed = count('failed') - cancelled;
  if (failed > 0) parts.push(`${failed} failed`);
  if (cancelled > 0) parts.push(`${cancelled} cancelled`);
  return parts.join(', ');
}
