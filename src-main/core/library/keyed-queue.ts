/**
 * One writer per file: tasks with the same key run one after another, in the order they were
 * queued; tasks with different keys run side by side. The library keys by file path, so two
 * changes to one article.json never interleave their read-modify-write.
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Runs `task` after every task already queued under `key`; a failed task does not stop the next. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    // Tails never reject (see below), so the next task always starts once the previous settles.
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(() => task());
    const tail = result.catch(() => undefined);
    this.#tails.set(key, tail);
    // Forget the key once its last task is done, so the map stays as small as the work in flight.
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }

  /** Number of keys with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }

  /** Resolves when every task queued so far (and any queued while waiting) has settled. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.all(this.#tails.values());
  }
}
