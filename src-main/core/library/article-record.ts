/**
 * The shape of `articles/<id>/article.json` and of the summaries the index holds, as valibot
 * schemas: everything read from disk is checked before the store trusts it, because users, sync
 * tools and crashes can all leave a file that is not what we wrote.
 */
import * as v from 'valibot';
import type { ArticleSummary, SourceKind } from '../../shared/model';
import { ARTICLE_ID_PATTERN } from '../../shared/limits';
import type { NewArticle } from './library';

/** Format of article.json. Bump it with a migration in `MIGRATIONS` when the shape changes. */
export const ARTICLE_FORMAT = 1;

/** Reading speed behind `readingMinutes`. */
export const WORDS_PER_MINUTE = 230;

export const SOURCE_KINDS = ['text', 'html', 'markdown', 'url', 'welcome'] as const;
// Fails to compile when model.ts gains a source kind this list lacks.
const everySourceKindListed: Exclude<SourceKind, (typeof SOURCE_KINDS)[number]> extends never
  ? true
  : false = true;
void everySourceKindListed;

const nullableString = v.nullable(v.string());
const timestamp = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 date-time'));
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const positive = v.pipe(v.number(), v.integer(), v.minValue(1));

const summaryEntries = {
  id: v.pipe(v.string(), v.regex(ARTICLE_ID_PATTERN, 'is not an article id')),
  title: v.string(),
  siteName: nullableString,
  section: nullableString,
  byline: nullableString,
  publishedTime: nullableString,
  savedAt: timestamp,
  updatedAt: timestamp,
  excerpt: nullableString,
  url: nullableString,
  lang: nullableString,
  wordCount: count,
  readingMinutes: positive,
  sourceKind: v.picklist(SOURCE_KINDS),
  fileName: nullableString,
  bookmarked: v.boolean(),
  read: v.boolean(),
  archived: v.boolean(),
};

/** An ArticleSummary as stored in the index; unknown keys are dropped. */
export const summarySchema = v.object(summaryEntries);

const versionSchema = v.object({
  version: positive,
  savedAt: timestamp,
  wordCount: count,
});

/**
 * article.json. Loose: keys added by a later Offprint (or a later issue) survive a setState that
 * reads, patches and rewrites the file.
 */
const recordSchema = v.pipe(
  v.looseObject({
    format: v.literal(ARTICLE_FORMAT),
    ...summaryEntries,
    dir: v.nullable(v.picklist(['ltr', 'rtl'])),
    /** The version whose content-<n>.html and text-<n>.txt the reader shows. */
    currentVersion: positive,
    /** One entry per saved version; re-saving an article appends one and bumps currentVersion. */
    versions: v.pipe(v.array(versionSchema), v.minLength(1)),
    tags: v.array(v.string()),
  }),
  v.check(
    (record) => record.versions.some((entry) => entry.version === record.currentVersion),
    'currentVersion is not among versions',
  ),
);

export type ArticleRecord = v.InferOutput<typeof recordSchema>;
export type ArticleVersion = v.InferOutput<typeof versionSchema>;

// Compile-time proof that the schemas produce the shared model's types.
const summaryMatchesModel: ArticleSummary = {} as v.InferOutput<typeof summarySchema>;
void summaryMatchesModel;

/**
 * Migrations from older article.json formats, keyed by the format they upgrade from. Empty while
 * there is only format 1; `parseArticleRecord` applies them in order.
 */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

/** Checks (and migrates) a parsed article.json; throws an Error saying what is wrong. */
export function parseArticleRecord(raw: unknown): ArticleRecord {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Error('not a JSON object');
  }
  let data = raw as Record<string, unknown>;
  let format = data.format;
  if (typeof format === 'number' && format > ARTICLE_FORMAT) {
    throw new Error(`written by a newer Offprint (format ${format})`);
  }
  for (;;) {
    const migrate = typeof format === 'number' ? MIGRATIONS[format] : undefined;
    if (migrate === undefined) break;
    data = migrate(data);
    format = data.format;
  }
  return parseWith(recordSchema, data);
}

/** Validates with a schema; the error names the first field at fault. */
export function parseWith<TSchema extends v.GenericSchema>(
  schema: TSchema,
  raw: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, raw);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issue.path?.map((item) => String(item.key)).join('.');
  throw new Error(path ? `${path} ${issue.message}` : issue.message);
}

/** The summary (index entry) of an article record: exactly the ArticleSummary fields. */
export function toSummary(record: ArticleRecord): ArticleSummary {
  return {
    id: record.id,
    title: record.title,
    siteName: record.siteName,
    section: record.section,
    byline: record.byline,
    publishedTime: record.publishedTime,
    savedAt: record.savedAt,
    updatedAt: record.updatedAt,
    excerpt: record.excerpt,
    url: record.url,
    lang: record.lang,
    wordCount: record.wordCount,
    readingMinutes: record.readingMinutes,
    sourceKind: record.sourceKind,
    fileName: record.fileName,
    bookmarked: record.bookmarked,
    read: record.read,
    archived: record.archived,
  };
}

/** Minutes to read `wordCount` words, at least 1. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE));
}

/** The article.json of a newly added article: version 1, user state all false. */
export function createRecord(id: string, input: NewArticle, savedAt: string): ArticleRecord {
  return {
    format: ARTICLE_FORMAT,
    id,
    title: input.title,
    siteName: input.siteName,
    section: input.section,
    byline: input.byline,
    publishedTime: input.publishedTime,
    savedAt,
    updatedAt: savedAt,
    excerpt: input.excerpt,
    url: input.url,
    lang: input.lang,
    wordCount: input.wordCount,
    readingMinutes: readingMinutes(input.wordCount),
    sourceKind: input.sourceKind,
    fileName: input.fileName,
    bookmarked: false,
    read: false,
    archived: false,
    dir: input.dir,
    currentVersion: 1,
    versions: [{ version: 1, savedAt, wordCount: input.wordCount }],
    tags: [],
  };
}

/** Checks what an importer hands to `add`; the library stores nothing it could not read back. */
export const newArticleSchema = v.object({
  title: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(2000)),
  siteName: nullableString,
  section: nullableString,
  byline: nullableString,
  publishedTime: nullableString,
  excerpt: nullableString,
  url: nullableString,
  lang: nullableString,
  dir: v.nullable(v.picklist(['ltr', 'rtl'])),
  sourceKind: v.picklist(SOURCE_KINDS),
  fileName: nullableString,
  contentHtml: v.string(),
  textContent: v.string(),
  wordCount: count,
});
