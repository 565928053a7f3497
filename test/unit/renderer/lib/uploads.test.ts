import { describe, expect, it } from 'vitest';
import { IMPORTABLE_EXTENSIONS as MAIN_EXTENSIONS } from '../../../../src-main/core/ingest/import-file';
import {
  IMPORTABLE_EXTENSIONS,
  MAX_DROPPED_FILES,
  isBookmarksExport,
  pageNames,
  planUpload,
  safeRelativePath,
  walkDropped,
  type UploadItem,
} from '../../../../src-renderer/src/lib/uploads';

function item(
  relativePath: string | null,
  name = relativePath?.split('/').pop() ?? 'x',
): UploadItem {
  return { file: new File(['x'], name), relativePath };
}

/** A folder tree as the File and Directory Entries API hands it over in a drop. */
function entry(path: string, tree: Record<string, unknown> | string): FileSystemEntry {
  const name = path.split('/').pop() ?? '';
  if (typeof tree === 'string') {
    return {
      isFile: true,
      isDirectory: false,
      name,
      fullPath: path,
      file: (resolve: (file: File) => void) => resolve(new File([tree], name)),
    } as unknown as FileSystemEntry;
  }
  const children = Object.entries(tree).map(([child, sub]) =>
    entry(`${path}/${child}`, sub as Record<string, unknown> | string),
  );
  return {
    isFile: false,
    isDirectory: true,
    name,
    fullPath: path,
    createReader: () => {
      // Like Chromium: at most 100 entries per call, then an empty answer.
      let at = 0;
      return {
        readEntries: (resolve: (entries: FileSystemEntry[]) => void) => {
          const batch = children.slice(at, at + 100);
          at += batch.length;
          setTimeout(() => resolve(batch), 0);
        },
      };
    },
  } as unknown as FileSystemEntry;
}

describe('uploads', () => {
  it('knows the same file types as main', () => {
    expect([...IMPORTABLE_EXTENSIONS].sort()).toEqual([...MAIN_EXTENSIONS].sort());
  });

  it('sorts a saved page, its images and its other files', () => {
    const plan = planUpload([
      item('page.html'),
      item('page_files/photo.jpg'),
      item('page_files/style.css'),
      item('page_files/app.js'),
      item('notes.md'),
    ]);
    expect(plan.articles.map((it) => it.relativePath)).toEqual(['page.html', 'notes.md']);
    expect(plan.resources.map((it) => it.relativePath)).toEqual(['page_files/photo.jpg']);
    expect(plan.skipped.map((it) => it.relativePath)).toEqual([
      'page_files/style.css',
      'page_files/app.js',
    ]);
  });

  it('still sends a lone file of another kind, so that main can say why it refuses it', () => {
    expect(planUpload([item(null, 'photo.png')]).articles).toHaveLength(1);
    expect(planUpload([item(null, 'report.pdf')]).articles).toHaveLength(1);
    // With a page beside it, a loose image is the page's.
    const plan = planUpload([item(null, 'page.htm'), item(null, 'photo.png')]);
    expect(plan.articles.map((it) => it.file.name)).toEqual(['page.htm']);
    expect(plan.resources.map((it) => it.file.name)).toEqual(['photo.png']);
  });

  it('gives paths only in the form the contract accepts', () => {
    expect(safeRelativePath('/Saved/page_files/a.jpg')).toBe('Saved/page_files/a.jpg');
    expect(safeRelativePath('a/../b.jpg')).toBeNull();
    expect(safeRelativePath('a//b.jpg')).toBeNull();
    expect(safeRelativePath('a\\b.jpg')).toBeNull();
    expect(safeRelativePath('a/b\u0007.jpg')).toBeNull();
    expect(safeRelativePath('')).toBeNull();
  });

  it('sends with a page only the images it names, as written or URL-encoded', () => {
    const text = '<img src="Caf%C3%A9_files/sign.png"><img src="page_files/a.jpg">';
    expect(pageNames(text, 'page_files/a.jpg')).toBe(true);
    expect(pageNames(text, 'Café_files/sign.png')).toBe(true);
    expect(pageNames('<img src="x/caf%C3%A9.png">', 'x/café.png')).toBe(true);
    expect(pageNames(text, 'page_files/b.jpg')).toBe(false);
    expect(pageNames(text, 'page_files/')).toBe(false);
  });

  it('walks dropped folders, giving each file its path below what was dropped', async () => {
    const dropped = {
      entries: [
        entry('/page.html', '<p>page</p>'),
        entry('/page_files', { 'a.jpg': 'A', 'b.png': 'B', deeper: { 'c.gif': 'C' } }),
      ],
      files: [new File(['loose'], 'loose.txt')],
    };
    const { items, truncated } = await walkDropped(dropped);
    expect(truncated).toBe(false);
    expect(items.map((it) => [it.file.name, it.relativePath])).toEqual([
      ['loose.txt', null],
      ['page.html', 'page.html'],
      ['a.jpg', 'page_files/a.jpg'],
      ['b.png', 'page_files/b.png'],
      ['c.gif', 'page_files/deeper/c.gif'],
    ]);
  });

  it('stops walking a huge folder and says so', async () => {
    const many = Object.fromEntries(
      Array.from({ length: MAX_DROPPED_FILES + 5 }, (_, index) => [`${index}.jpg`, 'x']),
    );
    const { items, truncated } = await walkDropped({
      entries: [entry('/Pictures', many)],
      files: [],
    });
    expect(truncated).toBe(true);
    expect(items).toHaveLength(MAX_DROPPED_FILES);
  });

  it('tells a bookmarks export from a saved page', async () => {
    const bookmarks = new File(
      [
        '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE><DL><DT><A HREF="https://a.example/">A</A></DL>',
      ],
      'bookmarks.html',
    );
    expect(await isBookmarksExport(bookmarks)).toBe(true);
    expect(await isBookmarksExport(new File(['<!DOCTYPE html><p>hi</p>'], 'page.html'))).toBe(
      false,
    );
    // Only web pages are looked at.
    expect(
      await isBookmarksExport(new File(['<!DOCTYPE NETSCAPE-Bookmark-file-1>'], 'notes.txt')),
    ).toBe(false);
  });
});
