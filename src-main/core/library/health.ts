/**
 * The library's health log: every damaged or unusable file found since open (by the open-time scan
 * or later, when a file is first read) and what was done about it. Hosts pass it to the renderer
 * ('library.health' channel and event) so the user is told, in words, what was affected.
 */
import type { LibraryProblem } from '../../shared/model';

export type ProblemDraft = Omit<LibraryProblem, 'at'>;
export type HealthListener = (problems: LibraryProblem[]) => void;

export class HealthLog {
  readonly #problems: LibraryProblem[] = [];
  readonly #listeners = new Set<HealthListener>();

  /** Records a problem, logs it, and tells the listeners (with the whole list). */
  report(draft: ProblemDraft): LibraryProblem {
    const problem: LibraryProblem = { ...draft, at: new Date().toISOString() };
    this.#problems.push(problem);
    console.warn(`[offprint] ${problem.path}: ${problem.message}`);
    const all = this.list();
    for (const listener of this.#listeners) {
      try {
        listener(all);
      } catch (error) {
        console.error('[offprint] library health listener failed:', error);
      }
    }
    return problem;
  }

  /** Every problem so far, oldest first (copies). */
  list(): LibraryProblem[] {
    return this.#problems.map((problem) => ({ ...problem }));
  }

  onChange(listener: HealthListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  clearListeners(): void {
    this.#listeners.clear();
  }
}
