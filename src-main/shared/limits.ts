/** Limits shared by both sides of the bridge, so the renderer can refuse early and main refuses for sure. */

/** The largest file Offprint imports. News articles are kilobytes; this leaves room for saved pages. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** Base64 of MAX_IMPORT_BYTES, the largest upload string the contract accepts. */
export const MAX_IMPORT_BASE64_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;

/** How many files one import call may carry. */
export const MAX_FILES_PER_IMPORT = 200;

/** How many web addresses one import.url call may carry (a pasted list, a bookmarks file). */
export const MAX_URLS_PER_IMPORT = 200;

/**
 * A pasted list of links or a bookmarks file (import.links): the most text accepted (a 10,000-link
 * browser export is about 3 MB) and the most addresses saved in one job.
 */
export const MAX_LINKS_TEXT_CHARS = 4 * 1024 * 1024;
export const MAX_LINKS_PER_JOB = 5000;

/** The longest web address accepted: what browsers and servers commonly handle. */
export const MAX_URL_LENGTH = 2048;

/** Import job ids (chosen by the renderer so it can cancel at once): short and plain. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Longest library search text, and most rows one library.query returns. */
export const MAX_QUERY_TEXT_LENGTH = 500;
export const MAX_QUERY_LIMIT = 500;

/** Article ids are made by the library: lowercase letters, digits and dashes. */
export const ARTICLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** Human-readable size, e.g. "60 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
