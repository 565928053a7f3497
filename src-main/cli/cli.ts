/**
 * The `offprint` command line: the same library and importers as the app, for scripts and
 * terminals. `main(argv, io)` does everything and returns the exit code; main.ts is the entry that
 * hands it the process. Kept apart so tests run commands in-process.
 *
 *   offprint import <file|url>...   save files (.txt .html .htm .mhtml .mht .md .markdown) and web
 *                                   pages; a bookmarks export saves the pages it links to
 *   offprint list                   every article, newest saved first
 *   offprint show <id>              one article, with its text
 *   offprint search <query>         full-text search
 *   options: --json, --library DIR, --no-images (import), --help
 *
 * Output contract: with --json, stdout carries exactly one JSON array and nothing else; messages
 * go to stderr. On failure the exit code is non-zero and stderr has one line per problem,
 * `offprint: <code>: <message>` (the code is an Offprint error code such as library-locked).
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { OffprintError, toErrorShape } from '../shared/errors';
import type { ArticleSummary, ImportOutcome } from '../shared/model';
import { bookmarksFileLinks, importPath } from '../core/ingest/import-file';
import { type WebOptions, importUrl } from '../core/ingest/import-url';
import { isWebUrl } from '../core/ingest/fetch-page';
import { INDEX_FILE_NAME, ARTICLES_DIR_NAME } from '../core/library/layout';
import { type LibraryStore, openLibrary } from '../core/library/store';
import { defaultLibraryDir } from '../core/open-app-library';
import { addWelcomeArticle } from '../core/welcome';
import { searchArticles } from './search';

/** Where the CLI writes, and what it would otherwise take from the process. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** The resources folder (welcome article for a library the CLI creates). */
  resourcesDir: string;
  /** Limits for fetching pages and images; defaults when absent (tests shorten them). */
  web?: WebOptions;
}

export const EXIT_OK = 0;
/** Something asked for failed: an import, a missing article, a locked library. */
export const EXIT_FAILED = 1;
/** The command line itself is wrong. */
export const EXIT_USAGE = 2;

export const USAGE = `Usage:
  offprint import <file|url>... [--json] [--no-images]
  offprint list [--json]
  offprint show <id> [--json]
  offprint search <query> [--json]

Options:
  --library DIR   the library folder (default: $OFFPRINT_LIBRARY, else the desktop app's library)
  --json          print the articles concerned as a JSON array on stdout, and nothing else there
  --no-images     import without fetching images (they are recorded for a later retry)
  --help          this text`;

/** A mistake in the command line: reported with the usage. */
class UsageError extends Error {}

/** The fields every --json article carries; `text` is added for import and show. */
export interface ArticleJson {
  id: string;
  title: string;
  byline: string | null;
  siteName: string | null;
  lang: string | null;
  publishedTime: string | null;
  wordCount: number;
  url: string | null;
  excerpt: string | null;
  savedAt: string;
  sourceKind: string;
  readingMinutes: number;
  text?: string;
}

function toJson(summary: ArticleSummary, text?: string): ArticleJson {
  return {
    id: summary.id,
    title: summary.title,
    byline: summary.byline,
    siteName: summary.siteName,
    lang: summary.lang,
    publishedTime: summary.publishedTime,
    wordCount: summary.wordCount,
    url: summary.url,
    excerpt: summary.excerpt,
    savedAt: summary.savedAt,
    sourceKind: summary.sourceKind,
    readingMinutes: summary.readingMinutes,
    ...(text !== undefined ? { text } : {}),
  };
}

/** One line, whatever the message held: stderr lines are read by scripts. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function reportError(io: CliIo, error: unknown, subject?: string): void {
  const { code, message } = toErrorShape(error);
  io.stderr(`offprint: ${code}: ${subject ? `${subject}: ` : ''}${oneLine(message)}\n`);
}

/** "2025-06-11  Title — Site" lines for list and search. */
function listLine(summary: ArticleSummary): string {
  const site = summary.siteName ? ` — ${summary.siteName}` : '';
  return `${summary.id}  ${summary.savedAt.slice(0, 10)}  ${summary.title}${site}`;
}

async function libraryExists(dir: string): Promise<boolean> {
  for (const name of [INDEX_FILE_NAME, ARTICLES_DIR_NAME]) {
    try {
      await stat(join(dir, name));
      return true;
    } catch {
      // Try the next sign of a library.
    }
  }
  return false;
}

/**
 * Runs one command line (without the `node` and script arguments) and returns the exit code.
 * Never throws: every failure is a line on stderr and a non-zero code.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        library: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-images': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr(`offprint: invalid-argument: ${oneLine((error as Error).message)}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr)(`${USAGE}\n`);
    return values.help ? EXIT_OK : EXIT_USAGE;
  }
  const [command, ...rest] = positionals;
  const libraryDir = resolve(
    values.library ?? (io.env.OFFPRINT_LIBRARY || defaultLibraryDir(process.platform, io.env)),
  );

  let run: (library: LibraryStore) => Promise<number>;
  try {
    run = prepare(command ?? '', rest, values, io);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr(`offprint: invalid-argument: ${error.message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }

  const creates = command === 'import';
  if (!creates && !(await libraryExists(libraryDir))) {
    reportError(
      io,
      new OffprintError(
        'not-found',
        `There is no Offprint library at ${libraryDir} (import something first, or pass --library).`,
      ),
    );
    return EXIT_FAILED;
  }

  let library: LibraryStore;
  try {
    const opened = await openLibrary(libraryDir);
    library = opened.library;
    if (opened.created) {
      // A library the CLI creates is the one the app would have made: welcome article included.
      await addWelcomeArticle(library, io.resourcesDir).catch(() => undefined);
    }
  } catch (error) {
    reportError(io, error);
    return EXIT_FAILED;
  }
  try {
    return await run(library);
  } catch (error) {
    reportError(io, error);
    return EXIT_FAILED;
  } finally {
    await library.close().catch((error: unknown) => reportError(io, error));
  }
}

type Flags = { json: boolean; 'no-images': boolean };

/** Checks a command's arguments (before the library is opened) and returns what runs it. */
function prepare(
  command: string,
  args: string[],
  flags: Flags,
  io: CliIo,
): (library: LibraryStore) => Promise<number> {
  switch (command) {
    case 'import':
      if (args.length === 0) throw new UsageError('import needs at least one file or URL.');
      return (library) => importCommand(library, args, flags, io);
    case 'list':
      if (args.length > 0) throw new UsageError('list takes no arguments.');
      return (library) => listCommand(library, flags, io);
    case 'show': {
      const [id, ...extra] = args;
      if (!id || extra.length > 0) throw new UsageError('show needs exactly one article id.');
      return (library) => showCommand(library, id, flags, io);
    }
    case 'search': {
      const query = args.join(' ').trim();
      if (!query) throw new UsageError('search needs a query.');
      return (library) => searchCommand(library, query, flags, io);
    }
    default:
      throw new UsageError(`unknown command "${command}".`);
  }
}

async function importCommand(
  library: LibraryStore,
  sources: string[],
  flags: Flags,
  io: CliIo,
): Promise<number> {
  const images = { ...io.web?.images, ...(flags['no-images'] ? { offline: true } : {}) };
  const concerned: ArticleJson[] = [];
  let failures = 0;
  // A bookmarks export stands for the pages it links to.
  const expanded: string[] = [];
  for (const source of sources) {
    const links = isWebUrl(source) ? null : await bookmarksFileLinks(resolve(source));
    expanded.push(...(links && links.length > 0 ? links : [source]));
  }
  for (const source of expanded) {
    let outcome: ImportOutcome;
    try {
      outcome = isWebUrl(source)
        ? await importUrl(library, source, { ...io.web, images })
        : await importPath(library, resolve(source), { images });
    } catch (error) {
      outcome = { status: 'failed', source, error: toErrorShape(error) };
    }
    if (outcome.status === 'failed') {
      failures += 1;
      io.stderr(`offprint: ${outcome.error.code}: ${source}: ${oneLine(outcome.error.message)}\n`);
      continue;
    }
    if (flags.json) {
      concerned.push(toJson(outcome.article, await library.readText(outcome.article.id)));
    } else {
      const word = outcome.status === 'saved' ? 'saved ' : 'exists';
      io.stdout(`${word}  ${outcome.article.id}  ${outcome.article.title}\n`);
    }
  }
  if (flags.json) io.stdout(`${JSON.stringify(concerned, null, 2)}\n`);
  return failures > 0 ? EXIT_FAILED : EXIT_OK;
}

async function listCommand(library: LibraryStore, flags: Flags, io: CliIo): Promise<number> {
  const articles = library.list();
  if (flags.json)
    io.stdout(
      `${JSON.stringify(
        articles.map((article) => toJson(article)),
        null,
        2,
      )}\n`,
    );
  else for (const article of articles) io.stdout(`${listLine(article)}\n`);
  return EXIT_OK;
}

async function showCommand(
  library: LibraryStore,
  id: string,
  flags: Flags,
  io: CliIo,
): Promise<number> {
  const summary = library.list().find((article) => article.id === id);
  if (!summary) throw new OffprintError('not-found', `There is no article ${id} in this library.`);
  const text = await library.readText(id);
  if (flags.json) {
    io.stdout(`${JSON.stringify([toJson(summary, text)], null, 2)}\n`);
    return EXIT_OK;
  }
  const facts: Array<[string, string | number | null]> = [
    ['Title', summary.title],
    ['By', summary.byline],
    ['Site', summary.siteName],
    ['Published', summary.publishedTime],
    ['URL', summary.url],
    ['Words', summary.wordCount],
    ['Saved', summary.savedAt],
    ['Id', summary.id],
  ];
  for (const [label, value] of facts) {
    if (value !== null && value !== '') io.stdout(`${`${label}:`.padEnd(11)}${value}\n`);
  }
  io.stdout(`\n${text}\n`);
  return EXIT_OK;
}

async function searchCommand(
  library: LibraryStore,
  query: string,
  flags: Flags,
  io: CliIo,
): Promise<number> {
  const matches = await searchArticles(library, query);
  if (flags.json)
    io.stdout(
      `${JSON.stringify(
        matches.map((article) => toJson(article)),
        null,
        2,
      )}\n`,
    );
  else for (const article of matches) io.stdout(`${listLine(article)}\n`);
  return EXIT_OK;
}
