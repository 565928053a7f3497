/**
 * Saving web pages: one address in, one library article out (or an outcome saying why not). The
 * steps are fetch (fetch-page.ts), extract (html.ts: Readability, then the sanitizer), save the
 * images (localize-images.ts), and only then library.add: whatever fails before that last step
 * leaves no article behind, and the library never holds half an article.
 *
 * Also here: refreshing an article from its address (a new version; the earlier ones stay) and
 * retrying the images an earlier save could not get.
 */
import { OffprintError, toErrorShape } from '../../shared/errors';
import { MAX_URL_LENGTH } from '../../shared/limits';
import type { ArticleSummary, ImportOutcome, RetryImagesResult } from '../../shared/model';
import { KeyedQueue } from '../library/keyed-queue';
import type { Library, NewArticle } from '../library/library';
import { findArticleByUrl, normalizeArticleUrl } from './article-url';
import { type FetchLimits, fetchPage, isWebUrl } from './fetch-page';
import { parseHtmlArticle } from './html';
import { type ImageOptions, localizeImages } from './localize-images';

/** Limits for pages and images; everything has a default (fetch-page.ts, localize-images.ts). */
export interface WebOptions {
  page?: Omit<FetchLimits, 'signal'>;
  images?: Omit<ImageOptions, 'signal' | 'referer'>;
}

export interface WebCallOptions extends WebOptions {
  /** Cancels the work; nothing is stored once it has fired. */
  signal?: AbortSignal;
}

/**
 * One queue per library, keyed by normalized address: two saves of the same address (a list that
 * names it twice, two windows) run one after the other, so the second finds the first's article.
 */
const savesInFlight = new WeakMap<Library, KeyedQueue>();

function queueFor(library: Library): KeyedQueue {
  let queue = savesInFlight.get(library);
  if (!queue) {
    queue = new KeyedQueue();
    savesInFlight.set(library, queue);
  }
  return queue;
}

function failedOutcome(source: string, error: unknown): ImportOutcome {
  return { status: 'failed', source, error: toErrorShape(error) };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new OffprintError('cancelled', 'Cancelled.');
}

/** Fetches a page and extracts its article; nothing is stored yet. */
async function fetchExtracted(
  url: string,
  options: WebCallOptions,
): Promise<{ parsed: NewArticle; finalUrl: string }> {
  const page = await fetchPage(url, { ...options.page, ...signalOption(options.signal) });
  throwIfCancelled(options.signal);
  const parsed = parseHtmlArticle(page.bytes, { url: page.url, contentType: page.contentType });
  // leadImageUrl rides along; the library keeps only the fields it knows.
  return { parsed: { ...parsed, sourceKind: 'url' }, finalUrl: page.url };
}

/** Saves the article's images into the library and points its content at them. */
async function withLocalImages(
  library: Library,
  article: NewArticle,
  pageUrl: string,
  options: WebCallOptions,
): Promise<NewArticle> {
  const localized = await localizeImages(article.contentHtml, library.root, {
    ...options.images,
    ...signalOption(options.signal),
    referer: pageUrl,
  });
  throwIfCancelled(options.signal);
  return { ...article, contentHtml: localized.contentHtml, imageFailures: localized.failures };
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/**
 * Saves the page at `url`. Never throws: a bad address, a network or HTTP failure, a page that is
 * not HTML or holds no article, a cancellation each give a failed outcome (and store nothing). An
 * address the library already has (compared without fragment and tracking parameters, before and
 * after redirects) gives `exists` with that article, and nothing is fetched again.
 */
export async function importUrl(
  library: Library,
  url: string,
  options: WebCallOptions = {},
): Promise<ImportOutcome> {
  const source = url;
  const trimmed = url.trim();
  if (trimmed.length > MAX_URL_LENGTH || !isWebUrl(trimmed)) {
    return failedOutcome(
      source,
      new OffprintError('invalid-argument', `${source.slice(0, 120)} is not a web address.`),
    );
  }
  const key = normalizeArticleUrl(trimmed) ?? trimmed;
  return queueFor(library).run(key, async () => {
    try {
      throwIfCancelled(options.signal);
      const known = findArticleByUrl(library, trimmed);
      if (known) return { status: 'exists', source, article: known };
      const { parsed, finalUrl } = await fetchExtracted(trimmed, options);
      // Redirected to an address the library already has: keep that one, fetch no images.
      const redirectedToKnown = findArticleByUrl(library, finalUrl);
      if (redirectedToKnown) return { status: 'exists', source, article: redirectedToKnown };
      const saved = await library.add(await withLocalImages(library, parsed, finalUrl, options));
      return { status: 'saved', source, article: saved };
    } catch (error) {
      return failedOutcome(source, error);
    }
  });
}

/**
 * Fetches an article's address again and stores what it finds as a new version, which the reader
 * then shows; earlier versions (and the annotations made on them) stay. Throws OffprintError:
 * 'not-found', 'unsupported-file' for an article that has no web address, or any fetch failure.
 */
export async function refreshArticle(
  library: Library,
  id: string,
  options: WebCallOptions = {},
): Promise<ArticleSummary> {
  const current = library.list().find((article) => article.id === id);
  if (!current) throw new OffprintError('not-found', `There is no article ${id} in this library.`);
  const url = current.url;
  if (!url || !isWebUrl(url)) {
    throw new OffprintError(
      'unsupported-file',
      `"${current.title}" was not saved from a web address, so there is nothing to refresh it from.`,
    );
  }
  return queueFor(library).run(normalizeArticleUrl(url) ?? url, async () => {
    const { parsed, finalUrl } = await fetchExtracted(url, options);
    const article = await withLocalImages(library, parsed, finalUrl, options);
    // The article keeps where it came from (a saved file stays a saved file with a known address).
    return library.addVersion(id, {
      ...article,
      sourceKind: current.sourceKind,
      fileName: current.fileName,
    });
  });
}

/**
 * Tries again to save the images an earlier save could not (of the version shown, or `version`),
 * and rewrites that version's content to show the ones it gets. The text does not change, so
 * annotations stay where they are. Throws OffprintError 'not-found', 'cancelled'.
 */
export async function retryImages(
  library: Library,
  id: string,
  options: WebCallOptions & { version?: number } = {},
): Promise<RetryImagesResult> {
  const article = await library.get(id, options.version);
  const failures = article.imageFailures ?? [];
  const version = article.versions?.shown ?? options.version ?? 1;
  if (failures.length === 0) return { saved: 0, stillMissing: 0 };
  const localized = await localizeImages(
    article.contentHtml,
    library.root,
    { ...options.images, ...signalOption(options.signal), referer: article.url },
    failures,
  );
  throwIfCancelled(options.signal);
  await library.replaceVersionContent(id, version, localized.contentHtml, localized.failures);
  return {
    saved: Math.max(0, failures.length - localized.failures.length),
    stillMissing: localized.failures.length,
  };
}
