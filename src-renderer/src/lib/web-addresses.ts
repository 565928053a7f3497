/**
 * Web addresses the user hands over: typed in the Save dialog, pasted on the library, dropped from
 * a browser. Main checks every address again; this only decides what to send, so that one bad line
 * does not make main refuse the whole list, and so the dialog can say which lines it will skip.
 */
import {
  LEADING_PUNCTUATION,
  TRAILING_PUNCTUATION,
  addressCandidates,
  parseWebUrl,
  uniqueAddresses,
} from '../../../src-main/shared/web-address';

/** What the Save dialog makes of its text: the addresses to save, and the lines it cannot use. */
export interface AddressList {
  /** http(s) addresses in the order given, each once. */
  urls: string[];
  /** Non-blank lines that hold no web address, as typed (trimmed). */
  rejected: string[];
}

/** The address in its parsed form when it is an absolute http(s) one Offprint can fetch, else null. */
export function webAddress(candidate: string): string | null {
  const url = parseWebUrl(candidate);
  // Stricter than main's link lists: an address carrying a user name or password is not sent.
  if (!url || url.username !== '' || url.password !== '') return null;
  return url.href;
}

/**
 * A word typed without its scheme, such as `example.com/story`: taken as https when it has the shape
 * of a host name with a dot and a top-level domain of letters. Only the dialog does this, where the
 * user says "this is an address"; text pasted on the library must spell out http(s).
 */
function bareAddress(word: string): string | null {
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,}(:\d+)?([/?#]\S*)?$/i.test(word)) return null;
  return webAddress(`https://${word}`);
}

/** Two addresses that differ only in their fragment lead to the same page. */
function pageKey(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

function unique(urls: readonly string[]): string[] {
  return uniqueAddresses(urls, pageKey);
}

/** The http(s) addresses among the words of `text`, spelled out with their scheme and `//`. */
function explicitAddresses(text: string): string[] {
  return addressCandidates(text)
    .filter((candidate) => /^https?:\/\//i.test(candidate))
    .map(webAddress)
    .filter((url): url is string => url !== null);
}

/**
 * Reads the Save dialog's text: one address a line (several on a line, or words around them, are
 * fine too). A line with no address is reported in `rejected`; an address without its scheme
 * (`example.com/story`) is taken as https.
 */
export function parseAddressList(text: string): AddressList {
  const urls: string[] = [];
  const rejected: string[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const explicit = explicitAddresses(line);
    if (explicit.length > 0) {
      urls.push(...explicit);
      continue;
    }
    const bare = /\s/.test(line)
      ? null
      : bareAddress(line.replace(LEADING_PUNCTUATION, '').replace(TRAILING_PUNCTUATION, ''));
    if (bare) urls.push(bare);
    else rejected.push(line);
  }
  return { urls: unique(urls), rejected };
}

/**
 * The addresses in text pasted or dropped on the library: only those written with http:// or
 * https://, so that pasting a sentence that merely mentions "example.com" saves nothing.
 */
export function addressesInText(text: string): string[] {
  return unique(explicitAddresses(text));
}

/**
 * The addresses a drag from a browser carries. `text/uri-list` (RFC 2483) has one address a line
 * and `#` comment lines; when it is absent or has no web address, the plain text is read instead.
 */
export function addressesFromDrop(uriList: string, plainText: string): string[] {
  const listed = uriList
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map(webAddress)
    .filter((url): url is string => url !== null);
  return listed.length > 0 ? unique(listed) : addressesInText(plainText);
}
