/**
 * Files the user drops or picks, before their bytes are sent: which are articles, which are a saved
 * page's images (the `page_files/` folder "Save Page As, complete" writes beside the page), where
 * each sat among the others, and which are bookmarks exports (lists of pages to save, not articles).
 */
import { isBookmarksFile, BOOKMARKS_SNIFF_CHARS } from '../../../src-main/shared/bookmarks-file';

/** A file to import, and where it sat among the files dropped or picked with it. */
export interface UploadItem {
  file: File;
  /**
   * Its path below what was dropped, `/`-separated: `page.html`, `page_files/photo.jpg`,
   * `Saved/page.html`. Null when unknown (a file picked on its own).
   */
  relativePath: string | null;
}

/**
 * The extensions main imports as articles: the table in src-main/core/ingest/import-file.ts, which
 * the renderer cannot import (it is Node code). A unit test keeps the two lists equal.
 */
export const IMPORTABLE_EXTENSIONS: readonly string[] = [
  '.txt',
  '.text',
  '.html',
  '.htm',
  '.mhtml',
  '.mht',
  '.md',
  '.markdown',
];

/** "…, .md and .markdown files": what the import accepts, for messages. */
export function importableFilesLabel(): string {
  const names = IMPORTABLE_EXTENSIONS;
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''} files`;
}

/** Saved pages whose images may be among the files sent with them. */
const PAGE_EXTENSIONS: readonly string[] = ['.html', '.htm'];

/** Image formats main keeps (it checks the bytes; the name only picks what is worth sending). */
const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.gif', '.webp', '.avif'];

/** The most files a drop is walked for: a saved page has dozens; a home folder must not hang us. */
export const MAX_DROPPED_FILES = 2000;

/** Folders deeper than this are not walked. */
const MAX_DEPTH = 12;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/** The last part of a `/`-separated path. */
export function baseNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The folder part of a `/`-separated path, with its trailing slash; '' at the top. */
export function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** True for a file main imports as an article, by its name. */
export function isImportable(name: string): boolean {
  return IMPORTABLE_EXTENSIONS.includes(extensionOf(name));
}

/** True for a saved web page, which may come with its images. */
export function isWebPage(name: string): boolean {
  return PAGE_EXTENSIONS.includes(extensionOf(name));
}

/** True for a file that may be an image a saved page shows. */
export function isImage(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extensionOf(name));
}

/**
 * The path as the contract takes it (`a/b.jpg`: no leading slash, no empty, `.` or `..` part, no
 * backslash or control character), or null when it cannot be said that way. Such a file is still
 * imported, only without its place.
 */
export function safeRelativePath(path: string): string | null {
  const trimmed = path.replace(/^\/+/, '');
  if (trimmed === '' || trimmed.length > 1024) return null;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\\\u0000-\u001f\u007f]/.test(trimmed)) return null;
  const parts = trimmed.split('/');
  if (parts.some((part) => part === '' || part === '.' || part === '..')) return null;
  return trimmed;
}

/** Files from a file input: a folder picked (`webkitdirectory`) gives each file its place in it. */
export function uploadItems(files: readonly File[]): UploadItem[] {
  return files.map((file) => ({
    file,
    relativePath: file.webkitRelativePath ? safeRelativePath(file.webkitRelativePath) : null,
  }));
}

/** True when the file is a browser's bookmarks export rather than a saved page. */
export async function isBookmarksExport(file: File): Promise<boolean> {
  if (!isWebPage(file.name)) return false;
  try {
    return isBookmarksFile(await file.slice(0, BOOKMARKS_SNIFF_CHARS).text());
  } catch {
    return false;
  }
}

/** What a drop holds, taken while the drop event runs (the browser forgets it afterwards). */
export interface DroppedEntries {
  /** Entries of files and folders, where the engine offers them. */
  entries: FileSystemEntry[];
  /** Files for which no entry was offered. */
  files: File[];
}

/** Takes the drop's files and folders; call it inside the drop event handler. */
export function takeDropped(transfer: DataTransfer): DroppedEntries {
  const entries: FileSystemEntry[] = [];
  const files: File[] = [];
  const items = transfer.items ? [...transfer.items] : [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) {
      entries.push(entry);
    } else {
      const file = item.getAsFile();
      if (file) files.push(file);
    }
  }
  // An engine without DataTransferItems still has the file list.
  if (items.length === 0) files.push(...transfer.files);
  return { entries, files };
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/**
 * Every file of a drop with its path below what was dropped, folders walked (at most
 * MAX_DROPPED_FILES files; `truncated` says when there were more). Unreadable entries are skipped.
 */
export async function walkDropped(
  dropped: DroppedEntries,
): Promise<{ items: UploadItem[]; truncated: boolean }> {
  const items: UploadItem[] = dropped.files.map((file) => ({ file, relativePath: null }));
  let truncated = false;

  async function visit(entry: FileSystemEntry, depth: number): Promise<void> {
    if (items.length >= MAX_DROPPED_FILES) {
      truncated = true;
      return;
    }
    if (entry.isFile) {
      try {
        const file = await fileOf(entry as FileSystemFileEntry);
        items.push({ file, relativePath: safeRelativePath(entry.fullPath) });
      } catch {
        // Gone since it was dropped, or not readable: nothing to import.
      }
      return;
    }
    if (!entry.isDirectory || depth >= MAX_DEPTH) return;
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries answers in pieces (about 100 at a time) until it answers with none.
    for (;;) {
      let batch: FileSystemEntry[];
      try {
        batch = await readBatch(reader);
      } catch {
        return;
      }
      if (batch.length === 0) return;
      for (const child of batch) await visit(child, depth + 1);
      if (truncated) return;
    }
  }

  for (const entry of dropped.entries) await visit(entry, 0);
  return { items, truncated };
}

/** How the files of one drop or pick are to be sent. */
export interface UploadPlan {
  /** Articles to import, each with an outcome. */
  articles: UploadItem[];
  /** Images that saved pages among `articles` may show: sent with them, no outcome of their own. */
  resources: UploadItem[];
  /** Files that came in a folder and are neither (style sheets, scripts): left out. */
  skipped: UploadItem[];
}

/**
 * Sorts dropped or picked files: articles by their extension; images are a page's resources when a
 * web page came with them (in its folder, or beside it); anything else that came in a folder is
 * part of a saved page (style sheets, scripts) and left out. A lone file of another kind is still
 * sent as an article, so that main can say why it cannot import it.
 */
export function planUpload(items: readonly UploadItem[]): UploadPlan {
  const withPages = items.some((item) => isWebPage(item.file.name));
  const plan: UploadPlan = { articles: [], resources: [], skipped: [] };
  for (const item of items) {
    const name = item.file.name;
    const inFolder = item.relativePath?.includes('/') ?? false;
    if (isImportable(name)) plan.articles.push(item);
    else if (isImage(name) && withPages) plan.resources.push(item);
    else if (inFolder) plan.skipped.push(item);
    else plan.articles.push(item);
  }
  return plan;
}

/**
 * Whether a page's text names a resource: by its file name as written, or URL-encoded (a page
 * saved as `Café.html` refers to `Caf%C3%A9_files/...`). Only images a page names are sent with it.
 */
export function pageNames(pageText: string, resourcePath: string): boolean {
  const name = baseNameOf(resourcePath);
  if (name === '') return false;
  if (pageText.includes(name)) return true;
  const encoded = encodeURIComponent(name);
  return encoded !== name && pageText.includes(encoded);
}
