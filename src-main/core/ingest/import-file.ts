/**
 * File-level import: one file (by path, or as uploaded bytes) -> one library article, or a failed
 * outcome that names the file and says what was wrong. Bad input never throws and never writes
 * anything: every check runs before library.add.
 *
 * Checks, in order: the path exists, is a regular file and is not too large (stat, before any byte is
 * read); the file is not empty; it is not binary; its extension has an importer; its text is not
 * blank; it is not a bookmarks export (a list of links: import.links saves the pages it names).
 * Binary comes before extension so that "photo.png" gets the more useful message.
 *
 * A saved web page may carry its images: in a folder beside it ("Save Page As, complete" writes
 * `page_files/`), among the files uploaded with it, or inside it (MHTML). Those are stored like
 * downloaded images (local-images.ts); only the page's own folder is ever read.
 */
import { open, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { BOOKMARKS_SNIFF_CHARS, isBookmarksFile } from '../../shared/bookmarks-file';
import type { ImportOutcome } from '../../shared/model';
import { OffprintError, toErrorShape, type ErrorCode } from '../../shared/errors';
import { MAX_IMPORT_BYTES, formatBytes } from '../../shared/limits';
import type { Library, NewArticle } from '../library/library';
import { decodeText, looksBinary } from './decode';
import { parseHtmlArticle } from './html';
import { extractLinks } from './link-list';
import {
  LocalImages,
  type SiblingFiles,
  folderFiles,
  siblingImageReferences,
} from './local-images';
import { type ImageOptions, localizeImages } from './localize-images';
import { parseMarkdownArticle } from './markdown';
import { parseMhtmlArticle } from './mhtml';
import { parseTextArticle } from './text';

/** What an importer receives: the raw bytes (an HTML importer sniffs its own charset) and a decoding. */
export interface ImportInput {
  fileName: string;
  bytes: Uint8Array;
  /** `bytes` decoded by decodeText (BOM, strict UTF-8, then detection). */
  text: string;
  encoding: string;
  /** The files beside it (its folder, or the files uploaded with it); null when there are none. */
  siblings: SiblingFiles | null;
  /** Where an importer registers the images the file carries, for localizeImages to store. */
  localImages: LocalImages;
}

/** How an import treats the images of what it imports. */
export interface FileImportOptions {
  /** Limits for fetching images (or `offline: true` to fetch none); defaults otherwise. */
  images?: Omit<ImageOptions, 'referer' | 'local'>;
  /**
   * For uploads: the files uploaded with this one, where a saved page finds the images it refers
   * to by relative path (local-images.ts uploadedFiles). importPath uses the file's own folder.
   */
  siblings?: SiblingFiles;
}

/** Turns one file's content into an article. May throw OffprintError for content it cannot use. */
export type FileImporter = (input: ImportInput) => NewArticle | Promise<NewArticle>;

/**
 * Extension (lower case, with the dot) -> importer. The single place to register a new file type:
 * the accepted-types message below is derived from it.
 */
const IMPORTERS_BY_EXTENSION: Readonly<Record<string, FileImporter>> = {
  '.txt': ({ text, fileName }) => parseTextArticle(text, fileName),
  '.text': ({ text, fileName }) => parseTextArticle(text, fileName),
  // Web pages sniff their own charset (<meta>), so they get the bytes, not decodeText's guess.
  '.html': (input) => importWebPage(input),
  '.htm': (input) => importWebPage(input),
  '.mhtml': ({ bytes, fileName, localImages }) => parseMhtmlArticle(bytes, fileName, localImages),
  '.mht': ({ bytes, fileName, localImages }) => parseMhtmlArticle(bytes, fileName, localImages),
  '.md': ({ text, fileName }) => parseMarkdownArticle(text, fileName),
  '.markdown': ({ text, fileName }) => parseMarkdownArticle(text, fileName),
};

/** A saved web page; path-relative image references are looked up among its sibling files. */
function importWebPage({ bytes, fileName, siblings, localImages }: ImportInput): NewArticle {
  return parseHtmlArticle(bytes, {
    fileName,
    ...(siblings ? { localImages: siblingImageReferences(localImages, siblings) } : {}),
  });
}

/** The extensions Offprint imports, e.g. [".txt", ".text"]; for file pickers and help text. */
export const IMPORTABLE_EXTENSIONS: readonly string[] = Object.keys(IMPORTERS_BY_EXTENSION);

function acceptedTypes(): string {
  const names = IMPORTABLE_EXTENSIONS;
  if (names.length <= 1) return `${names[0] ?? 'no'} files`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} files`;
}

function failed(source: string, code: ErrorCode, message: string): ImportOutcome {
  return { status: 'failed', source, error: { code, message } };
}

function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error ? String(error.code) : undefined;
}

/** A filesystem error as an outcome whose message names the file. */
function fileSystemFailure(source: string, fileName: string, error: unknown): ImportOutcome {
  const code = errnoCode(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return failed(
      source,
      'not-found',
      `${fileName} was not found; it may have been moved or deleted.`,
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return failed(source, 'not-permitted', `Offprint is not allowed to read ${fileName}.`);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return failed(source, 'io-error', `${fileName} could not be read: ${detail}`);
}

/** `size` is null when the file grew past the limit while being read (its final size is unknown). */
function tooLarge(source: string, fileName: string, size: number | null): ImportOutcome {
  const limit = formatBytes(MAX_IMPORT_BYTES);
  const shown = size === null ? limit : formatBytes(size);
  // "20 MB; the limit is 20 MB" would read as a contradiction when the size rounds to the limit.
  const detail = shown === limit ? `over ${limit}, the limit` : `${shown}; the limit is ${limit}`;
  return failed(source, 'too-large', `${fileName} is too large to import (${detail}).`);
}

/**
 * Reads at most `limit` bytes; null when the file holds more. The size was checked with stat already;
 * this guards against a file that grows between the stat and the read.
 */
async function readAtMost(path: string, limit: number): Promise<Uint8Array | null> {
  const handle = await open(path, 'r');
  try {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const chunk = new Uint8Array(Math.min(1024 * 1024, limit + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) return null;
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks);
  } finally {
    await handle.close();
  }
}

/** The content checks shared by path and upload imports, then the importer and the library write. */
async function importContent(
  library: Library,
  source: string,
  fileName: string,
  bytes: Uint8Array,
  options: FileImportOptions,
): Promise<ImportOutcome> {
  if (bytes.length === 0) return failed(source, 'empty-file', `${fileName} is empty.`);
  if (looksBinary(bytes)) {
    return failed(
      source,
      'unsupported-file',
      `${fileName} is not a text article (it looks like a binary file).`,
    );
  }
  const extension = extname(fileName).toLowerCase();
  const importer = IMPORTERS_BY_EXTENSION[extension];
  if (!importer) {
    const what = extension === '' ? 'has no file extension' : `is a ${extension} file`;
    return failed(
      source,
      'unsupported-file',
      `${fileName} ${what}; Offprint imports ${acceptedTypes()}.`,
    );
  }
  const { text, encoding } = decodeText(bytes);
  if (text.trim() === '') {
    return failed(source, 'empty-file', `${fileName} is empty (it holds only blank space).`);
  }
  if (isBookmarksFile(text)) {
    const count = extractLinks(text).urls.length;
    return failed(
      source,
      'unsupported-file',
      `${fileName} is a bookmarks file (${count} web ${count === 1 ? 'address' : 'addresses'}), not a saved page; import it as a list of links to save the pages it names.`,
    );
  }

  let article: NewArticle;
  try {
    const localImages = new LocalImages();
    article = await importer({
      fileName,
      bytes,
      text,
      encoding,
      siblings: options.siblings ?? null,
      localImages,
    });
    // Web pages and Markdown may show images from the web, and saved pages carry their own:
    // saved into the library now, so that reading needs no network (and a failed image is
    // recorded, never failing the file).
    const localized = await localizeImages(article.contentHtml, library.root, {
      ...options.images,
      referer: article.url,
      local: localImages,
    });
    article = { ...article, contentHtml: localized.contentHtml, imageFailures: localized.failures };
  } catch (error) {
    const shape = toErrorShape(error);
    const message =
      error instanceof OffprintError
        ? shape.message
        : `${fileName} could not be imported: ${shape.message}`;
    return failed(source, shape.code, message);
  }

  try {
    const saved = await library.add(article);
    return { status: 'saved', source, article: saved };
  } catch (error) {
    const shape = toErrorShape(error);
    return failed(source, shape.code, `${fileName} could not be saved: ${shape.message}`);
  }
}

/**
 * Imports the file at `path` into the library. Never throws for a bad file: a missing file, a folder,
 * a file over MAX_IMPORT_BYTES (refused from its size alone, without reading it), an empty, binary or
 * unsupported file each give a failed outcome with an error code and a message naming the file, and
 * nothing is written. `source` in the outcome is `path` as given. Images the content shows from the
 * web are saved into the library first (`options.images`); one that fails is recorded on the
 * article, never failing the import.
 */
export async function importPath(
  library: Library,
  path: string,
  options: FileImportOptions = {},
): Promise<ImportOutcome> {
  const fileName = basename(path);
  let bytes: Uint8Array | null;
  try {
    const info = await stat(path);
    if (info.isDirectory()) {
      return failed(path, 'unsupported-file', `${fileName} is a folder, not a file.`);
    }
    if (!info.isFile()) {
      return failed(path, 'unsupported-file', `${fileName} is not a regular file.`);
    }
    if (info.size > MAX_IMPORT_BYTES) return tooLarge(path, fileName, info.size);
    bytes = await readAtMost(path, MAX_IMPORT_BYTES);
  } catch (error) {
    return fileSystemFailure(path, fileName, error);
  }
  if (bytes === null) return tooLarge(path, fileName, null);
  return importContent(library, path, fileName, bytes, { ...options, siblings: folderFiles(path) });
}

/**
 * The web addresses in the bookmarks export at `path`, or null when it is not one (or cannot be
 * read: importPath then reports why). Only the first few KB are read to tell.
 */
export async function bookmarksFileLinks(path: string): Promise<string[] | null> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size > MAX_IMPORT_BYTES) return null;
    const handle = await open(path, 'r');
    let head: string;
    try {
      const buffer = new Uint8Array(BOOKMARKS_SNIFF_CHARS);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = decodeText(buffer.subarray(0, bytesRead)).text;
    } finally {
      await handle.close();
    }
    if (!isBookmarksFile(head)) return null;
    const bytes = await readAtMost(path, MAX_IMPORT_BYTES);
    return bytes ? extractLinks(decodeText(bytes).text).urls : null;
  } catch {
    return null;
  }
}

/**
 * Imports uploaded bytes (the browser host's file picker) under the file name `name`. Same checks,
 * outcomes and guarantees as importPath; only the base name of `name` is used as the file name, since
 * it comes from the renderer. A saved page finds its images among `options.siblings`.
 */
export async function importBytes(
  library: Library,
  name: string,
  bytes: Uint8Array,
  options: FileImportOptions = {},
): Promise<ImportOutcome> {
  const fileName = name.split(/[\\/]/).pop() || name;
  if (bytes.length > MAX_IMPORT_BYTES) return tooLarge(name, fileName, bytes.length);
  return importContent(library, name, fileName, bytes, options);
}
