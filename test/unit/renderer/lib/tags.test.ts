import { describe, expect, it } from 'vitest';
import { countTags } from '../../../../src-renderer/src/lib/tags';

describe('countTags', () => {
  it('counts each tag once whatever its case, most used first, then by name', () => {
    expect(
      countTags([
        { tags: ['Long reads', 'economy'] },
        { tags: ['long reads'] },
        { tags: ['Brexit'] },
        { tags: [] },
      ]),
    ).toEqual([
      { name: 'Long reads', count: 2 },
      { name: 'Brexit', count: 1 },
      { name: 'economy', count: 1 },
    ]);
  });
});
