/**
 * Bytes -> text for imported files. Article files arrive in whatever encoding the machine that saved
 * them used (the BBC corpus has a Latin-1 story among UTF-8 ones), so nothing here assumes UTF-8:
 * a byte order mark wins, then strict UTF-8, then statistical detection.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';

/** The decoded text and the encoding it was read as (lower-case WHATWG-style name). */
export interface DecodedText {
  text: string;
  encoding: string;
}

/** How much of a file the binary and UTF-16 sniffers look at: enough to see past any header. */
const SNIFF_BYTES = 8 * 1024;

/** Byte order marks, longest first so that a UTF-8 BOM is never mistaken for something shorter. */
const BYTE_ORDER_MARKS: ReadonlyArray<{ bytes: readonly number[]; encoding: string }> = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
];

/**
 * Detector names mapped to the codec that really decodes such files. Files labelled ISO-8859-1 are in
 * practice windows-1252 (curly quotes, euro sign and dashes live in 0x80-0x9F), which is also what
 * browsers do with that label; ISO-8859-1 is a subset, so nothing is lost.
 */
const CODEC_FOR_DETECTED: Readonly<Record<string, string>> = {
  'iso-8859-1': 'windows-1252',
};

/** The encoding used when detection gives nothing usable: decodes every byte, the commonest legacy one. */
const FALLBACK_ENCODING = 'windows-1252';

/**
 * Magic numbers of file types people are likely to drop on the window by mistake. Most contain NUL
 * bytes anyway; the table catches the ones whose first kilobytes can look like text (PDF headers).
 * Signatures are long or non-ASCII enough that no article starts with them.
 */
const BINARY_SIGNATURES: readonly (readonly number[])[] = [
  [0x25, 0x50, 0x44, 0x46, 0x2d], // %PDF-
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0x47, 0x49, 0x46, 0x38, 0x39, 0x61], // GIF89a
  [0x47, 0x49, 0x46, 0x38, 0x37, 0x61], // GIF87a
  [0xff, 0xd8, 0xff], // JPEG
  [0x50, 0x4b, 0x03, 0x04], // zip, docx, epub, odt
  [0x1f, 0x8b], // gzip
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], // RAR
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
  [0x7f, 0x45, 0x4c, 0x46], // ELF executable
  [0xd0, 0xcf, 0x11, 0xe0], // old Office documents
];

/** Share of control characters above which a sample is not text; random bytes have about 11%. */
const MAX_CONTROL_SHARE = 0.05;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, index) => bytes[index] === byte);
}

function byteOrderMark(bytes: Uint8Array): { length: number; encoding: string } | null {
  const mark = BYTE_ORDER_MARKS.find((candidate) => startsWith(bytes, candidate.bytes));
  return mark ? { length: mark.bytes.length, encoding: mark.encoding } : null;
}

/**
 * UTF-16 saved without a BOM (some Windows tools do this) is full of NUL bytes, one per ASCII
 * character, always on the same side of each pair. Recognizing that pattern keeps such files from
 * being rejected as binary.
 */
function utf16WithoutBom(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const sample = bytes.subarray(0, SNIFF_BYTES - (SNIFF_BYTES % 2));
  const pairs = Math.floor(sample.length / 2);
  if (pairs < 2) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let index = 0; index + 1 < sample.length; index += 2) {
    if (sample[index] === 0) zeroEven += 1;
    if (sample[index + 1] === 0) zeroOdd += 1;
  }
  if (zeroOdd / pairs > 0.4 && zeroEven / pairs < 0.05) return 'utf-16le';
  if (zeroEven / pairs > 0.4 && zeroOdd / pairs < 0.05) return 'utf-16be';
  return null;
}

function decodeStrictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** The codec name for a detector result, or null when iconv-lite cannot decode it. */
function codecFor(detected: string): string | null {
  const name = detected.toLowerCase();
  const codec = CODEC_FOR_DETECTED[name] ?? name;
  return iconv.encodingExists(codec) ? codec : null;
}

/**
 * Decodes an imported file's bytes to text, without ever assuming UTF-8.
 *
 * Order: a byte order mark (UTF-8, UTF-16LE, UTF-16BE) decides outright; otherwise BOM-less UTF-16
 * is recognized by its NUL pattern; otherwise bytes that are valid UTF-8 are UTF-8 (legacy 8-bit
 * text almost never is); otherwise chardet guesses and iconv-lite decodes, with ISO-8859-1 read as
 * windows-1252. The returned text never starts with a BOM.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const mark = byteOrderMark(bytes);
  if (mark) {
    const body = bytes.subarray(mark.length);
    const text =
      mark.encoding === 'utf-8'
        ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(body)
        : iconv.decode(body, mark.encoding, { stripBOM: false });
    return { text, encoding: mark.encoding };
  }

  // Before UTF-8: ASCII-range UTF-16 is also valid UTF-8 (NUL is a legal UTF-8 byte).
  const utf16 = utf16WithoutBom(bytes);
  if (utf16) return { text: iconv.decode(bytes, utf16, { stripBOM: false }), encoding: utf16 };

  const utf8 = decodeStrictUtf8(bytes);
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8' };

  for (const match of chardet.analyse(bytes)) {
    const codec = codecFor(match.name);
    if (!codec) continue;
    // Strict UTF-8 already failed: a UTF-8 guess means "mostly UTF-8 with damage" (a truncated file),
    // so decode it leniently rather than reading it as something it is not.
    if (codec === 'utf-8' || codec === 'utf8') {
      return { text: new TextDecoder('utf-8').decode(bytes), encoding: 'utf-8' };
    }
    return { text: iconv.decode(bytes, codec), encoding: codec };
  }
  return { text: iconv.decode(bytes, FALLBACK_ENCODING), encoding: FALLBACK_ENCODING };
}

/**
 * True when the bytes are evidently not text: a known binary signature (PDF, PNG, zip...), NUL bytes,
 * or more than a few percent of control characters in the first 8 KB. Text with a BOM, and BOM-less
 * UTF-16, is text even though UTF-16 contains NUL bytes.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, SNIFF_BYTES);
  if (sample.length === 0) return false;
  if (byteOrderMark(sample)) return false;
  if (BINARY_SIGNATURES.some((signature) => startsWith(sample, signature))) return true;
  if (utf16WithoutBom(sample)) return false;

  let controls = 0;
  for (const byte of sample) {
    if (byte === 0) return true;
    // Tab, line feed, vertical tab, form feed and carriage return all occur in real text files.
    const isTextControl = byte >= 0x09 && byte <= 0x0d;
    if ((byte < 0x20 && !isTextControl) || byte === 0x7f) controls += 1;
  }
  return controls / sample.length > MAX_CONTROL_SHARE;
}
