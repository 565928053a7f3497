/**
 * Where each file of a library lives. Every path the store touches is built here, and every path
 * that contains an article id goes through `assertArticleId` first, so an id that came from the
 * renderer, the index file or a folder name can never point outside the library.
 */
import { join, relative, sep } from 'node:path';
import { assertArticleId } from './article-id';

export const INDEX_FILE_NAME = 'library.json';
export const ARTICLES_DIR_NAME = 'articles';
export const SETTINGS_FILE_NAME = 'settings.json';
export const LOCK_FILE_NAME = 'offprint.lock';
export const ARTICLE_FILE_NAME = 'article.json';
export const ANNOTATIONS_FILE_NAME = 'annotations.json';
export const QUARANTINE_DIR_NAME = 'quarantine';
/**
 * Prefix of a deleted article's folder while it is being removed (`articles/.trash-<id>-<n>`). The
 * dot keeps it from ever looking like an article id, so no scan lists it; open() finishes the job.
 */
export const TRASH_PREFIX = '.trash-';

let trashCounter = 0;

/** The paths of one library folder. */
export class LibraryLayout {
  readonly root: string;
  readonly indexFile: string;
  readonly articlesDir: string;
  readonly settingsFile: string;
  readonly lockFile: string;
  /** Damaged files are moved (or copied) here before the library repairs around them. */
  readonly quarantineDir: string;

  /** `root` must already be absolute. */
  constructor(root: string) {
    this.root = root;
    this.indexFile = join(root, INDEX_FILE_NAME);
    this.articlesDir = join(root, ARTICLES_DIR_NAME);
    this.settingsFile = join(root, SETTINGS_FILE_NAME);
    this.lockFile = join(root, LOCK_FILE_NAME);
    this.quarantineDir = join(root, QUARANTINE_DIR_NAME);
  }

  /** `path` relative to the library folder, with `/` on every platform (for messages and reports). */
  relative(path: string): string {
    return relative(this.root, path).split(sep).join('/');
  }

  /** A fresh trash name for a deleted article's folder, next to the article folders. */
  trashDir(id: string): string {
    assertArticleId(id);
    trashCounter += 1;
    return join(this.articlesDir, `${TRASH_PREFIX}${id}-${process.pid}-${trashCounter}`);
  }

  /** `<root>/articles/<id>/annotations.json`: highlights and notes; absent means none. */
  annotationsFile(id: string): string {
    return join(this.articleDir(id), ANNOTATIONS_FILE_NAME);
  }

  /** `<root>/articles/<id>`; throws 'invalid-argument' for anything that is not an article id. */
  articleDir(id: string): string {
    assertArticleId(id);
    return join(this.articlesDir, id);
  }

  /** `<root>/articles/<id>/article.json`: metadata and user state; present means complete. */
  articleFile(id: string): string {
    return join(this.articleDir(id), ARTICLE_FILE_NAME);
  }

  /** `<root>/articles/<id>/content-<version>.html`: the sanitized content of one version. */
  contentFile(id: string, version: number): string {
    return join(this.articleDir(id), contentFileName(version));
  }

  /** `<root>/articles/<id>/text-<version>.txt`: plain text of one version, for search and the CLI. */
  textFile(id: string, version: number): string {
    return join(this.articleDir(id), textFileName(version));
  }
}

/** File name of a version's content, e.g. `content-1.html`. */
export function contentFileName(version: number): string {
  return `content-${checkVersion(version)}.html`;
}

/** File name of a version's plain text, e.g. `text-1.txt`. */
export function textFileName(version: number): string {
  return `text-${checkVersion(version)}.txt`;
}

function checkVersion(version: number): number {
  // Versions come from article.json, which a user could edit: keep them plain positive integers.
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RangeError(`Not an article version: ${version}`);
  }
  return version;
}
