/**
 * Images a page carries with it instead of naming on the web: the `page_files/` folder of a browser's
 * "Save Page As, complete", the files uploaded together with a page, the parts of an MHTML archive.
 * They end up in the library exactly like downloaded images (content-addressed, deduplicated), by the
 * same step (localize-images.ts); only where the bytes come from differs.
 *
 * How a reference gets from the page to those bytes: before Readability runs, the HTML importer asks
 * a `LocalImageReferences` hook about each image reference the page makes. A reference the hook
 * answers for is replaced by an opaque marker address made by `LocalImages` (an https URL on the
 * reserved `.invalid` domain, with a random per-import part). The marker is an absolute web address,
 * so Readability leaves it as it is and the sanitizer keeps it; localizeImages then recognizes it,
 * reads the bytes from here, and replaces it with the stored image (or a placeholder). A marker is
 * never fetched and never stored: it lives for one import.
 *
 * Safety: a saved page is a file from anywhere, and its references are its author's choice. Only
 * path-relative references are looked up on disk, always inside the page's own folder: the reference
 * is resolved as a URL against that folder (so `..` cannot climb out), every decoded segment is
 * checked, and the real path (symlinks followed) must still lie inside the folder's real path.
 * Whatever is read must then be an image by its bytes (JPEG, PNG, GIF, WebP or AVIF) to be stored.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { OffprintError } from '../../shared/errors';
import { MAX_URL_LENGTH, formatBytes } from '../../shared/limits';
import { isErrorCode } from '../library/atomic-file';
import { isWebUrl, shorten } from './fetch-page';

/** The files beside an imported page: its folder on disk, or the files uploaded with it. */
export interface SiblingFiles {
  /** Names the place in messages: `page.html's folder`. */
  readonly description: string;
  /**
   * Reads the file at `segments` (decoded, checked path segments, relative to the page's folder).
   * Throws OffprintError 'not-found', 'not-permitted', 'too-large' or 'io-error', whose message
   * becomes the reason recorded for the image.
   */
  read(segments: readonly string[], maxBytes: number): Promise<Uint8Array>;
}

/** One local image the page refers to. */
export interface LocalImage {
  /** The reference as the page wrote it (clipped), for the failure record when it has no web address. */
  reference: string;
  /** Where the image lives on the web, when known: tried if the local copy fails, and by a retry. */
  webUrl: string | null;
  /** Reads its bytes; throws OffprintError with a reason fit for the failure record. */
  read(maxBytes: number): Promise<Uint8Array>;
}

/**
 * The hook the HTML importer calls for each image reference (src, srcset candidate) before
 * extraction: returns the marker address to put in its place, or null to leave the reference alone.
 * `pageUrl` is the page's web address when known.
 */
export type LocalImageReferences = (reference: string, pageUrl: string | null) => string | null;

/** The reserved host of marker addresses (`.invalid` never resolves: RFC 2606). */
const MARKER_HOST = 'local-image.offprint.invalid';

/** The local images of one import, behind marker addresses. */
export class LocalImages {
  /** Random per import, so that a page cannot write a marker that names another import's image. */
  readonly #nonce = randomBytes(12).toString('hex');
  readonly #images: LocalImage[] = [];
  readonly #markers = new Map<string, string>();

  /**
   * The marker for an image; `key` (a stable name for where its bytes are, such as its path) makes
   * two references to the same file share one marker, so the file is read and stored once.
   */
  mark(key: string, image: LocalImage): string {
    const known = this.#markers.get(key);
    if (known) return known;
    this.#images.push(image);
    const marker = `https://${MARKER_HOST}/${this.#nonce}/${this.#images.length - 1}`;
    this.#markers.set(key, marker);
    return marker;
  }

  /** The image behind a marker this instance made, or null for any other address. */
  find(url: string): LocalImage | null {
    if (!isMarker(url)) return null;
    const [, nonce, index] = new URL(url).pathname.split('/');
    if (nonce !== this.#nonce || !/^\d+$/.test(index ?? '')) return null;
    return this.#images[Number(index)] ?? null;
  }

  /** How many local images were referenced. */
  get size(): number {
    return this.#images.length;
  }
}

/**
 * True for any marker address, this import's or not. Such an address is never fetched and never
 * kept: one that is not this import's is a page pretending to be a marker.
 */
export function isMarker(url: string): boolean {
  return URL.canParse(url) && new URL(url).hostname === MARKER_HOST;
}

/** Longest reference kept in a failure record; page authors can write anything. */
const MAX_REFERENCE_CHARS = 300;

/** A base that stands for the page's folder when resolving references as URLs. */
const FOLDER_BASE = 'https://folder.offprint.invalid/page-folder/';
const FOLDER_PATH = new URL(FOLDER_BASE).pathname;

/** A scheme (`https:`, `data:`, `C:` too, which is no relative path either). */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * The decoded path segments of a path-relative reference inside the page's folder, 'outside' when it
 * climbs out of the folder or names something no file can be called, or null when the reference is
 * not path-relative (absolute, scheme, root- or protocol-relative, fragment or query only): those
 * name places on the web, not files beside the page.
 */
export function folderSegments(reference: string): string[] | 'outside' | null {
  const trimmed = reference.trim();
  if (trimmed === '' || HAS_SCHEME.test(trimmed) || /^[/\\#?]/.test(trimmed)) return null;
  let resolved: URL;
  try {
    resolved = new URL(trimmed, FOLDER_BASE);
  } catch {
    return 'outside';
  }
  if (!resolved.pathname.startsWith(FOLDER_PATH)) return 'outside';
  const raw = resolved.pathname.slice(FOLDER_PATH.length).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return 'outside';
    }
    // An encoded slash, backslash or NUL could smuggle a path through one segment.
    if (segment === '' || segment === '.' || segment === '..' || /[/\\\0]/.test(segment)) {
      return 'outside';
    }
    if (process.platform === 'win32' && segment.includes(':')) return 'outside';
    segments.push(segment);
  }
  return segments.length > 0 ? segments : 'outside';
}

function clipReference(reference: string): string {
  const trimmed = reference.trim();
  return trimmed.length <= MAX_REFERENCE_CHARS
    ? trimmed
    : `${trimmed.slice(0, MAX_REFERENCE_CHARS - 1)}…`;
}

/** Where a relative reference points on the web, when the page's address is known. */
function onTheWeb(reference: string, pageUrl: string | null): string | null {
  if (!pageUrl) return null;
  try {
    const url = new URL(reference.trim(), pageUrl).href;
    return isWebUrl(url) && url.length <= MAX_URL_LENGTH ? url : null;
  } catch {
    return null;
  }
}

/**
 * The hook for a saved page whose images lie beside it (`files`): every path-relative image
 * reference becomes a local image, read from `files` when the import stores images. One that is
 * missing, unreadable or outside the page's folder falls back to its web address when the page has
 * one (a page saved as "HTML only" names its images relative to the site), and otherwise becomes a
 * missing-image placeholder. Other references (absolute addresses) are left alone.
 */
export function siblingImageReferences(
  images: LocalImages,
  files: SiblingFiles,
): LocalImageReferences {
  return (reference, pageUrl) => {
    const segments = folderSegments(reference);
    if (segments === null) return null;
    const webUrl = onTheWeb(reference, pageUrl);
    const shown = clipReference(reference);
    if (segments === 'outside') {
      return images.mark(`outside:${reference}`, {
        reference: shown,
        webUrl,
        read: () =>
          Promise.reject(
            new OffprintError(
              'not-permitted',
              `${shorten(shown)} points outside ${files.description}; Offprint reads images only from there.`,
            ),
          ),
      });
    }
    return images.mark(`file:${segments.join('/')}`, {
      reference: shown,
      webUrl,
      read: (maxBytes) => files.read(segments, maxBytes),
    });
  };
}

/**
 * Reads at most `maxBytes` of a regular file; throws 'too-large' past that. Anything else (a folder,
 * a named pipe that would block the read forever, a device) is refused before it is opened.
 */
async function readCapped(path: string, maxBytes: number, shown: string): Promise<Uint8Array> {
  if (!(await stat(path)).isFile()) {
    throw new OffprintError('not-found', `${shown} is not a file.`);
  }
  // Non-blocking, should a pipe have taken the file's place since the check.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      throw new OffprintError('not-found', `${shown} is not a file.`);
    }
    if (info.size > maxBytes) {
      throw new OffprintError(
        'too-large',
        `${shown} is ${formatBytes(info.size)}; images are kept up to ${formatBytes(maxBytes)}.`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1024 * 1024, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      // The file grew after the size check.
      if (total > maxBytes) {
        throw new OffprintError('too-large', `${shown} is larger than ${formatBytes(maxBytes)}.`);
      }
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/**
 * The folder of the page at `pagePath` on disk. A file is read only when its real path (symlinks
 * followed) lies inside the folder's real path: a link leading out of the folder is refused.
 */
export function folderFiles(pagePath: string): SiblingFiles {
  const description = `the folder of ${basename(pagePath)}`;
  let folder: Promise<string> | null = null;
  return {
    description,
    async read(segments, maxBytes) {
      const shown = segments.join('/');
      try {
        folder ??= realpath(dirname(pagePath));
        const root = await folder;
        const real = await realpath(join(root, ...segments));
        if (!real.startsWith(root + sep)) {
          throw new OffprintError(
            'not-permitted',
            `${shown} leads outside ${description}; Offprint reads images only from there.`,
          );
        }
        return await readCapped(real, maxBytes, shown);
      } catch (error) {
        if (error instanceof OffprintError) throw error;
        if (isErrorCode(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) {
          throw new OffprintError('not-found', `${shown} was not found in ${description}.`);
        }
        if (isErrorCode(error, 'EACCES', 'EPERM')) {
          throw new OffprintError('not-permitted', `Offprint is not allowed to read ${shown}.`);
        }
        const detail = error instanceof Error ? error.message : String(error);
        throw new OffprintError('io-error', `${shown} could not be read: ${detail}`);
      }
    },
  };
}

/**
 * The files uploaded together with a page: `files` maps each upload's relative path (`a/b.jpg`) to
 * its bytes; the page itself is at `pagePath`. Only files in the page's folder or below are found.
 */
export function uploadedFiles(
  pagePath: string,
  files: ReadonlyMap<string, Uint8Array>,
): SiblingFiles {
  const parts = pagePath.split('/');
  const name = parts.pop() ?? pagePath;
  const folder = parts;
  const description = `the files uploaded with ${name}`;
  return {
    description,
    async read(segments, maxBytes) {
      const shown = segments.join('/');
      const bytes = files.get([...folder, ...segments].join('/'));
      if (!bytes) throw new OffprintError('not-found', `${shown} was not among ${description}.`);
      if (bytes.length > maxBytes) {
        throw new OffprintError(
          'too-large',
          `${shown} is ${formatBytes(bytes.length)}; images are kept up to ${formatBytes(maxBytes)}.`,
        );
      }
      return bytes;
    },
  };
}
