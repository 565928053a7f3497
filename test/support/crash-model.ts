/**
 * The acknowledgement log of the crash trials and the rule it is checked by.
 *
 * The child process (crash-child.ts) prints one JSON line per event on stdout, synchronously:
 * `begin` before it starts a change, with the state the article will have once the change is done
 * (null: deleted), and `ack` once the library's promise for that change has resolved. Articles are
 * known by title (unique, chosen by the child), annotations by their quoted text (unique too), so
 * that a change can be described before the library assigns any id.
 *
 * The rule: after a kill, every article is in its last acknowledged state (or the state the trial
 * started from), except that a change whose `ack` was not printed may or may not have happened;
 * each worker changes its own articles one at a time, so at most one such change per article.
 */

/** What the trials track of an article. */
export interface ArticleState {
  bookmarked: boolean;
  read: boolean;
  archived: boolean;
  tags: string[];
  progress: number;
  /** Annotations by quoted text: the note and colour each has. */
  notes: Record<string, { note: string | null; color: string | null }>;
}

export type LogLine =
  | { t: 'ready'; articles: number }
  | { t: 'begin'; title: string; op: string; after: ArticleState | null }
  | { t: 'ack'; title: string };

export function emptyState(): ArticleState {
  return { bookmarked: false, read: false, archived: false, tags: [], progress: 0, notes: {} };
}

/** A stable text form of a state (or absence), for comparing and for messages. */
export function canonical(state: ArticleState | null | undefined): string {
  if (state === null || state === undefined) return 'absent';
  const notes = Object.keys(state.notes)
    .sort()
    .map((key) => [key, state.notes[key]?.note ?? null, state.notes[key]?.color ?? null]);
  return JSON.stringify({ ...state, notes });
}

/** What the library must hold after a trial, built from the starting state and the log. */
export class ExpectedLibrary {
  /** Last acknowledged state per title (starting state before any ack); absent: never existed. */
  readonly #acked = new Map<string, ArticleState | null>();
  /** A change begun but not acknowledged, per title. */
  readonly #pending = new Map<string, { op: string; after: ArticleState | null }>();
  acks = 0;

  constructor(start: ReadonlyMap<string, ArticleState>) {
    for (const [title, state] of start) this.#acked.set(title, state);
  }

  apply(line: LogLine): void {
    if (line.t === 'begin') {
      if (this.#pending.has(line.title)) {
        throw new Error(`log: a second change began on "${line.title}" before the first was acked`);
      }
      this.#pending.set(line.title, { op: line.op, after: line.after });
    } else if (line.t === 'ack') {
      const pending = this.#pending.get(line.title);
      if (pending === undefined) throw new Error(`log: ack without begin for "${line.title}"`);
      this.#pending.delete(line.title);
      this.#acked.set(line.title, pending.after);
      this.acks += 1;
    }
  }

  /** Changes begun and not acknowledged when the process died. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Every way `actual` breaks the rule; empty when it holds. */
  check(actual: ReadonlyMap<string, ArticleState>): string[] {
    const problems: string[] = [];
    const titles = new Set([...this.#acked.keys(), ...this.#pending.keys(), ...actual.keys()]);
    for (const title of titles) {
      const got = canonical(actual.get(title));
      const allowed = [canonical(this.#acked.get(title))];
      const pending = this.#pending.get(title);
      if (pending !== undefined) allowed.push(canonical(pending.after));
      if (!allowed.includes(got)) {
        const unacked = pending ? ` (unacknowledged ${pending.op} in flight)` : '';
        problems.push(`"${title}"${unacked}: found ${got}; allowed ${allowed.join(' or ')}`);
      }
    }
    return problems;
  }
}

/** Parses the complete lines of a log; a last line cut off by the kill was never printed. */
export function parseLog(output: string): LogLine[] {
  const lines = output.split('\n');
  lines.pop(); // whatever follows the last newline is incomplete (or empty)
  return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as LogLine);
}
