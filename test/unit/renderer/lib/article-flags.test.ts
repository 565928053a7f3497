/** How a refused bookmark or archive is told, the same in the library and the reader. */
import { describe, expect, it } from 'vitest';
import { flagRefusal } from '../../../../src-renderer/src/lib/article-flags';

describe('flagRefusal', () => {
  it('names what was being done to which article, and why it did not happen', () => {
    expect(flagRefusal('bookmarked', true, 'Kept', 'Disk full.')).toBe(
      'Could not bookmark “Kept”: Disk full.',
    );
    expect(flagRefusal('bookmarked', false, 'Kept', 'Disk full.')).toBe(
      'Could not remove the bookmark from “Kept”: Disk full.',
    );
    expect(flagRefusal('archived', true, 'Old news', 'Disk full.')).toBe(
      'Could not archive “Old news”: Disk full.',
    );
    expect(flagRefusal('archived', false, 'Old news', 'Disk full.')).toBe(
      'Could not unarchive “Old news”: Disk full.',
    );
  });
});
