import { describe, expect, it } from 'vitest';
import {
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
  it('splits filters into scope (tag, dates) and state (bookmarked, unread, archived)', () => {
    const filters = compileFilters({
      tag: 'Policy',
      savedAfter: '2025-01-01',
      savedBefore: '2025-02-01',
      unread: true,
    });
    expect(filters.inScope(summary({ tags: ['policy'] }))).toBe(true);
    expect(filters.inScope(summary({ tags: ['other'] }))).toBe(false);
    expect(
      filters.inScope(summary({ tags: ['policy'], savedAt: '2025-02-01T00:00:00.000Z' })),
    ).toBe(false);
    expect(
      filters.inScope(summary({ tags: ['policy'], savedAt: '2025-01-01T00:00:00.000Z' })),
    ).toBe(true);
    expect(filters.inState(summary({ read: false }))).toBe(true);
    expect(filters.inState(summary({ read: true }))).toBe(false);
  });

  it('leaves out undated articles when a publication range is given', () => {
    const filters = compileFilters({ publishedBefore: '2020-01-01' });
    expect(filters.inScope(summary({ publishedTime: null }))).toBe(false);
    expect(filters.inScope(summary({ publishedTime: '2015-04-16T10:00:00Z' }))).toBe(true);
    expect(filters.inScope(summary({ publishedTime: 'not a date' }))).toBe(false);
    expect(compileFilters({}).inScope(summary({}))).toBe(true);
  });

  it('counts each state for the chips', () => {
    const counts = emptyCounts();
    count(counts, summary({ bookmarked: true }));
    count(counts, summary({ read: true, archived: true }));
    expect(counts).toEqual({ all: 2, bookmarked: 1, unread: 1, archived: 1 });
  });
});
