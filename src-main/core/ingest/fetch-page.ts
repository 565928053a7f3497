/**
 * Fetching from the web for "save a URL" and for article images, with Node's own fetch (undici).
 *
 * Everything a hostile or broken server can do is bounded here: one deadline covers connecting,
 * every redirect and the whole body (a server that trickles a byte a minute still ends on time);
 * the size cap is enforced while the body streams, on the decompressed bytes (a gzip bomb stops at
 * the cap, not after); redirects are followed by hand, so each hop is checked (web addresses only,
 * no loops, at most five); the media type is checked from the headers, before the body is read.
 * Every failure is an OffprintError whose message names the address and says what went wrong.
 */
import { OffprintError } from '../../shared/errors';
import { formatBytes } from '../../shared/limits';

/** What a fetch may take and do; every field has a default. */
export interface FetchLimits {
  /** Deadline for the whole exchange (connect, redirects, body). Default 20 s. */
  timeoutMs?: number;
  /** Largest body accepted, counted as it streams. Default 10 MiB. */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Aborts the fetch: the user cancelled (reported as 'cancelled', not as a timeout). */
  signal?: AbortSignal;
  userAgent?: string;
}

export const DEFAULT_PAGE_TIMEOUT_MS = 20_000;
export const DEFAULT_PAGE_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;

/**
 * A current desktop browser's User-Agent. Many news sites answer unknown clients with a bot wall or
 * a stripped page; the page a desktop browser gets is the one the user meant to save.
 */
export const DESKTOP_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36';

/** The response as the caller needs it: where it finally came from, its type and its bytes. */
export interface FetchedResource {
  /** The address asked for. */
  requestedUrl: string;
  /** The address the body came from, after redirects. */
  url: string;
  status: number;
  /** The Content-Type header as sent ('' when absent). */
  contentType: string;
  /** The media type alone, lower-cased: "text/html". */
  mediaType: string;
  bytes: Uint8Array;
}

export interface FetchResourceOptions extends FetchLimits {
  /** The Accept header. */
  accept: string;
  /** Extra request headers (Referer for images). */
  headers?: Record<string, string>;
  /**
   * Decides from the final response's media type whether the body is wanted; returns null to read
   * it, or the reason to refuse it (thrown as 'unsupported-file' without reading the body).
   */
  refuseMediaType?: (mediaType: string) => string | null;
  /** Used in messages ("the page", "the image"). Default "the page". */
  what?: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** True for an absolute http: or https: URL. */
export function isWebUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const protocol = new URL(value).protocol;
  return protocol === 'http:' || protocol === 'https:';
}

/** "text/HTML; charset=utf-8" -> "text/html". */
export function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * GETs `url` within the limits. Throws OffprintError: 'invalid-argument' (not a web address),
 * 'network-error' (unreachable, refused, reset, TLS failure, bad redirect), 'timeout', 'http-error'
 * (status 4xx/5xx), 'too-large', 'unsupported-file' (media type refused), 'cancelled'.
 */
export async function fetchResource(
  url: string,
  options: FetchResourceOptions,
): Promise<FetchedResource> {
  if (!isWebUrl(url)) {
    throw new OffprintError('invalid-argument', `${shorten(url)} is not a web address.`);
  }
  const what = options.what ?? 'the page';
  const timeoutMs = options.timeoutMs ?? DEFAULT_PAGE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_PAGE_MAX_BYTES;
  const maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;

  const failure = (error: unknown, at: string): OffprintError => {
    if (error instanceof OffprintError) return error;
    if (options.signal?.aborted) return cancelled();
    if (deadline.aborted) {
      return new OffprintError(
        'timeout',
        `${capitalize(what)} at ${shorten(at)} did not arrive within ${formatDuration(timeoutMs)}.`,
      );
    }
    return networkError(error, at, what);
  };

  const visited = new Set<string>();
  let current = url;
  try {
    for (let redirects = 0; ; redirects += 1) {
      visited.add(withoutFragment(current));
      let response: Response;
      try {
        response = await fetch(current, {
          method: 'GET',
          redirect: 'manual',
          signal,
          headers: {
            'User-Agent': options.userAgent ?? DESKTOP_USER_AGENT,
            Accept: options.accept,
            // Named explicitly: Node 20's fetch decodes brotli but does not offer it by default.
            'Accept-Encoding': 'gzip, deflate, br',
            ...options.headers,
          },
        });
      } catch (error) {
        throw failure(error, current);
      }

      if (REDIRECT_STATUSES.has(response.status)) {
        await discard(response);
        const next = redirectTarget(response, current);
        if (visited.has(withoutFragment(next))) {
          throw new OffprintError(
            'network-error',
            `${shorten(url)} redirects in a loop (back to ${shorten(next)}).`,
          );
        }
        if (redirects >= maxRedirects) {
          throw new OffprintError(
            'network-error',
            `${shorten(url)} redirects more than ${maxRedirects} times; Offprint gave up.`,
          );
        }
        current = next;
        continue;
      }

      if (response.status < 200 || response.status > 299) {
        await discard(response);
        const reason = response.statusText ? ` (${response.statusText})` : '';
        throw new OffprintError(
          'http-error',
          `The server answered ${response.status}${reason} for ${shorten(current)}.`,
        );
      }

      const contentType = response.headers.get('content-type') ?? '';
      const mediaType = mediaTypeOf(contentType);
      const refusal = options.refuseMediaType?.(mediaType) ?? null;
      if (refusal !== null) {
        await discard(response);
        throw new OffprintError('unsupported-file', refusal);
      }
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await discard(response);
        throw tooLarge(what, current, maxBytes);
      }
      let bytes: Uint8Array;
      try {
        bytes = await readCapped(response, maxBytes, () => tooLarge(what, current, maxBytes));
      } catch (error) {
        throw failure(error, current);
      }
      return {
        requestedUrl: url,
        url: current,
        status: response.status,
        contentType,
        mediaType,
        bytes,
      };
    }
  } catch (error) {
    throw failure(error, current);
  }
}

/** The body, read chunk by chunk; past `maxBytes` the stream is cancelled and `tooBig()` thrown. */
async function readCapped(
  response: Response,
  maxBytes: number,
  tooBig: () => OffprintError,
): Promise<Uint8Array> {
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooBig();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total);
}

/** Lets go of a body we will not read, so the connection is freed rather than left half-read. */
async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function redirectTarget(response: Response, from: string): string {
  const location = response.headers.get('location');
  if (!location) {
    throw new OffprintError(
      'network-error',
      `${shorten(from)} redirects (${response.status}) without saying where to.`,
    );
  }
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new OffprintError('network-error', `${shorten(from)} redirects to an invalid address.`);
  }
  // Each hop is checked like the first address: a page may not bounce us to file:, data: or ftp:.
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new OffprintError(
      'network-error',
      `${shorten(from)} redirects to ${next.protocol} addresses, which Offprint does not follow.`,
    );
  }
  return next.href;
}

function withoutFragment(url: string): string {
  const parsed = new URL(url);
  parsed.hash = '';
  return parsed.href;
}

function tooLarge(what: string, url: string, maxBytes: number): OffprintError {
  return new OffprintError(
    'too-large',
    `${capitalize(what)} at ${shorten(url)} is larger than ${formatBytes(maxBytes)}, the limit.`,
  );
}

function cancelled(): OffprintError {
  return new OffprintError('cancelled', 'Cancelled.');
}

/** Node system error codes (on the fetch error's cause) in plain words. */
const NETWORK_REASONS: Record<string, string> = {
  ENOTFOUND: 'there is no such server (check the address, or the connection)',
  EAI_AGAIN: 'the server name could not be looked up (are you offline?)',
  ECONNREFUSED: 'the server refused the connection',
  ECONNRESET: 'the connection was cut',
  EPIPE: 'the connection was cut',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the server cannot be reached',
  ENETUNREACH: 'the network cannot be reached (are you offline?)',
  UND_ERR_SOCKET: 'the connection was cut',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'the server did not answer',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending',
  CERT_HAS_EXPIRED: "the site's security certificate has expired",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the site's security certificate is not trusted",
  SELF_SIGNED_CERT_IN_CHAIN: "the site's security certificate is not trusted",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the site's security certificate cannot be verified",
  ERR_TLS_CERT_ALTNAME_INVALID: "the site's security certificate is for another site",
};

function networkError(error: unknown, url: string, what: string): OffprintError {
  const cause = error instanceof Error ? (error.cause ?? error) : error;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : '';
  const detail =
    NETWORK_REASONS[code] ??
    (cause instanceof Error && cause.message ? cause.message : 'the request failed');
  return new OffprintError(
    'network-error',
    `Could not fetch ${what} at ${shorten(url)}: ${detail}.`,
    { cause: error },
  );
}

/** "20 seconds", "1 second", "600 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1000);
  return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Addresses in messages: long ones are cut so an error fits on one line of the UI. */
export function shorten(url: string, limit = 120): string {
  return url.length <= limit ? url : `${url.slice(0, limit - 1)}…`;
}

/** Media types saved as web pages. */
const HTML_MEDIA_TYPES = new Set(['text/html', 'application/xhtml+xml']);
/**
 * Media types servers send for anything; such a body is read and accepted only if it looks like HTML.
 * An absent Content-Type is treated the same way.
 */
const UNKNOWN_MEDIA_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/** "a PDF document", "an image", ...: what the user asked to save instead of a page. */
function describeMediaType(mediaType: string): string {
  if (mediaType === 'application/pdf') return 'a PDF document';
  if (mediaType.startsWith('image/')) return `an image (${mediaType})`;
  if (mediaType.startsWith('video/')) return `a video (${mediaType})`;
  if (mediaType.startsWith('audio/')) return `a sound file (${mediaType})`;
  if (mediaType === 'application/json' || mediaType.endsWith('+json')) return 'JSON data';
  if (/^(application|text)\/(rss|atom)\+xml$/.test(mediaType)) return 'a news feed';
  return `a ${mediaType} file`;
}

/** A fetched web page: the bytes plus what parseHtmlArticle needs to read them. */
export type FetchedPage = FetchedResource;

/**
 * Fetches a web page for saving. On top of fetchResource's checks, refuses anything that is not
 * HTML (a PDF, an image, JSON...) from its Content-Type, before reading the body; a body sent with
 * no useful type is accepted only when it starts like HTML.
 */
export async function fetchPage(url: string, limits: FetchLimits = {}): Promise<FetchedPage> {
  const page = await fetchResource(url, {
    ...limits,
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
    what: 'the page',
    refuseMediaType: (mediaType) =>
      HTML_MEDIA_TYPES.has(mediaType) || UNKNOWN_MEDIA_TYPES.has(mediaType)
        ? null
        : `${shorten(url)} is ${describeMediaType(mediaType)}, not a web page; Offprint saves web pages.`,
  });
  if (!HTML_MEDIA_TYPES.has(page.mediaType) && !startsLikeHtml(page.bytes)) {
    throw new OffprintError(
      'unsupported-file',
      `${shorten(url)} did not send a web page (no HTML in what it sent).`,
    );
  }
  return page;
}

/** True when the first non-blank bytes are `<` (after an optional UTF-8 byte order mark). */
function startsLikeHtml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 1024)).replace(/^\uFEFF/, '');
  return /^\s*<(?:!doctype\s+html|html|head|body|!--|meta|title|p\b|div)/i.test(head);
}
