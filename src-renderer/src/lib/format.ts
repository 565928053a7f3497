/**
 * How dates, sources and reading times read in the UI. Pure functions, so that the library list and
 * the reader say the same thing the same way.
 */
import type { ArticleSummary } from '../../../src-main/shared/model';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Formats an ISO 8601 date or date-time for the reader's locale, e.g. "11 Jun 2025".
 * A bare date names a calendar day, not an instant: it is formatted in UTC so that it does not
 * slip to the day before west of Greenwich. Returns null for a missing or unreadable value.
 */
export function formatDate(iso: string | null, locale?: string): string | null {
  if (!iso) return null;
  const dateOnly = DATE_ONLY.test(iso);
  const date = new Date(dateOnly ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(dateOnly ? { timeZone: 'UTC' } : {}),
  }).format(date);
}

/** What date to show for an article: when it was published, else when it was saved. */
export function displayDate(
  article: Pick<ArticleSummary, 'publishedTime' | 'savedAt'>,
  locale?: string,
): { iso: string; text: string; published: boolean } | null {
  const published = formatDate(article.publishedTime, locale);
  if (published && article.publishedTime) {
    return { iso: article.publishedTime, text: published, published: true };
  }
  const saved = formatDate(article.savedAt, locale);
  return saved ? { iso: article.savedAt, text: `Saved ${saved}`, published: false } : null;
}

/** "TRT World · WORLD": site and section, whichever are known; null when neither is. */
export function sourceLabel(article: Pick<ArticleSummary, 'siteName' | 'section'>): string | null {
  const parts = [article.siteName, article.section].filter((part): part is string => !!part);
  return parts.length > 0 ? parts.join(' · ') : null;
}

/** "4 min read". */
export function readingTime(minutes: number): string {
  return `${Math.max(1, Math.round(minutes))} min read`;
}

/** "1 article", "12 articles". */
export function countLabel(count: number, noun = 'article'): string {
  return `${count.toLocaleString()} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * A moment with its time of day, e.g. "11 Jun 2025, 14:05": two versions saved the same day must
 * read differently. Returns null for an unreadable value.
 */
export function formatDateTime(iso: string, locale?: string): string | null {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return null;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
