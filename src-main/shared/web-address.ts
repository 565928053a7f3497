/**
 * Finding web addresses in text people hand over (a pasted list, the Save dialog, a drop). Pure
 * TypeScript, no node imports: main reads link lists with it and the renderer reads what the user
 * types with it, so the two find the same addresses in the same words. What each side then accepts
 * (credentials, an address without its scheme) and what it counts as a repeat stays with that side.
 */
import { MAX_URL_LENGTH } from './limits';

/** Punctuation prose and chat put before a link: `<https://a>`, `(https://a)`, `“https://a”`. */
export const LEADING_PUNCTUATION = /^[<("'[{«“‘]+/;
/** Punctuation prose and chat put after a link: `https://a.`, `https://a>,`. */
export const TRAILING_PUNCTUATION = /[>"'\]}»”’.,;:!?]+$/;

/** `candidate` parsed when it is an absolute http(s) address with a host and not too long, else null. */
export function parseWebUrl(candidate: string): URL | null {
  if (candidate.length > MAX_URL_LENGTH || !URL.canParse(candidate)) return null;
  const url = new URL(candidate);
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  return url;
}

/** One word with the punctuation prose puts around an address removed. */
export function unwrapAddress(word: string): string {
  let candidate = word.replace(LEADING_PUNCTUATION, '');
  for (;;) {
    const before = candidate;
    candidate = candidate.replace(TRAILING_PUNCTUATION, '');
    // A closing parenthesis belongs to the address only when it opened one (Wikipedia titles).
    const opens = candidate.split('(').length - 1;
    const closes = candidate.split(')').length - 1;
    if (candidate.endsWith(')') && closes > opens) candidate = candidate.slice(0, -1);
    if (candidate === before) break;
  }
  return candidate;
}

/**
 * The words of `text` (split at white space) that start with `http:` or `https:`, unwrapped from
 * their punctuation, in order and repeats included. Not yet checked: each side parses them by its
 * own rules.
 */
export function addressCandidates(text: string): string[] {
  return text
    .split(/\s+/)
    .filter((word) => /^\W*https?:/i.test(word))
    .map(unwrapAddress);
}

/** The first of each address, where `key` says which addresses are the same page. */
export function uniqueAddresses(urls: Iterable<string>, key: (url: string) => string): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const url of urls) {
    const identity = key(url);
    if (seen.has(identity)) continue;
    seen.add(identity);
    kept.push(url);
  }
  return kept;
}
