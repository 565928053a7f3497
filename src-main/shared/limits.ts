/** Limits shared by both sides of the bridge, so the renderer can refuse early and main refuses for sure. */

/** The largest file Offprint imports. News articles are kilobytes; this leaves room for saved pages. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/** Base64 of MAX_IMPORT_BYTES, the largest upload string the contract accepts. */
export const MAX_IMPORT_BASE64_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;

/** How many files one import call may carry. */
export const MAX_FILES_PER_IMPORT = 200;

/** Article ids are made by the library: lowercase letters, digits and dashes. */
export const ARTICLE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,79}$/;

/** Human-readable size, e.g. "60 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round(bytes / (1024 * 1024))} MB`;
}
