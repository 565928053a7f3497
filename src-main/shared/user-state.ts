/**
 * The rules for what a user may store on an article (tags, reading progress, annotations) and in
 * the library settings, declared once as valibot schemas. The contract uses them to refuse bad IPC
 * arguments; the library uses the same ones, so the CLI and tests meet the same rules and messages.
 */
import * as v from 'valibot';
import { OffprintError } from './errors';
import { describeIssues } from './validation';
import { ANNOTATION_COLORS, LIBRARY_SORTS } from './model';

export const MAX_TAG_LENGTH = 64;
export const MAX_TAGS_PER_ARTICLE = 100;
/** A note is a paragraph or a page, not a book. */
export const MAX_NOTE_LENGTH = 20_000;
/** Longest highlighted passage: several long paragraphs. */
export const MAX_QUOTE_LENGTH = 20_000;
/** Context kept either side of a quote to find it again; W3C tools keep about 32 characters. */
export const MAX_QUOTE_CONTEXT_LENGTH = 256;
/** Keeps one article's annotations.json small enough to rewrite on every change. */
export const MAX_ANNOTATIONS_PER_ARTICLE = 2_000;

// Tabs and line breaks are folded into spaces first; whatever control character is left is refused.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** Folds whitespace runs into single spaces, trims, and composes accents (NFC). */
function foldTag(tag: string): string {
  return tag.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** The key under which two tags count as the same: case does not matter. */
export function tagKey(tag: string): string {
  return tag.toLowerCase();
}

/** Drops later duplicates (ignoring case), keeping the first spelling and the given order. */
export function dedupeTags(tags: string[]): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const tag of tags) {
    const key = tagKey(tag);
    if (seen.has(key)) continue;
    seen.add(key);
    kept.push(tag);
  }
  return kept;
}

export const tagSchema = v.pipe(
  v.string('A tag must be text.'),
  v.transform(foldTag),
  v.minLength(1, 'A tag must not be empty.'),
  v.maxLength(
    MAX_TAG_LENGTH,
    (issue) => `A tag is at most ${MAX_TAG_LENGTH} characters; this one has ${issue.received}.`,
  ),
  v.check((tag) => !CONTROL_CHARACTERS.test(tag), 'A tag must not contain control characters.'),
);

/** A whole tag list: each tag folded and checked, duplicates (ignoring case) dropped. */
export const tagsSchema = v.pipe(
  v.array(tagSchema, 'Tags must be a list.'),
  v.maxLength(MAX_TAGS_PER_ARTICLE, `An article has at most ${MAX_TAGS_PER_ARTICLE} tags.`),
  v.transform(dedupeTags),
);

/**
 * Tags read back from article.json, which a person or a sync tool may have edited: anything that
 * breaks the rules is dropped rather than making the whole article unreadable.
 */
export function keepValidTags(raw: unknown[]): string[] {
  const valid: string[] = [];
  for (const item of raw) {
    const parsed = v.safeParse(tagSchema, item);
    if (parsed.success) valid.push(parsed.output);
  }
  return dedupeTags(valid).slice(0, MAX_TAGS_PER_ARTICLE);
}

export const progressSchema = v.pipe(
  v.number('Reading progress must be a number.'),
  v.minValue(0, 'Reading progress is a fraction from 0 to 1.'),
  v.maxValue(1, 'Reading progress is a fraction from 0 to 1.'),
);

const motivationSchema = v.picklist(
  ['highlighting', 'commenting'],
  'An annotation is either highlighting or commenting.',
);
const colorSchema = v.picklist(
  ANNOTATION_COLORS,
  `A highlight colour is one of ${ANNOTATION_COLORS.join(', ')}.`,
);
const noteSchema = v.pipe(
  v.string('A note must be text.'),
  v.maxLength(
    MAX_NOTE_LENGTH,
    (issue) => `A note is at most ${MAX_NOTE_LENGTH} characters; this one has ${issue.received}.`,
  ),
);
const contextSchema = v.pipe(v.string(), v.maxLength(MAX_QUOTE_CONTEXT_LENGTH));
const offsetSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

export const newAnnotationSchema = v.pipe(
  v.strictObject({
    motivation: motivationSchema,
    quote: v.strictObject({
      exact: v.pipe(
        v.string(),
        v.minLength(1, 'The highlighted text must not be empty.'),
        v.maxLength(MAX_QUOTE_LENGTH, `At most ${MAX_QUOTE_LENGTH} characters can be highlighted.`),
      ),
      prefix: contextSchema,
      suffix: contextSchema,
    }),
    position: v.pipe(
      v.strictObject({ start: offsetSchema, end: offsetSchema }),
      v.check((position) => position.end > position.start, 'position.end must follow start.'),
    ),
    version: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
    note: v.optional(noteSchema),
    color: v.optional(colorSchema),
  }),
  v.check(
    (input) => input.motivation !== 'commenting' || (input.note ?? '').trim() !== '',
    'A comment needs a note.',
  ),
);

export const annotationPatchSchema = v.strictObject({
  motivation: v.optional(motivationSchema),
  note: v.optional(v.nullable(noteSchema)),
  color: v.optional(v.nullable(colorSchema)),
});

export const settingsPatchSchema = v.strictObject({
  sort: v.optional(v.picklist(LIBRARY_SORTS, `Sort by one of ${LIBRARY_SORTS.join(', ')}.`)),
});

/** Parses with `schema`; throws OffprintError 'invalid-argument' with the first issue's message. */
export function parseInput<TSchema extends v.GenericSchema>(
  schema: TSchema,
  raw: unknown,
): v.InferOutput<TSchema> {
  const parsed = v.safeParse(schema, raw);
  if (parsed.success) return parsed.output;
  throw new OffprintError('invalid-argument', describeIssues(parsed.issues));
}
