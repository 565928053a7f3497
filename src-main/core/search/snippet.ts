/**
 * Search result snippets: a short passage of the article around the first match, as plain text with
 * the matching words given as ranges. No HTML: the renderer builds the highlighting itself, so text
 * from an article can never become markup.
 */
import type { SearchSnippet } from '../../shared/contract';
import { forEachTerm } from './tokenize';

/** Characters of a snippet, about two lines of the result list. */
export const SNIPPET_LENGTH = 180;
/** Characters shown before the first match, so that it reads in context. */
const CONTEXT_BEFORE = 60;
/** How far the window may move to start or end on a space rather than inside a word. */
const WORD_SLACK = 20;
const ELLIPSIS = '…';

/**
 * The passage of `text` around the first word whose index term is in `terms`, with every such word
 * in it highlighted. When no word of the body matches (the title or a note did), the beginning of
 * the text without highlights. Ranges are [start, end) in UTF-16 code units of `snippet.text`.
 */
export function makeSnippet(text: string, terms: ReadonlySet<string>): SearchSnippet {
  let first = -1;
  forEachTerm(text, (term, start) => {
    if (!terms.has(term)) return false;
    first = start;
    return true;
  });

  let start = first <= CONTEXT_BEFORE ? 0 : first - CONTEXT_BEFORE;
  if (start > 0) {
    const space = text.slice(start, start + WORD_SLACK).search(/\s/);
    if (space >= 0 && start + space + 1 <= first) start += space + 1;
  }
  let end = Math.min(text.length, start + SNIPPET_LENGTH);
  if (end < text.length) {
    const tail = text.slice(end - WORD_SLACK, end);
    const space = Math.max(tail.lastIndexOf(' '), tail.lastIndexOf('\n'));
    if (space >= 0 && end - WORD_SLACK + space > first) end = end - WORD_SLACK + space;
  }
  const passage = text.slice(start, end).replace(/\s+/g, ' ').trim();
  const snippetText = `${start > 0 ? ELLIPSIS : ''}${passage}${end < text.length ? ELLIPSIS : ''}`;

  const highlights: [number, number][] = [];
  if (first >= 0) {
    forEachTerm(snippetText, (term, from, to) => {
      if (!terms.has(term)) return false;
      const last = highlights[highlights.length - 1];
      // Overlapping pairs of Chinese or Japanese characters become one highlight.
      if (last !== undefined && from <= last[1]) last[1] = Math.max(last[1], to);
      else highlights.push([from, to]);
      return false;
    });
  }
  return { text: snippetText, highlights };
}
