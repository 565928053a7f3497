/**
 * Pages that carry their images: a page saved with "Save Page As, complete" (page.html beside its
 * page_files/ folder) and the same files uploaded together. The images are stored in the library
 * exactly like downloaded ones, nothing outside the page's folder is ever read (.., encoded
 * escapes, absolute paths, symlinks leading out), an image that is not there becomes a placeholder,
 * and no stored file names a local path, a file: URL or an internal marker address.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importBytes, importPath } from '../../../../src-main/core/ingest/import-file';
import { retryImages } from '../../../../src-main/core/ingest/import-url';
import {
  LocalImages,
  folderSegments,
  uploadedFiles,
} from '../../../../src-main/core/ingest/local-images';
import type { Library } from '../../../../src-main/core/library/library';
import { openLibrary } from '../../../../src-main/core/library/store';
import type { Article, ImportOutcome } from '../../../../src-main/shared/model';
import { articlePage, tinyPng } from './web-fixture';

const corpusPage = new URL(
  '../../../../../shared/corpus/readability/medium-1/source.html',
  import.meta.url,
);

let dir: string;
let library: Library;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offprint-saved-page-'));
  ({ library } = await openLibrary(join(dir, 'library')));
});

afterEach(async () => {
  await library.close();
  await rm(dir, { recursive: true, force: true });
});

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function saved(outcome: ImportOutcome): Promise<Article> {
  if (outcome.status !== 'saved') throw new Error(`not saved: ${JSON.stringify(outcome)}`);
  return library.get(outcome.article.id);
}

function imageSources(html: string): string[] {
  const { document } = new JSDOM('').window;
  const template = document.createElement('template');
  template.innerHTML = html;
  return Array.from(template.content.querySelectorAll('img')).map(
    (image) => image.getAttribute('src') ?? '',
  );
}

async function storedImages(): Promise<string[]> {
  try {
    return (await readdir(join(dir, 'library', 'images'))).sort();
  } catch {
    return [];
  }
}

/** Every file the library wrote for its articles, as text. */
async function libraryFiles(): Promise<string> {
  const root = join(dir, 'library', 'articles');
  const texts: string[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) texts.push(await readFile(join(entry.parentPath, entry.name), 'utf8'));
  }
  return texts.join('\n');
}

/** What must never appear in anything stored: local places and the import's internal markers. */
function expectNoLocalReferences(stored: string): void {
  expect(stored).not.toContain(dir);
  expect(stored).not.toMatch(/file:/i);
  expect(stored).not.toContain('offprint.invalid');
}

describe('importPath: a page saved "complete" with its page_files/ folder', () => {
  it('stores a real page’s images from the folder, deduplicated, without the network', async () => {
    // As a browser saves it: the corpus page, each image address rewritten to a file in
    // ./page_files/ (one file per address, its name percent-encoded in the reference).
    const source = await readFile(corpusPage, 'utf8');
    const fileFor = new Map<string, string>();
    const html = source.replace(
      /src="(https:\/\/d262ilb51hltx0\.cloudfront\.net\/[^"]+)"/g,
      (_match, url: string) => {
        let name = fileFor.get(url);
        if (!name) {
          name = `${fileFor.size + 1} ${url.split('/').pop()?.replace('*', '_')}`;
          fileFor.set(url, name);
        }
        return `src="./page_files/${encodeURIComponent(name)}"`;
      },
    );
    expect(fileFor.size).toBe(11);
    const pageDir = join(dir, 'Saved');
    await mkdir(join(pageDir, 'page_files'), { recursive: true });
    await writeFile(join(pageDir, 'page.html'), html);
    // Each picture its own colour, except two that are the same picture under two addresses; the
    // last picture of the article was not saved with the page.
    const sameA = 'https://d262ilb51hltx0.cloudfront.net/max/800/1*AzYWbe4cZkMMEUbfRjysLQ.png';
    const sameB = 'https://d262ilb51hltx0.cloudfront.net/max/800/1*d0Hp6KlzyIcGHcL6to1sYQ.png';
    const notSaved = 'https://d262ilb51hltx0.cloudfront.net/max/800/1*lulfisQxgSQ209vPHMAifg.png';
    const shared = tinyPng(200, 100, 0);
    for (const [index, [url, name]] of [...fileFor.entries()].entries()) {
      if (url === notSaved) continue;
      const bytes = url === sameA || url === sameB ? shared : tinyPng(index * 10, 0, 0);
      await writeFile(join(pageDir, 'page_files', name), bytes);
    }
    await writeFile(join(pageDir, 'page_files', 'script.js'), 'alert(1)');
    const missingName = fileFor.get(notSaved) ?? '';

    // offline: nothing may be fetched; the folder's images need no network.
    const outcome = await importPath(library, join(pageDir, 'page.html'), {
      images: { offline: true },
    });
    const article = await saved(outcome);
    expect(article.title).toBe('The Open Journalism Project: Better Student Journalism');

    const sources = imageSources(article.contentHtml);
    for (const src of sources) expect(src).toMatch(/^images\/[0-9a-f]{64}\.png$/);
    // Readability keeps the article's pictures; every one it kept that was saved with the page is
    // now in the library, each stored once, the shared picture once for its two addresses.
    expect(sources.length).toBeGreaterThanOrEqual(6);
    const stored = await storedImages();
    expect(stored).toEqual([...new Set(sources.map((src) => src.slice('images/'.length)))].sort());
    expect(sources.filter((src) => src === `images/${sha(shared)}.png`)).toHaveLength(2);
    for (const name of stored) {
      const bytes = await readFile(join(dir, 'library', 'images', name));
      expect(`${sha(bytes)}.png`).toBe(name);
    }

    // The picture that was not saved: a placeholder, recorded under its web address (the page's
    // address is known from og:url), not fetched because the import was offline.
    const webAddress = new URL(
      `./page_files/${encodeURIComponent(missingName)}`,
      'https://medium.com/@pippinlee/the-open-journalism-project-better-student-journalism-fb39f4f701bb',
    ).href;
    expect(article.imageFailures).toEqual([
      {
        url: webAddress,
        reason: `page_files/${missingName} was not found in the folder of page.html.`,
        alt: null,
      },
    ]);
    expect(article.contentHtml).toContain(`<a class="missing-image" href="${webAddress}"`);
    expectNoLocalReferences(await libraryFiles());
  });

  it('a page without a web address: a missing image becomes a placeholder a retry leaves', async () => {
    await mkdir(join(dir, 'page_files'));
    await writeFile(join(dir, 'page_files', 'red.png'), tinyPng(255, 0, 0));
    await writeFile(
      join(dir, 'story.htm'),
      articlePage(
        'Night buses',
        '<figure><img src="page_files/red.png" alt="Red"></figure><figure><img src="page_files/gone.png" alt="Gone"></figure>',
      ),
    );
    const article = await saved(await importPath(library, join(dir, 'story.htm')));
    expect(imageSources(article.contentHtml)).toEqual([`images/${sha(tinyPng(255, 0, 0))}.png`]);
    expect(article.contentHtml).toContain(
      '<span class="missing-image" title="Image not saved: Gone"></span>',
    );
    expect(article.imageFailures).toEqual([
      {
        url: 'page_files/gone.png',
        reason: 'page_files/gone.png was not found in the folder of story.htm.',
        alt: 'Gone',
      },
    ]);

    // Nothing to fetch it from: the retry keeps the placeholder and its record, and says so.
    const retried = await retryImages(library, article.id);
    expect(retried).toEqual({ saved: 0, stillMissing: 1 });
    const after = await library.get(article.id);
    expect(after.contentHtml).toBe(article.contentHtml);
    expect(after.imageFailures).toEqual(article.imageFailures);
    expectNoLocalReferences(await libraryFiles());
  });

  it('reads nothing outside the page’s folder: .., encoded escapes, absolute paths, symlinks', async () => {
    const secret = tinyPng(1, 2, 3);
    await writeFile(join(dir, 'secret.png'), secret);
    const pageDir = join(dir, 'site');
    await mkdir(join(pageDir, 'page_files'), { recursive: true });
    await writeFile(join(pageDir, 'page_files', 'inside.png'), tinyPng(0, 255, 0));
    // A link leading out of the folder, and one that stays inside.
    await symlink(join(dir, 'secret.png'), join(pageDir, 'page_files', 'out.png'));
    await symlink(join(pageDir, 'page_files', 'inside.png'), join(pageDir, 'page_files', 'in.png'));
    await symlink(dir, join(pageDir, 'page_files', 'parent'));
    const attempts = [
      '../secret.png',
      'page_files/../../secret.png',
      '%2e%2e/secret.png',
      'page_files/..%2f..%2fsecret.png',
      'page_files%2f..%2f..%2fsecret.png',
      '..\\secret.png',
      'page_files/out.png',
      'page_files/parent/secret.png',
      `${join(dir, 'secret.png')}`,
      `file://${join(dir, 'secret.png')}`,
      'page_files/in.png',
    ];
    const figures = attempts
      .map((src, index) => `<figure><img src="${src}" alt="attempt ${index}"></figure>`)
      .join('');
    await writeFile(join(pageDir, 'page.html'), articlePage('Escapes', figures));

    const article = await saved(
      await importPath(library, join(pageDir, 'page.html'), { images: { offline: true } }),
    );
    const stored = await storedImages();
    expect(stored).not.toContain(`${sha(secret)}.png`);
    // Only the link that stays inside was followed.
    expect(stored).toEqual([`${sha(tinyPng(0, 255, 0))}.png`]);
    expect(imageSources(article.contentHtml)).toEqual([`images/${sha(tinyPng(0, 255, 0))}.png`]);
    const reasons = (article.imageFailures ?? []).map((failure) => failure.reason);
    expect(reasons.some((reason) => /points outside the folder of page\.html/.test(reason))).toBe(
      true,
    );
    expect(reasons.some((reason) => /leads outside the folder of page\.html/.test(reason))).toBe(
      true,
    );
    const storedText = await libraryFiles();
    expect(storedText).not.toContain(dir);
    expect(storedText).not.toMatch(/file:/i);
  });
});

describe('importPath: what is in the folder but is no file', () => {
  it('a named pipe or a folder named like an image is refused without blocking', async () => {
    await mkdir(join(dir, 'page_files', 'folder.png'), { recursive: true });
    execFileSync('mkfifo', [join(dir, 'page_files', 'pipe.png')]);
    await writeFile(
      join(dir, 'page.html'),
      articlePage(
        'Pipes',
        '<img src="page_files/pipe.png" alt="pipe"><img src="page_files/folder.png" alt="folder">',
      ),
    );
    const article = await saved(await importPath(library, join(dir, 'page.html')));
    expect(article.imageFailures?.map((failure) => failure.reason)).toEqual([
      'page_files/pipe.png is not a file.',
      'page_files/folder.png is not a file.',
    ]);
    expect(await storedImages()).toEqual([]);
  });
});

describe('folderSegments', () => {
  it('accepts path-relative references inside the folder, decoded', () => {
    expect(folderSegments('page_files/a.jpg')).toEqual(['page_files', 'a.jpg']);
    expect(folderSegments('./page_files/my%20photo.jpg?v=2#x')).toEqual([
      'page_files',
      'my photo.jpg',
    ]);
    expect(folderSegments('page_files/../a.jpg')).toEqual(['a.jpg']);
  });

  it('refuses what climbs out, and leaves web references alone', () => {
    for (const reference of [
      '../a.jpg',
      'a/../../b.jpg',
      '%2e%2e/a.jpg',
      'a%2f..%2f..%2fb',
      'a%00.jpg',
      '.',
      './',
    ]) {
      expect(folderSegments(reference), reference).toBe('outside');
    }
    for (const reference of [
      '/abs/a.jpg',
      '//cdn.example/a.jpg',
      'https://a.example/b.jpg',
      'data:image/png;base64,AA',
      'file:///etc/passwd',
      'C:\\a.jpg',
      '\\\\server\\share\\a.jpg',
      '#top',
      '?q',
      '',
    ]) {
      expect(folderSegments(reference), reference).toBeNull();
    }
  });
});

describe('uploads: a page and its files sent together', () => {
  it('finds images by relative path inside the page’s folder, never beside or above it', async () => {
    const files = new Map<string, Uint8Array>([
      ['Saved/page_files/a.png', tinyPng(10, 20, 30)],
      ['Saved/b.png', tinyPng(40, 50, 60)],
      ['Other/c.png', tinyPng(70, 80, 90)],
      ['c.png', tinyPng(70, 80, 90)],
    ]);
    const html = articlePage(
      'Uploaded page',
      '<img src="page_files/a.png" alt="a"><img src="b.png" alt="b"><img src="../Other/c.png" alt="c"><img src="../c.png" alt="c2">',
    );
    const article = await saved(
      await importBytes(library, 'page.html', new TextEncoder().encode(html), {
        siblings: uploadedFiles('Saved/page.html', files),
        images: { offline: true },
      }),
    );
    expect(imageSources(article.contentHtml)).toEqual([
      `images/${sha(tinyPng(10, 20, 30))}.png`,
      `images/${sha(tinyPng(40, 50, 60))}.png`,
    ]);
    expect(await storedImages()).not.toContain(`${sha(tinyPng(70, 80, 90))}.png`);
    expect(article.imageFailures?.map((failure) => failure.url)).toEqual([
      '../Other/c.png',
      '../c.png',
    ]);
    expectNoLocalReferences(await libraryFiles());
  });

  it('an upload without its files keeps the article, with placeholders', async () => {
    const html = articlePage('Alone', '<img src="page_files/a.png" alt="a">');
    const article = await saved(
      await importBytes(library, 'page.html', new TextEncoder().encode(html), {
        siblings: uploadedFiles('page.html', new Map()),
      }),
    );
    expect(article.wordCount).toBeGreaterThan(50);
    expect(article.imageFailures).toEqual([
      {
        url: 'page_files/a.png',
        reason: 'page_files/a.png was not among the files uploaded with page.html.',
        alt: 'a',
      },
    ]);
  });
});

describe('LocalImages markers', () => {
  it('are per import: a marker from another import, or forged, finds nothing', () => {
    const one = new LocalImages();
    const two = new LocalImages();
    const image = { reference: 'a.png', webUrl: null, read: async () => new Uint8Array() };
    const marker = one.mark('file:a.png', image);
    expect(one.find(marker)).toBe(image);
    expect(one.mark('file:a.png', image)).toBe(marker);
    expect(two.find(marker)).toBeNull();
    expect(one.find(marker.replace(/\/0$/, '/1'))).toBeNull();
    expect(one.find('https://example.com/a.png')).toBeNull();
  });
});

describe('a corpus page copied beside an empty page_files/ folder', () => {
  it('imports as before: no image read, the text unchanged', async () => {
    await mkdir(join(dir, 'page_files'));
    await copyFile(corpusPage, join(dir, 'source.html'));
    const article = await saved(
      await importPath(library, join(dir, 'source.html'), { images: { offline: true } }),
    );
    expect(article.title).toBe('The Open Journalism Project: Better Student Journalism');
    expect(await storedImages()).toEqual([]);
    expectNoLocalReferences(await libraryFiles());
  });
});
