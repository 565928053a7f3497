/**
 * Lists of links: pasted text and bookmarks exports (the Netscape bookmark file of browsers and
 * Pocket) give their web addresses in order, each once, and nothing else; a bookmarks file imported
 * as a file is not taken for a page.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookmarksFileLinks,
  importBytes,
  importPath,
} from '../../../../src-main/core/ingest/import-file';
import {
  extractLinks,
  linksFromBookmarks,
  linksFromText,
} from '../../../../src-main/core/ingest/link-list';
import { isBookmarksFile } from '../../../../src-main/shared/bookmarks-file';
import { FIREFOX_BOOKMARKS } from './bookmarks-fixture';
import { RecordingLibrary } from './fake-library';

/** A web page that merely looks like one at a glance. */
const NOT_BOOKMARKS = `<!DOCTYPE html><!-- not this one --><html><body>plain</body></html>`;

describe('linksFromText', () => {
  it('finds addresses one per line or between spaces, in order, each once', () => {
    const pasted = `
      https://a.example.com/one
      https://b.example.com/two https://c.example.com/three
      see <https://d.example.com/four>, (https://e.example.com/five).
      https://a.example.com/one#again https://a.example.com/one?utm_medium=email
      "https://f.example.com/six", https://wiki.example.org/wiki/Bus_(vehicle)
    `;
    expect(linksFromText(pasted)).toEqual([
      'https://a.example.com/one',
      'https://b.example.com/two',
      'https://c.example.com/three',
      'https://d.example.com/four',
      'https://e.example.com/five',
      'https://f.example.com/six',
      'https://wiki.example.org/wiki/Bus_(vehicle)',
    ]);
  });

  it('ignores everything that is not an http(s) address', () => {
    const pasted = [
      'ftp://files.example.com/a',
      'javascript:alert(1)',
      'mailto:someone@example.com',
      'file:///etc/passwd',
      'example.com/no-scheme',
      'https://',
      'words and more words',
      `https://long.example.com/${'a'.repeat(3000)}`,
    ].join('\n');
    expect(linksFromText(pasted)).toEqual([]);
    expect(linksFromText('HTTPS://Upper.Example.COM/Path')).toEqual([
      'https://upper.example.com/Path',
    ]);
  });
});

describe('bookmarks exports', () => {
  it('are recognized by their doctype, not by being HTML', () => {
    expect(isBookmarksFile(FIREFOX_BOOKMARKS)).toBe(true);
    expect(isBookmarksFile(`\uFEFF  <!doctype netscape-bookmark-file-1>\n<DL>`)).toBe(true);
    expect(isBookmarksFile(`<!-- exported -->\n<!DOCTYPE NETSCAPE-Bookmark-file-1>`)).toBe(true);
    expect(isBookmarksFile(NOT_BOOKMARKS)).toBe(false);
    expect(isBookmarksFile('https://a.example.com/\nhttps://b.example.com/')).toBe(false);
    expect(isBookmarksFile(`${' '.repeat(5000)}<!DOCTYPE NETSCAPE-Bookmark-file-1>`)).toBe(false);
  });

  it('give every web link, in order, each once; folders, bookmarklets and place: are left out', () => {
    expect(linksFromBookmarks(FIREFOX_BOOKMARKS)).toEqual([
      'https://news.example.com/2025/06/night-buses?utm_source=rss',
      'http://blog.example.org/post/42',
      'https://wiki.example.org/wiki/Bus_(vehicle)',
      'https://spaced.example.com/a',
    ]);
  });

  it('extractLinks tells a bookmarks file from a pasted list', () => {
    expect(extractLinks(FIREFOX_BOOKMARKS)).toMatchObject({ kind: 'bookmarks' });
    // Pasted text that mentions the doctype later is still pasted text.
    expect(
      extractLinks(
        'https://a.example.com/x <!DOCTYPE NETSCAPE-Bookmark-file-1> <A HREF="https://b.example.com/">',
      ),
    ).toEqual({ kind: 'text', urls: ['https://a.example.com/x'] });
  });
});

describe('a bookmarks file imported as a file', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'offprint-bookmarks-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is not imported as a page: the outcome says what it is', async () => {
    const library = new RecordingLibrary();
    const path = join(dir, 'bookmarks.html');
    await writeFile(path, FIREFOX_BOOKMARKS);
    const outcome = await importPath(library, path);
    expect(outcome).toEqual({
      status: 'failed',
      source: path,
      error: {
        code: 'unsupported-file',
        message:
          'bookmarks.html is a bookmarks file (4 web addresses), not a saved page; import it as a list of links to save the pages it names.',
      },
    });
    const upload = await importBytes(library, 'export.htm', Buffer.from(FIREFOX_BOOKMARKS));
    expect(upload).toMatchObject({ status: 'failed', error: { code: 'unsupported-file' } });
    expect(library.added).toEqual([]);
  });

  it('bookmarksFileLinks reads its links, and null for anything else', async () => {
    const bookmarks = join(dir, 'exported.html');
    await writeFile(bookmarks, FIREFOX_BOOKMARKS);
    const page = join(dir, 'page.html');
    await writeFile(page, '<!DOCTYPE html><title>x</title><a href="https://a.example.com/">a</a>');
    expect(await bookmarksFileLinks(bookmarks)).toHaveLength(4);
    expect(await bookmarksFileLinks(page)).toBeNull();
    expect(await bookmarksFileLinks(join(dir, 'missing.html'))).toBeNull();
    expect(await bookmarksFileLinks(dir)).toBeNull();
  });
});
