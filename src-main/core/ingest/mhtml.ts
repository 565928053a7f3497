/**
 * MHTML archives (.mhtml, .mht): a web page and its resources in one MIME multipart/related message
 * (RFC 2557), as Chrome's "Save as… Webpage, Single File" and older browsers write them. The page
 * part goes through the web page importer with its Content-Location as its address; image parts
 * supply the page's images by Content-Location (or Content-ID, for `cid:` references), through the
 * same local-image path as a saved page's `_files/` folder, so nothing is fetched that the archive
 * holds.
 *
 * No maintained MIME parser is among the installed packages, and this much of MIME is small:
 * header lines (folded), a boundary, and the base64 and quoted-printable transfer encodings, parsed
 * here with Buffer and util.MIMEType alone. Work is done on a latin1 view of the bytes, which maps
 * each byte to one character and back without loss, so binary parts survive.
 */
import { MIMEType } from 'node:util';
import { OffprintError } from '../../shared/errors';
import { formatBytes } from '../../shared/limits';
import { isWebUrl, shorten } from './fetch-page';
import { type HtmlArticle, parseHtmlArticle } from './html';
import type { LocalImages } from './local-images';

/** One part of the archive, decoded. */
export interface MimePart {
  /** Header names lower-cased, folded lines joined; the first of repeated headers. */
  headers: Map<string, string>;
  /** The Content-Type header as written ('' when absent). */
  contentType: string;
  /** Its media type alone, lower-cased: "text/html". */
  mediaType: string;
  /** Content-Location, when given. */
  location: string | null;
  /** Content-ID without its angle brackets, when given. */
  contentId: string | null;
  /** The body after its transfer encoding was undone. */
  body: Uint8Array;
}

export interface MhtmlArchive {
  /** The message's own headers. */
  headers: Map<string, string>;
  /** Every leaf part, in order (nested multiparts are flattened). */
  parts: MimePart[];
}

/** Nested multiparts followed this deep; real archives nest once at most. */
const MAX_NESTING = 4;

function notAnArchive(detail: string): OffprintError {
  return new OffprintError(
    'unsupported-file',
    `This is not an MHTML archive Offprint can read: ${detail}.`,
  );
}

/** Splits a header block from its body and unfolds the headers. */
function splitHeaders(text: string): { headers: Map<string, string>; body: string } {
  const blank = /\r?\n\r?\n/.exec(text);
  const head = blank ? text.slice(0, blank.index) : text;
  const body = blank ? text.slice(blank.index + blank[0].length) : '';
  const headers = new Map<string, string>();
  let current: string | null = null;
  for (const line of head.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (current !== null) headers.set(current, `${headers.get(current) ?? ''} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim().toLowerCase() : '';
    // A repeated header keeps its first value; a line that is no header ends the folding.
    if (name === '' || headers.has(name)) {
      current = null;
      continue;
    }
    headers.set(name, line.slice(colon + 1).trim());
    current = name;
  }
  return { headers, body };
}

function parseMediaType(value: string | undefined): MIMEType | null {
  if (!value) return null;
  try {
    return new MIMEType(value);
  } catch {
    return null;
  }
}

/** The bodies between the boundary lines of a multipart body (preamble and epilogue left out). */
function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const starts: number[] = [];
  for (let from = 0; ;) {
    const index = body.indexOf(delimiter, from);
    if (index < 0) break;
    from = index + delimiter.length;
    const atLineStart = index === 0 || body[index - 1] === '\n';
    const next = body[index + delimiter.length];
    if (atLineStart && (next === undefined || /[-\s]/.test(next))) starts.push(index);
  }
  const parts: string[] = [];
  for (const [position, start] of starts.entries()) {
    if (body.startsWith('--', start + delimiter.length)) break; // the closing delimiter
    const lineEnd = body.indexOf('\n', start);
    if (lineEnd < 0) break;
    const following = starts[position + 1];
    // The line break before a delimiter belongs to the delimiter. A file cut short (no closing
    // delimiter) keeps what it has.
    let end = following ?? body.length;
    if (following !== undefined) {
      end -= 1;
      if (body[end - 1] === '\r') end -= 1;
    }
    parts.push(body.slice(lineEnd + 1, Math.max(lineEnd + 1, end)));
  }
  return parts;
}

/** Undoes quoted-printable: soft line breaks go, `=XX` becomes its byte, anything else is kept. */
export function decodeQuotedPrintable(text: string): Uint8Array {
  const joined = text.replace(/=[ \t]*\r?\n/g, '');
  const out = Buffer.alloc(joined.length);
  let length = 0;
  for (let index = 0; index < joined.length; index += 1) {
    const code = joined.charCodeAt(index);
    if (code === 0x3d) {
      const hex = joined.slice(index + 1, index + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
        out[length] = Number.parseInt(hex, 16);
        length += 1;
        index += 2;
        continue;
      }
    }
    out[length] = code & 0xff;
    length += 1;
  }
  return out.subarray(0, length);
}

function decodeBody(body: string, transferEncoding: string | undefined): Uint8Array {
  switch (transferEncoding?.trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(body);
    default:
      // 7bit, 8bit, binary, or none: the bytes as they are.
      return Buffer.from(body, 'latin1');
  }
}

function collectParts(text: string, depth: number, into: MimePart[]): Map<string, string> {
  const { headers, body } = splitHeaders(text);
  const contentType = headers.get('content-type') ?? '';
  const type = parseMediaType(contentType);
  const boundary = type?.params.get('boundary');
  if (type?.type === 'multipart' && boundary) {
    if (depth >= MAX_NESTING) return headers;
    for (const part of splitMultipart(body, boundary)) collectParts(part, depth + 1, into);
    return headers;
  }
  const contentId = headers.get('content-id')?.replace(/^<|>$/g, '').trim() || null;
  into.push({
    headers,
    contentType,
    mediaType: type?.essence ?? '',
    location: headers.get('content-location')?.trim() || null,
    contentId,
    body: decodeBody(body, headers.get('content-transfer-encoding')),
  });
  return headers;
}

/**
 * Reads an MHTML archive into its parts. Throws OffprintError 'unsupported-file' when the bytes are
 * not a MIME message with a multipart/related (or single HTML) body.
 */
export function parseMhtml(bytes: Uint8Array): MhtmlArchive {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(/^(?:\uFEFF|\xEF\xBB\xBF)?\s*/, '');
  const top = splitHeaders(text).headers;
  const type = parseMediaType(top.get('content-type'));
  if (!type) throw notAnArchive('it has no MIME Content-Type header');
  if (type.type === 'multipart' && !type.params.get('boundary')) {
    throw notAnArchive('its multipart body names no boundary');
  }
  if (type.type !== 'multipart' && type.essence !== 'text/html') {
    throw notAnArchive(`it holds ${type.essence}, not a web page`);
  }
  const parts: MimePart[] = [];
  collectParts(text, 0, parts);
  return { headers: top, parts };
}

/** The page of the archive: the part its `start` parameter names, else the first HTML part. */
function pagePart(archive: MhtmlArchive): MimePart {
  const start = parseMediaType(archive.headers.get('content-type'))
    ?.params.get('start')
    ?.replace(/^<|>$/g, '');
  const page =
    (start ? archive.parts.find((part) => part.contentId === start) : undefined) ??
    archive.parts.find(
      (part) => part.mediaType === 'text/html' || part.mediaType === 'application/xhtml+xml',
    );
  if (!page) throw notAnArchive('it holds no web page');
  return page;
}

/** `reference` made absolute against `base` when both allow it, else as written. */
function resolveAgainst(reference: string, base: string | null): string {
  try {
    return new URL(reference, base ?? undefined).href;
  } catch {
    return reference;
  }
}

/**
 * Extracts the article from an MHTML archive, like parseHtmlArticle from a page: the page's address
 * is its Content-Location (or the archive's Snapshot-Content-Location), when that is a web address.
 * The page's images that the archive holds are registered with `images`, for localizeImages to store
 * without fetching. Throws OffprintError as parseHtmlArticle does, and 'unsupported-file' for bytes
 * that are not an MHTML archive.
 */
export function parseMhtmlArticle(
  bytes: Uint8Array,
  fileName: string,
  images: LocalImages,
): HtmlArticle {
  const archive = parseMhtml(bytes);
  const page = pagePart(archive);
  const snapshot = archive.headers.get('snapshot-content-location')?.trim() || null;
  const base = page.location ?? snapshot;
  const pageUrl = [page.location, snapshot].find((url) => url && isWebUrl(url)) ?? undefined;

  const byLocation = new Map<string, number>();
  const byId = new Map<string, number>();
  archive.parts.forEach((part, index) => {
    if (part === page) return;
    if (part.location) {
      byLocation.set(part.location, index);
      byLocation.set(resolveAgainst(part.location, base), index);
    }
    if (part.contentId) byId.set(part.contentId, index);
  });

  return parseHtmlArticle(page.body, {
    fileName,
    contentType: page.contentType,
    ...(pageUrl ? { url: pageUrl } : {}),
    localImages: (reference) => {
      const trimmed = reference.trim();
      let index: number | undefined;
      let webUrl: string | null = null;
      if (/^cid:/i.test(trimmed)) {
        try {
          index = byId.get(decodeURIComponent(trimmed.slice(4)));
        } catch {
          index = undefined;
        }
      } else {
        const resolved = resolveAgainst(trimmed, base);
        index = byLocation.get(trimmed) ?? byLocation.get(resolved);
        webUrl = isWebUrl(resolved) ? resolved : null;
      }
      const part = index === undefined ? undefined : archive.parts[index];
      if (!part) return null;
      const shown = shorten(trimmed, 300);
      return images.mark(`part:${index}`, {
        reference: shown,
        webUrl,
        read: async (maxBytes) => {
          if (part.body.length > maxBytes) {
            throw new OffprintError(
              'too-large',
              `${shown} is ${formatBytes(part.body.length)}; images are kept up to ${formatBytes(maxBytes)}.`,
            );
          }
          return part.body;
        },
      });
    },
  });
}
