/**
 * The browser host: the same contract as the Electron host, served over loopback HTTP so the real
 * renderer can run against the real core in any Chromium (offline build machines, Playwright).
 *
 * Who may call it: only pages this server served itself. It binds 127.0.0.1 only; every request must
 * name this server in its Host header (a DNS-rebinding page would name its own host) and, when it
 * sends an Origin, this server's origin (a cross-site page cannot forge that); every API call must
 * carry the per-start token, which only index.html as served here contains.
 *
 * Protocol:
 *   GET  /, /<static file>             the built renderer; index.html carries <meta name="offprint-token">
 *   POST /api/<channel>                header X-Offprint-Token, JSON body = the argument; JSON Result back
 *   GET  /api/events?token=TOKEN       server-sent events: `event: <name>` + `data: <json>`
 *                                      (while the library opens, its progress first)
 *   GET  /images/<sha256>.<ext>        an image saved in the library (what stored content's relative
 *                                      `images/...` addresses resolve to); no token: the name is
 *                                      a content hash, matched strictly, and names nothing else
 *
 * Served with a library still opening (library-opening.ts), the page and the event stream answer at
 * once and API calls wait for the library.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { type EventMap, type EventName, isChannelName } from '../shared/contract';
import type { ErrorCode, Result } from '../shared/errors';
import { MAX_IMPORT_BASE64_CHARS } from '../shared/limits';
import { imageContentType, imagePath } from '../core/library/images';
import type { Library } from '../core/library/library';
import { PathGrants } from '../core/path-grants';
import type { WebOptions } from '../core/ingest/import-url';
import { type HostServices, dispatch } from '../handlers';
import { LibraryOpening } from '../library-opening';
import type { LibrarySearch } from '../core/search/library-search';
import { CONTENT_SECURITY_POLICY } from './csp';

/** The header an API call carries its token in (Node lower-cases header names). */
export const TOKEN_HEADER = 'x-offprint-token';

/** The largest request body: one file at the import limit plus room for the JSON around it. */
export const MAX_REQUEST_BODY_BYTES = MAX_IMPORT_BASE64_CHARS + 64 * 1024;

/** How long a refused request's remaining body is read (and discarded) before the connection is cut. */
const REFUSED_BODY_LINGER_MS = 1000;

/** Proxies and browsers drop idle event streams; a comment this often keeps ours open. */
export const EVENT_PING_INTERVAL_MS = 25_000;

interface HostServerBaseOptions {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** 0 or absent: a random free port. */
  port?: number;
  /** Absent: a new random token. Tests pass one to know it in advance. */
  token?: string;
  /** Limits for saving pages and their images; defaults when absent (tests shorten them). */
  web?: WebOptions;
}

/**
 * The library to serve: open already (its search, started and closed by the caller; absent: an
 * in-memory one), or still opening, in which case the page is served at once and calls wait.
 */
export type HostServerOptions = HostServerBaseOptions &
  ({ library: Library; search?: LibrarySearch } | { opening: LibraryOpening });

export interface HostServer {
  /** http://127.0.0.1:<port>/ */
  url: string;
  token: string;
  port: number;
  /**
   * Stops serving and ends the event streams. The library (or opening) stays open: its owner
   * closes it.
   */
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Library image URLs: exactly a SHA-256 and a known extension, nothing that could walk a path. */
const IMAGE_ROUTE = /^\/images\/([0-9a-f]{64}\.(?:jpg|png|gif|webp|avif))$/;

/** Headers on everything the server sends: the page policy, and no sniffing, framing or leaking. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A fresh token: 24 random bytes, URL-safe so it can ride in the event-stream query string. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares in constant time so the token cannot be guessed a character at a time. */
function tokenMatches(expected: Buffer, given: string | string[] | undefined | null): boolean {
  if (typeof given !== 'string') return false;
  const candidate = Buffer.from(given, 'utf8');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}

function escapeAttribute(text: string): string {
  return text.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Puts the token where the renderer's api module reads it: right after <head>. */
function injectToken(html: string, token: string): string {
  const meta = `<meta name="offprint-token" content="${escapeAttribute(token)}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (!head) return meta + html;
  const end = head.index + head[0].length;
  return html.slice(0, end) + meta + html.slice(end);
}

/** One server-sent event. */
function eventFrame<E extends EventName>(event: E, payload: EventMap[E]): string {
  return `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
}

function sendResult(res: ServerResponse, status: number, result: Result<unknown>): void {
  const body = JSON.stringify(result);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/**
 * After a refusal, the client may still be sending a body we will never use. Closing at once would
 * reset the connection under the client before it reads our answer (it sees EPIPE, not the 413), so
 * for a short while the rest is read and thrown away, never stored; then the connection is cut.
 */
function discardRestOfBody(req: IncomingMessage): void {
  if (req.complete) return;
  const cutOff = setTimeout(() => req.socket.destroy(), REFUSED_BODY_LINGER_MS);
  const stop = () => clearTimeout(cutOff);
  req.once('end', stop);
  req.once('close', stop);
  req.resume();
}

/** Answers with a typed error result and drops whatever body is still coming. */
function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
): void {
  sendResult(res, status, { ok: false, error: { code, message } });
  discardRestOfBody(req);
}

function sendNotFound(res: ServerResponse): void {
  res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('Not found');
}

/** Reads a body up to `limit` bytes; past that it stops reading and reports 'too-large'. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolvePromise, rejectPromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        resolvePromise('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolvePromise(Buffer.concat(chunks)));
    req.on('error', rejectPromise);
  });
}

/**
 * Starts the browser host on 127.0.0.1. Resolves once it listens; the url it returns is the page to
 * open.
 */
export async function startHostServer(options: HostServerOptions): Promise<HostServer> {
  const opening =
    'opening' in options ? options.opening : LibraryOpening.of(options.library, options.search);
  const token = options.token ?? newToken();
  const tokenBytes = Buffer.from(token, 'utf8');
  const rendererDir = resolve(options.rendererDir);
  const eventClients = new Set<ServerResponse>();
  const sendEvent = <E extends EventName>(event: E, payload: EventMap[E]) => {
    const frame = eventFrame(event, payload);
    for (const client of eventClients) client.write(frame);
  };
  const services: HostServices = {
    kind: 'browser',
    pickFiles: null,
    grants: new PathGrants(),
    events: sendEvent,
    ...(options.web ? { web: options.web } : {}),
  };
  const handlers = opening.handlers(services);
  const stopForwarding = opening.forwardEvents(sendEvent);
  const ping = setInterval(() => {
    for (const client of eventClients) client.write(': ping\n\n');
  }, EVENT_PING_INTERVAL_MS);
  ping.unref();

  // Filled in once listening: the Host and Origin values that name this server.
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  async function serveApi(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(req, res, 405, 'invalid-argument', `Call /api/${name} with POST.`);
      return;
    }
    if (!tokenMatches(tokenBytes, req.headers[TOKEN_HEADER])) {
      sendError(req, res, 403, 'not-permitted', 'Missing or wrong Offprint token.');
      return;
    }
    if (!isChannelName(name)) {
      sendError(req, res, 404, 'unknown-channel', `No such channel: ${name}`);
      return;
    }
    const type = req.headers['content-type'] ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) {
      sendError(req, res, 400, 'invalid-argument', 'Send the argument as JSON (application/json).');
      return;
    }
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_REQUEST_BODY_BYTES) {
      sendError(req, res, 413, 'too-large', 'That request is larger than Offprint accepts.');
      return;
    }
    const body = await readBody(req, MAX_REQUEST_BODY_BYTES);
    if (body === 'too-large') {
      sendError(req, res, 413, 'too-large', 'That request is larger than Offprint accepts.');
      return;
    }
    let args: unknown;
    try {
      args = JSON.parse(body.toString('utf8'));
    } catch {
      sendError(req, res, 400, 'invalid-argument', 'The request body is not JSON.');
      return;
    }
    sendResult(res, 200, await dispatch(handlers, name, args));
  }

  function serveEvents(req: IncomingMessage, res: ServerResponse, query: string): void {
    if (req.method !== 'GET') {
      sendError(req, res, 405, 'invalid-argument', 'Open the event stream with GET.');
      return;
    }
    // EventSource cannot send headers, so the token rides in the query string.
    if (!tokenMatches(tokenBytes, new URLSearchParams(query).get('token'))) {
      sendError(req, res, 403, 'not-permitted', 'Missing or wrong Offprint token.');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    // A first comment flushes the headers, so the client sees the stream open at once.
    res.write(': connected\n\n');
    // A page that loads while the library opens learns at once how far the open is.
    const report = opening.progress;
    if (report) res.write(eventFrame('progress', report));
    eventClients.add(res);
    req.on('close', () => eventClients.delete(res));
  }

  async function serveStatic(req: IncomingMessage, res: ServerResponse, rawPath: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendNotFound(res);
      return;
    }
    let pathname: string;
    try {
      pathname = decodeURIComponent(rawPath);
    } catch {
      sendNotFound(res);
      return;
    }
    if (pathname.includes('\0')) {
      sendNotFound(res);
      return;
    }
    if (pathname === '/') pathname = '/index.html';
    // Resolve, then insist the result is still inside the renderer folder: `..`, encoded or not,
    // and symbolic links pointing out of it all end here.
    const file = resolve(rendererDir, `.${pathname}`);
    if (!file.startsWith(rendererDir + sep)) {
      sendNotFound(res);
      return;
    }
    let real: string;
    try {
      real = await realpath(file);
      const realRoot = await realpath(rendererDir);
      if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) {
        sendNotFound(res);
        return;
      }
    } catch {
      sendNotFound(res);
      return;
    }
    const contentType = CONTENT_TYPES[extname(real).toLowerCase()] ?? 'application/octet-stream';
    if (pathname === '/index.html') {
      const html = injectToken(await readFile(real, 'utf8'), token);
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': contentType,
        'Content-Length': Buffer.byteLength(html),
        // The page carries this run's token: never keep it in a cache.
        'Cache-Control': 'no-store',
      });
      res.end(req.method === 'HEAD' ? undefined : html);
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': contentType,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(real)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  /** A saved image. Its name is its content's hash, so it never changes: cache it for good. */
  async function serveImage(req: IncomingMessage, res: ServerResponse, name: string) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendNotFound(res);
      return;
    }
    let root: string;
    try {
      root = (await opening.ready).root;
    } catch {
      sendNotFound(res);
      return;
    }
    const file = imagePath(root, name);
    if (!file) {
      sendNotFound(res);
      return;
    }
    let size: number;
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
      size = info.size;
    } catch {
      sendNotFound(res);
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': imageContentType(name),
      'Content-Length': size,
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendError(req, res, 403, 'not-permitted', 'This server only answers to its own address.');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      sendError(req, res, 403, 'not-permitted', 'Requests from other sites are refused.');
      return;
    }
    const target = req.url ?? '/';
    const queryStart = target.indexOf('?');
    const rawPath = queryStart === -1 ? target : target.slice(0, queryStart);
    const query = queryStart === -1 ? '' : target.slice(queryStart + 1);
    const image = IMAGE_ROUTE.exec(rawPath);
    if (rawPath === '/api/events') serveEvents(req, res, query);
    else if (rawPath.startsWith('/api/')) await serveApi(req, res, rawPath.slice('/api/'.length));
    else if (image?.[1]) await serveImage(req, res, image[1]);
    else await serveStatic(req, res, rawPath);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('[offprint] browser host request failed:', error);
      if (!res.headersSent)
        sendError(req, res, 500, 'internal', 'Something went wrong inside Offprint.');
      else res.destroy();
    });
  });

  await new Promise<void>((resolvePromise, rejectPromise) => {
    server.once('error', rejectPromise);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rejectPromise);
      resolvePromise();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/`,
    token,
    port,
    close() {
      closing ??= new Promise<void>((resolvePromise) => {
        clearInterval(ping);
        stopForwarding();
        for (const client of eventClients) client.end();
        eventClients.clear();
        server.close(() => resolvePromise());
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
