/**
 * Offline images: every image of an article's sanitized content is fetched once, stored in the
 * library by content hash (library/images.ts), and the content is rewritten to point at the stored
 * copy. After this step stored content holds no remote image address at all: an image that could
 * not be saved becomes an empty placeholder (`class="missing-image"`, a link to the original when
 * it is not already inside a link) and is recorded with its address and the reason, so that
 * retryImages can try again later. A failed image never fails the article.
 *
 * Which address: an <img> may name several (src, srcset candidates, <picture> sources). One image
 * is kept per element, the largest candidate up to a sensible width, falling back to the others in
 * turn; <picture> collapses to its <img>. Lazy-loading attributes (data-src...) were already turned
 * into src by the HTML importer, before the sanitizer (which drops data-* attributes) ran.
 *
 * Where the bytes come from: the web, or for a page that carried its images with it (a saved
 * page's `_files/` folder, an uploaded folder, an MHTML archive) that copy, behind a marker address
 * (local-images.ts). Either way the image is stored the same way.
 */
import { JSDOM, VirtualConsole } from 'jsdom';
import { OffprintError } from '../../shared/errors';
import type { ImageFailure } from '../../shared/model';
import {
  IMAGE_CONTENT_TYPES,
  LOCAL_IMAGE_URL,
  localImageUrl,
  sniffImageType,
  storeImage,
} from '../library/images';
import { type FetchLimits, fetchResource, formatDuration, isWebUrl, shorten } from './fetch-page';
import { type LocalImage, type LocalImages, isMarker } from './local-images';

export interface ImageOptions extends FetchLimits {
  /** Deadline for all the images of one article together. Default 60 s. */
  totalTimeoutMs?: number;
  /** Images fetched at once. Default 4. */
  concurrency?: number;
  /** The page the images belong to, sent as Referer (some image hosts refuse requests without). */
  referer?: string | null;
  /**
   * Fetch nothing: every remote image is recorded as not saved (and can be fetched later with a
   * retry). For working offline, and for tests that must not reach the internet. Local images
   * (below) are still read: they need no network.
   */
  offline?: boolean;
  /**
   * The images the imported page carried with it (local-images.ts): their marker addresses in the
   * content are read from here instead of fetched.
   */
  local?: LocalImages;
}

/** The reason recorded for images left out when images are not fetched. */
export const OFFLINE_REASON = 'Images were not fetched (offline import); retry to fetch them.';

/** Per image: shorter than a page, since a page has many. */
export const DEFAULT_IMAGE_TIMEOUT_MS = 15_000;
export const DEFAULT_IMAGE_MAX_BYTES = 15 * 1024 * 1024;
export const DEFAULT_IMAGES_TOTAL_TIMEOUT_MS = 60_000;
const DEFAULT_CONCURRENCY = 4;

/** Widest srcset candidate chosen: wider ones are for big screens and cost megabytes each. */
const MAX_CHOSEN_WIDTH = 2000;
const MAX_CHOSEN_DENSITY = 2;

export const MISSING_IMAGE_CLASS = 'missing-image';

export interface LocalizedContent {
  contentHtml: string;
  /** Images that could not be saved, in document order (the order of the placeholders). */
  failures: ImageFailure[];
  /** Images now served from the library. */
  stored: number;
}

interface Candidate {
  url: string;
  width: number | null;
  density: number | null;
}

/** Parses a srcset ("a.jpg 480w, b.jpg 2x"); the sanitizer already kept only safe candidates. */
function parseSrcset(value: string | null): Candidate[] {
  if (!value) return [];
  const candidates: Candidate[] = [];
  for (const part of value.split(',')) {
    const [url, descriptor] = part.trim().split(/\s+/);
    if (!url) continue;
    const width = descriptor?.endsWith('w') ? Number.parseFloat(descriptor) : null;
    const density = descriptor?.endsWith('x') ? Number.parseFloat(descriptor) : null;
    candidates.push({
      url,
      width: Number.isFinite(width) ? width : null,
      density: Number.isFinite(density) ? density : null,
    });
  }
  return candidates;
}

/** The srcset candidates from best to worst: largest within the limits first, then smaller, then larger. */
function rankSrcset(candidates: Candidate[]): string[] {
  const size = (candidate: Candidate) => candidate.width ?? (candidate.density ?? 1) * 1000;
  const fits = (candidate: Candidate) =>
    candidate.width !== null
      ? candidate.width <= MAX_CHOSEN_WIDTH
      : (candidate.density ?? 1) <= MAX_CHOSEN_DENSITY;
  const within = candidates.filter(fits).sort((a, b) => size(b) - size(a));
  const beyond = candidates
    .filter((candidate) => !fits(candidate))
    .sort((a, b) => size(a) - size(b));
  return [...within, ...beyond].map((candidate) => candidate.url);
}

/** Addresses to try for one <img>, best first, without repeats. */
function imageCandidates(image: Element, extraSources: Element[]): string[] {
  const urls = [
    ...rankSrcset(parseSrcset(image.getAttribute('srcset'))),
    image.getAttribute('src') ?? '',
    ...extraSources.flatMap((source) => rankSrcset(parseSrcset(source.getAttribute('srcset')))),
  ].map((url) => url.trim());
  return [...new Set(urls.filter((url) => url !== ''))];
}

/** Runs `tasks` with at most `limit` running at once. */
async function runLimited(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next];
      next += 1;
      await task?.();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

const IMAGE_FORMATS = Object.keys(IMAGE_CONTENT_TYPES)
  .map((extension) => extension.toUpperCase())
  .join(', ');

/**
 * Fetches one image and stores it; returns the stored file name. Throws OffprintError with a reason
 * fit for the failure record.
 */
async function fetchAndStore(
  url: string,
  libraryRoot: string,
  options: ImageOptions,
  signal: AbortSignal,
): Promise<string> {
  const image = await fetchResource(url, {
    timeoutMs: options.timeoutMs ?? DEFAULT_IMAGE_TIMEOUT_MS,
    maxBytes: options.maxBytes ?? DEFAULT_IMAGE_MAX_BYTES,
    ...(options.maxRedirects !== undefined ? { maxRedirects: options.maxRedirects } : {}),
    ...(options.userAgent !== undefined ? { userAgent: options.userAgent } : {}),
    signal,
    what: 'the image',
    accept: 'image/avif,image/webp,image/png,image/jpeg,image/gif;q=0.9,*/*;q=0.1',
    headers: options.referer ? { Referer: options.referer } : {},
    refuseMediaType: (mediaType) => {
      if (mediaType === 'image/svg+xml') {
        return `${shorten(url)} is an SVG drawing; Offprint keeps ${IMAGE_FORMATS} images only.`;
      }
      return mediaType.startsWith('image/')
        ? null
        : `${shorten(url)} is not an image (the server says ${mediaType || 'nothing'}).`;
    },
  });
  return storeChecked(libraryRoot, image.bytes, shorten(url));
}

/** Stores image bytes if they really are an image of a kept format; `shown` names it in the reason. */
async function storeChecked(
  libraryRoot: string,
  bytes: Uint8Array,
  shown: string,
): Promise<string> {
  const extension = sniffImageType(bytes);
  if (!extension) {
    throw new OffprintError(
      'unsupported-file',
      `${shown} is not in a format Offprint keeps (${IMAGE_FORMATS}).`,
    );
  }
  return storeImage(libraryRoot, bytes, extension);
}

/** Reads a local image (a saved page's own copy) and stores it; returns the stored file name. */
async function readAndStore(
  image: LocalImage,
  libraryRoot: string,
  options: ImageOptions,
): Promise<string> {
  const bytes = await image.read(options.maxBytes ?? DEFAULT_IMAGE_MAX_BYTES);
  return storeChecked(libraryRoot, bytes, shorten(image.reference));
}

/** The placeholder for an image that could not be saved: empty, so the article's text is unchanged. */
function placeholderFor(image: Element, url: string | null): Element {
  const document = image.ownerDocument;
  const insideLink = image.closest('a') !== null;
  const placeholder = document.createElement(insideLink || !url ? 'span' : 'a');
  placeholder.setAttribute('class', MISSING_IMAGE_CLASS);
  if (!insideLink && url) placeholder.setAttribute('href', url);
  const alt = image.getAttribute('alt')?.trim();
  placeholder.setAttribute('title', alt ? `Image not saved: ${alt}` : 'Image not saved');
  // As the sanitizer does for every web link (and in the same attribute order, so that sanitizing
  // again changes nothing): the page opened from it learns nothing about the reader.
  if (!insideLink && url) placeholder.setAttribute('rel', 'noopener noreferrer');
  return placeholder;
}

/**
 * Turns the placeholders of earlier failures back into images, so a retry can fetch them again.
 * Placeholders and failures are in the same (document) order. A failure without a web address (an
 * image a saved page referred to but did not carry) has nowhere to be fetched from: its placeholder
 * stays, and is returned with its record. Anything else carrying the class (a page may use the name
 * itself) loses it: afterwards the only placeholders are the ones kept here and the ones this step
 * makes, so they and the failure records stay in step.
 */
function restorePlaceholders(
  root: DocumentFragment,
  failures: readonly ImageFailure[],
): Map<Element, ImageFailure> {
  const kept = new Map<Element, ImageFailure>();
  const placeholders = Array.from(root.querySelectorAll(`.${MISSING_IMAGE_CLASS}`));
  placeholders.forEach((placeholder, index) => {
    const failure = failures[index];
    if (failure && !isWebUrl(failure.url)) {
      kept.set(placeholder, failure);
      return;
    }
    if (!failure) {
      placeholder.classList.remove(MISSING_IMAGE_CLASS);
      if (placeholder.classList.length === 0) placeholder.removeAttribute('class');
      return;
    }
    const image = placeholder.ownerDocument.createElement('img');
    image.setAttribute('src', failure.url);
    if (failure.alt) image.setAttribute('alt', failure.alt);
    placeholder.replaceWith(image);
  });
  return kept;
}

/** An image that could not be saved: what to record, what the placeholder links to, and why. */
interface ImageResultFailure {
  /** The failure record's address: a web address, or the page's own reference; null: drop it. */
  record: string | null;
  /** A web address for the placeholder to link to. */
  link: string | null;
  reason: string;
}

/**
 * Splits an image's candidate addresses into the page's own copies (markers this import made) and
 * web addresses, in the order given; a local copy's web address comes after the candidates' own.
 * A marker this import did not make is a page pretending: neither read nor fetched.
 */
function sourcesOf(
  candidates: readonly string[],
  local: LocalImages | undefined,
): { local: Array<{ url: string; image: LocalImage }>; remote: string[] } {
  const copies: Array<{ url: string; image: LocalImage }> = [];
  const remote: string[] = [];
  const fallbacks: string[] = [];
  for (const url of candidates) {
    const image = local?.find(url) ?? null;
    if (image) {
      copies.push({ url, image });
      if (image.webUrl) fallbacks.push(image.webUrl);
    } else if (!isMarker(url) && isWebUrl(url)) {
      remote.push(url);
    }
  }
  return { local: copies, remote: [...new Set([...remote, ...fallbacks])] };
}

/**
 * Saves the images of sanitized `contentHtml` into the library at `libraryRoot` and returns the
 * content rewritten to use them. Never throws for an image; throws OffprintError 'cancelled' when
 * `options.signal` aborts (the caller then stores nothing). `previousFailures` (a retry) turns the
 * placeholders of those failures back into images first (except those without a web address,
 * which stay as they are). Images the page carried (`options.local`) are read, not fetched; one
 * that cannot be read falls back to its web address, if it has one.
 */
export async function localizeImages(
  contentHtml: string,
  libraryRoot: string,
  options: ImageOptions = {},
  previousFailures: readonly ImageFailure[] = [],
): Promise<LocalizedContent> {
  // Most text articles have no images at all: spare them a DOM.
  if (!/<(?:img|picture|source)\b|missing-image/i.test(contentHtml)) {
    return { contentHtml, failures: [], stored: 0 };
  }
  const dom = new JSDOM('<!DOCTYPE html>', { virtualConsole: new VirtualConsole() });
  try {
    const template = dom.window.document.createElement('template');
    template.innerHTML = contentHtml;
    const root = template.content;
    const kept = restorePlaceholders(root, previousFailures);

    // <picture> collapses to its <img>, which takes the sources along as fallbacks.
    const extraSources = new Map<Element, Element[]>();
    for (const picture of Array.from(root.querySelectorAll('picture'))) {
      const sources = Array.from(picture.querySelectorAll('source'));
      let image = picture.querySelector('img');
      if (!image) image = dom.window.document.createElement('img');
      extraSources.set(image, sources);
      picture.replaceWith(image);
    }
    // Any <source> left outside a <picture> (audio/video leftovers) has nothing to show.
    for (const source of Array.from(root.querySelectorAll('source'))) source.remove();

    const deadline = AbortSignal.timeout(options.totalTimeoutMs ?? DEFAULT_IMAGES_TOTAL_TIMEOUT_MS);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    // One fetch or read per address, however many images use it.
    const pending = new Map<string, Promise<string>>();
    const once = (key: string, start: () => Promise<string>) => {
      let promise = pending.get(key);
      if (!promise) {
        promise = start();
        pending.set(key, promise);
      }
      return promise;
    };
    const reasonFor = (error: unknown) =>
      deadline.aborted
        ? `Gave up: the article's images took longer than ${formatDuration(options.totalTimeoutMs ?? DEFAULT_IMAGES_TOTAL_TIMEOUT_MS)}.`
        : error instanceof Error
          ? error.message
          : String(error);

    const images = Array.from(root.querySelectorAll('img'));
    const results = new Map<Element, { fileName: string } | ImageResultFailure>();
    const tasks = images.map((image) => async () => {
      const candidates = imageCandidates(image, extraSources.get(image) ?? []);
      const inLibrary = candidates.find((url) => LOCAL_IMAGE_URL.test(url));
      if (inLibrary) {
        results.set(image, { fileName: inLibrary.slice(inLibrary.indexOf('/') + 1) });
        return;
      }
      const { local, remote } = sourcesOf(candidates, options.local);
      // The page's own copies first: they need no network.
      let localReason: string | null = null;
      for (const { url, image: copy } of local) {
        try {
          results.set(image, {
            fileName: await once(url, () => readAndStore(copy, libraryRoot, options)),
          });
          return;
        } catch (error) {
          if (options.signal?.aborted) throw new OffprintError('cancelled', 'Cancelled.');
          localReason ??= reasonFor(error);
        }
      }
      let remoteReason = options.offline
        ? OFFLINE_REASON
        : 'The image has no web address to fetch it from.';
      for (const url of options.offline ? [] : remote) {
        try {
          results.set(image, {
            fileName: await once(url, () => fetchAndStore(url, libraryRoot, options, signal)),
          });
          return;
        } catch (error) {
          if (options.signal?.aborted) throw new OffprintError('cancelled', 'Cancelled.');
          remoteReason = reasonFor(error);
        }
      }
      // Recorded under a web address when there is one (a retry can fetch it), else under the
      // reference the page made: never under a marker, which means nothing after this import.
      const record = remote[0] ?? local[0]?.image.reference ?? null;
      results.set(image, {
        record,
        link: remote[0] ?? null,
        reason: localReason ?? remoteReason,
      });
    });
    await runLimited(tasks, options.concurrency ?? DEFAULT_CONCURRENCY);

    const made = new Map<Element, ImageFailure>();
    let stored = 0;
    for (const image of images) {
      const result = results.get(image);
      if (result && 'fileName' in result) {
        image.setAttribute('src', localImageUrl(result.fileName));
        image.removeAttribute('srcset');
        image.removeAttribute('sizes');
        stored += 1;
      } else if (result?.record) {
        const placeholder = placeholderFor(image, result.link);
        made.set(placeholder, {
          url: result.record,
          reason: result.reason,
          alt: image.getAttribute('alt')?.trim() || null,
        });
        image.replaceWith(placeholder);
      } else {
        // Nothing to fetch and nothing to retry: an image that cannot be shown is left out.
        image.remove();
      }
    }
    // In document order, the placeholders kept from before among the new ones.
    const failures: ImageFailure[] = [];
    for (const placeholder of Array.from(root.querySelectorAll(`.${MISSING_IMAGE_CLASS}`))) {
      const failure = kept.get(placeholder) ?? made.get(placeholder);
      if (failure) failures.push(failure);
    }
    return { contentHtml: template.innerHTML, failures, stored };
  } finally {
    dom.window.close();
  }
}
