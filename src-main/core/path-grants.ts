import { resolve } from 'node:path';

/**
 * The set of file paths the user picked in a native dialog. A renderer can only import files by
 * path when the path is in this set, so a compromised renderer cannot read arbitrary files.
 */
export class PathGrants {
  readonly #paths = new Set<string>();

  grant(paths: readonly string[]): void {
    for (const path of paths) this.#paths.add(resolve(path));
  }

  has(path: string): boolean {
    return this.#paths.has(resolve(path));
  }

  revoke(paths: readonly string[]): void {
    for (const path of paths) this.#paths.delete(resolve(path));
  }
}
