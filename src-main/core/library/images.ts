/**
 * The library's offline images: `<root>/images/<sha256>.<ext>`, named by the SHA-256 of their
 * bytes, so an image used by many articles (a site logo, a photo re-saved) is stored once and a
 * file's name proves its content.
 *
 * ## How articles point at them
 *
 * Stored content refers to an image as the relative URL `images/<sha256>.<ext>`. Both hosts make
 * that resolve against the app page itself, so the reader's CSP (`img-src 'self'`) allows it and
 * nothing else:
 * - the browser host serves `GET /images/<sha256>.<ext>` from the library (server.ts), its page
 *   being `/index.html`;
 * - Electron intercepts `file://<renderer folder>/images/<sha256>.<ext>` (its page is
 *   `file://<renderer folder>/index.html`) and answers from the library (electron/library-images.ts).
 * Only names matching IMAGE_FILE_NAME are ever served: 64 lower-case hex digits and a known
 * extension, so no request can name any other file.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrorCode, toIoError, writeFileAtomic } from './atomic-file';

export const IMAGES_DIR_NAME = 'images';

/** Extension -> the Content-Type it is served with. Only raster formats: no SVG (it can script). */
export const IMAGE_CONTENT_TYPES = {
  jpg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
} as const;

export type ImageExtension = keyof typeof IMAGE_CONTENT_TYPES;

/** A stored image's file name: `<sha256 hex>.<ext>`. */
export const IMAGE_FILE_NAME = /^[0-9a-f]{64}\.(?:jpg|png|gif|webp|avif)$/;

/** How stored content refers to a stored image: `images/<sha256>.<ext>`, relative to the app page. */
export const LOCAL_IMAGE_URL = /^images\/([0-9a-f]{64}\.(?:jpg|png|gif|webp|avif))$/;

/** The URL stored content uses for an image file name. */
export function localImageUrl(fileName: string): string {
  return `${IMAGES_DIR_NAME}/${fileName}`;
}

/** `<root>/images`. */
export function imagesDir(root: string): string {
  return join(root, IMAGES_DIR_NAME);
}

/** The path of a stored image, or null when `fileName` is not a stored image's name. */
export function imagePath(root: string, fileName: string): string | null {
  return IMAGE_FILE_NAME.test(fileName) ? join(imagesDir(root), fileName) : null;
}

/** The Content-Type for a stored image, from the extension of its file name or path. */
export function imageContentType(fileName: string): string {
  const extension = fileName.slice(fileName.lastIndexOf('.') + 1) as ImageExtension;
  return IMAGE_CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function startsWith(bytes: Uint8Array, prefix: readonly number[], offset = 0): boolean {
  return prefix.every((byte, index) => bytes[offset + index] === byte);
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, end));
}

/**
 * The image format the bytes really are, from their magic numbers, or null. The server's
 * Content-Type only says "some image"; the stored extension (and the type it is served with) comes
 * from the bytes, so a mislabelled or disguised file is never served as something it is not.
 */
export function sniffImageType(bytes: Uint8Array): ImageExtension | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (ascii(bytes, 4, 8) === 'ftyp' && ['avif', 'avis'].includes(ascii(bytes, 8, 12))) {
    return 'avif';
  }
  return null;
}

/**
 * Stores image bytes under their hash (once: an existing file with that name already holds these
 * bytes) and returns the file name. Written atomically, so a crash never leaves a truncated image
 * under a real name. Throws OffprintError 'io-error'.
 */
export async function storeImage(
  root: string,
  bytes: Uint8Array,
  extension: ImageExtension,
): Promise<string> {
  const fileName = `${createHash('sha256').update(bytes).digest('hex')}.${extension}`;
  const dir = imagesDir(root);
  const path = join(dir, fileName);
  try {
    await stat(path);
    return fileName;
  } catch (error) {
    if (!isErrorCode(error, 'ENOENT')) throw toIoError('store an image', path, error);
  }
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(path, bytes);
  } catch (error) {
    throw toIoError('store an image', path, error);
  }
  return fileName;
}
