/**
 * The one HTML sanitizer every importer passes article markup through before it is stored: plain
 * text built into HTML here, web pages and feed items later. DOMPurify does the parsing and the
 * element/attribute allow-listing on a jsdom window (the brief rules out any other DOM); two hooks
 * add what DOMPurify's options cannot say: per-attribute URL schemes, a class allow-list, and
 * rel="noopener noreferrer" on external links.
 *
 * Policy in short: article markup only (text structure, lists, quotes, figures and images, tables,
 * links); no scripts, styles, frames, embeds, forms, SVG/MathML, event handlers, ids or data-*
 * attributes; links only to http(s) and mailto; images only from http(s) (no data: URLs: local copies
 * are made by a later step, localize-images.ts) or from the library itself (`images/<sha256>.<ext>`,
 * the one relative form kept, so sanitizing localized content again changes nothing). Other relative
 * URLs are dropped, so callers that handle web pages must make URLs absolute against the page
 * address BEFORE sanitizing.
 */
import { createRequire } from 'node:module';
import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';
import { LOCAL_IMAGE_URL } from '../library/images';

/** Elements kept. Anything else is unwrapped (its text kept) or, for the dangerous ones, dropped whole. */
export const ALLOWED_TAGS: readonly string[] = [
  // text structure
  'p',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'hr',
  'br',
  'div',
  'span',
  'header',
  'section',
  'article',
  // lists
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  // inline semantics
  'a',
  'em',
  'strong',
  'b',
  'i',
  'sup',
  'sub',
  'time',
  'abbr',
  'cite',
  'q',
  'small',
  'mark',
  's',
  'del',
  'ins',
  'u',
  'kbd',
  'samp',
  'var',
  'dfn',
  'bdi',
  'bdo',
  'wbr',
  // East Asian readings (furigana) would otherwise collapse into the base text
  'ruby',
  'rt',
  'rp',
  'details',
  'summary',
  // figures and images
  'figure',
  'figcaption',
  'img',
  'picture',
  'source',
  // tables
  'table',
  'caption',
  'colgroup',
  'col',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
];

/** Attributes kept (on any allowed element). URL-valued ones are further checked by scheme below. */
export const ALLOWED_ATTRIBUTES: readonly string[] = [
  'href',
  'src',
  'srcset',
  'sizes',
  'media',
  'type',
  'alt',
  'title',
  'width',
  'height',
  'datetime',
  'cite',
  'lang',
  'dir',
  'class',
  'colspan',
  'rowspan',
  'scope',
  'headers',
  'span',
  'start',
  'reversed',
];

/**
 * The only class names content may carry: the ones Offprint's reader stylesheet gives meaning to.
 * Arbitrary page classes could collide with the app's own styles, so every other class is removed.
 */
export const ARTICLE_CLASSES: readonly string[] = [
  'standfirst',
  'credit',
  // Where an image could not be saved (localize-images.ts); the reader may style it.
  'missing-image',
];

/**
 * URL schemes allowed per URL attribute; an attribute whose URL fails is removed. `src` and `srcset`
 * are image addresses, checked by isImageSource.
 */
const SCHEMES_BY_ATTRIBUTE: Readonly<Record<string, readonly string[]>> = {
  href: ['http:', 'https:', 'mailto:'],
  cite: ['http:', 'https:'],
};

/**
 * Elements whose content goes with them when they are removed, on top of DOMPurify's own list
 * (script, style, iframe, svg, math, noscript, template...). Form controls only hold UI labels.
 * Forms themselves are unwrapped, not emptied: some sites wrap the whole page in one <form>.
 */
const EXTRA_FORBID_CONTENTS = [
  'button',
  'select',
  'option',
  'textarea',
  'object',
  'embed',
  'canvas',
];

const PURIFY_CONFIG: Config = {
  ALLOWED_TAGS: [...ALLOWED_TAGS],
  ALLOWED_ATTR: [...ALLOWED_ATTRIBUTES],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ADD_FORBID_CONTENTS: EXTRA_FORBID_CONTENTS,
  KEEP_CONTENT: true,
  WHOLE_DOCUMENT: false,
};

/** True when `value` is an absolute URL whose scheme is in `schemes` (parsed as a browser would). */
function hasAllowedScheme(value: string, schemes: readonly string[]): boolean {
  if (!URL.canParse(value)) return false;
  return schemes.includes(new URL(value).protocol);
}

/** An image address content may use: a web address, or an image stored in the library. */
function isImageSource(value: string): boolean {
  return hasAllowedScheme(value, ['http:', 'https:']) || LOCAL_IMAGE_URL.test(value.trim());
}

/** Keeps the http(s) and library candidates of a srcset ("url 2x, url 800w"); null when none is left. */
function filterSrcset(value: string): string | null {
  const kept = value
    .split(',')
    .map((candidate) => candidate.trim())
    .filter((candidate) => isImageSource(candidate.split(/\s+/)[0] ?? ''));
  return kept.length > 0 ? kept.join(', ') : null;
}

function installHooks(purify: DOMPurify): void {
  purify.addHook('uponSanitizeAttribute', (_node, event) => {
    const name = event.attrName;
    const schemes = SCHEMES_BY_ATTRIBUTE[name];
    if (name === 'src') {
      event.keepAttr = isImageSource(event.attrValue);
    } else if (schemes) {
      event.keepAttr = hasAllowedScheme(event.attrValue, schemes);
    } else if (name === 'srcset') {
      const filtered = filterSrcset(event.attrValue);
      if (filtered === null) event.keepAttr = false;
      else event.attrValue = filtered;
    } else if (name === 'class') {
      const classes = event.attrValue.split(/\s+/).filter((item) => ARTICLE_CLASSES.includes(item));
      if (classes.length === 0) event.keepAttr = false;
      else event.attrValue = classes.join(' ');
    }
  });

  purify.addHook('afterSanitizeAttributes', (node) => {
    const tag = node.nodeName.toLowerCase();
    // An image whose only source was refused (data:, javascript:, relative) would render as a
    // broken-image box; drop it. DOMPurify copes with a hook detaching the current node.
    if (tag === 'img' && !node.hasAttribute('src')) {
      // Responsive images sometimes carry only a srcset: promote its first candidate.
      const first = node.getAttribute('srcset')?.split(',')[0]?.trim().split(/\s+/)[0];
      if (first) {
        node.setAttribute('src', first);
        return;
      }
      node.remove();
      return;
    }
    if (tag === 'source' && !node.hasAttribute('srcset')) {
      node.remove();
      return;
    }
    if (tag === 'a') {
      const href = node.getAttribute('href');
      // The reader opens links outside the app; keep the opened page from reaching back (opener)
      // or learning where the reader came from (referrer).
      if (href !== null && hasAllowedScheme(href, ['http:', 'https:'])) {
        node.setAttribute('rel', 'noopener noreferrer');
      }
    }
  });
}

let purifier: DOMPurify | null = null;

/**
 * The DOMPurify instance, made on first use. jsdom takes a noticeable time to load, so it is required
 * here rather than imported at the top: app start-up and modules that never sanitize do not pay for it.
 */
function getPurifier(): DOMPurify {
  if (purifier) return purifier;
  const require = createRequire(import.meta.url);
  const { JSDOM } = require('jsdom') as typeof import('jsdom');
  const { window } = new JSDOM('<!DOCTYPE html>');
  const instance = createDOMPurify(window as unknown as Parameters<typeof createDOMPurify>[0]);
  installHooks(instance);
  purifier = instance;
  return instance;
}

/**
 * Returns a safe subset of `html` for storing and showing as article content (see the module comment
 * for the policy). Works on fragments, not documents: pass the article body's markup. Idempotent:
 * sanitizing the output again changes nothing.
 */
export function sanitizeHtml(html: string): string {
  return getPurifier().sanitize(html, PURIFY_CONFIG);
}
