/**
 * A stand-in for the web in e2e tests: an HTTP server on 127.0.0.1 (tests never reach the internet)
 * answering from a route table, with a log of what was asked of it, and tiny real images to serve.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deflateSync } from 'node:zlib';

/** A one-pixel PNG of a given red level (so that two images are two different files). */
export function png(red: number): Buffer {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = (table[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const check = Buffer.alloc(4);
    check.writeUInt32BE(crc(body));
    return Buffer.concat([length, body, check]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, red, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Answers one request; return false to let the server answer 404. */
export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | void;

export interface Site {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** Paths asked for, in order. */
  requests: string[];
  server: Server;
  /** Closes the server and every connection it holds. */
  stop(): Promise<void>;
}

/** Starts a site whose paths are answered by `routes` (exact path -> route); others get 404. */
export async function startSite(routes: Record<string, Route>): Promise<Site> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    requests.push(path);
    const route = routes[path];
    if (route && route(req, res) !== false) return;
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A route that serves HTML. */
export function html(body: string): Route {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body);
  };
}

/** A route that serves an image. */
export function image(bytes: Buffer, type = 'image/png'): Route {
  return (_req, res) => {
    res.writeHead(200, { 'Content-Type': type });
    res.end(bytes);
  };
}

/** A port on 127.0.0.1 with nothing listening (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
