/**
 * MHTML archives (.mhtml, .mht) built here the way Chrome writes them: the page as
 * quoted-printable HTML, its images as base64 parts named by Content-Location (or Content-ID). The
 * page is extracted with its Content-Location as address; images the archive holds are stored
 * without any request, the others fetched as usual (from a local server); hostile parts stay out.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importBytes, importPath } from '../../../../src-main/core/ingest/import-file';
import { LocalImages } from '../../../../src-main/core/ingest/local-images';
import {
  decodeQuotedPrintable,
  parseMhtml,
  parseMhtmlArticle,
} from '../../../../src-main/core/ingest/mhtml';
import type { Library } from '../../../../src-main/core/library/library';
import { openLibrary } from '../../../../src-main/core/library/store';
import type { Article, ImportOutcome } from '../../../../src-main/shared/model';
import {
  ARTICLE_PARAGRAPHS,
  type WebFixture,
  respond,
  startWebFixture,
  tinyPng,
} from './web-fixture';

let web: WebFixture;
let dir: string;
let library: Library;

beforeAll(async () => {
  web = await startWebFixture();
  web.route('/img/remote.png', respond(tinyPng(9, 9, 9), { 'Content-Type': 'image/png' }));
});

afterAll(async () => {
  await web.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offprint-mhtml-'));
  ({ library } = await openLibrary(join(dir, 'library')));
  web.requests.length = 0;
});

afterEach(async () => {
  await library.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Quoted-printable as Chrome writes it: `=XX` for non-ASCII and `=`, soft breaks at 76. */
function quotedPrintable(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const lines: string[] = [];
  let line = '';
  for (const byte of bytes) {
    if (byte === 0x0a) {
      lines.push(line);
      line = '';
      continue;
    }
    const encoded =
      byte === 0x3d || byte > 0x7e || (byte < 0x20 && byte !== 0x09)
        ? `=${byte.toString(16).toUpperCase().padStart(2, '0')}`
        : String.fromCharCode(byte);
    if (line.length + encoded.length > 75) {
      lines.push(`${line}=`);
      line = '';
    }
    line += encoded;
  }
  lines.push(line);
  return lines.join('\r\n');
}

function base64Lines(bytes: Uint8Array): string {
  return (
    Buffer.from(bytes)
      .toString('base64')
      .match(/.{1,76}/g)
      ?.join('\r\n') ?? ''
  );
}

interface Part {
  type: string;
  location?: string;
  id?: string;
  body: string;
  encoding: 'quoted-printable' | 'base64';
}

/** An MHTML archive with Chrome's layout: headers, then the page, then its resources. */
function archive(parts: Part[], pageUrl: string, title = 'Saved page'): Buffer {
  const boundary = '----MultipartBoundary--xWqK8Tz0mNc5mPLm3lqn4cTn9Y8cZzWJ2JrrJ0rBsl----';
  const head = [
    'From: <Saved by Blink>',
    `Snapshot-Content-Location: ${pageUrl}`,
    `Subject: ${title}`,
    'Date: Tue, 3 Jun 2025 10:00:00 -0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/related;',
    '\ttype="text/html";',
    `\tboundary="${boundary}"`,
    '',
    '',
  ].join('\r\n');
  const body = parts
    .map((part) =>
      [
        `--${boundary}`,
        `Content-Type: ${part.type}`,
        ...(part.id ? [`Content-ID: <${part.id}>`] : []),
        `Content-Transfer-Encoding: ${part.encoding}`,
        ...(part.location ? [`Content-Location: ${part.location}`] : []),
        '',
        part.body,
      ].join('\r\n'),
    )
    .join('\r\n');
  return Buffer.from(`${head}${body}\r\n--${boundary}--\r\n`, 'latin1');
}

function page(extra: string): string {
  const paragraphs = ARTICLE_PARAGRAPHS.map((text) => `<p>${text}</p>`).join('\n');
  return `<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Le café des bus de nuit</title></head><body><article><h1>Le café des bus de nuit</h1>${paragraphs}${extra}</article></body></html>`;
}

function imagePart(location: string, bytes: Uint8Array, type = 'image/png'): Part {
  return { type, location, body: base64Lines(bytes), encoding: 'base64' };
}

async function saved(outcome: ImportOutcome): Promise<Article> {
  if (outcome.status !== 'saved') throw new Error(`not saved: ${JSON.stringify(outcome)}`);
  return library.get(outcome.article.id);
}

describe('decodeQuotedPrintable', () => {
  it('undoes =XX, soft line breaks, and keeps stray = signs', () => {
    const decoded = decodeQuotedPrintable('caf=C3=A9 a=3Db =\r\nsuite=\nfin = x =ZZ');
    expect(Buffer.from(decoded).toString('utf8')).toBe('café a=b suitefin = x =ZZ');
  });
});

describe('parseMhtml', () => {
  it('reads headers, folded lines, both transfer encodings and nested multiparts', () => {
    const inner = '----inner';
    const nested: Part = {
      type: `multipart/alternative; boundary="${inner}"`,
      encoding: 'quoted-printable',
      body: [
        `--${inner}`,
        'Content-Type: text/plain',
        '',
        'plain text',
        `--${inner}`,
        'Content-Type: image/gif',
        'Content-Transfer-Encoding: base64',
        'Content-Location: https://example.com/x.gif',
        '',
        base64Lines(Buffer.from('GIF89a-fake')),
        `--${inner}--`,
      ].join('\r\n'),
    };
    const parsed = parseMhtml(
      archive(
        [
          {
            type: 'text/html',
            location: 'https://example.com/story',
            encoding: 'quoted-printable',
            body: quotedPrintable('<p class="x">café</p>'),
          },
          imagePart('https://example.com/a.png', tinyPng(1, 1, 1)),
          nested,
        ],
        'https://example.com/story',
      ),
    );
    expect(parsed.headers.get('snapshot-content-location')).toBe('https://example.com/story');
    expect(parsed.parts.map((part) => part.mediaType)).toEqual([
      'text/html',
      'image/png',
      'text/plain',
      'image/gif',
    ]);
    expect(Buffer.from(parsed.parts[0]?.body ?? []).toString('utf8')).toBe('<p class="x">café</p>');
    expect(Buffer.from(parsed.parts[1]?.body ?? [])).toEqual(Buffer.from(tinyPng(1, 1, 1)));
    expect(Buffer.from(parsed.parts[3]?.body ?? []).toString('latin1')).toBe('GIF89a-fake');
    expect(parsed.parts[3]?.location).toBe('https://example.com/x.gif');
  });

  it('refuses what is not an archive', () => {
    expect(() => parseMhtml(Buffer.from('Just some text\n\nthat is all.'))).toThrow(
      /not an MHTML archive.*no MIME Content-Type/,
    );
    expect(() => parseMhtml(Buffer.from('Content-Type: multipart/related\r\n\r\nbody'))).toThrow(
      /names no boundary/,
    );
    expect(() => parseMhtml(Buffer.from('Content-Type: image/png\r\n\r\nbody'))).toThrow(
      /holds image\/png, not a web page/,
    );
  });
});

describe('importing an .mhtml file', () => {
  it('extracts the page and stores the images the archive holds, without fetching them', async () => {
    const pageUrl = `${web.origin}/news/night-buses`;
    const red = tinyPng(255, 0, 0);
    const blue = tinyPng(0, 0, 255);
    const green = tinyPng(0, 255, 0);
    const html = page(
      [
        // By absolute address, relative address and cid:; the server knows none of these.
        `<figure><img src="${web.origin}/img/red.png" alt="Red"><figcaption>Red.</figcaption></figure>`,
        '<figure><img src="../img/blue.png" alt="Blue"></figure>',
        '<figure><img src="cid:green-image@mhtml.blink" alt="Green"></figure>',
        // Not in the archive: fetched from the server as any page image is.
        `<figure><img src="${web.origin}/img/remote.png" alt="Remote"></figure>`,
      ].join(''),
    );
    const bytes = archive(
      [
        {
          type: 'text/html',
          location: pageUrl,
          encoding: 'quoted-printable',
          body: quotedPrintable(html),
        },
        imagePart(`${web.origin}/img/red.png`, red),
        imagePart(`${web.origin}/img/blue.png`, blue),
        {
          type: 'image/png',
          id: 'green-image@mhtml.blink',
          body: base64Lines(green),
          encoding: 'base64',
        },
      ],
      pageUrl,
    );
    const path = join(dir, 'Night buses.mhtml');
    await writeFile(path, bytes);

    const article = await saved(await importPath(library, path));
    expect(article.title).toBe('Le café des bus de nuit');
    expect(article.url).toBe(pageUrl);
    expect(article.lang).toBe('fr');
    expect(article.sourceKind).toBe('html');
    expect(article.fileName).toBe('Night buses.mhtml');
    expect(article.contentHtml).toContain(`<img src="images/${sha(red)}.png" alt="Red">`);
    expect(article.contentHtml).toContain(`<img src="images/${sha(blue)}.png" alt="Blue">`);
    expect(article.contentHtml).toContain(`<img src="images/${sha(green)}.png" alt="Green">`);
    expect(article.contentHtml).toContain(`<img src="images/${sha(tinyPng(9, 9, 9))}.png"`);
    expect(article.imageFailures ?? []).toEqual([]);
    // Only the image the archive did not hold was asked for.
    expect(web.requests).toEqual(['/img/remote.png']);
    expect((await readdir(join(dir, 'library', 'images'))).sort()).toEqual(
      [red, blue, green, tinyPng(9, 9, 9)].map((image) => `${sha(image)}.png`).sort(),
    );
    expect(await readFile(join(dir, 'library', 'images', `${sha(green)}.png`))).toEqual(
      Buffer.from(green),
    );
  });

  it('also as .mht upload; hostile parts stay out and a local Content-Location is no address', async () => {
    const html = page(
      [
        '<script>alert(1)</script>',
        '<img src="evil.svg" alt="svg" onerror="alert(2)">',
        '<img src="fake.png" alt="fake">',
        '<p><a href="javascript:alert(3)">click</a> and <a href="file:///C:/secret.txt">here</a></p>',
      ].join(''),
    );
    const bytes = archive(
      [
        {
          type: 'text/html',
          location: 'file:///C:/Users/me/page.htm',
          encoding: 'quoted-printable',
          body: quotedPrintable(html),
        },
        imagePart(
          'file:///C:/Users/me/evil.svg',
          Buffer.from('<svg onload="alert(4)"/>'),
          'image/svg+xml',
        ),
        imagePart('file:///C:/Users/me/fake.png', Buffer.from('not really a png')),
      ],
      'file:///C:/Users/me/page.htm',
    );
    const article = await saved(
      await importBytes(library, 'page.mht', bytes, { images: { offline: true } }),
    );
    expect(article.url).toBeNull();
    expect(article.contentHtml).not.toMatch(
      /<script|onerror|javascript:|file:|offprint\.invalid|<svg/i,
    );
    expect(article.contentHtml).not.toContain('<img');
    // Neither is an image Offprint keeps; with no web address they are recorded by reference.
    expect(article.imageFailures?.map((failure) => [failure.url, failure.reason])).toEqual([
      ['evil.svg', 'evil.svg is not in a format Offprint keeps (JPG, PNG, GIF, WEBP, AVIF).'],
      ['fake.png', 'fake.png is not in a format Offprint keeps (JPG, PNG, GIF, WEBP, AVIF).'],
    ]);
    const stored = await readdir(join(dir, 'library', 'images')).catch(() => []);
    expect(stored).toEqual([]);
  });

  it('a file named .mhtml that is no archive: unsupported-file, nothing stored', async () => {
    const outcome = await importBytes(
      library,
      'notes.mhtml',
      Buffer.from('Just a note\n\nwith two paragraphs.'),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      error: { code: 'unsupported-file', message: expect.stringMatching(/not an MHTML archive/) },
    });
    expect(library.count()).toBe(0);
  });

  it('parseMhtmlArticle registers only the images the page uses', () => {
    const images = new LocalImages();
    const html = page('<img src="https://example.com/used.png" alt="used">');
    const article = parseMhtmlArticle(
      archive(
        [
          {
            type: 'text/html',
            location: 'https://example.com/p',
            encoding: 'quoted-printable',
            body: quotedPrintable(html),
          },
          imagePart('https://example.com/used.png', tinyPng(1, 2, 3)),
          imagePart('https://example.com/unused.png', tinyPng(3, 2, 1)),
        ],
        'https://example.com/p',
      ),
      'p.mhtml',
      images,
    );
    expect(images.size).toBe(1);
    expect(article.contentHtml).toMatch(/<img src="https:\/\/local-image\.offprint\.invalid\//);
  });
});
