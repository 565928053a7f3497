/**
 * Long jobs in the background process (building the search index, a large import) report progress
 * as events; this keeps the latest report of each unfinished job, for a small indicator. A job
 * whose report says done === total is finished and leaves the list.
 */
import type { EventMap } from '../../../src-main/shared/contract';
import { services as defaultServices, type RendererServices } from '../lib/api';

export type ProgressReport = EventMap['progress'];

export class ProgressState {
  #jobs = $state.raw<readonly ProgressReport[]>([]);
  readonly #services: RendererServices;

  constructor(services: RendererServices = defaultServices) {
    this.#services = services;
  }

  /** Unfinished jobs, in the order they first reported. */
  get jobs(): readonly ProgressReport[] {
    return this.#jobs;
  }

  /** Follows progress events; returns the function that stops following. */
  start(): () => void {
    return this.#services.api.on('progress', (report) => this.report(report));
  }

  /** Takes one progress report (exposed for the event and for tests). */
  report(report: ProgressReport): void {
    const finished = !(report.done < report.total);
    const known = this.#jobs.some((job) => job.job === report.job);
    if (finished) {
      if (known) this.#jobs = this.#jobs.filter((job) => job.job !== report.job);
      return;
    }
    this.#jobs = known
      ? this.#jobs.map((job) => (job.job === report.job ? report : job))
      : [...this.#jobs, report];
  }
}

/** "Building search index 4,000 / 20,000". */
export function progressLabel(report: ProgressReport): string {
  return `${report.label} ${report.done.toLocaleString()} / ${report.total.toLocaleString()}`;
}
