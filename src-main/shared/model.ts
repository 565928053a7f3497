/**
 * The domain types shared by main, preload and renderer. Pure data: no functions, no platform imports.
 */

/** Where an article came from. */
export type SourceKind = 'text' | 'html' | 'markdown' | 'url' | 'welcome';

/** What the library list needs of an article: small, so that 20,000 of them stay cheap. */
export interface ArticleSummary {
  id: string;
  title: string;
  /** Publisher or site, e.g. "TRT World"; null when unknown. */
  siteName: string | null;
  /** Newspaper section, e.g. "WORLD"; null when unknown. */
  section: string | null;
  byline: string | null;
  /** ISO 8601 date (or date-time) of publication, when the source says. */
  publishedTime: string | null;
  /** ISO 8601 date-time the article entered the library. */
  savedAt: string;
  /** ISO 8601 date-time of the last change to the article's user state. */
  updatedAt: string;
  excerpt: string | null;
  url: string | null;
  lang: string | null;
  wordCount: number;
  /** Minutes at 230 words a minute, at least 1. */
  readingMinutes: number;
  sourceKind: SourceKind;
  /** File name the article was imported from, when it came from a file. */
  fileName: string | null;
  bookmarked: boolean;
  read: boolean;
  archived: boolean;
}

/** An article with its sanitized content, as the reader shows it. */
export interface Article extends ArticleSummary {
  /** Sanitized HTML of the article body (standfirst, figure caption, headings, paragraphs). */
  contentHtml: string;
  dir: 'ltr' | 'rtl' | null;
  /**
   * Which saved version `contentHtml` is, and which exist (a refresh adds one, keeping the earlier).
   * Always set by the library; optional only so objects built before versions existed still type.
   */
  versions?: ArticleVersions;
  /** Images of the shown version that could not be saved (retry with article.retryImages). */
  imageFailures?: ImageFailure[];
}

/** The versions of an article: the one shown and all that exist, oldest first. */
export interface ArticleVersions {
  shown: number;
  count: number;
  all: ArticleVersionInfo[];
}

export interface ArticleVersionInfo {
  version: number;
  /** ISO 8601 date-time this version was saved. */
  savedAt: string;
  wordCount: number;
  /** How many of its images could not be saved. */
  missingImages: number;
}

/** An image of an article that could not be saved for offline reading, and why. */
export interface ImageFailure {
  /** The address it was to be fetched from. */
  url: string;
  reason: string;
  /** Its alternative text, restored with the image by a successful retry. */
  alt: string | null;
}

/** The user-changeable state of an article. */
export interface ArticleStatePatch {
  bookmarked?: boolean;
  read?: boolean;
  archived?: boolean;
}

/** What a successful or failed import of one file or URL produced. */
export type ImportOutcome =
  | { status: 'saved'; source: string; article: ArticleSummary }
  /** The address is already in the library (no duplicate was made); article.refresh fetches anew. */
  | { status: 'exists'; source: string; article: ArticleSummary }
  | { status: 'failed'; source: string; error: { code: string; message: string } };
