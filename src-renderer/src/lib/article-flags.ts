/**
 * The flags the user sets on an article from the library and from the reader alike, and how a
 * refusal is told, so that the two places say the same thing.
 */

/** An article flag the user sets with one key or button. */
export type ArticleFlag = 'bookmarked' | 'archived';

/** What setting (`on`) or clearing (`off`) each flag is called in a sentence. */
const VERBS: Record<ArticleFlag, { on: string; off: string }> = {
  bookmarked: { on: 'bookmark', off: 'remove the bookmark from' },
  archived: { on: 'archive', off: 'unarchive' },
};

/** "Could not archive “Title”: reason": main refused to set `flag` to `value`. */
export function flagRefusal(
  flag: ArticleFlag,
  value: boolean,
  title: string,
  reason: string,
): string {
  return `Could not ${value ? VERBS[flag].on : VERBS[flag].off} “${title}”: ${reason}`;
}
