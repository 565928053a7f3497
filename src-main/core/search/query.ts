/**
 * Filtering, counting and sorting library summaries for `library.query`: pure functions over
 * ArticleSummary, plus a cache of the sort orders that are costly to compute (title needs a
 * collator; 20,000 titles take tens of milliseconds to sort).
 */
import type {
  LibraryCounts,
  LibraryFilters,
  LibraryQuery,
  LibrarySortDirection,
  LibraryTagCount,
} from '../../shared/contract';
import type { ArticleSummary, LibrarySort } from '../../shared/model';
import { tagKey } from '../../shared/user-state';

/** Rows a query returns when it does not say. */
export const DEFAULT_QUERY_LIMIT = 100;

/** Tags a query's counts name at most (the most used). */
export const MAX_COUNTED_TAGS = 200;

/**
 * The three steps of a query's filters: tag counts are taken after the first, the chip counts
 * after the second, and the rows listed are those passing all three.
 */
export interface CompiledFilters {
  /** Date ranges: which articles are counted at all. */
  inRange(summary: ArticleSummary): boolean;
  /** The tag filter: which of those the chip counts cover. */
  hasTag(summary: ArticleSummary): boolean;
  /** Bookmarked, unread, archived: which of those are listed. */
  inState(summary: ArticleSummary): boolean;
  /** True when the query has date filters (tag counts then differ from the whole library's). */
  readonly ranged: boolean;
}

/** Turns the contract's filters into predicates. Dates are compared as instants. */
export function compileFilters(filters: LibraryFilters = {}): CompiledFilters {
  const tag = filters.tag === undefined ? undefined : tagKey(filters.tag.trim());
  const saved = range(filters.savedAfter, filters.savedBefore);
  const published = range(filters.publishedAfter, filters.publishedBefore);
  // (A feed filter goes here once articles record the feed they came from.)
  return {
    ranged: saved !== null || published !== null,
    hasTag(summary) {
      return tag === undefined || summary.tags.some((item) => tagKey(item) === tag);
    },
    inRange(summary) {
      if (saved !== null && !saved(Date.parse(summary.savedAt))) return false;
      if (published !== null) {
        const time = summary.publishedTime === null ? NaN : Date.parse(summary.publishedTime);
        if (!published(time)) return false;
      }
      return true;
    },
    inState(summary) {
      if (filters.bookmarked !== undefined && summary.bookmarked !== filters.bookmarked) {
        return false;
      }
      if (filters.unread !== undefined && summary.read === filters.unread) return false;
      if (filters.archived !== undefined && summary.archived !== filters.archived) return false;
      return true;
    },
  };
}

/** [after, before): after inclusive, before exclusive; null when neither is given. */
function range(after?: string, before?: string): ((time: number) => boolean) | null {
  if (after === undefined && before === undefined) return null;
  const from = after === undefined ? -Infinity : Date.parse(after);
  const to = before === undefined ? Infinity : Date.parse(before);
  return (time) => !Number.isNaN(time) && time >= from && time < to;
}

/** Adds one summary to the chip counts. */
export function count(counts: LibraryCounts, summary: ArticleSummary): void {
  counts.all += 1;
  if (summary.bookmarked) counts.bookmarked += 1;
  if (!summary.read) counts.unread += 1;
  if (summary.archived) counts.archived += 1;
}

/** Chip counts at zero; `tags` is filled in by the caller (see TagTally). */
export function emptyCounts(): LibraryCounts {
  return { all: 0, bookmarked: 0, unread: 0, archived: 0, tags: [] };
}

// Tags in an order people read ("Topic 2" before "topic 10"); code units break the remaining ties.
const tagCollator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function byCountThenTag(a: LibraryTagCount, b: LibraryTagCount): number {
  return (
    b.count - a.count ||
    tagCollator.compare(a.tag, b.tag) ||
    (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0)
  );
}

/**
 * Counts the tags of the summaries added. Tags differing only in case are one tag; it is named
 * by its spelling on the most recently saved of those articles, so the name does not depend on
 * the order summaries come in (which follows the query's sort).
 */
export class TagTally {
  readonly #tags = new Map<string, { entry: LibraryTagCount; from: ArticleSummary }>();

  add(summary: ArticleSummary): void {
    for (const tag of summary.tags) {
      const key = tagKey(tag);
      const known = this.#tags.get(key);
      if (known === undefined) {
        this.#tags.set(key, { entry: { tag, count: 1 }, from: summary });
        continue;
      }
      known.entry.count += 1;
      // Another spelling: the newer article's wins (rare, so the comparison is too).
      if (known.entry.tag !== tag && newer(summary, known.from)) {
        known.entry.tag = tag;
        known.from = summary;
      }
    }
  }

  /** The most used tags, most used first, then by name; at most MAX_COUNTED_TAGS. */
  result(): LibraryTagCount[] {
    const entries = [...this.#tags.values()].map(({ entry }) => ({ ...entry }));
    return firstInOrder(entries, MAX_COUNTED_TAGS, byCountThenTag);
  }
}

function newer(a: ArticleSummary, b: ArticleSummary): boolean {
  return a.savedAt > b.savedAt || (a.savedAt === b.savedAt && a.id > b.id);
}

/** Newest first for dates, A to Z for titles. */
export function defaultDirection(sort: LibrarySort): LibrarySortDirection {
  return sort === 'title' ? 'asc' : 'desc';
}

/** The page a query asks for, with the contract's defaults. */
export function pageOf(query: LibraryQuery): { offset: number; limit: number } {
  return { offset: query.offset ?? 0, limit: query.limit ?? DEFAULT_QUERY_LIMIT };
}

/**
 * The first `count` items of `items` in `compare` order (a stable order is the caller's: compare
 * must break ties). Sorts everything when that is cheap; otherwise keeps the best `count` in a
 * heap: O(n log count) instead of O(n log n) when thousands match and a page of 50 is shown.
 */
export function firstInOrder<T>(items: T[], count: number, compare: (a: T, b: T) => number): T[] {
  if (count <= 0) return [];
  if (items.length <= count * 4) return items.sort(compare).slice(0, count);
  // A max-heap by `compare`: the root is the worst item kept so far.
  const heap: T[] = [];
  const swap = (i: number, j: number) => {
    const item = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = item;
  };
  for (const item of items) {
    if (heap.length < count) {
      heap.push(item);
      for (let at = heap.length - 1; at > 0;) {
        const parent = (at - 1) >> 1;
        if (compare(heap[parent] as T, heap[at] as T) >= 0) break;
        swap(parent, at);
        at = parent;
      }
    } else if (compare(item, heap[0] as T) < 0) {
      heap[0] = item;
      for (let at = 0; ;) {
        const left = at * 2 + 1;
        const right = left + 1;
        let largest = at;
        if (left < count && compare(heap[left] as T, heap[largest] as T) > 0) largest = left;
        if (right < count && compare(heap[right] as T, heap[largest] as T) > 0) largest = right;
        if (largest === at) break;
        swap(at, largest);
        at = largest;
      }
    }
  }
  return heap.sort(compare);
}

/** Publication time in epoch ms; NaN when unknown or unreadable (such articles sort last). */
export function publishedMs(summary: ArticleSummary): number {
  return summary.publishedTime === null ? NaN : Date.parse(summary.publishedTime);
}

/**
 * Ascending orders of the library by title and by publication date, kept until a change could
 * alter them: a bookmark does not re-sort 20,000 titles, an added, removed or retitled article does.
 */
export class SortOrders {
  readonly #collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  #title: { ids: string[]; rank: Map<string, number>; keys: Map<string, string> } | null = null;
  #published: {
    ids: string[];
    undated: string[];
    rank: Map<string, number>;
    keys: Map<string, string | null>;
  } | null = null;

  /** Call with the ids of every change; `lookup` gives their summary now (undefined: removed). */
  changed(ids: readonly string[], lookup: (id: string) => ArticleSummary | undefined): void {
    for (const id of ids) {
      const summary = lookup(id);
      if (this.#title !== null && this.#title.keys.get(id) !== summary?.title) this.#title = null;
      if (
        this.#published !== null &&
        (summary === undefined || this.#published.keys.get(id) !== summary.publishedTime)
      ) {
        this.#published = null;
      }
    }
  }

  /** Drops every cached order. */
  clear(): void {
    this.#title = null;
    this.#published = null;
  }

  /**
   * Ids in the order asked for. Articles without a (readable) publication date come last in both
   * directions of the publication order.
   */
  ids(
    sort: 'title' | 'publishedTime',
    direction: LibrarySortDirection,
    all: () => ArticleSummary[],
  ): string[] {
    if (sort === 'title') {
      const { ids } = this.#titleOrder(all);
      return direction === 'asc' ? ids : [...ids].reverse();
    }
    const { ids, undated } = this.#publishedOrder(all);
    return [...(direction === 'asc' ? ids : [...ids].reverse()), ...undated];
  }

  /** Position of each id in the ascending order (for sorting search results the same way). */
  rank(sort: 'title' | 'publishedTime', all: () => ArticleSummary[]): Map<string, number> {
    return sort === 'title' ? this.#titleOrder(all).rank : this.#publishedOrder(all).rank;
  }

  #titleOrder(all: () => ArticleSummary[]) {
    if (this.#title === null) {
      const summaries = all();
      summaries.sort(
        (a, b) =>
          this.#collator.compare(a.title, b.title) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      const ids = summaries.map((summary) => summary.id);
      this.#title = {
        ids,
        rank: new Map(ids.map((id, index) => [id, index])),
        keys: new Map(summaries.map((summary) => [summary.id, summary.title])),
      };
    }
    return this.#title;
  }

  #publishedOrder(all: () => ArticleSummary[]) {
    if (this.#published === null) {
      const dated: { id: string; time: number }[] = [];
      const undated: string[] = [];
      const keys = new Map<string, string | null>();
      for (const summary of all()) {
        keys.set(summary.id, summary.publishedTime);
        const time = publishedMs(summary);
        if (Number.isNaN(time)) undated.push(summary.id);
        else dated.push({ id: summary.id, time });
      }
      dated.sort((a, b) => a.time - b.time || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const ids = dated.map((entry) => entry.id);
      const rank = new Map(ids.map((id, index) => [id, index]));
      for (const id of undated) rank.set(id, Number.POSITIVE_INFINITY);
      this.#published = { ids, undated, rank, keys };
    }
    return this.#published;
  }
}
