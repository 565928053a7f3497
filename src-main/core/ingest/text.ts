/**
 * Plain-text articles -> NewArticle. Two real layouts are recognized, plus anything in between:
 *
 * TRT World style (also the welcome article's):
 *     " date 2025-06-11 WORLD"            metadata line: ISO date and section
 *     title
 *     standfirst
 *     photo caption / Photo: AA           caption, credit after the last " / "
 *     June 11, 2025                       date line
 *     (blank line, then body blocks; a short unpunctuated block between paragraphs is a subheading)
 *
 * BBC style: title on the first line, then paragraphs separated by blank lines.
 *
 * The markup is built here with every piece of text escaped, then passed through sanitizeHtml like
 * any other importer's output, so the library only ever stores sanitized HTML.
 */
import type { NewArticle } from '../library/library';
import { sanitizeHtml } from './sanitize';
import { countWords } from './text-metrics';

/**
 * File-name prefix -> publisher, for plain-text files that do not name their site. Only the prefixes
 * of the collections we actually receive; add a row when a new one turns up. The first match wins,
 * so "trtworld-" sits before "trt-".
 */
const SITE_BY_FILE_PREFIX: ReadonlyArray<readonly [prefix: string, siteName: string]> = [
  ['trtworld-', 'TRT World'],
  ['trt-', 'TRT World'],
  ['bbc-', 'BBC News'],
];

/** Longest plausible title; a longer first line is a paragraph and the title comes from the file name. */
const MAX_TITLE_CHARS = 200;
/** Longest excerpt kept for the library list. */
const MAX_EXCERPT_CHARS = 300;
/** Subheadings are short: at most this many words and characters. */
const MAX_HEADING_WORDS = 10;
const MAX_HEADING_CHARS = 80;
/** A multi-line block whose lines run longer than this is one paragraph per line, not hard-wrapped. */
const HARD_WRAP_MAX_LINE = 100;

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** " date 2025-06-11 WORLD": the leading space is how these files come; the section is optional. */
const METADATA_LINE = /^\s*date\s+(\d{4}-\d{2}-\d{2})(?:\s+(.+?))?\s*$/i;
/** "June 11, 2025" or "Jun. 11 2025". */
const MONTH_DAY_YEAR = /^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$/i;
/** "11 June 2025". */
const DAY_MONTH_YEAR = /^(\d{1,2})\s+([a-z]+)\.?,?\s+(\d{4})$/i;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** "caption text / Photo: AA": the credit is whatever follows the last " / ". */
const CAPTION_WITH_CREDIT = /^(.*\S)\s+\/\s+([^/]{1,60})$/;
/** Credits start with one of these words ("Photo: AA", "Image: Reuters", "File photo")... */
const CREDIT_KEYWORD =
  /^(?:photo|image|picture|illustration|graphic|video|credit|file|archive|source)s?\b/i;
/** ...or are a short capitalized agency name ("Reuters", "AP Photo", "Getty Images"). */
const CREDIT_AGENCY = /^\p{Lu}[\p{L}&.'-]*(?:\s+\p{Lu}[\p{L}&.'-]*){0,3}$/u;
/** "By Jane Doe" / "By Jane Doe and John Roe". */
const BYLINE = /^by\s+\p{Lu}[\p{L}.'-]*(?:\s+(?:\p{Lu}[\p{L}.'-]*|and|&))*$/iu;
const BULLET_ITEM = /^[-*•–]\s+(.+)$/;
const NUMBERED_ITEM = /^\d{1,3}[.)]\s+(.+)$/;
/** Punctuation that ends a sentence (closing quotes and brackets included): such a line is prose. */
const TERMINAL_PUNCTUATION = /[.!?…:;,"'”’»)\]]$/;

type ParagraphItem = { kind: 'paragraph'; text: string; singleLineBlock: boolean };
type BodyItem =
  | ParagraphItem
  | { kind: 'heading'; text: string }
  | { kind: 'list'; ordered: boolean; items: string[] };

interface Header {
  title: string;
  standfirst: string | null;
  caption: { text: string; credit: string | null } | null;
  dateLine: string | null;
  byline: string | null;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Lines with whitespace collapsed and control characters gone; form feeds count as paragraph breaks. */
function normalizeLines(text: string): string[] {
  return (
    text
      .replace(/^\uFEFF/, '')
      .replace(/\r\n?/g, '\n')
      .replace(/[\f\v]/g, '\n\n')
      // eslint-disable-next-line no-control-regex -- removing stray control characters is the point
      .replace(/[\u0000-\u0008\u000E-\u001F\u007F]/g, '')
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' ').trim())
  );
}

/** Groups consecutive non-empty lines; blank lines separate blocks. */
function splitBlocks(lines: string[]): string[][] {
  const blocks: string[][] = [];
  let current: string[] = [];
  for (const line of lines) {
    if (line === '') {
      if (current.length > 0) blocks.push(current);
      current = [];
    } else {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current);
  return blocks;
}

/** ISO date (yyyy-mm-dd) for a real calendar date, else null. */
function isoDate(year: number, month: number, day: number): string | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    return null;
  }
  return date.toISOString().slice(0, 10);
}

function monthNumber(name: string): number | null {
  const lower = name.toLowerCase();
  if (lower.length < 3) return null;
  const index = MONTHS.findIndex((month) => month.startsWith(lower));
  return index === -1 ? null : index + 1;
}

/** A line that is only a date ("June 11, 2025", "11 June 2025", "2025-06-11") as an ISO date. */
function parseDateLine(line: string): string | null {
  let match = MONTH_DAY_YEAR.exec(line);
  if (match) {
    const month = monthNumber(match[1] ?? '');
    return month ? isoDate(Number(match[3]), month, Number(match[2])) : null;
  }
  match = DAY_MONTH_YEAR.exec(line);
  if (match) {
    const month = monthNumber(match[2] ?? '');
    return month ? isoDate(Number(match[3]), month, Number(match[1])) : null;
  }
  match = ISO_DATE.exec(line);
  if (match) return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
  return null;
}

function parseCaption(line: string): { text: string; credit: string } | null {
  const match = CAPTION_WITH_CREDIT.exec(line);
  if (!match) return null;
  const text = match[1] ?? '';
  const credit = (match[2] ?? '').trim();
  if (!CREDIT_KEYWORD.test(credit) && !CREDIT_AGENCY.test(credit)) return null;
  return { text, credit };
}

function isByline(line: string): boolean {
  return BYLINE.test(line) && countWords(line) <= 8;
}

function siteNameFromFileName(fileName: string): string | null {
  const lower = fileName.toLowerCase();
  const entry = SITE_BY_FILE_PREFIX.find(([prefix]) => lower.startsWith(prefix));
  return entry ? entry[1] : null;
}

/** "my-saved_article.txt" -> "my saved article": the title of last resort. */
export function titleFromFileName(fileName: string): string {
  const stem = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
  const words = stem.replace(/[-_]+/g, ' ').replace(/\s+/g, ' ').trim();
  return words === '' ? 'Untitled' : words;
}

/**
 * One block of lines -> body items. A block of bullet or numbered lines is a list; a block of long
 * (or all sentence-ending) lines is one paragraph per line; anything else is a hard-wrapped paragraph.
 * `standsAlone` is false for header lines left over under the title: not between blank lines, so
 * never a subheading.
 */
function blockToItems(lines: string[], standsAlone: boolean): BodyItem[] {
  if (lines.length >= 2) {
    if (lines.every((line) => BULLET_ITEM.test(line))) {
      return [
        {
          kind: 'list',
          ordered: false,
          items: lines.map((line) => line.replace(BULLET_ITEM, '$1')),
        },
      ];
    }
    if (lines.every((line) => NUMBERED_ITEM.test(line))) {
      return [
        {
          kind: 'list',
          ordered: true,
          items: lines.map((line) => line.replace(NUMBERED_ITEM, '$1')),
        },
      ];
    }
    const leading = lines.slice(0, -1);
    const linePerParagraph =
      leading.some((line) => line.length > HARD_WRAP_MAX_LINE) ||
      leading.every((line) => TERMINAL_PUNCTUATION.test(line));
    if (linePerParagraph) {
      return lines.map((text) => ({ kind: 'paragraph', text, singleLineBlock: false }));
    }
    return [{ kind: 'paragraph', text: lines.join(' '), singleLineBlock: false }];
  }
  return [{ kind: 'paragraph', text: lines[0] ?? '', singleLineBlock: standsAlone }];
}

/**
 * Whether a paragraph is really a subheading. Every condition guards against demoting a real short
 * paragraph: it stood alone between blank lines, it is short, it ends without any sentence
 * punctuation, it starts with a capital or a digit, it is not a byline, date or address, and a longer
 * paragraph (or a list) follows it: a heading always introduces something.
 */
function isSubheading(item: ParagraphItem, next: BodyItem | undefined): boolean {
  if (!item.singleLineBlock) return false;
  const text = item.text;
  const words = countWords(text);
  if (words === 0 || words > MAX_HEADING_WORDS || text.length > MAX_HEADING_CHARS) return false;
  if (TERMINAL_PUNCTUATION.test(text)) return false;
  if (!/^[\p{Lu}\p{N}]/u.test(text)) return false;
  if (isByline(text) || parseDateLine(text) !== null || /:\/\/|@/.test(text)) return false;
  if (!next) return false;
  if (next.kind === 'list') return true;
  return next.kind === 'paragraph' && countWords(next.text) > words;
}

/** Reads the header block (title and, in TRT layout, standfirst, caption and date line). */
function parseHeader(
  firstBlock: string[],
  hasMetadata: boolean,
  fileName: string,
): { header: Header; leftover: string[] } {
  const header: Header = {
    title: titleFromFileName(fileName),
    standfirst: null,
    caption: null,
    dateLine: null,
    byline: null,
  };
  const [first, ...rest] = firstBlock;
  if (first === undefined) return { header, leftover: [] };
  if (first.length > MAX_TITLE_CHARS) return { header, leftover: firstBlock };
  header.title = first;

  const leftover: string[] = [];
  for (const line of rest) {
    const caption = header.caption ? null : parseCaption(line);
    const date = header.dateLine ? null : parseDateLine(line);
    if (caption) {
      header.caption = caption;
    } else if (date) {
      header.dateLine = date;
    } else if (!header.byline && isByline(line)) {
      header.byline = line.replace(/^by\s+/i, '');
    } else if (hasMetadata && header.standfirst === null && leftover.length === 0) {
      // Only the TRT layout (announced by its metadata line) has a standfirst under the title; in
      // any other file a line there is the start of the body.
      header.standfirst = line;
    } else {
      leftover.push(line);
    }
  }
  return { header, leftover };
}

function bodyItemsToHtml(items: BodyItem[]): string[] {
  return items.map((item) => {
    if (item.kind === 'heading') return `<h2>${escapeHtml(item.text)}</h2>`;
    if (item.kind === 'list') {
      const tag = item.ordered ? 'ol' : 'ul';
      const entries = item.items.map((entry) => `<li>${escapeHtml(entry)}</li>`).join('');
      return `<${tag}>${entries}</${tag}>`;
    }
    return `<p>${escapeHtml(item.text)}</p>`;
  });
}

function bodyItemText(item: BodyItem): string {
  return item.kind === 'list' ? item.items.join('\n') : item.text;
}

/** Cuts `text` to at most `limit` characters at a word boundary when one is near, ending in an ellipsis. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > limit / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

/** Common English function words: a text made largely of them is English beyond doubt. */
const ENGLISH_MARKERS = new Set(
  'the of and to a in is that for on with as was it by at from his her be are has have said will not an which this were their'.split(
    ' ',
  ),
);

/** "en" when the text is evidently English (enough words, a fifth of them function words); else null. */
export function guessLanguage(text: string): string | null {
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < 30) return null;
  const markers = words.filter((word) => ENGLISH_MARKERS.has(word)).length;
  return markers / words.length >= 0.2 ? 'en' : null;
}

/**
 * Parses a plain-text article (already decoded) into the shape the library stores. Recognizes the
 * TRT World layout (metadata line, title, standfirst, caption with credit, date line, subheadings)
 * and the BBC layout (title, paragraphs); see the module comment. `fileName` supplies the site name
 * for known prefixes and the title when the text has none. Never throws; contentHtml is sanitized.
 */
export function parseTextArticle(text: string, fileName: string): NewArticle {
  const lines = normalizeLines(text);
  const firstContentIndex = lines.findIndex((line) => line !== '');
  const metadata =
    firstContentIndex === -1 ? null : METADATA_LINE.exec(lines[firstContentIndex] ?? '');
  if (metadata) lines.splice(firstContentIndex, 1);

  const blocks = splitBlocks(lines);
  const { header, leftover } = parseHeader(blocks[0] ?? [], metadata !== null, fileName);
  const rawItems = [
    ...(leftover.length > 0 ? blockToItems(leftover, false) : []),
    ...blocks.slice(1).flatMap((block) => blockToItems(block, true)),
  ];
  // "By Jane Doe" alone under the title is the byline, not the first paragraph.
  const firstItem = rawItems[0];
  if (
    !header.byline &&
    firstItem?.kind === 'paragraph' &&
    firstItem.singleLineBlock &&
    isByline(firstItem.text)
  ) {
    header.byline = firstItem.text.replace(/^by\s+/i, '');
    rawItems.shift();
  }
  const items: BodyItem[] = rawItems.map((item, index) =>
    item.kind === 'paragraph' && isSubheading(item, rawItems[index + 1])
      ? { kind: 'heading', text: item.text }
      : item,
  );

  const html: string[] = [];
  const plain: string[] = [];
  if (header.standfirst) {
    html.push(`<p class="standfirst">${escapeHtml(header.standfirst)}</p>`);
    plain.push(header.standfirst);
  }
  if (header.caption) {
    const { text: captionText, credit } = header.caption;
    const creditHtml = credit ? ` <span class="credit">${escapeHtml(credit)}</span>` : '';
    html.push(`<figure><figcaption>${escapeHtml(captionText)}${creditHtml}</figcaption></figure>`);
    plain.push(credit ? `${captionText} ${credit}` : captionText);
  }
  html.push(...bodyItemsToHtml(items));
  plain.push(...items.map(bodyItemText));

  const textContent = plain.join('\n\n');
  const firstParagraph = items.find((item) => item.kind === 'paragraph');
  const excerptSource = header.standfirst ?? (firstParagraph ? bodyItemText(firstParagraph) : null);
  const lang = guessLanguage(textContent);

  return {
    title: header.title,
    siteName: siteNameFromFileName(fileName),
    section: metadata?.[2] ?? null,
    byline: header.byline,
    publishedTime: (metadata?.[1] ? parseDateLine(metadata[1]) : null) ?? header.dateLine,
    excerpt: excerptSource ? truncate(excerptSource, MAX_EXCERPT_CHARS) : null,
    url: null,
    lang,
    dir: lang ? 'ltr' : null,
    sourceKind: 'text',
    fileName,
    contentHtml: sanitizeHtml(html.join('\n')),
    textContent,
    wordCount: countWords(textContent),
  };
}
