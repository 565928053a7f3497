/**
 * Lists of links to save: a pasted list (addresses one per line, or separated by spaces, with or
 * without words around them) or a bookmarks export (the Netscape bookmark file browsers and Pocket
 * write). Both give the web addresses in the order they appear, each once; anything that is not an
 * http(s) address (bookmarklets, `place:` and `chrome:` entries, mail links, plain words) is left out.
 * The bookmarks file is read with jsdom like any HTML: its markup is too loose for patterns.
 */
import { JSDOM, VirtualConsole } from 'jsdom';
import { isBookmarksFile } from '../../shared/bookmarks-file';
import { addressCandidates, parseWebUrl, uniqueAddresses } from '../../shared/web-address';
import { normalizeArticleUrl } from './article-url';

export interface ExtractedLinks {
  /** What the text was taken for. */
  kind: 'bookmarks' | 'text';
  /** The web addresses, in order, each once (compared without fragment and tracking parameters). */
  urls: string[];
}

/** An absolute http(s) address in its parsed form, or null. */
function webAddress(candidate: string): string | null {
  return parseWebUrl(candidate)?.href ?? null;
}

/** Keeps the first of each address; two that differ only in fragment or tracking are one. */
function unique(urls: Iterable<string>): string[] {
  return uniqueAddresses(urls, (url) => normalizeArticleUrl(url) ?? url);
}

/** The web addresses in pasted text: one per line or separated by spaces; other words are ignored. */
export function linksFromText(text: string): string[] {
  return unique(
    addressCandidates(text)
      .map(webAddress)
      .filter((url) => url !== null),
  );
}

/** The web addresses a bookmarks export links to (every `<A HREF>`, in order, each once). */
export function linksFromBookmarks(html: string): string[] {
  // No URL, no scripts, no resources: jsdom only parses.
  const dom = new JSDOM(html, { contentType: 'text/html', virtualConsole: new VirtualConsole() });
  try {
    const found: string[] = [];
    for (const anchor of Array.from(dom.window.document.querySelectorAll('a[href]'))) {
      const url = webAddress(anchor.getAttribute('href')?.trim() ?? '');
      if (url) found.push(url);
    }
    return unique(found);
  } finally {
    dom.window.close();
  }
}

/**
 * The web addresses in `text`: a bookmarks export when it starts with the Netscape bookmark doctype,
 * a pasted list otherwise.
 */
export function extractLinks(text: string): ExtractedLinks {
  return isBookmarksFile(text)
    ? { kind: 'bookmarks', urls: linksFromBookmarks(text) }
    : { kind: 'text', urls: linksFromText(text) };
}
