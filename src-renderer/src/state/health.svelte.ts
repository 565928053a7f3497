/**
 * The library's health: damaged files main found (at open, or later when it first read them) and
 * what it recovered. The view shows them as a notice the user can read and put away; a problem
 * found later brings the notice back with just the new ones.
 */
import type { LibraryProblem } from '../../../src-main/shared/model';
import { services as defaultServices, type RendererServices } from '../lib/api';

export class HealthState {
  #problems = $state.raw<readonly LibraryProblem[]>([]);
  /** How many of the problems the user has already put away. */
  #dismissed = $state(0);
  readonly #services: RendererServices;

  constructor(services: RendererServices = defaultServices) {
    this.#services = services;
  }

  /** Every problem since the library was opened, oldest first. */
  get problems(): readonly LibraryProblem[] {
    return this.#problems;
  }

  /** The problems not yet put away: what the notice lists. */
  get unseen(): readonly LibraryProblem[] {
    return this.#problems.slice(this.#dismissed);
  }

  /** Asks for what is known so far and follows new reports; returns the function that stops. */
  start(): () => void {
    const stop = this.#services.api.on('library.health', ({ problems }) => this.#take(problems));
    void this.#services.api['library.health']({}).then((result) => {
      if (result.ok) this.#take(result.value.problems);
    });
    return stop;
  }

  /** Puts the notice away until another problem is found. */
  dismiss(): void {
    this.#dismissed = this.#problems.length;
  }

  // Each report carries every problem so far, so the longer list is the newer one: an answer that
  // arrives after an event is not allowed to take problems back.
  #take(problems: readonly LibraryProblem[]): void {
    if (problems.length > this.#problems.length) this.#problems = problems;
  }
}
