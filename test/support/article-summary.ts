/**
 * An ArticleSummary for tests that need list rows without a library behind them: an unread text
 * import with no site, byline, date, address or tags. Each test sets the fields it is about.
 */
import type { ArticleSummary } from '../../src-main/shared/model';

/** A summary with plain defaults, `overrides` on top. */
export function articleSummary(overrides: Partial<ArticleSummary> = {}): ArticleSummary {
  return {
    id: 'a',
    title: 'T',
    siteName: null,
    section: null,
    byline: null,
    publishedTime: null,
    savedAt: '2025-01-10T12:00:00.000Z',
    updatedAt: '2025-01-10T12:00:00.000Z',
    excerpt: null,
    url: null,
    lang: null,
    wordCount: 10,
    readingMinutes: 1,
    sourceKind: 'text',
    fileName: null,
    bookmarked: false,
    read: false,
    archived: false,
    tags: [],
    annotationCount: 0,
    ...overrides,
  };
}
