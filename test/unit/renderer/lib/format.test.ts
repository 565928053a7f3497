import { describe, expect, it } from 'vitest';
import {
  countLabel,
  displayDate,
  formatDate,
  readingTime,
  sourceLabel,
} from '../../../../src-renderer/src/lib/format';

describe('format', () => {
  it('formats a bare date as that calendar day, whatever the time zone', () => {
    // 11 June in UTC is still 10 June in the Americas: a bare date must not slip back a day.
    expect(formatDate('2025-06-11', 'en-GB')).toBe('11 Jun 2025');
    expect(formatDate('2025-01-01', 'en-US')).toBe('Jan 1, 2025');
  });

  it('formats date-times and refuses garbage', () => {
    expect(formatDate('2025-06-11T12:00:00Z', 'en-GB')).toMatch(/Jun 2025/);
    expect(formatDate('last Tuesday')).toBeNull();
    expect(formatDate(null)).toBeNull();
  });

  it('shows the published date, else when the article was saved', () => {
    expect(
      displayDate({ publishedTime: '2025-06-11', savedAt: '2025-07-01T00:00:00Z' }, 'en-GB'),
    ).toEqual({ iso: '2025-06-11', text: '11 Jun 2025', published: true });
    expect(displayDate({ publishedTime: null, savedAt: '2025-07-01T12:00:00Z' }, 'en-GB')).toEqual({
      iso: '2025-07-01T12:00:00Z',
      text: 'Saved 1 Jul 2025',
      published: false,
    });
  });

  it('names the source by site and section', () => {
    expect(sourceLabel({ siteName: 'TRT World', section: 'WORLD' })).toBe('TRT World · WORLD');
    expect(sourceLabel({ siteName: null, section: 'WORLD' })).toBe('WORLD');
    expect(sourceLabel({ siteName: null, section: null })).toBeNull();
  });

  it('says reading time and counts in words', () => {
    expect(readingTime(4)).toBe('4 min read');
    expect(readingTime(0)).toBe('1 min read');
    expect(countLabel(1)).toBe('1 article');
    expect(countLabel(12)).toBe('12 articles');
  });
});
