import { describe, expect, it } from 'vitest';
import {
  MAX_COUNTED_TAGS,
  TagTally,
  compileFilters,
  count,
  emptyCounts,
  firstInOrder,
} from '../../../../src-main/core/search/query';
import { articleSummary as summary } from '../../../support/article-summary';

describe('firstInOrder', () => {
  it('gives the same first items as a full sort, for small and large inputs', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const compare = (a: { v: number; id: number }, b: { v: number; id: number }) =>
      b.v - a.v || a.id - b.id;
    for (const size of [0, 3, 10, 200, 5000]) {
      const items = Array.from({ length: size }, (_, id) => ({ v: Math.floor(random() * 50), id }));
      const expected = [...items].sort(compare);
      for (const wanted of [0, 1, 7, 50, 60]) {
        expect(firstInOrder([...items], wanted, compare)).toEqual(expected.slice(0, wanted));
      }
    }
  });
});

describe('compileFilters', () => {
  it('splits filters into dates, tag and state (bookmarked, unread, archived)', () => {
    const filters = compileFilters({
      tag: 'Policy',
      savedAfter: '2025-01-01',
      savedBefore: '2025-02-01',
      unread: true,
    });
    expect(filters.ranged).toBe(true);
    expect(filters.hasTag(summary({ tags: ['policy'] }))).toBe(true);
    expect(filters.hasTag(summary({ tags: ['other'] }))).toBe(false);
    expect(filters.inRange(summary({ savedAt: '2025-02-01T00:00:00.000Z' }))).toBe(false);
    expect(filters.inRange(summary({ savedAt: '2025-01-01T00:00:00.000Z' }))).toBe(true);
    expect(filters.inState(summary({ read: false }))).toBe(true);
    expect(filters.inState(summary({ read: true }))).toBe(false);
    expect(compileFilters({ tag: 'x' }).ranged).toBe(false);
  });

  it('leaves out undated articles when a publication range is given', () => {
    const filters = compileFilters({ publishedBefore: '2020-01-01' });
    expect(filters.inRange(summary({ publishedTime: null }))).toBe(false);
    expect(filters.inRange(summary({ publishedTime: '2015-04-16T10:00:00Z' }))).toBe(true);
    expect(filters.inRange(summary({ publishedTime: 'not a date' }))).toBe(false);
    const none = compileFilters({});
    expect(none.ranged).toBe(false);
    expect(none.inRange(summary({})) && none.hasTag(summary({}))).toBe(true);
  });

  it('counts each state for the chips', () => {
    const counts = emptyCounts();
    count(counts, summary({ bookmarked: true }));
    count(counts, summary({ read: true, archived: true }));
    expect(counts).toEqual({ all: 2, bookmarked: 1, unread: 1, archived: 1, tags: [] });
  });
});

describe('TagTally', () => {
  it('counts tags ignoring case, most used first, then by name in reading order', () => {
    const tally = new TagTally();
    tally.add(summary({ tags: ['Topic 10', 'Europe'] }));
    tally.add(summary({ tags: ['topic 2', 'europe'] }));
    tally.add(summary({ tags: ['Topic 2', 'Asia'] }));
    tally.add(summary({ tags: [] }));
    expect(tally.result().map(({ count }) => count)).toEqual([2, 2, 1, 1]);
    expect(tally.result().map(({ tag }) => tag.toLowerCase())).toEqual([
      'europe',
      'topic 2',
      'asia',
      'topic 10',
    ]);
  });

  it('names a tag by its spelling on the newest article, whatever the order they come in', () => {
    const old = summary({ id: 'a1', savedAt: '2024-01-01T00:00:00.000Z', tags: ['ukraine'] });
    const recent = summary({ id: 'a2', savedAt: '2025-01-01T00:00:00.000Z', tags: ['Ukraine'] });
    for (const order of [
      [old, recent],
      [recent, old],
    ]) {
      const tally = new TagTally();
      for (const item of order) tally.add(item);
      expect(tally.result()).toEqual([{ tag: 'Ukraine', count: 2 }]);
    }
  });

  it(`names at most ${MAX_COUNTED_TAGS} tags, the most used`, () => {
    const tally = new TagTally();
    for (let n = 0; n < MAX_COUNTED_TAGS + 50; n += 1) {
      tally.add(summary({ tags: [`t${n}`, ...(n % 2 === 0 ? ['even'] : [])] }));
    }
    const tags = tally.result();
    expect(tags).toHaveLength(MAX_COUNTED_TAGS);
    expect(tags[0]).toEqual({ tag: 'even', count: (MAX_COUNTED_TAGS + 50) / 2 });
    expect(tags[1]).toEqual({ tag: 't0', count: 1 });
  });
});
