/**
 * Tags as the renderer shows them: typed, suggested and explained in the reader's tag field. Main
 * has the last word on what a tag may be (the rules are in shared/user-state.ts) and counts them
 * (library.query's counts.tags); what is here only shapes what the user sees before it answers.
 */
import type { LibraryTagCount } from '../../../src-main/shared/contract';
import { tagKey } from '../../../src-main/shared/user-state';

/** A tag and how many articles carry it, as main counts it. */
export type TagCount = LibraryTagCount;

/**
 * The tags in what was typed into the tag field: commas separate them; each is folded the way main
 * folds it (composed accents, one space for any run of whitespace, trimmed), so the chip shown at
 * once is the one main will keep. Empty pieces (a trailing comma, ", ,") are no tags at all.
 */
export function splitTagInput(text: string): string[] {
  return text
    .split(',')
    .map((piece) => piece.normalize('NFC').replace(/\s+/g, ' ').trim())
    .filter((piece) => piece !== '');
}

/**
 * The article's tags with `added` after them, in the order given; a tag already there (or given
 * twice) in whatever case is not added again, so the first spelling stays, as main keeps it.
 */
export function withTags(current: readonly string[], added: readonly string[]): string[] {
  const seen = new Set(current.map(tagKey));
  const tags = [...current];
  for (const tag of added) {
    if (seen.has(tagKey(tag))) continue;
    seen.add(tagKey(tag));
    tags.push(tag);
  }
  return tags;
}

/** The article's tags less `removed` (matched ignoring case, as main matches tags). */
export function withoutTag(current: readonly string[], removed: string): string[] {
  return current.filter((tag) => tagKey(tag) !== tagKey(removed));
}

/** What the tag field suggests: the library's tags the article does not carry yet, most used first. */
export function tagSuggestions(library: readonly TagCount[], current: readonly string[]): string[] {
  const carried = new Set(current.map(tagKey));
  return library.map(({ tag }) => tag).filter((tag) => !carried.has(tagKey(tag)));
}

/**
 * Main's reason for refusing a tag list, as a sentence for the user: the channel and field that
 * prefix a validation message ("Invalid argument for article.setTags (tags.2): ") are for
 * developers and are left out.
 */
export function tagProblem(message: string): string {
  return message.replace(/^Invalid argument for [\w.]+(?: \([^)]*\))?: /, '');
}
