/**
 * Contract -> core. One function per channel; each receives an argument that has already passed the
 * channel's schema. A channel without a handler here is a type error.
 */
import { version as packageVersion } from '../package.json';
import {
  type ArgsOf,
  type ChannelName,
  type EventMap,
  type EventName,
  type LibraryInfo,
  type ResultOf,
  isChannelName,
  validateArgs,
} from './shared/contract';
import { OffprintError, type Result, toErrorShape } from './shared/errors';
import { MAX_LINKS_PER_JOB } from './shared/limits';
import type { ImportOutcome } from './shared/model';
import type { Library } from './core/library/library';
import { bookmarksFileLinks, importBytes, importPath } from './core/ingest/import-file';
import { ImportJobs } from './core/ingest/import-queue';
import { type WebOptions, importUrl, refreshArticle, retryImages } from './core/ingest/import-url';
import { extractLinks } from './core/ingest/link-list';
import { uploadedFiles } from './core/ingest/local-images';
import type { PathGrants } from './core/path-grants';
import { LibrarySearch } from './core/search/library-search';

export type Handlers = { [C in ChannelName]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** What a host provides beyond the library: its native parts. */
export interface HostServices {
  kind: LibraryInfo['host'];
  /** Shows a native open-file dialog and returns the picked paths; null where the host has none. */
  pickFiles: (() => Promise<string[]>) | null;
  /** Paths the user picked; only these may be imported by path. */
  grants: PathGrants;
  /** Where import jobs report progress (the host's event sink); no progress events when absent. */
  events?: EventSink;
  /** Limits for fetching pages and images (timeouts, sizes); defaults when absent. */
  web?: WebOptions;
}

/**
 * The handler table. `search` is the host's LibrarySearch (started, persisted, its progress
 * forwarded); without one, an in-memory index is built here.
 */
export function createHandlers(
  library: Library,
  host: HostServices,
  search: LibrarySearch = new LibrarySearch(library, { persist: false }).start(),
): Handlers {
  const jobs = new ImportJobs();
  const web = host.web ?? {};
  const fileOptions = web.images ? { images: web.images } : {};
  /** Saves web pages as one job: progress events, cancel by id, one outcome per address. */
  const saveUrls = (urls: readonly string[], job: string | undefined) =>
    jobs.run(urls, (url, signal) => importUrl(library, url, { ...web, signal }), {
      job,
      sourceOf: (url) => url,
      onProgress: (progress) => host.events?.('progress', progress),
    });
  return {
    'library.info': async () => ({
      root: library.root,
      articleCount: library.count(),
      host: host.kind,
      version: packageVersion,
    }),
    'library.list': async () => library.list(),
    'library.query': async (query) => search.query(query),
    'article.get': async ({ id, version }) => library.get(id, version),
    'article.refresh': async ({ id }) => refreshArticle(library, id, web),
    'article.retryImages': async ({ id }) => retryImages(library, id, web),
    'article.setState': async ({ id, patch }) => library.setState(id, patch),
    'article.setTags': async ({ id, tags }) => library.setTags(id, tags),
    'article.setProgress': async ({ id, progress }) => {
      await library.setProgress(id, progress);
      return true;
    },
    'article.delete': async ({ id }) => {
      await library.remove(id);
      return true;
    },
    'annotation.list': async ({ articleId }) => library.listAnnotations(articleId),
    'annotation.add': async ({ articleId, annotation }) =>
      library.addAnnotation(articleId, annotation),
    'annotation.update': async ({ articleId, annotationId, patch }) =>
      library.updateAnnotation(articleId, annotationId, patch),
    'annotation.remove': async ({ articleId, annotationId }) => {
      await library.removeAnnotation(articleId, annotationId);
      return true;
    },
    'library.health': async () => library.health(),
    'settings.get': async () => library.settings(),
    'settings.update': async ({ patch }) => library.updateSettings(patch),
    'dialog.openFiles': async () => {
      if (!host.pickFiles) {
        throw new OffprintError(
          'not-permitted',
          'This window has no native file dialog; use the file picker instead.',
        );
      }
      const paths = await host.pickFiles();
      host.grants.grant(paths);
      return paths;
    },
    'import.files': async ({ paths }) => {
      // Refuse the whole call before touching anything if any path was not picked by the user.
      const refused = paths.filter((path) => !host.grants.has(path));
      if (refused.length > 0) {
        throw new OffprintError(
          'not-permitted',
          `Offprint only imports files you picked; not picked: ${refused.join(', ')}`,
        );
      }
      const outcomes: ImportOutcome[] = [];
      for (const path of paths) {
        // A bookmarks export picked in the dialog saves the pages it names, as a job whose
        // outcomes (one per address) take its place in the list.
        const links = await bookmarksFileLinks(path);
        if (links && links.length > 0) outcomes.push(...(await saveUrls(links, undefined)));
        else outcomes.push(await importPath(library, path, fileOptions));
      }
      host.grants.revoke(paths);
      return outcomes;
    },
    'import.upload': async ({ files, resources = [] }) => {
      // Every file and resource by where it sits in the upload, for pages to find their images.
      const sent = new Map<string, Uint8Array>();
      const decoded = files.map((file) => {
        const bytes = Buffer.from(file.dataBase64, 'base64');
        const relativePath = file.relativePath ?? (file.name.split(/[\\/]/).pop() || file.name);
        if (!sent.has(relativePath)) sent.set(relativePath, bytes);
        return { name: file.name, relativePath, bytes };
      });
      for (const resource of resources) {
        if (!sent.has(resource.relativePath)) {
          sent.set(resource.relativePath, Buffer.from(resource.dataBase64, 'base64'));
        }
      }
      const outcomes: ImportOutcome[] = [];
      for (const file of decoded) {
        outcomes.push(
          await importBytes(library, file.name, file.bytes, {
            ...fileOptions,
            siblings: uploadedFiles(file.relativePath, sent),
          }),
        );
      }
      return outcomes;
    },
    'import.url': async ({ urls, job }) => saveUrls(urls, job),
    'import.links': async ({ text, job }) => {
      const { kind, urls } = extractLinks(text);
      const what = kind === 'bookmarks' ? 'The bookmarks file' : 'The text';
      if (urls.length === 0) {
        throw new OffprintError(
          'invalid-argument',
          `${what} holds no web addresses (http:// or https://) to save.`,
        );
      }
      if (urls.length > MAX_LINKS_PER_JOB) {
        throw new OffprintError(
          'too-large',
          `${what} holds ${urls.length} web addresses; Offprint saves at most ${MAX_LINKS_PER_JOB} at once.`,
        );
      }
      return saveUrls(urls, job);
    },
    'import.cancel': async ({ job }) => jobs.cancel(job),
  };
}

/**
 * Runs one call from a host: checks the channel exists, validates the argument, runs the handler,
 * and turns every failure into a typed error result. Nothing thrown crosses the bridge.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawArgs: unknown,
): Promise<Result<unknown>> {
  if (!isChannelName(channel)) {
    return {
      ok: false,
      error: { code: 'unknown-channel', message: `No such channel: ${channel}` },
    };
  }
  const checked = validateArgs(channel, rawArgs);
  if (!checked.ok)
    return { ok: false, error: { code: 'invalid-argument', message: checked.message } };
  try {
    const handler = handlers[channel] as (args: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(checked.value) };
  } catch (error) {
    if (!(error instanceof OffprintError)) console.error(`[offprint] ${channel} failed:`, error);
    return { ok: false, error: toErrorShape(error) };
  }
}

/** A host's way to push events to its renderers. */
export type EventSink = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/**
 * Forwards library changes, health problems and search indexing progress (job `search-index`) to a
 * host's event sink; returns the unsubscribe.
 */
export function forwardLibraryEvents(
  library: Library,
  send: EventSink,
  search?: LibrarySearch,
): () => void {
  const stopChanges = library.onChange((ids) => send('library.changed', { ids }));
  const stopSearch = search?.onProgress((done, total) =>
    send('progress', { job: 'search-index', label: 'Indexing articles for search', done, total }),
  );
  const stopHealth = library.onHealth((health) => send('library.health', health));
  return () => {
    stopChanges();
    stopHealth();
    stopSearch?.();
  };
}
