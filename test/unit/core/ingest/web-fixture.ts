/**
 * A local web server for the tests that save pages and images: real HTTP on 127.0.0.1 (tests never
 * reach the internet), one handler per path, and a log of the paths asked for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';

export type Route = (req: IncomingMessage, res: ServerResponse) => void;

export interface WebFixture {
  /** http://127.0.0.1:<port> (no trailing slash). */
  origin: string;
  /** Adds or replaces the handler for a path (query strings are part of the path). */
  route(path: string, handler: Route): void;
  /** Paths requested so far, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a server on a free loopback port; unknown paths get 404. */
export async function startWebFixture(): Promise<WebFixture> {
  const routes = new Map<string, Route>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    requests.push(path);
    // A client that hangs up mid-body (size caps, cancels) must not crash the test process.
    res.on('error', () => undefined);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    route: (path, handler) => routes.set(path, handler),
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler that answers with fixed bytes and headers. */
export function respond(
  body: string | Uint8Array,
  headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' },
  status = 200,
): Route {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

/** A handler that redirects to `location` with `status`. */
export function redirect(location: string, status = 302): Route {
  return (_req, res) => {
    res.writeHead(status, { Location: location });
    res.end();
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A small valid PNG of one pixel with a colour of choice, so different images hash differently. */
export function tinyPng(red = 0, green = 0, blue = 0): Uint8Array {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Uint8Array) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = (crcTable[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Uint8Array) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const check = Buffer.alloc(4);
    check.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, check]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  const pixels = deflateSync(Buffer.from([0, red, green, blue]));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', pixels),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** The paragraphs of a small real-looking article, long enough for Readability. */
export const ARTICLE_PARAGRAPHS = [
  'The city council voted on Monday to extend the night bus service to the northern suburbs, a change that residents, shift workers and students have requested for almost a decade.',
  'Under the plan, three new routes will run every thirty minutes between midnight and five in the morning, and the existing routes will gain stops near the hospital and the university campus.',
  'The transport department estimates the extension will cost about two million a year, paid partly from parking revenue, and says it will review ridership after the first twelve months.',
];

/** An article page; `extra` goes inside the <article> after the paragraphs (images, hostile bits). */
export function articlePage(title: string, extra = '', head = ''): string {
  const paragraphs = ARTICLE_PARAGRAPHS.map((text) => `<p>${text}</p>`).join('\n');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">${head}<title>${title}</title></head><body><nav><a href="/">Home</a></nav><article><h1>${title}</h1>${paragraphs}${extra}</article></body></html>`;
}
