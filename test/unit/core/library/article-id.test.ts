import { describe, expect, it } from 'vitest';
import {
  assertArticleId,
  createArticleId,
  isArticleId,
  slugify,
} from '../../../../src-main/core/library/article-id';
import { ARTICLE_ID_PATTERN } from '../../../../src-main/shared/limits';

describe('slugify', () => {
  it.each([
    ['Ceasefire talks resume in Cairo', 'ceasefire-talks-resume-in-cairo'],
    ['  Élections à Genève : résultats!  ', 'elections-a-geneve-resultats'],
    ["İstanbul'da ılık bir gün", 'istanbul-da-ilik-bir-gun'],
    ['Straße über Ærø', 'strasse-uber-aero'],
    ['COVID-19 -- what now?', 'covid-19-what-now'],
    ['وقف إطلاق النار', 'article'],
    ['停火谈判', 'article'],
    ['', 'article'],
  ])('%j -> %j', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('keeps at most 40 characters, cutting at a word where it can', () => {
    const slug = slugify('The quick brown fox jumps over the lazy dog again and again');
    expect(slug).toBe('the-quick-brown-fox-jumps-over-the-lazy');
    expect(slug.length).toBeLessThanOrEqual(40);
    const oneWord = slugify('x'.repeat(100));
    expect(oneWord).toBe('x'.repeat(40));
  });
});

describe('createArticleId', () => {
  it('is <yyyymmdd>-<slug>-<6 base36> and matches the shared pattern', () => {
    const id = createArticleId('Ceasefire talks resume', new Date('2025-01-14T23:59:00Z'));
    expect(id).toMatch(/^20250114-ceasefire-talks-resume-[a-z0-9]{6}$/);
    expect(id).toMatch(ARTICLE_ID_PATTERN);
    const longest = createArticleId('word '.repeat(50), new Date());
    expect(longest).toMatch(ARTICLE_ID_PATTERN);
  });

  it('gives different ids to the same title at the same moment', () => {
    const when = new Date();
    const ids = new Set(Array.from({ length: 200 }, () => createArticleId('Same', when)));
    expect(ids.size).toBe(200);
  });
});

describe('assertArticleId', () => {
  it.each(['../x', '..', 'a/b', 'a\\b', 'UPPER', '', ' x', 'x.json', 'x'.repeat(81)])(
    'rejects %j',
    (id) => {
      expect(isArticleId(id)).toBe(false);
      expect(() => assertArticleId(id)).toThrow(
        expect.objectContaining({ code: 'invalid-argument' }),
      );
    },
  );

  it('rejects non-strings and accepts real ids', () => {
    expect(() => assertArticleId(42)).toThrow(/not an article id/);
    expect(isArticleId('20250114-ceasefire-abc123')).toBe(true);
  });
});
