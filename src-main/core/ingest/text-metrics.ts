/**
 * Plain text from article HTML, and word counts that hold for languages written without spaces.
 * Both feed search, reading time and the CLI, so they must not depend on how a page was indented.
 */

/** Elements that begin and end a paragraph of plain text. */
const BLOCK_ELEMENTS = new Set([
  'ADDRESS',
  'ARTICLE',
  'ASIDE',
  'BLOCKQUOTE',
  'CAPTION',
  'DD',
  'DETAILS',
  'DIALOG',
  'DIV',
  'DL',
  'DT',
  'FIELDSET',
  'FIGCAPTION',
  'FIGURE',
  'FOOTER',
  'FORM',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
  'HEADER',
  'HGROUP',
  'HR',
  'LI',
  'MAIN',
  'NAV',
  'OL',
  'P',
  'PRE',
  'SECTION',
  'SUMMARY',
  'TABLE',
  'TBODY',
  'TFOOT',
  'THEAD',
  'TR',
  'UL',
]);

/** Table cells stay on their row's line, but must not glue their words to the next cell's. */
const CELL_ELEMENTS = new Set(['TD', 'TH']);

/** Never text, even if a caller hands over unsanitized markup. */
const SKIPPED_ELEMENTS = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'NOSCRIPT', 'svg', 'math']);

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;

/**
 * The text of a DOM subtree as paragraphs separated by blank lines: every block element (p, li,
 * h1..h6, tr, ...) is a paragraph, <br> is a line break inside one, other whitespace collapses as a
 * browser would render it, and <pre> keeps its lines.
 */
export function textFromDom(root: Node): string {
  const paragraphs: string[] = [];
  let current = '';

  const endParagraph = () => {
    const lines = current
      .split('\n')
      .map((line) => line.replace(/[ \t\f\r]+/g, ' ').trim())
      .filter((line) => line !== '');
    if (lines.length > 0) paragraphs.push(lines.join('\n'));
    current = '';
  };

  const visit = (node: Node, preformatted: boolean) => {
    if (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) {
      const data = node.nodeValue ?? '';
      // Outside <pre>, newlines in the source are just spaces; NBSP and friends too.
      current += preformatted ? data : data.replace(/\s+/g, ' ');
      return;
    }
    if (node.nodeType !== ELEMENT_NODE) {
      // Documents and fragments: walk their children; comments and the rest carry no text.
      if (node.nodeType === 9 || node.nodeType === 11) {
        for (const child of Array.from(node.childNodes)) visit(child, preformatted);
      }
      return;
    }
    const name = (node as Element).tagName;
    if (SKIPPED_ELEMENTS.has(name)) return;
    if (name === 'BR') {
      current += '\n';
      return;
    }
    const isBlock = BLOCK_ELEMENTS.has(name);
    if (isBlock) endParagraph();
    if (CELL_ELEMENTS.has(name)) current += ' ';
    const keepLines = preformatted || name === 'PRE' || name === 'TEXTAREA';
    for (const child of Array.from(node.childNodes)) visit(child, keepLines);
    if (CELL_ELEMENTS.has(name)) current += ' ';
    if (isBlock) endParagraph();
  };

  visit(root, false);
  endParagraph();
  return paragraphs.join('\n\n');
}

/**
 * A letter of a script written without spaces between words (Chinese, Japanese kana and kanji):
 * each counts as one word, the usual measure for reading time in those languages. Script
 * extensions catch marks such as the prolonged-sound mark ー; the letter test leaves out 、 and 。.
 */
const IDEOGRAPHIC_LETTER = /(?=[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}])\p{L}/gu;

/** Scripts with no spaces between words whose words are not single characters. */
const UNSPACED_SCRIPT = /[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;

/** Something that reads as a word: it holds at least one letter or digit (not "—" or "•"). */
const WORDLIKE = /[\p{L}\p{N}]/u;

let unspacedSegmenter: Intl.Segmenter | undefined;

/**
 * Counts words: runs of letters and digits between spaces; each Chinese or Japanese character
 * alone; Thai, Lao, Khmer and Myanmar words by ICU's dictionary segmentation.
 */
export function countWords(text: string): number {
  let count = 0;
  // Give each ideographic character its own token; what remains is split on whitespace.
  const spaced = text.replace(IDEOGRAPHIC_LETTER, () => {
    count += 1;
    return ' ';
  });
  for (const token of spaced.split(/\s+/)) {
    if (!WORDLIKE.test(token)) continue;
    if (UNSPACED_SCRIPT.test(token)) {
      unspacedSegmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
      for (const segment of unspacedSegmenter.segment(token)) if (segment.isWordLike) count += 1;
    } else {
      count += 1;
    }
  }
  return count;
}
