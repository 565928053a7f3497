import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { NewArticle } from '../../src-main/core/library/library';
import { openLibrary } from '../../src-main/core/library/store';
import { LibraryPage } from './pages/library-page';
import { SearchPanel } from './pages/search-panel';
import { expect, startHost, test } from './support/host';

const ARTICLES = 300;

function article(index: number): NewArticle {
  const text = `Dispatch ${index} from the valley.\n\nThe river rose overnight.`;
  return {
    title: `Valley dispatch ${index}`,
    siteName: 'Valley Post',
    section: null,
    byline: null,
    publishedTime: null,
    excerpt: null,
    url: null,
    lang: 'en',
    dir: 'ltr',
    sourceKind: 'text',
    fileName: `dispatch-${index}.txt`,
    contentHtml: `<p>Dispatch ${index} from the valley.</p>\n<p>The river rose overnight.</p>`,
    textContent: text,
    wordCount: 9,
  };
}

/** A library of ARTICLES articles, made through the store, whose index is then deleted. */
async function libraryWithoutIndex(libraryDir: string): Promise<void> {
  const { library } = await openLibrary(libraryDir);
  for (let start = 0; start < ARTICLES; start += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, offset) => library.add(article(start + offset))),
    );
  }
  await library.close();
  await rm(join(libraryDir, 'library.json'));
}

test('a library whose index was deleted opens with all its articles', async ({
  page,
  libraryDir,
}) => {
  await libraryWithoutIndex(libraryDir);
  const host = await startHost(libraryDir);
  try {
    const library = new LibraryPage(page);
    await library.open(host.url);
    await expect(new SearchPanel(page).resultCount).toHaveText(`${ARTICLES} articles`);
    await expect(library.rows.first()).toContainText(/Valley dispatch \d+/);
    // The open's progress, if the page saw it, is over: nothing stays on screen about it.
    await expect(page.getByText('Rebuilding the library index')).toHaveCount(0);
  } finally {
    await host.stop();
  }
  // Rebuilt on disk too, so the next open lists from it.
  expect(existsSync(join(libraryDir, 'library.json'))).toBe(true);
});

test('a library another process holds ends the host with one line, before any URL', async ({
  libraryDir,
}) => {
  const holder = await openLibrary(libraryDir);
  try {
    const refused = await startHost(libraryDir).then(
      async (running) => {
        await running.stop();
        return new Error('the host started');
      },
      (error: unknown) => error as Error,
    );
    expect(refused.message).toMatch(/host exited with 1/);
    expect(refused.message).toMatch(/Offprint browser host: This library is already open/);
    expect(refused.message).not.toMatch(/Offprint browser host: http/);
  } finally {
    await holder.library.close();
  }
});
