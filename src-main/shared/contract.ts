/**
 * The one IPC contract. Each channel is declared here once, with the schema its argument must pass
 * and the type of its result. The handlers table, the Electron host, the preload bridge, the browser
 * host and the renderer's api module are all typed from this object, so they cannot drift apart.
 *
 * This file imports nothing platform-specific: it is bundled into main, preload and renderer alike.
 */
import * as v from 'valibot';
import type { Article, ArticleSummary, ImportOutcome } from './model';
import type { Result } from './errors';
import { ARTICLE_ID_PATTERN, MAX_FILES_PER_IMPORT, MAX_IMPORT_BASE64_CHARS } from './limits';

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
  'library.list': channel<ArticleSummary[]>()(noArgs, 'Every article in the library, newest first.'),
  'article.get': channel<Article>()(
    v.strictObject({ id: articleId }),
    'One article with its sanitized content.',
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
            dataBase64: v.pipe(
              v.string(),
              v.maxLength(MAX_IMPORT_BASE64_CHARS, 'That file is larger than Offprint imports.'),
            ),
          }),
        ),
        v.minLength(1, 'Send at least one file.'),
        v.maxLength(MAX_FILES_PER_IMPORT, `At most ${MAX_FILES_PER_IMPORT} files at once.`),
      ),
    }),
    'Imports files whose bytes the renderer read (file picker, drag and drop).',
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
}
export type MenuCommand = 'import';
export type EventName = keyof EventMap;
export const EVENT_NAMES: EventName[] = ['library.changed', 'progress', 'menu.command'];

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
  const issue = parsed.issues[0];
  const path = issue.path?.map((item) => String(item.key)).join('.');
  return {
    ok: false,
    message: `Invalid argument for ${name}${path ? ` (${path})` : ''}: ${issue.message}`,
  };
}

export function isChannelName(name: string): name is ChannelName {
  return Object.hasOwn(contract, name);
}
