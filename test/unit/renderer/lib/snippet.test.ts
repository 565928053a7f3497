import { describe, expect, it } from 'vitest';
import { snippetParts } from '../../../../src-renderer/src/lib/snippet';

const join = (parts: { text: string }[]) => parts.map((part) => part.text).join('');

describe('snippetParts', () => {
  it('cuts the text into plain and marked parts at the ranges', () => {
    const text = 'Ukraine receives bodies under Istanbul deal';
    expect(
      snippetParts(text, [
        [0, 7],
        [30, 38],
      ]),
    ).toEqual([
      { text: 'Ukraine', marked: true },
      { text: ' receives bodies under ', marked: false },
      { text: 'Istanbul', marked: true },
      { text: ' deal', marked: false },
    ]);
  });

  it('sorts, merges and clips ranges, and always joins back into the text', () => {
    const text = 'talks in Istanbul';
    const parts = snippetParts(text, [
      [9, 17],
      [0, 3],
      [2, 5],
      [15, 99],
      [6, 6],
      [8, 4],
    ]);
    expect(parts).toEqual([
      { text: 'talks', marked: true },
      { text: ' in ', marked: false },
      { text: 'Istanbul', marked: true },
    ]);
    expect(join(parts)).toBe(text);
  });

  it('keeps markup in the text as text', () => {
    const text = '<img src=x onerror=alert(1)> Gaza';
    const parts = snippetParts(text, [[29, 33]]);
    expect(parts[0]).toEqual({ text: '<img src=x onerror=alert(1)> ', marked: false });
    expect(parts[1]).toEqual({ text: 'Gaza', marked: true });
  });

  it('gives the text alone when nothing is marked', () => {
    expect(snippetParts('plain', [])).toEqual([{ text: 'plain', marked: false }]);
    expect(snippetParts('', [[0, 3]])).toEqual([]);
  });
});
