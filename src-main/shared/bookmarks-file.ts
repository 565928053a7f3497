/**
 * Bookmarks exports: the "Netscape bookmark file" every browser, Pocket and most read-later services
 * write when asked to export bookmarks (`bookmarks.html`). It is HTML, but it is a list of links, not
 * a page to read: Offprint saves the pages it links to instead (import.links). Here, so the renderer
 * can tell such a file from a saved page before sending it, and main uses the same test.
 */

/** The doctype such a file starts with: `<!DOCTYPE NETSCAPE-Bookmark-file-1>`. */
export const BOOKMARKS_FILE_DOCTYPE = 'NETSCAPE-Bookmark-file-1';

/** How far into a file the doctype is looked for. */
export const BOOKMARKS_SNIFF_CHARS = 4096;

const DOCTYPE = new RegExp(
  `^\\uFEFF?\\s*(?:<!--[\\s\\S]*?-->\\s*)*<!DOCTYPE\\s+${BOOKMARKS_FILE_DOCTYPE}\\s*>`,
  'i',
);

/** True when `head` (the start of a file as text; the first 4 KB suffice) is a bookmarks export. */
export function isBookmarksFile(head: string): boolean {
  return DOCTYPE.test(head.slice(0, BOOKMARKS_SNIFF_CHARS));
}
