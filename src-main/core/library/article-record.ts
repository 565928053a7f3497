/**
 * The shape of `articles/<id>/article.json` and of the summaries the index holds, as valibot
 * schemas, and reading and writing the file: everything read from disk is checked before the store
 * trusts it, because users, sync tools and crashes can all leave a file that is not what we wrote.
 */
import { Low } from 'lowdb';
import * as v from 'valibot';
import type { ArticleSummary, SourceKind } from '../../shared/model';
import { ARTICLE_ID_PATTERN } from '../../shared/limits';
import { keepValidTags } from '../../shared/user-state';
import { issuePath } from '../../shared/validation';
import { AtomicJsonFile } from './atomic-file';
import type { LibraryLayout } from './layout';
import type { NewArticle } from './library';
import { type FileFormat, migrate } from './migrations';

/** Format of article.json. Bump it with a migration in `ARTICLE_FILE.migrations`. */
export const ARTICLE_FORMAT = 2;

/**
 * article.json formats. 1 -> 2: reading progress (`progress`, 0..1) and content checksums in
 * `versions` (absent in migrated files, which are then checked only for being text).
 */
export const ARTICLE_FILE: FileFormat = {
  name: 'article.json',
  current: ARTICLE_FORMAT,
  migrations: {
    1: (data) => ({ ...data, format: 2, progress: 0 }),
  },
};

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

/** The summary fields article.json holds (annotationCount comes from annotations.json). */
const recordSummaryEntries = {
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
export const summarySchema = v.object({
  ...recordSummaryEntries,
  tags: v.array(v.string()),
  annotationCount: count,
});

const sha256 = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'is not a SHA-256 digest'));

const imageFailureSchema = v.object({
  url: v.string(),
  reason: v.string(),
  alt: nullableString,
});

// Loose like the record: keys a later issue adds to a version (e.g. image failures) survive.
const versionSchema = v.looseObject({
  version: positive,
  savedAt: timestamp,
  wordCount: count,
  /** SHA-256 of content-<n>.html and text-<n>.txt as written: a damaged file is noticed on read. */
  contentSha256: v.optional(sha256),
  textSha256: v.optional(sha256),
  /** Images of this version that could not be saved, for a later retry (localize-images.ts). */
  imageFailures: v.optional(v.array(imageFailureSchema)),
});

/**
 * article.json. Loose: keys added by a later Offprint (or a later issue) survive a setState that
 * reads, patches and rewrites the file.
 */
const recordSchema = v.pipe(
  v.looseObject({
    format: v.literal(ARTICLE_FORMAT),
    ...recordSummaryEntries,
    /** Lenient: a tag someone edited in by hand that breaks the rules is dropped, not fatal. */
    tags: v.pipe(v.array(v.unknown()), v.transform(keepValidTags)),
    progress: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
    dir: v.nullable(v.picklist(['ltr', 'rtl'])),
    /** The version whose content-<n>.html and text-<n>.txt the reader shows. */
    currentVersion: positive,
    /** One entry per saved version; re-saving an article appends one and bumps currentVersion. */
    versions: v.pipe(v.array(versionSchema), v.minLength(1)),
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
 * Checks (and migrates) a parsed article.json; throws UnsupportedFormatError for a format it cannot
 * read (see migrations.ts), an Error saying what is wrong otherwise.
 */
export function parseArticleRecord(raw: unknown): ArticleRecord {
  return parseWith(recordSchema, migrate(raw, ARTICLE_FILE));
}

/** Validates with a schema; the error names the first field at fault. */
export function parseWith<TSchema extends v.GenericSchema>(
  schema: TSchema,
  raw: unknown,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, raw);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = issuePath(issue);
  throw new Error(path ? `${path} ${issue.message}` : issue.message);
}

/** The version entry the reader shows. parseArticleRecord guarantees there is one. */
export function currentVersionOf(record: ArticleRecord): ArticleVersion {
  const entry = record.versions.find((item) => item.version === record.currentVersion);
  if (entry === undefined) throw new Error(`article ${record.id} has no current version`);
  return entry;
}

/**
 * The summary (index entry) of an article record: exactly the ArticleSummary fields. The count of
 * annotations lives in annotations.json, so the caller supplies it.
 */
export function toSummary(record: ArticleRecord, annotationCount: number): ArticleSummary {
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
    tags: [...record.tags],
    annotationCount,
  };
}

/** Minutes to read `wordCount` words, at least 1. */
export function readingMinutes(wordCount: number): number {
  return Math.max(1, Math.round(wordCount / WORDS_PER_MINUTE));
}

/**
 * The article.json of a newly added article: version 1, user state all false. `digests` are the
 * SHA-256 of the content and text files as written.
 */
export function createRecord(
  id: string,
  input: NewArticle,
  savedAt: string,
  digests: { contentSha256: string; textSha256: string },
): ArticleRecord {
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
    tags: [],
    progress: 0,
    dir: input.dir,
    currentVersion: 1,
    versions: [
      {
        version: 1,
        savedAt,
        wordCount: input.wordCount,
        ...digests,
        ...(input.imageFailures?.length ? { imageFailures: input.imageFailures } : {}),
      },
    ],
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
  imageFailures: v.optional(v.array(imageFailureSchema)),
});

/** Reads and checks one article.json; null when it does not exist, CorruptFileError when unusable. */
export async function readArticleRecord(file: string): Promise<ArticleRecord | null> {
  const db = new Low<ArticleRecord | null>(
    new AtomicJsonFile<ArticleRecord | null>(file, { parse: parseArticleRecord }),
    null,
  );
  await db.read();
  return db.data;
}

/**
 * Writes one article.json atomically; once it resolves the rename is durable (the folder is
 * fsynced), which is what acknowledges a change to an article.
 */
export async function writeArticleRecord(
  layout: LibraryLayout,
  record: ArticleRecord,
): Promise<void> {
  const db = new Low<ArticleRecord | null>(
    new AtomicJsonFile<ArticleRecord | null>(layout.articleFile(record.id), {
      parse: parseArticleRecord,
      indent: 2,
      syncDir: layout.articleDir(record.id),
    }),
    null,
  );
  db.data = record;
  await db.write();
}
