/**
 * The one IPC contract. Each channel is declared here once, with the schema its argument must pass
 * and the type of its result. The handlers table, the Electron host, the preload bridge, the browser
 * host and the renderer's api module are all typed from this object, so they cannot drift apart.
 *
 * This file imports nothing platform-specific: it is bundled into main, preload and renderer alike.
 */
import * as v from 'valibot';
import { issuePath } from './validation';
import type {
  Annotation,
  Article,
  ArticleSummary,
  ImportOutcome,
  LibraryHealth,
  LibrarySettings,
  RetryImagesResult,
} from './model';
import { LIBRARY_SORTS } from './model';
import { MAX_TAG_LENGTH } from './user-state';
import type { Result } from './errors';
import {
  ARTICLE_ID_PATTERN,
  JOB_ID_PATTERN,
  MAX_FILES_PER_IMPORT,
  MAX_IMPORT_BASE64_CHARS,
  MAX_LINKS_TEXT_CHARS,
  MAX_QUERY_LIMIT,
  MAX_QUERY_TEXT_LENGTH,
  MAX_URL_LENGTH,
  MAX_URLS_PER_IMPORT,
} from './limits';
import {
  annotationPatchSchema,
  newAnnotationSchema,
  progressSchema,
  settingsPatchSchema,
  tagsSchema,
} from './user-state';

/** A channel: its argument schema, and (as a phantom type) its result. */
export interface ChannelSpec<Schema extends v.GenericSchema, ResultType> {
  readonly args: Schema;
  readonly summary: string;
  /** Never set at run time: carries the result type for the type checker. */
  readonly result?: ResultType;
}

function channel<ResultType>() {
  return <Schema extends v.GenericSchema>(
    args: Schema,
    summary: string,
  ): ChannelSpec<Schema, ResultType> => ({ args, summary });
}

const articleId = v.pipe(
  v.string('An article id must be a string.'),
  v.regex(ARTICLE_ID_PATTERN, 'That is not an article id.'),
);

const noArgs = v.strictObject({});

const annotationId = v.pipe(
  v.string('An annotation id must be a string.'),
  v.uuid('That is not an annotation id.'),
);

/** True for an absolute http: or https: address (the only ones Offprint fetches). */
function isWebAddress(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === 'http:' || protocol === 'https:';
}

const webAddress = v.pipe(
  v.string('An address must be a string.'),
  v.trim(),
  v.maxLength(MAX_URL_LENGTH, `Addresses longer than ${MAX_URL_LENGTH} characters are refused.`),
  v.check(isWebAddress, 'Only http:// and https:// addresses can be saved.'),
);

const jobId = v.pipe(
  v.string('A job id must be a string.'),
  v.regex(JOB_ID_PATTERN, 'A job id is 1 to 64 letters, digits, dashes or underscores.'),
);

/**
 * Where an uploaded file sits among the files sent with it: `page.html`, `page_files/photo.jpg`
 * (File.webkitRelativePath, or the drop's entry path without its leading slash). Folders are
 * separated by `/`; no part may be empty, `.` or `..`, so a path can only name a place inside the
 * upload.
 */
const uploadRelativePath = v.pipe(
  v.string('A relative path must be a string.'),
  v.minLength(1, 'A relative path must not be empty.'),
  v.maxLength(1024, 'Relative paths longer than 1024 characters are refused.'),
  v.check((path) => !path.startsWith('/'), 'A relative path must not start with /.'),
  v.check(
    // eslint-disable-next-line no-control-regex
    (path) => !/[\\\u0000-\u001f\u007f]/.test(path),
    'A relative path separates folders with / and holds no control characters.',
  ),
  v.check(
    (path) => path.split('/').every((part) => part !== '' && part !== '.' && part !== '..'),
    'A relative path has no empty, "." or ".." parts.',
  ),
);

const uploadData = v.pipe(
  v.string(),
  v.maxLength(MAX_IMPORT_BASE64_CHARS, 'That file is larger than Offprint imports.'),
);

const versionNumber = v.pipe(
  v.number('A version must be a number.'),
  v.integer('A version is a whole number.'),
  v.minValue(1, 'Versions start at 1.'),
);

/** An ISO 8601 date (`2025-01-31`, midnight UTC) or date-time. */
const dateBound = v.pipe(
  v.string('A date must be a string.'),
  v.maxLength(40, 'That is not a date.'),
  v.check(
    (value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)),
    'Give a date as 2025-01-31 or an ISO 8601 date-time.',
  ),
);
const onOff = (name: string) => v.optional(v.boolean(`${name} must be true or false.`));

/** The argument of library.query. Every field is optional: `{}` lists the library newest first. */
export const libraryQuerySchema = v.strictObject({
  /** Words to find (prefix and typo tolerant); all must match. Empty: no full-text search. */
  text: v.optional(
    v.pipe(
      v.string('The search must be a string.'),
      v.maxLength(
        MAX_QUERY_TEXT_LENGTH,
        `A search is at most ${MAX_QUERY_TEXT_LENGTH} characters.`,
      ),
    ),
  ),
  /** All given must hold. Dates: `…After` inclusive, `…Before` exclusive. */
  filters: v.optional(
    v.strictObject({
      bookmarked: onOff('bookmarked'),
      /** true: not read yet; false: read. */
      unread: onOff('unread'),
      archived: onOff('archived'),
      /** Articles carrying this tag (case does not matter). */
      tag: v.optional(
        v.pipe(
          v.string('A tag must be a string.'),
          v.minLength(1, 'A tag filter must not be empty.'),
          v.maxLength(MAX_TAG_LENGTH, `Tags are at most ${MAX_TAG_LENGTH} characters.`),
        ),
      ),
      savedAfter: v.optional(dateBound),
      savedBefore: v.optional(dateBound),
      /** Articles without a publication date are left out when either is given. */
      publishedAfter: v.optional(dateBound),
      publishedBefore: v.optional(dateBound),
    }),
  ),
  /** Default: best match first with text, newest saved first without. */
  sort: v.optional(v.picklist(LIBRARY_SORTS, 'Sort by savedAt, publishedTime or title.')),
  /** Default: desc for dates, asc for title. */
  direction: v.optional(v.picklist(['asc', 'desc'], 'The direction is asc or desc.')),
  offset: v.optional(
    v.pipe(
      v.number('offset must be a number.'),
      v.integer('offset must be a whole number.'),
      v.minValue(0, 'offset cannot be negative.'),
    ),
  ),
  /** Rows to return (default 100); 0 gives only the total and counts. */
  limit: v.optional(
    v.pipe(
      v.number('limit must be a number.'),
      v.integer('limit must be a whole number.'),
      v.minValue(0, 'limit cannot be negative.'),
      v.maxValue(MAX_QUERY_LIMIT, `At most ${MAX_QUERY_LIMIT} rows at once.`),
    ),
  ),
});

export type LibraryQuery = v.InferOutput<typeof libraryQuerySchema>;
export type LibraryFilters = NonNullable<LibraryQuery['filters']>;
export type LibrarySortDirection = NonNullable<LibraryQuery['direction']>;

/** Plain text around the first match; highlights are [start, end) offsets (UTF-16) into `text`. */
export interface SearchSnippet {
  text: string;
  highlights: [number, number][];
}

/** A row of a query result: the summary, plus for text searches its score and snippet. */
export type LibraryQueryItem = ArticleSummary & { snippet?: SearchSnippet; score?: number };

/** A tag and how many articles carry it (tags differing only in case count as one). */
export interface LibraryTagCount {
  tag: string;
  count: number;
}

/**
 * Counts for the filter chips. all/bookmarked/unread/archived: articles matching the text, tag and
 * dates, before the bookmarked/unread/archived filters. tags: articles matching the text and dates,
 * before the tag and state filters (a filter never counts against its own chips), most used first,
 * then by name; at most 200 tags.
 */
export interface LibraryCounts {
  all: number;
  bookmarked: number;
  unread: number;
  archived: number;
  tags: LibraryTagCount[];
}

export interface LibraryQueryResult {
  /** Rows matching everything, across all pages. */
  total: number;
  counts: LibraryCounts;
  items: LibraryQueryItem[];
}

export interface LibraryInfo {
  /** Absolute path of the library folder. */
  root: string;
  articleCount: number;
  /** Which host serves this renderer. */
  host: 'electron' | 'browser';
  version: string;
}

export const contract = {
  'library.info': channel<LibraryInfo>()(noArgs, 'Where the library lives and what serves it.'),
  'library.list': channel<ArticleSummary[]>()(
    noArgs,
    'Every article in the library, newest first.',
  ),
  'library.query': channel<LibraryQueryResult>()(
    libraryQuerySchema,
    'Searches, filters, sorts and pages the library; counts are for the filter chips.',
  ),
  'article.get': channel<Article>()(
    v.strictObject({ id: articleId, version: v.optional(versionNumber) }),
    'One article with its sanitized content: the version shown by default, or `version`.',
  ),
  'article.refresh': channel<ArticleSummary>()(
    v.strictObject({ id: articleId }),
    'Fetches the article from its address again as a new version; earlier versions are kept.',
  ),
  'article.retryImages': channel<RetryImagesResult>()(
    v.strictObject({ id: articleId }),
    'Tries again to save the images of the shown version that could not be saved.',
  ),
  'article.setState': channel<ArticleSummary>()(
    v.strictObject({
      id: articleId,
      patch: v.strictObject({
        bookmarked: v.optional(v.boolean('bookmarked must be true or false.')),
        read: v.optional(v.boolean('read must be true or false.')),
        archived: v.optional(v.boolean('archived must be true or false.')),
      }),
    }),
    'Bookmark, mark read or archive an article.',
  ),
  'article.setTags': channel<ArticleSummary>()(
    v.strictObject({ id: articleId, tags: tagsSchema }),
    "Replaces an article's tags (trimmed, 1 to 64 characters, unique ignoring case, at most 100).",
  ),
  'article.setProgress': channel<true>()(
    v.strictObject({ id: articleId, progress: progressSchema }),
    'Records how far an article has been read, from 0 to 1.',
  ),
  'article.delete': channel<true>()(
    v.strictObject({ id: articleId }),
    'Deletes an article with its content and annotations.',
  ),
  'annotation.list': channel<Annotation[]>()(
    v.strictObject({ articleId }),
    "An article's highlights and notes (W3C Web Annotation shaped), oldest first.",
  ),
  'annotation.add': channel<Annotation>()(
    v.strictObject({ articleId, annotation: newAnnotationSchema }),
    'Adds a highlight or a note to an article.',
  ),
  'annotation.update': channel<Annotation>()(
    v.strictObject({ articleId, annotationId, patch: annotationPatchSchema }),
    "Changes an annotation's note, colour or motivation (null removes the note or colour).",
  ),
  'annotation.remove': channel<true>()(
    v.strictObject({ articleId, annotationId }),
    'Removes a highlight or note.',
  ),
  'library.health': channel<LibraryHealth>()(
    noArgs,
    'Damaged files found since the library was opened, and what was recovered.',
  ),
  'settings.get': channel<LibrarySettings>()(noArgs, 'The library settings.'),
  'settings.update': channel<LibrarySettings>()(
    v.strictObject({ patch: settingsPatchSchema }),
    'Changes library settings.',
  ),
  'dialog.openFiles': channel<string[]>()(
    noArgs,
    'Shows the native open-file dialog; the paths picked may then be passed to import.files.',
  ),
  'import.files': channel<ImportOutcome[]>()(
    v.strictObject({
      paths: v.pipe(
        v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(4096))),
        v.minLength(1, 'Name at least one file.'),
        v.maxLength(MAX_FILES_PER_IMPORT, `At most ${MAX_FILES_PER_IMPORT} files at once.`),
      ),
    }),
    'Imports files the user picked in the native dialog (other paths are refused).',
  ),
  'import.upload': channel<ImportOutcome[]>()(
    v.strictObject({
      files: v.pipe(
        v.array(
          v.strictObject({
            name: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
            dataBase64: uploadData,
            /** Where it sits among the files sent (default: its name). */
            relativePath: v.optional(uploadRelativePath),
          }),
        ),
        v.minLength(1, 'Send at least one file.'),
        v.maxLength(MAX_FILES_PER_IMPORT, `At most ${MAX_FILES_PER_IMPORT} files at once.`),
      ),
      /** Files that are not articles but what the pages among `files` show (`page_files/...`). */
      resources: v.optional(
        v.pipe(
          v.array(v.strictObject({ relativePath: uploadRelativePath, dataBase64: uploadData })),
          v.maxLength(
            MAX_FILES_PER_IMPORT,
            `At most ${MAX_FILES_PER_IMPORT} page resources at once.`,
          ),
        ),
      ),
    }),
    'Imports files whose bytes the renderer read (file picker, drag and drop); one outcome per ' +
      'file, in order. A saved page finds the images it refers to by relative path among the files ' +
      'and resources sent with it (by `relativePath`), inside its own folder; resources get no outcome.',
  ),
  'import.url': channel<ImportOutcome[]>()(
    v.strictObject({
      urls: v.pipe(
        v.array(webAddress),
        v.minLength(1, 'Give at least one address.'),
        v.maxLength(MAX_URLS_PER_IMPORT, `At most ${MAX_URLS_PER_IMPORT} addresses at once.`),
      ),
      job: v.optional(jobId),
    }),
    'Saves web pages by address as one job: progress events carry `job` (chosen here or made up), ' +
      'import.cancel stops it; one outcome per address: saved, exists (already in the library) or failed.',
  ),
  'import.links': channel<ImportOutcome[]>()(
    v.strictObject({
      text: v.pipe(
        v.string('The links must be text.'),
        v.minLength(1, 'Give at least one address.'),
        v.maxLength(
          MAX_LINKS_TEXT_CHARS,
          `At most ${MAX_LINKS_TEXT_CHARS / (1024 * 1024)} MB of links at once.`,
        ),
      ),
      job: v.optional(jobId),
    }),
    'Saves the web pages named in `text`, a pasted list (one address per line or separated by ' +
      'spaces) or a bookmarks export (bookmarks.html), as one job like import.url; other words, ' +
      'non-web addresses and repeats are skipped.',
  ),
  'import.cancel': channel<boolean>()(
    v.strictObject({ job: jobId }),
    'Cancels a running import job; false when no such job is running (any more).',
  ),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];

export type ArgsOf<C extends ChannelName> = v.InferOutput<Contract[C]['args']>;
export type ResultOf<C extends ChannelName> = NonNullable<Contract[C]['result']>;

/** Events main pushes to the renderer. */
export interface EventMap {
  /** Something in the library changed; ids are the articles concerned (empty: reload everything). */
  'library.changed': { ids: string[] };
  /** Progress of a long job (import, rebuild); done === total means finished. */
  progress: { job: string; label: string; done: number; total: number };
  /** A menu item the renderer carries out (Electron host only): 'import' is File > Import…. */
  'menu.command': { command: MenuCommand };
  /** A damaged file was found after open; carries every problem so far (as library.health). */
  'library.health': LibraryHealth;
}
export type MenuCommand = 'import';
export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = [
  'library.changed',
  'progress',
  'menu.command',
  'library.health',
];

/** The API the renderer sees: one method per channel, each returning a Result, plus event subscription. */
export type OffprintApi = {
  [C in ChannelName]: (args: ArgsOf<C>) => Promise<Result<ResultOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/** Checks an argument against a channel's schema; the message names the field at fault. */
export function validateArgs<C extends ChannelName>(
  name: C,
  raw: unknown,
): { ok: true; value: ArgsOf<C> } | { ok: false; message: string } {
  const parsed = v.safeParse(contract[name].args, raw);
  if (parsed.success) return { ok: true, value: parsed.output as ArgsOf<C> };
  const path = issuePath(parsed.issues[0]);
  return {
    ok: false,
    message: `Invalid argument for ${name}${path ? ` (${path})` : ''}: ${parsed.issues[0].message}`,
  };
}

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(contract, name);
}
