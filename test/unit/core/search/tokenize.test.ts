import { describe, expect, it } from 'vitest';
import {
  MAX_TERM_LENGTH,
  forEachTerm,
  normalizeTerm,
  queryTerms,
} from '../../../../src-main/core/search/tokenize';

function terms(text: string): [string, string][] {
  const found: [string, string][] = [];
  forEachTerm(text, (term, start, end) => {
    found.push([term, text.slice(start, end)]);
  });
  return found;
}

describe('forEachTerm', () => {
  it('lower-cases words, strips diacritics and gives the place each came from', () => {
    expect(terms('Le Séisme au Népal, 2015.')).toEqual([
      ['le', 'Le'],
      ['seisme', 'Séisme'],
      ['au', 'au'],
      ['nepal', 'Népal'],
      ['2015', '2015'],
    ]);
  });

  it('skips single letters and digits, and runs too long to be words', () => {
    const long = 'x'.repeat(MAX_TERM_LENGTH + 1);
    expect(terms(`Obama's 3 a ${long} gun`).map(([term]) => term)).toEqual(['obama', 'gun']);
  });

  it('cuts Chinese into overlapping pairs and keeps Latin words inside them whole', () => {
    expect(terms('DeepMind新电脑 人').map(([term]) => term)).toEqual([
      'deepmind',
      '新电',
      '电脑',
      '人',
    ]);
  });

  it('stops when the visitor returns true', () => {
    const seen: string[] = [];
    forEachTerm('one two three', (term) => {
      seen.push(term);
      return term === 'two';
    });
    expect(seen).toEqual(['one', 'two']);
  });
});

describe('queryTerms and normalizeTerm', () => {
  it('gives the distinct terms of a query in order', () => {
    expect(queryTerms('Harbour, harbour  STORM')).toEqual(['harbour', 'storm']);
  });

  it('folds the same way for queries and text', () => {
    expect(normalizeTerm('ÉCOLE')).toBe('ecole');
    expect(normalizeTerm('Straße')).toBe('straße');
  });
});
