import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../../../src-main/core/ingest/decode';
import { parseTextArticle } from '../../../../src-main/core/ingest/text';

const corpusDir = new URL('../../../../../shared/corpus/text/', import.meta.url);

function parseCorpusFile(fileName: string) {
  const { text } = decodeText(readFileSync(new URL(fileName, corpusDir)));
  return parseTextArticle(text, fileName);
}

/** The texts of the body paragraphs (plain <p>, not the standfirst). */
function bodyParagraphs(html: string): string[] {
  return [...html.matchAll(/<p>(.*?)<\/p>/gs)].map((match) => match[1] ?? '');
}

function headings(html: string): string[] {
  return [...html.matchAll(/<h2>(.*?)<\/h2>/gs)].map((match) => match[1] ?? '');
}

describe('parseTextArticle on the TRT World file', () => {
  const article = parseCorpusFile('trtworld-2025-06-11-ukraine-bodies.txt');

  it('reads the metadata line, title and site', () => {
    expect(article.title).toBe(
      'Ukraine receives bodies of its soldiers from Russia under Istanbul deal',
    );
    expect(article.section).toBe('WORLD');
    expect(article.publishedTime).toBe('2025-06-11');
    expect(article.siteName).toBe('TRT World');
    expect(article.sourceKind).toBe('text');
    expect(article.fileName).toBe('trtworld-2025-06-11-ukraine-bodies.txt');
    expect(article.lang).toBe('en');
  });

  it('marks up the standfirst, and uses it as the excerpt', () => {
    const standfirst =
      'During the latest talks, the two sides agreed to exchange more prisoners of war and the return of the bodies of 6,000 soldiers from each side.';
    expect(article.contentHtml).toContain(`<p class="standfirst">${standfirst}</p>`);
    expect(article.excerpt).toBe(standfirst);
  });

  it('turns the photo caption into a figcaption with the credit apart', () => {
    expect(article.contentHtml).toContain(
      "<figure><figcaption>A representative of Russia's negotiating team said that Moscow delivered " +
        'the bodies of 1,212 Ukrainian servicemen to the exchange area. ' +
        '<span class="credit">Photo: AA</span></figcaption></figure>',
    );
    expect(article.contentHtml).not.toContain('/ Photo');
  });

  it('finds the one subheading and the eleven body paragraphs, in order', () => {
    expect(headings(article.contentHtml)).toEqual(['Kiev begins ID process']);
    const paragraphs = bodyParagraphs(article.contentHtml);
    expect(paragraphs).toHaveLength(11);
    expect(paragraphs[0]).toMatch(/^Ukraine has said that it received the first batch/);
    expect(paragraphs[4]).toMatch(/^The statement said that among the bodies/);
    expect(paragraphs[5]).toMatch(/^In April, Russia said/);
    expect(paragraphs[10]).toMatch(/according to state news agency TASS\.$/);
    // The heading sits between the fifth and sixth paragraph.
    const html = article.contentHtml;
    expect(html.indexOf('<h2>')).toBeGreaterThan(html.indexOf('where Kiev launched an incursion'));
    expect(html.indexOf('<h2>')).toBeLessThan(html.indexOf('In April, Russia said'));
  });

  it('keeps the date line out of the body and the curly quotes intact', () => {
    expect(article.contentHtml).not.toContain('June 11, 2025');
    expect(article.contentHtml).toContain('are “difficult.”');
    expect(article.textContent).toContain('in the country’s Kharkiv');
  });

  it('produces plain text with paragraphs separated by blank lines, and counts its words', () => {
    const blocks = article.textContent.split('\n\n');
    // standfirst, caption, 11 paragraphs and 1 heading
    expect(blocks).toHaveLength(14);
    expect(blocks[1]).toMatch(/to the exchange area\. Photo: AA$/);
    expect(blocks).toContain('Kiev begins ID process');
    expect(article.textContent).not.toContain('<');
    const expectedWords = article.textContent.split(/\s+/).filter((word) => /\w/.test(word)).length;
    expect(article.wordCount).toBe(expectedWords);
    expect(article.wordCount).toBeGreaterThan(380);
  });
});

describe('parseTextArticle on the BBC files', () => {
  const cases = [
    { file: 'bbc-business-001.txt', title: 'Ad sales boost Time Warner profit', paragraphs: 5 },
    { file: 'bbc-entertainment-001.txt', title: 'Gallery unveils interactive tree', paragraphs: 3 },
    { file: 'bbc-politics-001.txt', title: 'Labour plans maternity pay rise', paragraphs: 5 },
    { file: 'bbc-sport-199.txt', title: 'Chelsea sack Mutu', paragraphs: 2 },
    { file: 'bbc-tech-001.txt', title: 'Ink helps drive democracy in Asia', paragraphs: 9 },
  ];

  it.each(cases)('$file: title, $paragraphs paragraphs, no invented structure', (expected) => {
    const article = parseCorpusFile(expected.file);
    expect(article.title).toBe(expected.title);
    expect(article.siteName).toBe('BBC News');
    expect(bodyParagraphs(article.contentHtml)).toHaveLength(expected.paragraphs);
    expect(headings(article.contentHtml)).toEqual([]);
    expect(article.contentHtml).not.toContain('standfirst');
    expect(article.contentHtml).not.toContain('<figure>');
    expect(article.section).toBeNull();
    expect(article.publishedTime).toBeNull();
    expect(article.textContent.split('\n\n')).toHaveLength(expected.paragraphs);
    expect(article.excerpt).toBe(bodyParagraphs(article.contentHtml)[0]);
  });

  it('reads the Latin-1 sport story with its pound sign', () => {
    const article = parseCorpusFile('bbc-sport-199.txt');
    expect(article.contentHtml).toContain('a £15.8m signing from Parma');
    expect(article.textContent).not.toContain('\uFFFD');
  });

  it('escapes quotes and ampersands as text, never as markup', () => {
    const article = parseCorpusFile('bbc-politics-001.txt');
    expect(article.contentHtml).toContain('"desperate"');
    expect(article.contentHtml).toContain('£1,400');
  });
});

describe('every corpus text file', () => {
  const files = readdirSync(corpusDir).filter((name) => name.endsWith('.txt'));

  it('is covered by the cases above', () => {
    expect(files.sort()).toEqual([
      'bbc-business-001.txt',
      'bbc-entertainment-001.txt',
      'bbc-politics-001.txt',
      'bbc-sport-199.txt',
      'bbc-tech-001.txt',
      'trtworld-2025-06-11-ukraine-bodies.txt',
    ]);
  });

  it.each(files)('%s keeps every word of its body', (file) => {
    const { text } = decodeText(readFileSync(new URL(file, corpusDir)));
    const article = parseTextArticle(text, file);
    // Everything but the metadata line and the date line (both become metadata) survives, in order.
    const body = text.replace(' date 2025-06-11 WORLD\n', '').replace('\nJune 11, 2025\n', '\n');
    const words = (value: string) => value.split(/\s+/).filter((word) => /\w/.test(word));
    expect(words(`${article.title} ${article.textContent}`)).toEqual(words(body));
  });
});

describe('parseTextArticle heuristics', () => {
  const longParagraph =
    'This paragraph is long enough to be followed by nothing but prose, and it carries on for a while.';

  it('takes a short unpunctuated line between paragraphs as a subheading', () => {
    const article = parseTextArticle(
      `Title\n\n${longParagraph}\n\nWhat happens next\n\n${longParagraph}\n`,
      'a.txt',
    );
    expect(headings(article.contentHtml)).toEqual(['What happens next']);
  });

  it('does not turn short real paragraphs into headings', () => {
    const shortLines = [
      'He resigned.', // sentence punctuation
      '“We will not stop”', // a quotation
      'and then it rained', // lowercase start
      'By Jane Doe', // a byline
      'March 3, 2024', // a date
      'This line has far too many words to be any kind of heading at all here', // too long
    ];
    for (const line of shortLines) {
      const article = parseTextArticle(
        `Title\n\n${longParagraph}\n\n${line}\n\n${longParagraph}\n`,
        'a.txt',
      );
      expect(headings(article.contentHtml), line).toEqual([]);
    }
  });

  it('does not take the last block, or one followed by a shorter line, as a heading', () => {
    const last = parseTextArticle(`Title\n\n${longParagraph}\n\nThe end\n`, 'a.txt');
    expect(headings(last.contentHtml)).toEqual([]);
    expect(bodyParagraphs(last.contentHtml)).toEqual([longParagraph, 'The end']);

    const signOff = parseTextArticle(`Title\n\n${longParagraph}\n\nBest wishes\n\nAnna\n`, 'a.txt');
    expect(headings(signOff.contentHtml)).toEqual([]);
  });

  it('takes a line that is not inside a blank-line block on its own as prose', () => {
    const article = parseTextArticle(
      `Title\n\n${longParagraph}\nShort line here\n${longParagraph}\n`,
      'a.txt',
    );
    expect(headings(article.contentHtml)).toEqual([]);
  });

  it('does not take a line right under the title as a heading', () => {
    const article = parseTextArticle(`Title\nA second line\n\n${longParagraph}\n`, 'a.txt');
    expect(headings(article.contentHtml)).toEqual([]);
    expect(bodyParagraphs(article.contentHtml)).toEqual(['A second line', longParagraph]);
  });

  it('joins hard-wrapped lines into one paragraph', () => {
    const article = parseTextArticle(
      'Wrapped story\n\nThis paragraph was wrapped at a fixed width\nby an old mail program, so its lines\nbreak in mid-sentence.\n\nSecond one.\n',
      'wrapped.txt',
    );
    expect(bodyParagraphs(article.contentHtml)).toEqual([
      'This paragraph was wrapped at a fixed width by an old mail program, so its lines break in mid-sentence.',
      'Second one.',
    ]);
  });

  it('reads bullet and numbered lists', () => {
    const article = parseTextArticle(
      'Lists\n\n- first item\n- second item\n\n1. one\n2) two\n',
      'lists.txt',
    );
    expect(article.contentHtml).toContain('<ul><li>first item</li><li>second item</li></ul>');
    expect(article.contentHtml).toContain('<ol><li>one</li><li>two</li></ol>');
  });

  it('escapes markup in the text so it shows as text', () => {
    const article = parseTextArticle(
      'A <b>bold</b> title\n\nUse <script>alert(1)</script> & <img src=x onerror=alert(1)> here.\n',
      'x.txt',
    );
    expect(article.title).toBe('A <b>bold</b> title');
    expect(article.contentHtml).toBe(
      '<p>Use &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt; here.</p>',
    );
  });

  it('handles CRLF line ends and a BOM left in the text', () => {
    const article = parseTextArticle(
      '\uFEFF date 2024-02-29 SPORT\r\nLeap day\r\nThe standfirst.\r\n\r\nBody text.\r\n',
      'crlf.txt',
    );
    expect(article.title).toBe('Leap day');
    expect(article.section).toBe('SPORT');
    expect(article.publishedTime).toBe('2024-02-29');
    expect(article.contentHtml).toBe(
      '<p class="standfirst">The standfirst.</p>\n<p>Body text.</p>',
    );
  });

  it('takes the date line when there is no metadata line, and a byline under the title', () => {
    const article = parseTextArticle(
      'Storm hits coast\nBy Jane Doe\n11 June 2025\n\nWinds reached 100 km/h.\n',
      'storm.txt',
    );
    expect(article.publishedTime).toBe('2025-06-11');
    expect(article.byline).toBe('Jane Doe');
    expect(bodyParagraphs(article.contentHtml)).toEqual(['Winds reached 100 km/h.']);
  });

  it('ignores an impossible date', () => {
    expect(
      parseTextArticle(' date 2025-02-30 WORLD\nTitle\n\nBody.\n', 'a.txt').publishedTime,
    ).toBeNull();
  });

  it('falls back to the file name for a title when the first line is a paragraph', () => {
    const paragraph = 'x '.repeat(150).trim();
    const article = parseTextArticle(`${paragraph}\n`, 'my_saved-notes.txt');
    expect(article.title).toBe('my saved notes');
    expect(bodyParagraphs(article.contentHtml)).toEqual([paragraph]);
    expect(article.siteName).toBeNull();
  });

  it('keeps excerpts to 300 characters, cut at a word', () => {
    const words = 'word '.repeat(100).trim();
    const article = parseTextArticle(`Title\n\n${words}\n`, 'a.txt');
    expect(article.excerpt?.length).toBeLessThanOrEqual(300);
    expect(article.excerpt).toMatch(/^(word )+word…$/);
  });

  it('does not guess a language for text that is not evidently English', () => {
    const french =
      'Le président a déclaré que la réforme serait présentée devant les députés avant la fin du mois, ' +
      'malgré les critiques des syndicats et de plusieurs élus de la majorité qui demandent plus de temps.';
    const article = parseTextArticle(`Titre\n\n${french}\n`, 'fr.txt');
    expect(article.lang).toBeNull();
    expect(article.dir).toBeNull();
  });
});
