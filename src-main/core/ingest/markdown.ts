/**
 * Markdown files -> NewArticle. marked renders the Markdown (CommonMark + GitHub extensions); the
 * result goes through sanitizeHtml like every importer's output, so raw HTML inside the Markdown
 * (which Markdown allows, scripts included) never reaches the library.
 *
 * Notes and blog drafts often start with YAML front matter; its simple `key: value` lines give the
 * title, author, date, language and source address. Without a front-matter title, the first heading
 * is the title (and leaves the body, as the reader shows the title above it).
 */
import { JSDOM, VirtualConsole } from 'jsdom';
import { Marked } from 'marked';
import type { NewArticle } from '../library/library';
import { sanitizeHtml } from './sanitize';
import { guessLanguage, titleFromFileName, truncate } from './text';
import { countWords, textFromDom } from './text-metrics';

/** One parser instance with fixed options: the global `marked` object is shared mutable state. */
const markdownParser = new Marked({ gfm: true, breaks: false });

/** `---` front matter at the very start of the file, closed by `---` or `...` on a line of its own. */
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;
/** A `key: value` line of front matter; nested YAML (lists, maps) is ignored. */
const FRONT_MATTER_LINE = /^([A-Za-z][\w-]*)\s*:\s*(.*)$/;

const MAX_EXCERPT_CHARS = 300;
const HEADING_SELECTOR = 'h1, h2, h3, h4, h5, h6';

interface FrontMatter {
  title: string | null;
  byline: string | null;
  publishedTime: string | null;
  lang: string | null;
  url: string | null;
  siteName: string | null;
}

/** The simple `key: value` pairs of front matter, keys lower-cased, quotes around values removed. */
function readFrontMatter(block: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const match = FRONT_MATTER_LINE.exec(line.trim());
    if (!match) continue;
    const value = (match[2] ?? '')
      .trim()
      .replace(/^(["'])(.*)\1$/, '$2')
      .trim();
    if (value !== '') values.set((match[1] ?? '').toLowerCase(), value);
  }
  return values;
}

function pick(values: Map<string, string>, ...keys: string[]): string | null {
  for (const key of keys) {
    const value = values.get(key);
    if (value) return value;
  }
  return null;
}

function webUrl(value: string | null): string | null {
  if (!value || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
}

/** A front-matter date as ISO 8601 (date-only values stay dates); null when it is not a date. */
function isoDate(value: string | null): string | null {
  if (!value) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Number.isNaN(Date.parse(value)) ? null : value;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function splitFrontMatter(text: string): { body: string; meta: FrontMatter } {
  const match = FRONT_MATTER.exec(text);
  const values = match ? readFrontMatter(match[1] ?? '') : new Map<string, string>();
  return {
    body: match ? text.slice(match[0].length) : text,
    meta: {
      title: pick(values, 'title'),
      byline: pick(values, 'author', 'authors', 'byline'),
      publishedTime: isoDate(pick(values, 'date', 'published', 'publishedtime')),
      lang: pick(values, 'lang', 'language'),
      url: webUrl(pick(values, 'url', 'source', 'canonical', 'link')),
      siteName: pick(values, 'site', 'sitename', 'publisher'),
    },
  };
}

/**
 * Removes the heading that became the title, when it opens the document (a heading further down
 * belongs to the body), and lowers the remaining headings one level if any is an <h1>: the reader
 * shows the title as the page's only <h1>, and the sanitizer keeps <h2> to <h6>.
 */
function takeTitleHeading(root: DocumentFragment, useHeading: boolean): string | null {
  let title: string | null = null;
  const first = root.querySelector(HEADING_SELECTOR);
  if (useHeading && first) {
    title = first.textContent?.replace(/\s+/g, ' ').trim() || null;
    const opensDocument = root.firstElementChild === first;
    if (title && opensDocument) first.remove();
  }
  const headings = Array.from(root.querySelectorAll(HEADING_SELECTOR));
  if (headings.some((heading) => heading.tagName === 'H1')) {
    for (const heading of headings) {
      const level = Number(heading.tagName.slice(1));
      if (level >= 6) continue;
      const lowered = heading.ownerDocument.createElement(`h${level + 1}`);
      lowered.append(...Array.from(heading.childNodes));
      heading.replaceWith(lowered);
    }
  }
  return title;
}

/**
 * Imports a Markdown file's text. The title comes from front matter, else the first heading, else
 * the file name; contentHtml is sanitized. Never throws for odd input: Markdown has no syntax
 * errors.
 */
export function parseMarkdownArticle(text: string, fileName: string): NewArticle {
  const { body, meta } = splitFrontMatter(text.replace(/^\uFEFF/, ''));
  const rendered = markdownParser.parse(body, { async: false });

  // jsdom, not a regex, finds the headings: raw HTML in Markdown can be anything. A template's
  // content is inert, so nothing in it runs or loads while we look.
  const dom = new JSDOM('<!DOCTYPE html>', { virtualConsole: new VirtualConsole() });
  try {
    const template = dom.window.document.createElement('template');
    template.innerHTML = rendered;
    const headingTitle = takeTitleHeading(template.content, meta.title === null);
    const contentHtml = sanitizeHtml(template.innerHTML);

    template.innerHTML = contentHtml;
    const textContent = textFromDom(template.content);
    const firstParagraph = template.content.querySelector('p')?.textContent?.replace(/\s+/g, ' ');
    const lang = meta.lang ?? guessLanguage(textContent);
    return {
      title: meta.title ?? headingTitle ?? titleFromFileName(fileName),
      siteName: meta.siteName,
      section: null,
      byline: meta.byline,
      publishedTime: meta.publishedTime,
      excerpt: firstParagraph?.trim() ? truncate(firstParagraph.trim(), MAX_EXCERPT_CHARS) : null,
      url: meta.url,
      lang,
      dir: null,
      sourceKind: 'markdown',
      fileName,
      contentHtml,
      textContent,
      wordCount: countWords(textContent),
    };
  } finally {
    dom.window.close();
  }
}
