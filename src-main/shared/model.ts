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
  /** Trimmed, 1..64 characters, unique ignoring case, at most 100; in the order the user gave. */
  tags: string[];
  /** Number of highlights and notes (annotations) on the article. */
  annotationCount: number;
}

/** An article with its sanitized content, as the reader shows it. */
export interface Article extends ArticleSummary {
  /** Sanitized HTML of the article body (standfirst, figure caption, headings, paragraphs). */
  contentHtml: string;
  dir: 'ltr' | 'rtl' | null;
  /** How far the user has read, 0..1 (not in the summary: it changes too often to list). */
  progress: number;
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
  /**
   * The web address it was to be fetched from; for an image a saved page referred to but did not
   * carry and that has no web address, the page's relative reference (`page_files/a.jpg`), which a
   * retry leaves as it is.
   */
  url: string;
  reason: string;
  /** Its alternative text, restored with the image by a successful retry. */
  alt: string | null;
}

/** What article.retryImages achieved. */
export interface RetryImagesResult {
  /** Images saved by this retry. */
  saved: number;
  /** Images still missing (each recorded again with this attempt's reason). */
  stillMissing: number;
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

/** Highlight colours the reader offers; stored by name so no CSS from disk reaches the page. */
export const ANNOTATION_COLORS = ['yellow', 'green', 'blue', 'pink', 'purple'] as const;
export type AnnotationColor = (typeof ANNOTATION_COLORS)[number];

export type AnnotationMotivation = 'highlighting' | 'commenting';

/** W3C Web Annotation TextQuoteSelector: the quoted text with a little context either side. */
export interface TextQuoteSelector {
  type: 'TextQuoteSelector';
  exact: string;
  prefix: string;
  suffix: string;
}

/** W3C Web Annotation TextPositionSelector: offsets into the text of the content version. */
export interface TextPositionSelector {
  type: 'TextPositionSelector';
  start: number;
  end: number;
}

/**
 * A highlight or note, shaped like a W3C Web Annotation so that exports need no translation.
 * Stored in `articles/<id>/annotations.json`.
 */
export interface Annotation {
  /** A random UUID. */
  id: string;
  type: 'Annotation';
  /** ISO 8601 date-times. */
  created: string;
  modified: string;
  motivation: AnnotationMotivation;
  /** The note; absent on a plain highlight. */
  body?: { type: 'TextualBody'; value: string; format: 'text/plain' };
  target: {
    /** The article id. */
    source: string;
    /** The content version the selectors were taken from. */
    version: number;
    selector: [TextQuoteSelector, TextPositionSelector];
  };
  color?: AnnotationColor;
}

/** What the reader sends to make an annotation; the library adds id, dates and the W3C wrapping. */
export interface NewAnnotation {
  motivation: AnnotationMotivation;
  quote: { exact: string; prefix: string; suffix: string };
  position: { start: number; end: number };
  /** The content version the selection was made on; the current version when absent. */
  version?: number;
  /** The note text; required when commenting. */
  note?: string;
  color?: AnnotationColor;
}

/** A change to an annotation; null removes the note or colour. */
export interface AnnotationPatch {
  motivation?: AnnotationMotivation;
  note?: string | null;
  color?: AnnotationColor | null;
}

/** Orders the library list can be sorted by. */
export const LIBRARY_SORTS = ['savedAt', 'publishedTime', 'title'] as const;
export type LibrarySort = (typeof LIBRARY_SORTS)[number];

/** Library-wide settings, stored in `<library>/settings.json`. */
export interface LibrarySettings {
  sort: LibrarySort;
}

/**
 * A damaged or unusable file the library found (at open or later) and what it did about it; the
 * renderer shows these as a notice. Paths are relative to the library folder, with `/`.
 */
export interface LibraryProblem {
  /** Which kind of file was affected. */
  file: 'index' | 'settings' | 'article' | 'content' | 'text' | 'annotations' | 'folder';
  /** The file or folder, e.g. `articles/<id>/article.json`. */
  path: string;
  /** The article concerned, when there is one. */
  articleId: string | null;
  /**
   * What the library did: `rebuilt` (recreated from what was left; nothing the user made is lost
   * unless `message` says so), `reset` (started over from defaults), `dropped` (no longer listed;
   * its files are in quarantine), `skipped` (left as it was and not used this session).
   */
  outcome: 'rebuilt' | 'reset' | 'dropped' | 'skipped';
  /** One or two sentences for the user: what was wrong, what was recovered. */
  message: string;
  /** Where a copy of the damaged file now is (`quarantine/...`), or null when none was kept. */
  quarantined: string | null;
  /** ISO 8601 date-time it was found. */
  at: string;
}

/** Everything found wrong since the library was opened; empty when all is well. */
export interface LibraryHealth {
  problems: LibraryProblem[];
}
