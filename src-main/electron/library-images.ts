/**
 * Saved images in the Electron host. Stored content names an image `images/<sha256>.<ext>`,
 * relative to the app page; the built app's page is `file://<renderer folder>/index.html`, so the
 * reader asks for `file://<renderer folder>/images/<sha256>.<ext>`. This file answers exactly those
 * requests from `<library>/images/` and passes every other file: request through untouched. The
 * page's CSP (`img-src 'self'`) and the session's network block stay as they are: nothing here
 * reaches the network. (Under the development server the page is http://localhost, where these
 * addresses are not answered: saved images show in the built app and the browser host.)
 *
 * Only types come from electron; protocol and net are parameters, so the tests drive this file
 * without the Electron binary.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';
import {
  IMAGE_FILE_NAME,
  IMAGES_DIR_NAME,
  imageContentType,
  imagePath,
} from '../core/library/images';

/**
 * The library file a file: URL asks for when it names a saved image under the renderer folder, or
 * null. The name must be a saved image's name exactly (hash and extension): no other file of the
 * library, or of the disk, can be reached this way.
 */
export function libraryImageFor(
  url: string,
  rendererDir: string,
  libraryRoot: string,
): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'file:') return null;
  parsed.search = '';
  parsed.hash = '';
  const prefix = `${pathToFileURL(join(rendererDir, IMAGES_DIR_NAME)).href}/`;
  if (!parsed.href.startsWith(prefix)) return null;
  const name = parsed.href.slice(prefix.length);
  return IMAGE_FILE_NAME.test(name) ? imagePath(libraryRoot, name) : null;
}

/**
 * Makes the session answer saved-image requests from the library (see the module comment). Every
 * other file: request goes on to Electron's own file handling.
 */
export function serveLibraryImages(
  protocol: Pick<Protocol, 'handle'>,
  net: Pick<Net, 'fetch'>,
  rendererDir: string,
  libraryRoot: string,
): void {
  protocol.handle('file', async (request) => {
    const file = libraryImageFor(request.url, rendererDir, libraryRoot);
    if (file === null) return net.fetch(request, { bypassCustomProtocolHandlers: true });
    try {
      const bytes = await readFile(file);
      return new Response(bytes, {
        headers: {
          'Content-Type': imageContentType(file),
          'X-Content-Type-Options': 'nosniff',
        },
      });
    } catch {
      return new Response(null, { status: 404 });
    }
  });
}
