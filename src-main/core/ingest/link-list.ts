/**
 * Lists of links to save: a pasted list (addresses one per line, or separated by spaces, with or
 * without words around them) or a bookmarks export (the Netscape bookmark file browsers and Pocket
 * write). Both give the web addresses in the order they appear, each once; anything that is not an
 * http(s) address (bookmarklets, `place:` and `chrome:` entries, mail links, plain words) is left out.
 * The bookmarks file is read with jsdom like any HTML: its markup is too loose for patterns.
 */
import { JSDOM, VirtualConsole } from 'jsdom';
import { isBookmarksFile } from '../../shared/bookmarks-file';
import { MAX_URL_LENGTH } from '../../shared/limits';
import { normalizeArticleUrl } from './article-url';

export interface ExtractedLinks {
  /** What the text was taken for. */
  kind: 'bookmarks' | 'text';
  /** The web addresses, in order, each once (compared without fragment and tracking parameters). */
  urls: string[];
}

/** An absolute http(s) address in its parsed form, or null. */
function webAddress(candidate: string): string | null {
  if (candidate.length > MAX_URL_LENGTH || !URL.canParse(candidate)) return null;
  const url = new URL(candidate);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  return url.href;
}

/** Keeps the first of each address; two that differ only in fragment or tracking are one. */
function unique(urls: Iterable<string>): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const url of urls) {
    const key = normalizeArticleUrl(url) ?? url;
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(url);
  }
  return kept;
}

/** Punctuation that wraps or follows an address in prose: `<https://a>`, `(https://a)`, `https://a,`. */
const LEADING = /^[<("'[{«“‘]+/;
const TRAILING = /[>"'\]}»”’.,;:!?]+$/;

/** One whitespace-separated word as an address, with the punctuation prose puts around it removed. */
function addressInWord(word: string): string | null {
  let candidate = word.replace(LEADING, '');
  for (;;) {
    const before = candidate;
    candidate = candidate.replace(TRAILING, '');
    // A closing parenthesis belongs to the address only when it opened one (Wikipedia titles).
    const opens = candidate.split('(').length - 1;
    const closes = candidate.split(')').length - 1;
    if (candidate.endsWith(')') && closes > opens) candidate = candidate.slice(0, -1);
    if (candidate === before) break;
  }
  return webAddress(candidate);
}

/** The web addresses in pasted text: one per line or separated by spaces; other words are ignored. */
export function linksFromText(text: string): string[] {
  const found: string[] = [];
  for (const word of text.split(/\s+/)) {
    if (!/^\W*https?:/i.test(word)) continue;
    const url = addressInWord(word);
    if (url) found.push(url);
  }
  return unique(found);
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
