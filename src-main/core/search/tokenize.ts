/**
 * Words of any language, the same way for indexing, querying and highlighting: runs of letters,
 * digits and combining marks, lower-cased and stripped of diacritics (so "seisme" finds "séisme").
 * Chinese and Japanese are written without spaces, so their runs become overlapping character pairs
 * (bigrams), the usual trick when there is no dictionary to cut words with.
 */

/** Letters, digits and combining marks make words; these scripts are written without spaces. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const UNSPACED_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const UNSPACED_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const COMBINING_MARKS = /\p{M}+/gu;
const ASCII_ONLY = /^[\x20-\x7e]*$/;

/** Character classes: not part of a word, part of a word, part of an unspaced (CJK) word. */
const OTHER = 0;
const WORD = 1;
const UNSPACED = 2;
/** ASCII classes by code: letters and digits are words. */
const ASCII_CLASS = Uint8Array.from({ length: 128 }, (_, code) =>
  /[0-9A-Za-z]/.test(String.fromCharCode(code)) ? WORD : OTHER,
);
/** Classes of the other code points met so far: Unicode property regexes are slow per character. */
const seenClasses = new Map<number, number>();

function classOf(code: number): number {
  if (code < 128) return ASCII_CLASS[code] ?? OTHER;
  let known = seenClasses.get(code);
  if (known === undefined) {
    const char = String.fromCodePoint(code);
    known = UNSPACED_CHAR.test(char) ? UNSPACED : WORD_CHAR.test(char) ? WORD : OTHER;
    if (seenClasses.size < 65_536) seenClasses.set(code, known);
  }
  return known;
}

/**
 * Longer runs are not words (URLs, base64, hashes): indexing them would only bloat the dictionary.
 */
export const MAX_TERM_LENGTH = 40;

/**
 * Receives each term with its place in the text (`text.slice(start, end)` is what was written);
 * returning true stops the walk.
 */
export type TokenVisitor = (term: string, start: number, end: number) => boolean | void;

/** Lower case without diacritics; the form both the index and queries use. */
export function normalizeTerm(word: string): string {
  const lower = word.toLowerCase();
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFD').replace(COMBINING_MARKS, '').normalize('NFC');
}

/**
 * Calls `visit` for every term of `text`, in order, until it returns true. Single letters and digits
 * are skipped (they match nearly every article and find nothing), except in Chinese and Japanese.
 * A hand-written scanner: indexing reads every character of the library, and a Unicode regex with
 * a match object per word was the larger part of that cost.
 */
export function forEachTerm(text: string, visit: TokenVisitor): void {
  const length = text.length;
  let at = 0;
  while (at < length) {
    let code = text.charCodeAt(at);
    let width = 1;
    if (code >= 0xd800 && code <= 0xdbff) {
      code = text.codePointAt(at) ?? code;
      width = code > 0xffff ? 2 : 1;
    }
    if (classOf(code) === OTHER) {
      at += width;
      continue;
    }
    const start = at;
    let ascii = true;
    let unspaced = false;
    while (at < length) {
      code = text.charCodeAt(at);
      width = 1;
      if (code >= 0xd800 && code <= 0xdbff) {
        code = text.codePointAt(at) ?? code;
        width = code > 0xffff ? 2 : 1;
      }
      const kind = classOf(code);
      if (kind === OTHER) break;
      if (code >= 128) ascii = false;
      if (kind === UNSPACED) unspaced = true;
      at += width;
    }
    const word = text.slice(start, at);
    const stop = unspaced
      ? visitMixedScripts(word, start, visit)
      : visitWord(word, start, visit, ascii);
    if (stop) return;
  }
}

/** The distinct terms of a query, in the order typed. */
export function queryTerms(text: string): string[] {
  const terms = new Set<string>();
  forEachTerm(text, (term) => {
    terms.add(term);
  });
  return [...terms];
}

function visitWord(word: string, start: number, visit: TokenVisitor, ascii = false): boolean {
  if (word.length < 2 || word.length > MAX_TERM_LENGTH) return false;
  const term = ascii ? word.toLowerCase() : normalizeTerm(word);
  return term.length >= 2 && visit(term, start, start + word.length) === true;
}

/** A word such as "DeepMind新电脑": the Latin part as a word, the Han part as bigrams. */
function visitMixedScripts(word: string, start: number, visit: TokenVisitor): boolean {
  let cursor = 0;
  for (const run of word.matchAll(UNSPACED_RUN)) {
    if (run.index > cursor && visitWord(word.slice(cursor, run.index), start + cursor, visit)) {
      return true;
    }
    const chars = run[0];
    const runStart = start + run.index;
    if (chars.length === 1) {
      if (visit(chars, runStart, runStart + 1) === true) return true;
    } else {
      // Han characters outside the BMP are rare in news text; pairs of UTF-16 units are close enough.
      for (let index = 0; index + 1 < chars.length; index += 1) {
        const pair = chars.slice(index, index + 2);
        if (visit(pair, runStart + index, runStart + index + 2) === true) return true;
      }
    }
    cursor = run.index + chars.length;
  }
  return cursor < word.length && visitWord(word.slice(cursor), start + cursor, visit);
}
