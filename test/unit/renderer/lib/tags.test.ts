import { describe, expect, it } from 'vitest';
import {
  splitTagInput,
  tagProblem,
  tagSuggestions,
  withTags,
  withoutTag,
} from '../../../../src-renderer/src/lib/tags';

describe('the tag field', () => {
  it('splits on commas, folds whitespace and accents like main, and drops empty pieces', () => {
    expect(splitTagInput(' Long \t reads,, Kyiv ,cafe\u0301 ,')).toEqual([
      'Long reads',
      'Kyiv',
      'café',
    ]);
    expect(splitTagInput(' , ')).toEqual([]);
  });

  it('adds only tags not there yet, ignoring case, and removes ignoring case', () => {
    expect(withTags(['Ukraine'], ['ukraine', 'War', 'war', 'Peace'])).toEqual([
      'Ukraine',
      'War',
      'Peace',
    ]);
    expect(withoutTag(['Ukraine', 'War'], 'WAR')).toEqual(['Ukraine']);
  });

  it('suggests the library’s tags the article lacks, most used first', () => {
    const library = [
      { tag: 'Ukraine', count: 4 },
      { tag: 'Economy', count: 2 },
      { tag: 'Brexit', count: 1 },
    ];
    expect(tagSuggestions(library, ['economy'])).toEqual(['Ukraine', 'Brexit']);
  });

  it('keeps main’s reason and drops the channel and field meant for developers', () => {
    expect(
      tagProblem(
        'Invalid argument for article.setTags (tags.2): A tag is at most 64 characters; this one has 70.',
      ),
    ).toBe('A tag is at most 64 characters; this one has 70.');
    expect(
      tagProblem('Invalid argument for article.setTags (tags): An article has at most 100 tags.'),
    ).toBe('An article has at most 100 tags.');
    expect(tagProblem('Disk full.')).toBe('Disk full.');
  });
});
