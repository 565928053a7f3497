import { describe, expect, it } from 'vitest';
import { SNIPPET_LENGTH, makeSnippet } from '../../../../src-main/core/search/snippet';
import { normalizeTerm } from '../../../../src-main/core/search/tokenize';

const filler = (words: number, word = 'lorem') =>
  Array.from({ length: words }, () => word).join(' ');

/** The highlighted words, as they read in the snippet. */
function highlighted(snippet: { text: string; highlights: [number, number][] }): string[] {
  return snippet.highlights.map(([start, end]) => snippet.text.slice(start, end));
}

describe('makeSnippet', () => {
  it('shows the passage around the first match, cut at word boundaries, with ellipses', () => {
    const text = `${filler(60)} The harbour reopened after the storm. ${filler(80)}`;
    const snippet = makeSnippet(text, new Set(['harbour']));
    expect(snippet.text.startsWith('…lorem')).toBe(true);
    expect(snippet.text.endsWith('lorem…')).toBe(true);
    expect(snippet.text).toContain('The harbour reopened after the storm.');
    expect(snippet.text.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2);
    expect(highlighted(snippet)).toEqual(['harbour']);
  });

  it('gives ranges that point exactly at every matching word, whatever its case and accents', () => {
    const text = 'Séisme au Népal.\n\nLe SÉISME a fait des victimes; un séisme\tde plus.';
    const snippet = makeSnippet(text, new Set(['seisme']));
    expect(snippet.text).toBe('Séisme au Népal. Le SÉISME a fait des victimes; un séisme de plus.');
    expect(highlighted(snippet)).toEqual(['Séisme', 'SÉISME', 'séisme']);
    for (const [start, end] of snippet.highlights) {
      expect(normalizeTerm(snippet.text.slice(start, end))).toBe('seisme');
    }
  });

  it('starts at the beginning when the match is near it', () => {
    const snippet = makeSnippet('Storm closes the harbour. Boats wait.', new Set(['storm']));
    expect(snippet).toEqual({
      text: 'Storm closes the harbour. Boats wait.',
      highlights: [[0, 5]],
    });
  });

  it('shows the beginning without highlights when only the title or a note matched', () => {
    const text = `${filler(100, 'ipsum')}`;
    const snippet = makeSnippet(text, new Set(['harbour']));
    expect(snippet.highlights).toEqual([]);
    expect(snippet.text.startsWith('ipsum ipsum')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
  });

  it('merges overlapping pairs of Chinese characters into one highlight', () => {
    const snippet = makeSnippet('科技 人工智能迈上新台阶', new Set(['人工', '工智', '智能']));
    expect(highlighted(snippet)).toEqual(['人工智能']);
  });
});
