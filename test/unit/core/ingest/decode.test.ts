import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText, looksBinary } from '../../../../src-main/core/ingest/decode';

const corpus = new URL('../../../../../shared/corpus/', import.meta.url);
const readCorpus = (path: string): Uint8Array => readFileSync(new URL(path, corpus));

const SAMPLE = 'Prices rose by £1,400 — a “record”, said the café’s owner.';

describe('decodeText', () => {
  it('reads valid UTF-8 as UTF-8', () => {
    const result = decodeText(new TextEncoder().encode(SAMPLE));
    expect(result).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('strips a UTF-8 byte order mark', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(SAMPLE)]);
    expect(decodeText(bytes)).toEqual({ text: SAMPLE, encoding: 'utf-8' });
  });

  it('reads UTF-16LE with a byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SAMPLE, 'utf16le')]);
    expect(decodeText(bytes)).toEqual({ text: SAMPLE, encoding: 'utf-16le' });
  });

  it('reads UTF-16BE with a byte order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(SAMPLE, 'utf-16be')]);
    expect(decodeText(bytes)).toEqual({ text: SAMPLE, encoding: 'utf-16be' });
  });

  it('recognizes UTF-16LE saved without a byte order mark', () => {
    const text = 'Plain English text saved by a Windows tool as Unicode.\r\n';
    expect(decodeText(Buffer.from(text, 'utf16le'))).toEqual({ text, encoding: 'utf-16le' });
  });

  it('reads the Latin-1 BBC story as windows-1252, recovering the pound sign', () => {
    const result = decodeText(readCorpus('text/bbc-sport-199.txt'));
    expect(result.encoding).toBe('windows-1252');
    expect(result.text).toContain('a £15.8m signing from Parma');
    expect(result.text).not.toContain('\uFFFD');
  });

  it('decodes windows-1252 curly quotes and dashes that ISO-8859-1 would lose', () => {
    const text = 'He said “hello” — it costs £5 at the café. ';
    const result = decodeText(iconv.encode(text.repeat(3), 'windows-1252'));
    expect(result.encoding).toBe('windows-1252');
    expect(result.text).toBe(text.repeat(3));
  });

  it('detects Cyrillic encodings instead of assuming UTF-8', () => {
    const koi8 = decodeText(readCorpus('feeds/feedparser/koi8r.xml'));
    expect(koi8.encoding).toBe('koi8-r');
    expect(koi8.text).toContain('Как пережить новогоднюю ночь');

    const russian =
      'Правительство России объявило о новых мерах поддержки экономики. Министр финансов заявил, ' +
      'что бюджет будет исполнен в срок, а инфляция останется под контролем.';
    const cp1251 = decodeText(iconv.encode(russian, 'windows-1251'));
    expect(cp1251).toEqual({ text: russian, encoding: 'windows-1251' });
  });

  it('reads every UTF-8 corpus file as UTF-8', () => {
    const trt = decodeText(readCorpus('text/trtworld-2025-06-11-ukraine-bodies.txt'));
    expect(trt.encoding).toBe('utf-8');
    expect(trt.text).toContain('in the country’s Kharkiv');
    expect(decodeText(readCorpus('text/bbc-business-001.txt')).text).toContain('(£600m)');
  });
});

describe('looksBinary', () => {
  const png = new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  ]);

  it('flags images, archives and documents', () => {
    expect(looksBinary(png)).toBe(true);
    expect(looksBinary(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toBe(true);
    // A PDF whose first bytes are all printable still is not an article.
    expect(looksBinary(new TextEncoder().encode('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\n'))).toBe(
      true,
    );
  });

  it('flags NUL bytes and a high share of control characters', () => {
    expect(looksBinary(new TextEncoder().encode('text\u0000more text'))).toBe(true);
    const controls = new Uint8Array(200).map((_, index) => (index % 5 === 0 ? 0x01 : 0x41));
    expect(looksBinary(controls)).toBe(true);
  });

  it('accepts text in any encoding, including UTF-16 with its NUL bytes', () => {
    expect(looksBinary(new TextEncoder().encode(SAMPLE))).toBe(false);
    expect(looksBinary(readCorpus('text/bbc-sport-199.txt'))).toBe(false);
    expect(looksBinary(Buffer.from(`\uFEFF${SAMPLE}`, 'utf16le'))).toBe(false);
    expect(looksBinary(Buffer.from('No byte order mark here.', 'utf16le'))).toBe(false);
    expect(looksBinary(new TextEncoder().encode('Tabs\tand\r\nline ends\fare text.'))).toBe(false);
    expect(looksBinary(new Uint8Array())).toBe(false);
  });
});
