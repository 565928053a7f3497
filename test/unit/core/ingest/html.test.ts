/**
 * The web page importer on small pages written for one behaviour each: decoding by BOM, transport
 * charset, <meta> and detection; the page address; metadata clean-up; plain text and word counts;
 * refusal of pages that hold no article.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { OffprintError } from '../../../../src-main/shared/errors';
import { MAX_IMPORT_BYTES } from '../../../../src-main/shared/limits';
import { normalizePublishedTime, parseHtmlArticle } from '../../../../src-main/core/ingest/html';
import { importBytes } from '../../../../src-main/core/ingest/import-file';
import { RecordingLibrary } from './fake-library';
import {
  charsetFromContentType,
  decodeHtml,
  encodingForLabel,
} from '../../../../src-main/core/ingest/html-encoding';
import { countWords } from '../../../../src-main/core/ingest/text-metrics';

const PARAGRAPHS = [
  'The city council voted on Monday to extend the night bus service to the northern suburbs, a change that residents, shift workers and students have requested for almost a decade.',
  'Under the plan, three new routes will run every thirty minutes between midnight and five in the morning, and the existing routes will gain stops near the hospital and the university campus.',
  'The transport department estimates the extension will cost about two million a year, paid partly from parking revenue, and says it will review ridership after the first twelve months.',
];

interface PageParts {
  head?: string;
  htmlAttributes?: string;
  body?: string;
}

/** A small but real-looking article page; `body` replaces the default article when given. */
function page({ head = '', htmlAttributes = 'lang="en"', body }: PageParts = {}): string {
  const article =
    body ??
    `<article><h1>Night buses reach the suburbs</h1>${PARAGRAPHS.map((text) => `<p>${text}</p>`).join('\n')}</article>`;
  return `<!DOCTYPE html><html ${htmlAttributes}><head>${head}<title>Night buses reach the suburbs</title></head><body>${article}</body></html>`;
}

const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

function importError(run: () => unknown): OffprintError {
  try {
    run();
  } catch (error) {
    if (error instanceof OffprintError) return error;
    throw error;
  }
  throw new Error('expected the import to fail');
}

describe('decoding a page', () => {
  const russian = 'Погода в Москве: снег и метель, температура ниже нуля.';

  it('obeys a UTF-16 byte order mark', () => {
    const bytes = new Uint8Array([
      0xff,
      0xfe,
      ...iconv.encode(page({ body: `<p>${russian}</p>` }), 'utf16le'),
    ]);
    const decoded = decodeHtml(bytes);
    expect(decoded).toMatchObject({ encoding: 'UTF-16LE', source: 'byte-order-mark' });
    expect(decoded.text).toContain(russian);
    expect(decoded.text.charCodeAt(0)).not.toBe(0xfeff);
  });

  it('lets the Content-Type charset win over the page <meta>', () => {
    const html = page({ head: '<meta charset="utf-8">', body: `<p>${russian}</p>` });
    const decoded = decodeHtml(
      iconv.encode(html, 'windows-1251'),
      'text/html; charset="windows-1251"',
    );
    expect(decoded).toMatchObject({ encoding: 'windows-1251', source: 'content-type' });
    expect(decoded.text).toContain(russian);
  });

  it('reads <meta charset> and <meta http-equiv> in legacy encodings', () => {
    const japanese = 'トレンドマイクロは公衆無線LANを安全に使うためのアプリを発表した。';
    const shiftJis = iconv.encode(
      page({ head: '<meta charset="shift_jis">', body: `<p>${japanese}</p>` }),
      'shift_jis',
    );
    expect(decodeHtml(shiftJis)).toMatchObject({ encoding: 'Shift_JIS', source: 'meta' });
    expect(decodeHtml(shiftJis).text).toContain(japanese);

    const koi8 = iconv.encode(
      page({
        head: '<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">',
        body: `<p>${russian}</p>`,
      }),
      'koi8-r',
    );
    expect(decodeHtml(koi8)).toMatchObject({ encoding: 'KOI8-R', source: 'meta' });
    expect(decodeHtml(koi8).text).toContain(russian);
  });

  it('reads ISO-8859-1 as windows-1252, as browsers do (curly quotes live in 0x80-0x9F)', () => {
    const bytes = iconv.encode(
      page({ head: '<meta charset="iso-8859-1">', body: '<p>“Café” — naïve</p>' }),
      'windows-1252',
    );
    expect(decodeHtml(bytes)).toMatchObject({ encoding: 'windows-1252', source: 'meta' });
    expect(decodeHtml(bytes).text).toContain('“Café” — naïve');
  });

  it('believes valid UTF-8 bytes over a stale legacy <meta> (the corpus qq page)', () => {
    const bytes = readFileSync(
      path.resolve(process.cwd(), '../shared/corpus/readability/qq/source.html'),
    );
    expect(bytes.subarray(0, 1024).toString('latin1')).toMatch(/charset=gb2312/i);
    const decoded = decodeHtml(bytes);
    expect(decoded).toMatchObject({ encoding: 'UTF-8', source: 'utf-8-content' });
    expect(decoded.text).toContain('DeepMind新电脑已可利用记忆自学');
  });

  it('still decodes real GBK bytes as the <meta> says', () => {
    const chinese = '人工智能迈上新台阶，新电脑已可利用记忆自学。';
    const bytes = iconv.encode(
      page({ head: '<meta charset="gb2312">', body: `<p>${chinese}</p>` }),
      'gbk',
    );
    expect(decodeHtml(bytes)).toMatchObject({ encoding: 'GBK', source: 'meta' });
    expect(decodeHtml(bytes).text).toContain(chinese);
  });

  it('without any declaration: UTF-8 if the bytes are UTF-8', () => {
    const decoded = decodeHtml(utf8(page({ body: '<p>Māori “tribes” – Zürich</p>' })));
    expect(decoded).toMatchObject({ encoding: 'UTF-8', source: 'utf-8-content' });
    expect(decoded.text).toContain('Māori “tribes” – Zürich');
  });

  it('without any declaration: detects a legacy encoding, else falls back to windows-1252', () => {
    const russianPage = page({ body: `<p>${russian.repeat(8)}</p>` });
    const koi8 = decodeHtml(iconv.encode(russianPage, 'koi8-r'));
    expect(koi8).toMatchObject({ encoding: 'KOI8-R', source: 'detected' });
    expect(koi8.text).toContain(russian);
    const cp1251 = decodeHtml(iconv.encode(russianPage, 'windows-1251'));
    expect(cp1251).toMatchObject({ encoding: 'windows-1251', source: 'detected' });

    const japanese = 'トレンドマイクロは公衆無線LANを安全に使うためのアプリを発表した。';
    const shiftJis = decodeHtml(iconv.encode(page({ body: `<p>${japanese}</p>` }), 'shift_jis'));
    expect(shiftJis).toMatchObject({ encoding: 'Shift_JIS', source: 'detected' });
    expect(shiftJis.text).toContain(japanese);

    // One sentence is too little to tell KOI8-R from Latin-1 with any confidence: no guessing.
    expect(decodeHtml(iconv.encode(page({ body: `<p>${russian}</p>` }), 'koi8-r')).source).toBe(
      'default',
    );

    const french = decodeHtml(
      iconv.encode(
        page({ body: '<p>Le député a été élu à Nîmes, déjà très âgé.</p>' }),
        'windows-1252',
      ),
    );
    expect(french.encoding).toBe('windows-1252');
    expect(french.text).toContain('Le député a été élu à Nîmes, déjà très âgé.');

    // Bytes that spell nothing in any language: the HTML Standard's default.
    const noise = decodeHtml(new Uint8Array([0x3c, 0x70, 0x3e, 0x80, 0x3c, 0x2f, 0x70, 0x3e]));
    expect(noise).toMatchObject({ encoding: 'windows-1252', source: 'default' });
    expect(noise.text).toBe('<p>€</p>');
  });

  it('decodes x-user-defined into the private-use range, as the Encoding Standard says', () => {
    const decoded = decodeHtml(
      new Uint8Array([0x41, 0x80, 0xff]),
      'text/html; charset=x-user-defined',
    );
    expect(decoded).toMatchObject({ encoding: 'x-user-defined', source: 'content-type' });
    expect(decoded.text).toBe('A\uf780\uf7ff');
  });

  it('parses charset labels the way the Encoding Standard does', () => {
    expect(charsetFromContentType('text/html; charset="GB2312"')).toBe('GB2312');
    expect(charsetFromContentType('text/html;charset=utf-8;q=1')).toBe('utf-8');
    expect(charsetFromContentType('text/html')).toBeNull();
    expect(encodingForLabel('latin1')).toBe('windows-1252');
    expect(encodingForLabel(' UTF8 ')).toBe('UTF-8');
    expect(encodingForLabel('no-such-charset')).toBeNull();
  });
});

describe('importing a page', () => {
  it('produces a complete NewArticle from a well-marked page', () => {
    const head = [
      '<meta property="og:site_name" content="Harbour Gazette">',
      '<meta name="author" content="Ana  Ruiz">',
      '<meta property="article:published_time" content="2024-03-05T09:30:00+0100">',
      '<meta property="article:section" content="City">',
      '<meta name="description" content="Three new routes will run every thirty minutes after midnight.">',
      '<meta property="og:image" content="/media/night-bus.jpg">',
    ].join('');
    const article = parseHtmlArticle(utf8(page({ head })), {
      url: 'https://gazette.example/city/2024/night-buses',
      fileName: 'night-buses.html',
    });

    expect(article).toMatchObject({
      title: 'Night buses reach the suburbs',
      siteName: 'Harbour Gazette',
      section: 'City',
      byline: 'Ana Ruiz',
      publishedTime: '2024-03-05T09:30:00+01:00',
      excerpt: 'Three new routes will run every thirty minutes after midnight.',
      url: 'https://gazette.example/city/2024/night-buses',
      lang: 'en',
      dir: null,
      sourceKind: 'html',
      fileName: 'night-buses.html',
      leadImageUrl: 'https://gazette.example/media/night-bus.jpg',
    });
    expect(article.textContent).toBe(PARAGRAPHS.join('\n\n'));
    expect(article.wordCount).toBe(countWords(PARAGRAPHS.join(' ')));
    expect(article.wordCount).toBe(91);
    expect(article.contentHtml).toContain('<p>The city council voted on Monday');
  });

  it('finds its address in the canonical link, then og:url', () => {
    const canonical = parseHtmlArticle(
      utf8(
        page({
          head: '<link rel="canonical" href="https://a.example/story"><meta property="og:url" content="https://b.example/story">',
        }),
      ),
      {},
    );
    expect(canonical.url).toBe('https://a.example/story');

    const ogUrl = parseHtmlArticle(
      utf8(page({ head: '<meta property="og:url" content="https://b.example/story">' })),
      {},
    );
    expect(ogUrl.url).toBe('https://b.example/story');

    const given = parseHtmlArticle(
      utf8(page({ head: '<link rel="canonical" href="https://a.example/story">' })),
      { url: 'https://mirror.example/copy' },
    );
    expect(given.url).toBe('https://mirror.example/copy');
  });

  it('keeps right-to-left direction and the page language', () => {
    const arabic =
      'قال المجلس البلدي يوم الاثنين إن خدمة الحافلات الليلية ستمتد إلى الضواحي الشمالية، وهو تغيير طالب به السكان والعمال والطلاب منذ ما يقرب من عقد من الزمن.';
    const article = parseHtmlArticle(
      utf8(
        page({
          htmlAttributes: 'lang="ar" dir="rtl"',
          body: `<article><p>${arabic}</p><p>${arabic}</p><p>${arabic}</p></article>`,
        }),
      ),
      {},
    );
    expect(article.lang).toBe('ar');
    expect(article.dir).toBe('rtl');
  });

  it('takes the language from og:locale when <html> has no lang', () => {
    const article = parseHtmlArticle(
      utf8(page({ htmlAttributes: '', head: '<meta property="og:locale" content="en_GB">' })),
      {},
    );
    expect(article.lang).toBe('en-GB');
  });

  it('refuses a byline that is a dateline and takes the author meta instead', () => {
    const body = `<article><h1>Night buses reach the suburbs</h1><div class="byline">April 28, 2019 at 6:01 am Updated April 29, 2019</div>${PARAGRAPHS.map((text) => `<p>${text}</p>`).join('')}</article>`;
    const withMeta = parseHtmlArticle(
      utf8(page({ head: '<meta itemprop="author" content="Benjamin Romano">', body })),
      {},
    );
    expect(withMeta.byline).toBe('Benjamin Romano');
    expect(parseHtmlArticle(utf8(page({ body })), {}).byline).toBeNull();

    const named = body.replace('April 28, 2019 at 6:01 am Updated April 29, 2019', 'By April Ryan');
    expect(parseHtmlArticle(utf8(page({ body: named })), {}).byline).toBe('By April Ryan');
  });

  it('gives lazy-loaded images their real address', () => {
    const body = `<article>${PARAGRAPHS.map((text) => `<p>${text}</p>`).join('')}<figure><img data-src="https://cdn.example/images/1227?format=jpg" alt="Bus"><figcaption>A night bus.</figcaption></figure><p>${PARAGRAPHS[0]}</p></article>`;
    const article = parseHtmlArticle(utf8(page({ body })), {});
    expect(article.contentHtml).toContain('src="https://cdn.example/images/1227?format=jpg"');
  });

  it('writes paragraphs, list items and table rows as separate paragraphs of plain text', () => {
    const body = `<article>${PARAGRAPHS.map((text) => `<p>${text}</p>`).join('')}
      <ul><li>Route N1: centre to Northgate</li><li>Route N2:
        centre to Hillside</li></ul>
      <table><tr><th>Route</th><th>Every</th></tr><tr><td>N1</td><td>30 min</td></tr></table>
      <p>Timetables are<br>at every stop.</p></article>`;
    const article = parseHtmlArticle(utf8(page({ body })), {});
    expect(article.textContent.split('\n\n').slice(3)).toEqual([
      'Route N1: centre to Northgate',
      'Route N2: centre to Hillside',
      'Route Every',
      'N1 30 min',
      'Timetables are\nat every stop.',
    ]);
  });

  it('falls back to the file name for a page without any title', () => {
    const html = `<html><body><article>${PARAGRAPHS.map((text) => `<p>${text}</p>`).join('')}</article></body></html>`;
    expect(parseHtmlArticle(utf8(html), { fileName: 'night-buses.html' }).title).toBe(
      'night-buses',
    );
  });

  it('refuses pages that hold no article', () => {
    const empty = importError(() =>
      parseHtmlArticle(utf8('<html><head><title>Nothing</title></head><body></body></html>'), {}),
    );
    expect(empty.code).toBe('unsupported-file');
    expect(empty.message).toMatch(/No article was found/);

    const menu = importError(() =>
      parseHtmlArticle(
        utf8(page({ body: '<nav><a href="/a">News</a> <a href="/b">Sport</a></nav>' })),
        {
          fileName: 'menu.html',
        },
      ),
    );
    expect(menu.code).toBe('unsupported-file');
    expect(menu.message).toContain('"menu.html"');

    const imageOnly = importError(() =>
      parseHtmlArticle(utf8(page({ body: '<img src="https://cdn.example/a.png">' })), {}),
    );
    expect(imageOnly.code).toBe('unsupported-file');
  });

  it('refuses empty and oversized input before parsing', () => {
    expect(importError(() => parseHtmlArticle(new Uint8Array(0), {})).code).toBe('empty-file');
    const oversized = new Uint8Array(MAX_IMPORT_BYTES + 1);
    expect(importError(() => parseHtmlArticle(oversized, {})).code).toBe('too-large');
  });
});

describe('file import', () => {
  it('sends .html and .htm files to the web page importer', async () => {
    const library = new RecordingLibrary();
    const bytes = iconv.encode(page({ head: '<meta charset="windows-1252">' }), 'windows-1252');
    for (const name of ['night-buses.html', 'NIGHT-BUSES.HTM']) {
      const outcome = await importBytes(library, name, bytes);
      expect(outcome.status).toBe('saved');
    }
    expect(library.added.map((article) => [article.sourceKind, article.fileName])).toEqual([
      ['html', 'night-buses.html'],
      ['html', 'NIGHT-BUSES.HTM'],
    ]);
    expect(library.added[0]?.textContent).toBe(PARAGRAPHS.join('\n\n'));
  });

  it('reports a page without an article as a failed, named import', async () => {
    const library = new RecordingLibrary();
    const outcome = await importBytes(
      library,
      'menu.html',
      utf8(page({ body: '<nav>News</nav>' })),
    );
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'unsupported-file' } });
    expect(outcome.status === 'failed' && outcome.error.message).toContain('"menu.html"');
    expect(library.added).toEqual([]);
  });
});

describe('publication times', () => {
  it('rewrites near-ISO values without moving them in time', () => {
    expect(normalizePublishedTime('2021-11-01T10:52:50+0100')).toBe('2021-11-01T10:52:50+01:00');
    expect(normalizePublishedTime('2017-11-03 03:01:00.000000')).toBe('2017-11-03T03:01:00.000000');
    expect(normalizePublishedTime('2015-04-30T07:19:58')).toBe('2015-04-30T07:19:58');
    expect(normalizePublishedTime('2019-01-03T07:00:02.000Z')).toBe('2019-01-03T07:00:02.000Z');
    expect(normalizePublishedTime('2019-04-28')).toBe('2019-04-28');
  });

  it('converts other formats only when they name a zone', () => {
    expect(normalizePublishedTime('Fri, 03 Nov 2017 03:01:00 GMT')).toBe(
      '2017-11-03T03:01:00.000Z',
    );
    expect(normalizePublishedTime('November 3, 2017')).toBeNull();
    expect(normalizePublishedTime('yesterday')).toBeNull();
    expect(normalizePublishedTime('2019-13-45')).toBeNull();
  });
});

describe('word counts', () => {
  it('counts words between spaces, ignoring punctuation-only tokens', () => {
    expect(countWords('Hello, world — it’s 2024 and e-mail still works.')).toBe(8);
    expect(countWords('  \n\n ')).toBe(0);
  });

  it('counts Chinese and Japanese characters one by one', () => {
    expect(countWords('人工智能迈上新台阶。')).toBe(9);
    // Kana, kanji and the prolonged-sound mark count; 、 and 。 do not; "Wi-Fi" is one word.
    expect(countWords('トレーニング、Wi-Fiを使う。')).toBe(6 + 1 + 3);
  });

  it('counts Thai words by dictionary segmentation, Korean words by spaces', () => {
    expect(countWords('ภาษาไทยง่ายนิดเดียว')).toBeGreaterThanOrEqual(3);
    expect(countWords('한국어 단어는 띄어 씁니다')).toBe(4);
  });
});
