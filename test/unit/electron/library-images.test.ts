/**
 * Saved images in the Electron host, through a fake protocol and net (the Electron binary does not
 * exist here): only `file://<renderer>/images/<sha256>.<ext>` is answered from the library; every
 * other file: request, and every look-alike, is passed on untouched.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { libraryImageFor, serveLibraryImages } from '../../../src-main/electron/library-images';

const HASH = 'a'.repeat(64);
let dir: string;
let rendererDir: string;
let libraryRoot: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offprint-electron-images-'));
  rendererDir = join(dir, 'out', 'renderer');
  libraryRoot = join(dir, 'library');
  await mkdir(join(libraryRoot, 'images'), { recursive: true });
  await writeFile(join(libraryRoot, 'images', `${HASH}.png`), Buffer.from('png bytes'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const under = (path: string) => `${pathToFileURL(rendererDir).href}/${path}`;

describe('libraryImageFor', () => {
  it('maps a saved image under the renderer folder to the library file', () => {
    expect(libraryImageFor(under(`images/${HASH}.png`), rendererDir, libraryRoot)).toBe(
      join(libraryRoot, 'images', `${HASH}.png`),
    );
    expect(libraryImageFor(under(`images/${HASH}.webp?x=1#y`), rendererDir, libraryRoot)).toBe(
      join(libraryRoot, 'images', `${HASH}.webp`),
    );
  });

  it('refuses everything else', () => {
    for (const url of [
      under('index.html'),
      under('assets/index.js'),
      under(`images/${HASH}.svg`),
      under(`images/${HASH.slice(1)}.png`),
      under(`images/${HASH.toUpperCase()}.png`),
      under(`images/../../library/library.json`),
      under(`images/%2e%2e/${HASH}.png`),
      under(`images/sub/${HASH}.png`),
      `${pathToFileURL(dir).href}/images/${HASH}.png`,
      `http://localhost:5173/images/${HASH}.png`,
      'not a url',
    ]) {
      expect(libraryImageFor(url, rendererDir, libraryRoot), url).toBeNull();
    }
  });
});

describe('serveLibraryImages', () => {
  type Handler = (request: Request) => Promise<Response>;

  function install(): { handler: Handler; forwarded: Array<{ url: string; bypass: unknown }> } {
    let handler: Handler | null = null;
    const forwarded: Array<{ url: string; bypass: unknown }> = [];
    const protocol = {
      handle: (scheme: string, registered: Handler) => {
        expect(scheme).toBe('file');
        handler = registered;
      },
    } as unknown as Pick<Protocol, 'handle'>;
    const net = {
      fetch: async (input: Request, init?: { bypassCustomProtocolHandlers?: boolean }) => {
        forwarded.push({ url: input.url, bypass: init?.bypassCustomProtocolHandlers });
        return new Response('from disk');
      },
    } as unknown as Pick<Net, 'fetch'>;
    serveLibraryImages(protocol, net, rendererDir, libraryRoot);
    if (!handler) throw new Error('no handler registered');
    return { handler, forwarded };
  }

  it('answers saved images from the library with their type', async () => {
    const { handler, forwarded } = install();
    const response = await handler(new Request(under(`images/${HASH}.png`)));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(await response.text()).toBe('png bytes');
    expect(forwarded).toEqual([]);
  });

  it('answers 404 for a well-formed name that is not in the library', async () => {
    const { handler } = install();
    const response = await handler(new Request(under(`images/${'b'.repeat(64)}.png`)));
    expect(response.status).toBe(404);
  });

  it("passes every other file request on to Electron's own handling", async () => {
    const { handler, forwarded } = install();
    const url = under('index.html');
    expect(await (await handler(new Request(url))).text()).toBe('from disk');
    expect(forwarded).toEqual([{ url, bypass: true }]);
  });
});
