/**
 * Article ids: `<yyyymmdd>-<slug of the title, at most 40 chars>-<6 random base36 chars>`, e.g.
 * `20250114-gaza-ceasefire-talks-resume-k3x9qa`. They name the article's folder, so they sort by
 * date in a file manager and say what is inside; the random tail keeps two saves of the same title
 * on the same day apart.
 */
import { randomInt } from 'node:crypto';
import { OffprintError } from '../../shared/errors';
import { ARTICLE_ID_PATTERN } from '../../shared/limits';

export const MAX_SLUG_LENGTH = 40;
const RANDOM_LENGTH = 6;
const RANDOM_RANGE = 36 ** RANDOM_LENGTH;

/** Letters that Unicode decomposition leaves alone but that have an obvious ASCII spelling. */
const ASCII_SPELLINGS: Record<string, string> = {
  ı: 'i',
  ß: 'ss',
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  þ: 'th',
};

/**
 * Lowercase ASCII slug of a title: accents dropped, everything else that is not a letter or digit
 * turned into single dashes, cut at a word boundary when possible. A title with no Latin letters
 * or digits (Arabic, Chinese, ...) gives 'article'.
 */
export function slugify(title: string, maxLength = MAX_SLUG_LENGTH): string {
  const ascii = title
    .toLowerCase()
    .replace(/[ıßæøœđðłþ]/g, (letter) => ASCII_SPELLINGS[letter] ?? letter)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
  const dashed = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (dashed.length === 0) return 'article';
  if (dashed.length <= maxLength) return dashed;
  const cut = dashed.slice(0, maxLength);
  // Prefer ending on a whole word unless that would throw most of the slug away.
  const lastDash = cut.lastIndexOf('-');
  const trimmed = lastDash >= maxLength / 2 ? cut.slice(0, lastDash) : cut;
  return trimmed.replace(/-+$/, '');
}

/** A new id for an article with this title saved at this moment (the date part is UTC). */
export function createArticleId(title: string, savedAt: Date): string {
  const date = savedAt.toISOString().slice(0, 10).replaceAll('-', '');
  const random = randomInt(RANDOM_RANGE).toString(36).padStart(RANDOM_LENGTH, '0');
  return `${date}-${slugify(title)}-${random}`;
}

/** True when `id` has the shape of an article id (and so is safe as a single path segment). */
export function isArticleId(id: unknown): id is string {
  return typeof id === 'string' && ARTICLE_ID_PATTERN.test(id);
}

/** Throws OffprintError 'invalid-argument' unless `id` is an article id. Call before building a path. */
export function assertArticleId(id: unknown): asserts id is string {
  if (!isArticleId(id)) {
    const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 100)) : typeof id;
    throw new OffprintError('invalid-argument', `That is not an article id: ${shown}.`);
  }
}
