/**
 * Turns the bytes of a web page into text. Saved pages come in every encoding the web ever used, so
 * nothing here assumes UTF-8: the order follows the HTML Standard's encoding sniffing algorithm
 * (byte order mark, transport charset, <meta> prescan, frequency analysis, locale default), with two
 * departures, both where the bytes prove a declaration wrong: `declaredButUtf8` (saved files) and
 * `utf8Lie` (fetched pages).
 */
import { Buffer, isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import sniffHtmlEncoding from 'html-encoding-sniffer';
import iconv from 'iconv-lite';
import { OffprintError } from '../../shared/errors';

/** Which rule picked the encoding; kept so tests (and a curious user) can see why. */
export type EncodingSource =
  'byte-order-mark' | 'content-type' | 'meta' | 'utf-8-content' | 'detected' | 'default';

export interface DecodedHtml {
  text: string;
  /** WHATWG encoding name, e.g. "UTF-8", "windows-1252", "GBK". */
  encoding: string;
  source: EncodingSource;
}

/** The HTML Standard's suggested default for most locales (and what browsers use for "en"). */
const DEFAULT_ENCODING = 'windows-1252';

/**
 * Returned by the sniffer when nothing in the bytes named an encoding. The sniffer returns its
 * `defaultEncoding` option untouched, so an impossible name tells "found nothing" apart.
 */
const NOTHING_FOUND = '';

/**
 * When chardet's guess (confidence on its own 0-100 scale) is trusted: it must be fairly sure and
 * clearly ahead of the runner-up. Measured on markup-stripped samples: right single-byte guesses
 * (KOI8-R, windows-1251, windows-1250) scored 26-49 with a 1.6x-3x lead, multi-byte ones (Shift_JIS,
 * GB18030, Big5, EUC-JP) 100; a one-sentence KOI8-R page scored 21 with a tie, rightly refused.
 */
const MIN_DETECTION_CONFIDENCE = 25;
const MIN_DETECTION_LEAD = 1.5;

/**
 * Decodes a web page's bytes. `contentType` is the HTTP Content-Type header when the page was
 * fetched; its charset wins over anything but a byte order mark, as in browsers. Labels the
 * Encoding Standard does not know (or maps to its "replacement" encoding, which the sniffer leaves
 * out) are ignored, as browsers ignore unknown labels. Throws OffprintError 'unsupported-file' for
 * an encoding iconv-lite cannot decode.
 */
export function decodeHtml(bytes: Uint8Array, contentType?: string): DecodedHtml {
  const bom = byteOrderMarkEncoding(bytes);
  if (bom) return decodeAs(bytes, bom, 'byte-order-mark');

  const transportLabel = contentType ? charsetFromContentType(contentType) : null;
  const transportEncoding = transportLabel ? encodingForLabel(transportLabel) : null;
  if (transportEncoding && !utf8Lie(bytes, transportEncoding)) {
    return decodeAs(bytes, transportEncoding, 'content-type');
  }

  const declared = sniffHtmlEncoding(bytes, { defaultEncoding: NOTHING_FOUND });
  if (declared !== NOTHING_FOUND) {
    if (declaredButUtf8(bytes, declared)) return decodeAs(bytes, 'UTF-8', 'utf-8-content');
    return decodeAs(bytes, declared, 'meta');
  }

  if (isUtf8(bytes)) return decodeAs(bytes, 'UTF-8', 'utf-8-content');
  const detected = detectEncoding(bytes);
  if (detected) return decodeAs(bytes, detected, 'detected');
  return decodeAs(bytes, DEFAULT_ENCODING, 'default');
}

/** The charset parameter of a media type, e.g. `text/html; charset="gb2312"` -> `gb2312`. */
export function charsetFromContentType(contentType: string): string | null {
  const match = /;\s*charset\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentType);
  const label = (match?.[1] ?? match?.[2] ?? '').trim();
  return label === '' ? null : label;
}

/** Maps an encoding label ("latin1", "gb2312", "utf8") to its WHATWG name, or null if unknown. */
export function encodingForLabel(label: string): string | null {
  // The sniffer's transport-label step is exactly the WHATWG "get an encoding" lookup; on an empty
  // byte array no BOM or <meta> can interfere.
  const name = sniffHtmlEncoding(new Uint8Array(0), {
    transportLayerEncodingLabel: label,
    defaultEncoding: NOTHING_FOUND,
  });
  return name === NOTHING_FOUND ? null : name;
}

function byteOrderMarkEncoding(bytes: Uint8Array): string | null {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'UTF-8';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'UTF-16BE';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'UTF-16LE';
  return null;
}

/**
 * A page whose <meta> names a legacy encoding but whose bytes are valid UTF-8 with non-ASCII text
 * in them was re-saved as UTF-8 by some tool that left the old declaration behind (the corpus has
 * one: a Tencent page declaring gb2312). Text in GBK, Shift_JIS, windows-125x and the like almost
 * never forms valid multi-byte UTF-8 by accident, so the bytes are the better witness here. A
 * transport charset is still obeyed: that one describes the bytes actually served.
 */
function declaredButUtf8(bytes: Uint8Array, declared: string): boolean {
  return declared !== 'UTF-8' && hasNonAscii(bytes) && isUtf8(bytes);
}

/**
 * A server that says UTF-8 about bytes that are not UTF-8 (a CMS that adds `charset=utf-8` to every
 * response, in front of a legacy page): browsers obey the header and show replacement characters;
 * a saved copy is for keeping, so the header is set aside and the page's own declaration and the
 * bytes decide. Legacy text almost never forms valid UTF-8 by accident, so valid UTF-8 is trusted.
 */
function utf8Lie(bytes: Uint8Array, transportEncoding: string): boolean {
  return transportEncoding === 'UTF-8' && !isUtf8(bytes);
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

/**
 * The HTML Standard lets a user agent run frequency analysis before falling back to the locale
 * default (Firefox does, with chardetng). chardet's guess is used only when it is confident enough
 * and names an encoding the web platform knows.
 */
function detectEncoding(bytes: Uint8Array): string | null {
  const [best, runnerUp] = chardet.analyse(textBytes(bytes));
  if (!best || best.confidence < MIN_DETECTION_CONFIDENCE) return null;
  if (runnerUp && best.confidence < runnerUp.confidence * MIN_DETECTION_LEAD) return null;
  return encodingForLabel(best.name);
}

/**
 * The bytes outside tags. Markup is ASCII, and a page is mostly markup: left in, it dilutes the
 * statistics until no guess is confident. Tag names and attributes in a legacy encoding are rare.
 */
function textBytes(bytes: Uint8Array): Uint8Array {
  const text = new Uint8Array(bytes.byteLength);
  let length = 0;
  let inTag = false;
  for (const byte of bytes) {
    if (byte === 0x3c) inTag = true;
    else if (inTag && byte === 0x3e) {
      inTag = false;
      text[length++] = 0x20;
    } else if (!inTag) text[length++] = byte;
  }
  return text.subarray(0, length);
}

function decodeAs(bytes: Uint8Array, encoding: string, source: EncodingSource): DecodedHtml {
  return { text: decodeBytes(bytes, encoding), encoding, source };
}

function decodeBytes(bytes: Uint8Array, encoding: string): string {
  if (encoding === 'x-user-defined') {
    // Bytes above 0x7F map to the private-use range U+F780..U+F7FF (Encoding Standard).
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte < 0x80 ? byte : 0xf700 + byte);
    return text;
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!iconv.encodingExists(encoding)) {
    throw new OffprintError(
      'unsupported-file',
      `This page's character encoding (${encoding}) is not supported.`,
    );
  }
  return iconv.decode(buffer, encoding);
}
