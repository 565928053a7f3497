/**
 * The web page importer: a saved or fetched HTML page in, the article Firefox's Reader View would
 * show out. Readability (the library behind Reader View) picks the article and its metadata; this
 * module decodes the bytes honestly, fixes the document's address so links resolve, cleans up the
 * metadata Readability hands back raw, and sanitizes the result before anyone stores it.
 */
import { isProbablyReaderable, Readability } from '@mozilla/readability';
import { JSDOM, VirtualConsole } from 'jsdom';
import { OffprintError } from '../../shared/errors';
import { formatBytes, MAX_IMPORT_BYTES } from '../../shared/limits';
import type { NewArticle } from '../library/library';
import { decodeHtml } from './html-encoding';
import type { LocalImageReferences } from './local-images';
import { sanitizeHtml } from './sanitize';
import { countWords, textFromDom } from './text-metrics';

export interface HtmlImportOptions {
  /** Where the page was fetched from. Wins over the page's own canonical link for links and `url`. */
  url?: string;
  /** Name of the file the page came from, kept on the article and used as a last-resort title. */
  fileName?: string;
  /** The HTTP Content-Type header, whose charset wins over the page's <meta>. */
  contentType?: string;
  /**
   * For pages that carry their images with them (a saved page's `_files/` folder, an MHTML
   * archive): swaps each image reference it knows for the address of the local copy
   * (local-images.ts), before Readability makes references absolute against the page's address.
   */
  localImages?: LocalImageReferences;
}

/**
 * An imported web page. `leadImageUrl` (the page's og:image) has no place in NewArticle yet; it is
 * carried alongside so the library can keep it once it has a field for it.
 */
export interface HtmlArticle extends NewArticle {
  leadImageUrl: string | null;
}

/**
 * Extracts the article from a web page's bytes, the way Firefox Reader View does.
 * Throws OffprintError 'empty-file', 'too-large', or 'unsupported-file' when the page holds no
 * article Readability can find.
 */
export function parseHtmlArticle(bytes: Uint8Array, options: HtmlImportOptions = {}): HtmlArticle {
  if (bytes.byteLength === 0) throw new OffprintError('empty-file', 'The page is empty.');
  if (bytes.byteLength > MAX_IMPORT_BYTES) {
    throw new OffprintError(
      'too-large',
      `The page is ${formatBytes(bytes.byteLength)}; Offprint imports pages up to ${formatBytes(MAX_IMPORT_BYTES)}.`,
    );
  }
  const { text } = decodeHtml(bytes, options.contentType);
  const givenUrl = webUrl(options.url);

  // jsdom runs no scripts and loads no resources unless told to (runScripts, resources); neither is
  // set. A silent console drops its complaints about the CSS of 2010-era news sites.
  const dom = new JSDOM(text, {
    contentType: 'text/html',
    virtualConsole: new VirtualConsole(),
    ...(givenUrl ? { url: givenUrl } : {}),
  });
  try {
    return extractArticle(dom, givenUrl, options.fileName ?? null, options.localImages);
  } finally {
    dom.window.close();
  }
}

function extractArticle(
  dom: JSDOM,
  givenUrl: string | null,
  fileName: string | null,
  localImages: LocalImageReferences | undefined,
): HtmlArticle {
  const document = dom.window.document;

  // A <base href> would make every relative link resolve wherever the page says, including to a
  // host it has no business pointing at; links resolve against the page's real address instead.
  for (const base of Array.from(document.querySelectorAll('base'))) base.remove();

  const pageUrl = givenUrl ?? canonicalUrl(document);
  if (!givenUrl && pageUrl) dom.reconfigure({ url: pageUrl });

  // Readability rewrites the document as it works: read what it does not keep first.
  const hints = readPageHints(document);
  const readerable = isProbablyReaderable(document);
  revealLazyImages(document);
  if (localImages) useLocalImages(document, (reference) => localImages(reference, pageUrl));

  const parsed = new Readability(document).parse();
  const rawContent = parsed?.content ?? '';
  const contentHtml = rawContent ? sanitizeHtml(rawContent) : '';
  const textContent = contentHtml ? textOfHtml(document, contentHtml) : '';
  const wordCount = countWords(textContent);
  // Readability returns whatever text it can find, even a menu; Reader View would not have offered
  // itself for such a page (isProbablyReaderable), so a few words from one are no article.
  if (!parsed || wordCount === 0 || (!readerable && wordCount < MIN_WORDS_UNLESS_READERABLE)) {
    throw new OffprintError(
      'unsupported-file',
      `No article was found in ${fileName ? `"${fileName}"` : 'this page'}: it may be an index, a login wall or an empty page.`,
    );
  }

  const title =
    oneLine(parsed.title) ?? hints.title ?? (fileName ? fileName.replace(/\.[^.]+$/, '') : null);
  return {
    title: clip(title ?? 'Untitled page', MAX_TITLE_CHARS),
    siteName: oneLine(parsed.siteName),
    section: hints.section,
    byline: chooseByline(oneLine(parsed.byline), hints.author),
    publishedTime: normalizePublishedTime(oneLine(parsed.publishedTime)),
    excerpt: oneLine(parsed.excerpt),
    url: pageUrl,
    lang: oneLine(parsed.lang) ?? hints.lang,
    dir: parsed.dir === 'rtl' || parsed.dir === 'ltr' ? parsed.dir : null,
    sourceKind: 'html',
    fileName,
    contentHtml,
    textContent,
    wordCount,
    leadImageUrl: hints.leadImage ? webUrl(hints.leadImage, pageUrl) : null,
  };
}

/** Fewer words than this, on a page Reader View would not offer to show, is not an article. */
const MIN_WORDS_UNLESS_READERABLE = 30;

/** Attributes lazy-loading scripts read the real image address from. */
const LAZY_SOURCE_ATTRIBUTES = ['data-src', 'data-lazy-src', 'data-original', 'data-url'];
const LAZY_SRCSET_ATTRIBUTES = ['data-srcset', 'data-lazy-srcset'];

/** A src that only holds the place of the real image until a script swaps it in. */
const PLACEHOLDER_SOURCE =
  /^data:|(?:^|[/_.-])(?:blank|spacer|placeholder|lazy|pixel|transparent|1x1|grey|gray)[^/]*\.(?:gif|png|svg)(?:[?#]|$)/i;

/**
 * Gives images the address a lazy-loading script would have put in: a src (and srcset) taken from
 * data-src and friends when the image has none, or only a placeholder (a data: URL, "blank.gif").
 * Readability does this only when the address ends in an image extension (.jpg, .png...), so it
 * misses CMS URLs such as "images/1227261885862?format=jpg"; the sanitizer then drops data-*
 * attributes, and with them the only address of the image, so it must happen here.
 */
function revealLazyImages(document: Document): void {
  for (const image of Array.from(document.querySelectorAll('img, picture > source'))) {
    const isImage = image.tagName === 'IMG';
    const src = image.getAttribute('src')?.trim() ?? '';
    if (isImage && (src === '' || PLACEHOLDER_SOURCE.test(src))) {
      const lazy = firstAttribute(image, LAZY_SOURCE_ATTRIBUTES, (value) => !/\s/.test(value));
      if (lazy) image.setAttribute('src', lazy);
    }
    const srcset = image.getAttribute('srcset')?.trim() ?? '';
    if (srcset === '' || PLACEHOLDER_SOURCE.test(srcset)) {
      const lazy = firstAttribute(image, LAZY_SRCSET_ATTRIBUTES, () => true);
      if (lazy) image.setAttribute('srcset', lazy);
    }
  }
}

/**
 * Puts the local copy's address in place of every image reference `local` knows (src, and each
 * srcset candidate of images and <picture> sources).
 */
function useLocalImages(document: Document, local: (reference: string) => string | null): void {
  for (const element of Array.from(document.querySelectorAll('img, picture source'))) {
    const src = element.getAttribute('src');
    if (element.tagName === 'IMG' && src) {
      const replacement = local(src);
      if (replacement) element.setAttribute('src', replacement);
    }
    const srcset = element.getAttribute('srcset');
    // Candidates are split at commas, which a data: URL also holds; those have no local copy anyway.
    if (srcset && !/\bdata:/i.test(srcset)) {
      let changed = false;
      const candidates = srcset.split(',').map((candidate) => {
        const [url, ...descriptors] = candidate.trim().split(/\s+/);
        const replacement = url ? local(url) : null;
        if (!replacement) return candidate.trim();
        changed = true;
        return [replacement, ...descriptors].join(' ');
      });
      if (changed) element.setAttribute('srcset', candidates.join(', '));
    }
  }
}

function firstAttribute(
  element: Element,
  names: readonly string[],
  usable: (value: string) => boolean,
): string | null {
  for (const name of names) {
    const value = element.getAttribute(name)?.trim();
    if (value && usable(value)) return value;
  }
  return null;
}

/** An absolute http(s) URL, or null: file:, data:, javascript: and garbage are not page addresses. */
function webUrl(candidate: string | null | undefined, base?: string | null): string | null {
  if (!candidate) return null;
  try {
    const url = base ? new URL(candidate.trim(), base) : new URL(candidate.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The page's own idea of its address: <link rel=canonical>, then og:url. Absolute http(s) only. */
function canonicalUrl(document: Document): string | null {
  const canonical = document.querySelector('link[rel~="canonical" i][href]')?.getAttribute('href');
  return webUrl(canonical) ?? webUrl(metaContent(document, 'property', 'og:url'));
}

interface PageHints {
  title: string | null;
  section: string | null;
  author: string | null;
  lang: string | null;
  leadImage: string | null;
}

function readPageHints(document: Document): PageHints {
  const locale = metaContent(document, 'property', 'og:locale');
  return {
    title:
      oneLine(metaContent(document, 'property', 'og:title')) ?? oneLine(document.title || null),
    section: oneLine(metaContent(document, 'property', 'article:section')),
    author:
      oneLine(metaContent(document, 'name', 'author')) ??
      oneLine(metaContent(document, 'itemprop', 'author')),
    lang:
      oneLine(metaContent(document, 'http-equiv', 'content-language')) ??
      // og:locale is written en_US; a language tag wants en-US.
      (locale ? oneLine(locale.replace(/_/g, '-')) : null),
    leadImage:
      metaContent(document, 'property', 'og:image') ??
      metaContent(document, 'property', 'og:image:url') ??
      metaContent(document, 'property', 'og:image:secure_url') ??
      metaContent(document, 'name', 'twitter:image'),
  };
}

function metaContent(document: Document, attribute: string, value: string): string | null {
  for (const meta of Array.from(document.querySelectorAll(`meta[${attribute}][content]`))) {
    if (meta.getAttribute(attribute)?.trim().toLowerCase() === value) {
      const content = meta.getAttribute('content')?.trim();
      if (content) return content;
    }
  }
  return null;
}

/** Longer titles are page furniture or an attack, and the library refuses them past 2,000. */
const MAX_TITLE_CHARS = 500;

function clip(text: string, limit: number): string {
  const chars = Array.from(text);
  return chars.length <= limit
    ? text
    : `${chars
        .slice(0, limit - 1)
        .join('')
        .trimEnd()}…`;
}

/** Collapses whitespace; empty becomes null. */
function oneLine(value: string | null | undefined): string | null {
  const line = value?.replace(/\s+/g, ' ').trim();
  return line ? line : null;
}

/** Plain text of sanitized HTML, parsed inert (a template's content runs and loads nothing). */
function textOfHtml(document: Document, html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  return textFromDom(template.content);
}

const MONTH = '(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\\.?';

/**
 * A byline that is really a dateline: "April 28, 2019 at 6:01 am Updated ...", "28 April 2019",
 * "2019-04-28", "04/28/2019". Readability's byline finder takes any element whose class says
 * "byline", and some sites put the date there. A person's name does not start with a day number
 * or with a month name followed by one.
 */
const DATELINE = new RegExp(
  `^(?:(?:updated|published|posted)\\s*:?\\s*)?(?:${MONTH}\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4}|\\d{1,2}\\.?\\s+${MONTH}\\s+\\d{4}|\\d{4}-\\d{2}-\\d{2}|\\d{1,2}[./]\\d{1,2}[./]\\d{2,4})`,
  'i',
);

function chooseByline(readabilityByline: string | null, metaAuthor: string | null): string | null {
  if (readabilityByline && !DATELINE.test(readabilityByline)) return readabilityByline;
  // The author meta may hold a profile URL (article:author often does); that is no byline.
  if (metaAuthor && !webUrl(metaAuthor) && !DATELINE.test(metaAuthor)) return metaAuthor;
  return null;
}

const ISO_LIKE =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Publication times come as the page wrote them: "2021-11-01T10:52:50+0100",
 * "2017-11-03 03:01:00.000000", "Tue, 03 Nov 2017 03:01:00 GMT". The library wants ISO 8601.
 * Near-ISO values are rewritten without moving them in time (a value without a zone stays a local
 * time: converting it would guess the zone); other values are kept only if they name a zone, since
 * Date.parse would read a zoneless one in this machine's zone.
 */
export function normalizePublishedTime(value: string | null): string | null {
  if (!value) return null;
  const iso = ISO_LIKE.exec(value);
  if (iso) {
    const [, date, time, zone] = iso;
    if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return null;
    if (!time) return date ?? null;
    const offset = !zone
      ? ''
      : zone.toUpperCase() === 'Z'
        ? 'Z'
        : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
    return `${date}T${time.replace(',', '.')}${offset}`;
  }
  const hasZone = /(?:\bGMT\b|\bUTC\b|\bZ\b|[+-]\d{2}:?\d{2}\s*$)/i.test(value);
  const time = Date.parse(value);
  return hasZone && !Number.isNaN(time) ? new Date(time).toISOString() : null;
}
