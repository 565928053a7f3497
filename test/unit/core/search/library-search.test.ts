/**
 * LibrarySearch against a real store in a temporary folder: search and filters together, snippets,
 * incremental updates on every kind of change, and the saved index across restarts.
 */
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LibraryStore } from '../../../../src-main/core/library/store';
import {
  LibrarySearch,
  SEARCH_INDEX_FILE_NAME,
  type SearchableLibrary,
} from '../../../../src-main/core/search/library-search';
import { normalizeTerm } from '../../../../src-main/core/search/tokenize';
import type { LibraryQueryResult } from '../../../../src-main/shared/contract';
import { Sandbox, sampleArticle } from '../library/helpers';

const sandbox = new Sandbox();
const searches: LibrarySearch[] = [];
afterEach(async () => {
  for (const search of searches.splice(0)) await search.close();
  await sandbox.cleanup();
});

const ARTICLES = [
  {
    title: 'Harbour reopens after storm',
    byline: 'Ana Silva',
    siteName: 'Coast News',
    publishedTime: '2024-03-01T08:00:00Z',
    textContent:
      'The old harbour reopened on Monday after repairs to the sea wall.\n\nFishing boats returned within hours.',
  },
  {
    title: 'Minecraft exploit crashes servers',
    byline: 'Cyrus Farivar',
    siteName: 'Ars Technica',
    publishedTime: '2015-04-16T10:00:00Z',
    textContent:
      'A newly released exploit makes it easy to crash Minecraft game servers.\n\nThe harbour of bugs is deep.',
  },
  {
    title: 'United States to lift Sudan sanctions',
    byline: null,
    siteName: 'The New York Times',
    publishedTime: null,
    textContent: 'The administration will lift sanctions on Sudan, officials said on Friday.',
  },
];

/** A library with the three articles above, ids in that order. */
async function setUp(): Promise<{ root: string; library: LibraryStore; ids: string[] }> {
  const root = await sandbox.dir();
  const { library } = await sandbox.open(root);
  const ids: string[] = [];
  for (const article of ARTICLES) {
    const summary = await library.add(sampleArticle({ ...article, excerpt: null }));
    ids.push(summary.id);
  }
  return { root, library, ids };
}

async function started(library: SearchableLibrary, persist = false): Promise<LibrarySearch> {
  const search = new LibrarySearch(library, {
    persist,
    changeDelayMs: 0,
    persistDelayMs: 60_000,
  }).start();
  searches.push(search);
  await search.whenReady();
  return search;
}

function titles(result: LibraryQueryResult): string[] {
  return result.items.map((item) => item.title);
}

/** Waits until queued change events have been applied. */
async function settled(search: LibrarySearch): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 5));
  await search.flush();
}

/** A library wrapper that counts the article texts read (to index them, or for snippets). */
function counting(library: LibraryStore): { library: SearchableLibrary; reads: () => number } {
  let reads = 0;
  return {
    library: {
      root: library.root,
      list: () => library.list(),
      summary: (id) => library.summary(id),
      readText: (id) => {
        reads += 1;
        return library.readText(id);
      },
      readTextNow: (id) => {
        reads += 1;
        return library.readTextNow(id);
      },
      listAnnotations: (id) => library.listAnnotations(id),
      onChange: (listener) => library.onChange(listener),
    },
    reads: () => reads,
  };
}

describe('LibrarySearch.query with text', () => {
  it('finds by prefix and despite a typo, across title, byline, site and body', async () => {
    const { library } = await setUp();
    const search = await started(library);
    expect(titles(await search.query({ text: 'minec' }))).toEqual([
      'Minecraft exploit crashes servers',
    ]);
    expect(titles(await search.query({ text: 'sancions' }))).toEqual([
      'United States to lift Sudan sanctions',
    ]);
    expect(titles(await search.query({ text: 'farivar' }))).toEqual([
      'Minecraft exploit crashes servers',
    ]);
    expect(titles(await search.query({ text: 'coast news' }))).toEqual([
      'Harbour reopens after storm',
    ]);
    expect((await search.query({ text: 'zzzz' })).total).toBe(0);
  });

  it('ranks the title match first and returns a snippet whose ranges point at the matches', async () => {
    const { library } = await setUp();
    const search = await started(library);
    const result = await search.query({ text: 'harbour' });
    expect(titles(result)).toEqual([
      'Harbour reopens after storm',
      'Minecraft exploit crashes servers',
    ]);
    for (const item of result.items) {
      expect(item.score).toBeGreaterThan(0);
      const snippet = item.snippet;
      expect(snippet).toBeDefined();
      expect(snippet?.highlights.length).toBeGreaterThan(0);
      for (const [start, end] of snippet?.highlights ?? []) {
        expect(normalizeTerm(snippet?.text.slice(start, end) ?? '')).toBe('harbour');
      }
    }
    expect(result.items[0]?.snippet?.text).toBe(
      'The old harbour reopened on Monday after repairs to the sea wall. Fishing boats returned within hours.',
    );
    expect(result.items[0]?.snippet?.highlights).toEqual([[8, 15]]);
  });

  it('combines text with filters and counts the chips before the state filters', async () => {
    const { library, ids } = await setUp();
    await library.setState(ids[1] as string, { bookmarked: true, read: true });
    const search = await started(library);

    const all = await search.query({ text: 'harbour' });
    expect(all.counts).toEqual({ all: 2, bookmarked: 1, unread: 1, archived: 0, tags: [] });

    const bookmarked = await search.query({ text: 'harbour', filters: { bookmarked: true } });
    expect(titles(bookmarked)).toEqual(['Minecraft exploit crashes servers']);
    expect(bookmarked.total).toBe(1);
    expect(bookmarked.counts.all).toBe(2);

    const unread = await search.query({ text: 'harbour', filters: { unread: true } });
    expect(titles(unread)).toEqual(['Harbour reopens after storm']);

    const published = await search.query({
      text: 'harbour',
      filters: { publishedAfter: '2020-01-01' },
    });
    expect(titles(published)).toEqual(['Harbour reopens after storm']);
    expect(published.counts.all).toBe(1);

    const future = await search.query({ text: 'harbour', filters: { savedAfter: '2999-01-01' } });
    expect(future).toEqual({
      total: 0,
      counts: { all: 0, bookmarked: 0, unread: 0, archived: 0, tags: [] },
      items: [],
    });
  });

  it('filters by tag and finds tags, notes and highlighted text', async () => {
    const { library, ids } = await setUp();
    const search = await started(library);
    await library.setTags(ids[2] as string, ['Africa', 'policy']);
    await library.addAnnotation(ids[0] as string, {
      motivation: 'commenting',
      quote: { exact: 'sea wall', prefix: 'to the ', suffix: '.' },
      position: { start: 50, end: 58 },
      note: 'Ask the engineers about concrete',
    });
    await settled(search);

    expect(titles(await search.query({ text: 'africa' }))).toEqual([
      'United States to lift Sudan sanctions',
    ]);
    expect(titles(await search.query({ filters: { tag: 'AFRICA' } }))).toEqual([
      'United States to lift Sudan sanctions',
    ]);
    expect(titles(await search.query({ text: 'sudan', filters: { tag: 'nope' } }))).toEqual([]);
    expect(titles(await search.query({ text: 'concrete engineers' }))).toEqual([
      'Harbour reopens after storm',
    ]);
  });

  it('sorts results by date saved, date published or title when asked', async () => {
    const { library } = await setUp();
    const search = await started(library);
    const query = { text: 'the' };
    expect(titles(await search.query({ ...query, sort: 'title' }))).toEqual([
      'Harbour reopens after storm',
      'Minecraft exploit crashes servers',
      'United States to lift Sudan sanctions',
    ]);
    expect(titles(await search.query({ ...query, sort: 'savedAt', direction: 'asc' }))).toEqual([
      'Harbour reopens after storm',
      'Minecraft exploit crashes servers',
      'United States to lift Sudan sanctions',
    ]);
    // Undated last in both directions.
    expect(titles(await search.query({ ...query, sort: 'publishedTime' }))).toEqual([
      'Harbour reopens after storm',
      'Minecraft exploit crashes servers',
      'United States to lift Sudan sanctions',
    ]);
    expect(
      titles(await search.query({ ...query, sort: 'publishedTime', direction: 'asc' })),
    ).toEqual([
      'Minecraft exploit crashes servers',
      'Harbour reopens after storm',
      'United States to lift Sudan sanctions',
    ]);
  });

  it('lists a hit whose text file has gone without a snippet', async () => {
    const { root, library, ids } = await setUp();
    const search = await started(library);
    await rm(join(root, 'articles', ids[2] as string, 'text-1.txt'));
    const result = await search.query({ text: 'sudan' });
    expect(titles(result)).toEqual(['United States to lift Sudan sanctions']);
    expect(result.items[0]?.snippet).toBeUndefined();
  });
});

describe('LibrarySearch.query without text', () => {
  it('lists, filters, sorts and pages the summaries without reading any article', async () => {
    const { library, ids } = await setUp();
    await library.setState(ids[0] as string, { archived: true, read: true });
    const { library: wrapped, reads } = counting(library);
    const search = new LibrarySearch(wrapped, { persist: false });
    searches.push(search);

    const newest = await search.query({});
    expect(titles(newest)).toEqual([
      'United States to lift Sudan sanctions',
      'Minecraft exploit crashes servers',
      'Harbour reopens after storm',
    ]);
    expect(newest.counts).toEqual({ all: 3, bookmarked: 0, unread: 2, archived: 1, tags: [] });
    expect(newest.items[0]?.snippet).toBeUndefined();

    const page = await search.query({ sort: 'title', direction: 'desc', offset: 1, limit: 1 });
    expect(page.total).toBe(3);
    expect(titles(page)).toEqual(['Minecraft exploit crashes servers']);

    const notArchived = await search.query({ filters: { archived: false }, sort: 'title' });
    expect(titles(notArchived)).toEqual([
      'Minecraft exploit crashes servers',
      'United States to lift Sudan sanctions',
    ]);
    expect((await search.query({ limit: 0 })).items).toEqual([]);
    expect(reads()).toBe(0);
  });

  it('keeps its cached title order in step with added, retitled and removed articles', async () => {
    const { library, ids } = await setUp();
    const search = await started(library);
    expect(titles(await search.query({ sort: 'title' }))[0]).toBe('Harbour reopens after storm');
    const added = await library.add(sampleArticle({ title: 'Aardvarks return' }));
    expect(titles(await search.query({ sort: 'title' }))[0]).toBe('Aardvarks return');
    await library.remove(added.id);
    await library.remove(ids[0] as string);
    expect(titles(await search.query({ sort: 'title' }))).toEqual([
      'Minecraft exploit crashes servers',
      'United States to lift Sudan sanctions',
    ]);
  });
});

describe('LibrarySearch tag counts', () => {
  it('counts the tags of the whole library without text, before the tag and state filters', async () => {
    const { library, ids } = await setUp();
    const [harbour, minecraft, sudan] = ids as [string, string, string];
    await library.setTags(harbour, ['Europe', 'storms']);
    await library.setTags(minecraft, ['games', 'europe']);
    await library.setTags(sudan, ['Africa']);
    await library.setState(minecraft, { bookmarked: true });
    const { library: wrapped, reads } = counting(library);
    const search = new LibrarySearch(wrapped, { persist: false });
    searches.push(search);

    const everything = [
      { tag: 'europe', count: 2 },
      { tag: 'Africa', count: 1 },
      { tag: 'games', count: 1 },
      { tag: 'storms', count: 1 },
    ];
    // Two spellings of one tag: the newer article's (minecraft was saved after harbour) names it.
    expect((await search.query({})).counts.tags).toEqual(everything);
    // A chosen tag or state narrows the rows and the state counts, not the tag chips.
    const games = await search.query({ filters: { tag: 'GAMES', bookmarked: true }, limit: 0 });
    expect(games.total).toBe(1);
    expect(games.counts.all).toBe(1);
    expect(games.counts.tags).toEqual(everything);
    // Dates do narrow them.
    const dated = await search.query({ filters: { publishedBefore: '2020-01-01' } });
    expect(dated.counts.tags).toEqual([
      { tag: 'europe', count: 1 },
      { tag: 'games', count: 1 },
    ]);
    expect(reads()).toBe(0);
  });

  it('follows tag changes and removed articles at once', async () => {
    const { library, ids } = await setUp();
    const [harbour, minecraft, sudan] = ids as [string, string, string];
    await library.setTags(harbour, ['storms']);
    await library.setTags(sudan, ['Africa', 'storms']);
    const search = await started(library);
    expect((await search.query({ limit: 0 })).counts.tags).toEqual([
      { tag: 'storms', count: 2 },
      { tag: 'Africa', count: 1 },
    ]);

    await library.setTags(sudan, ['africa']);
    await library.setTags(minecraft, ['games']);
    expect((await search.query({ limit: 0 })).counts.tags).toEqual([
      { tag: 'africa', count: 1 },
      { tag: 'games', count: 1 },
      { tag: 'storms', count: 1 },
    ]);

    await library.remove(harbour);
    // A caller changing a result does not change the next one.
    const before = await search.query({ limit: 0 });
    before.counts.tags.splice(0);
    expect((await search.query({ limit: 0 })).counts.tags).toEqual([
      { tag: 'africa', count: 1 },
      { tag: 'games', count: 1 },
    ]);
  });

  it('counts the tags of the articles matching the text, before the tag filter', async () => {
    const { library, ids } = await setUp();
    const [harbour, minecraft, sudan] = ids as [string, string, string];
    const search = await started(library);
    await library.setTags(harbour, ['storms', 'Europe']);
    await library.setTags(minecraft, ['games']);
    await library.setTags(sudan, ['Africa', 'storms']);
    await settled(search);

    // "harbour" is in the first two articles only.
    const result = await search.query({ text: 'harbour', filters: { tag: 'games' } });
    expect(titles(result)).toEqual(['Minecraft exploit crashes servers']);
    expect(result.counts.all).toBe(1);
    expect(result.counts.tags).toEqual([
      { tag: 'Europe', count: 1 },
      { tag: 'games', count: 1 },
      { tag: 'storms', count: 1 },
    ]);
    const published = await search.query({
      text: 'harbour',
      filters: { publishedAfter: '2020-01-01' },
    });
    expect(published.counts.tags).toEqual([
      { tag: 'Europe', count: 1 },
      { tag: 'storms', count: 1 },
    ]);

    await library.setTags(harbour, []);
    await settled(search);
    expect((await search.query({ text: 'harbour' })).counts.tags).toEqual([
      { tag: 'games', count: 1 },
    ]);
    expect((await search.query({ text: 'storms' })).counts.tags).toEqual([
      { tag: 'Africa', count: 1 },
      { tag: 'storms', count: 1 },
    ]);
  });
});

describe('LibrarySearch incremental updates', () => {
  it('indexes added articles, drops removed ones, re-reads only changed ones', async () => {
    const { library, ids } = await setUp();
    const { library: wrapped, reads } = counting(library);
    const search = await started(wrapped);
    expect(reads()).toBe(3);

    const added = await library.add(
      sampleArticle({ title: 'Lighthouse keeper retires', textContent: 'After forty years.' }),
    );
    await settled(search);
    expect(reads()).toBe(4);
    expect(titles(await search.query({ text: 'lighthouse' }))).toEqual([
      'Lighthouse keeper retires',
    ]);

    // A bookmark changes the summary (filters see it at once): the text is read again, once, to
    // find that the indexed content is the same; the query reads it for its snippet.
    const before = reads();
    await library.setState(added.id, { bookmarked: true });
    expect(titles(await search.query({ text: 'lighth', filters: { bookmarked: true } }))).toEqual([
      'Lighthouse keeper retires',
    ]);
    await settled(search);
    expect(reads()).toBe(before + 2);

    await library.remove(ids[1] as string);
    await settled(search);
    expect(titles(await search.query({ text: 'harbour' }))).toEqual([
      'Harbour reopens after storm',
    ]);
    expect(search.indexedCount).toBe(3);
  });

  it('reports progress while building, ending with done === total', async () => {
    const { library } = await setUp();
    const search = new LibrarySearch(library, { persist: false });
    searches.push(search);
    const progress: [number, number][] = [];
    search.onProgress((done, total) => progress.push([done, total]));
    await search.whenReady();
    expect(progress.at(-1)).toEqual([3, 3]);
    expect(search.ready).toBe(true);
  });
});

describe('LibrarySearch saved index', () => {
  it('is written on close and loaded at the next start without reading unchanged articles', async () => {
    const { root, library, ids } = await setUp();
    await library.addAnnotation(ids[2] as string, {
      motivation: 'highlighting',
      quote: { exact: 'officials said', prefix: 'Sudan, ', suffix: ' on' },
      position: { start: 40, end: 54 },
    });
    const first = await started(library, true);
    await first.close();
    const saved = JSON.parse(await readFile(join(root, SEARCH_INDEX_FILE_NAME), 'utf8')) as {
      format: number;
      docs: { ids: string[] };
    };
    expect(saved.format).toBe(1);
    expect(saved.docs.ids.sort()).toEqual([...ids].sort());

    // Changed while search was not running: one bookmarked, one removed.
    await library.setState(ids[0] as string, { bookmarked: true });
    await library.remove(ids[1] as string);

    const { library: wrapped, reads } = counting(library);
    const second = await started(wrapped, true);
    // The bookmarked article (new stamp) and the annotated one (always checked) are read again.
    expect(reads()).toBe(2);
    expect(second.indexedCount).toBe(2);
    expect(titles(await second.query({ text: 'harbour' }))).toEqual([
      'Harbour reopens after storm',
    ]);
    expect(titles(await second.query({ text: 'officials' }))).toEqual([
      'United States to lift Sudan sanctions',
    ]);
  });

  it('rebuilds from the library when the saved index is damaged, and saves a good one', async () => {
    for (const damage of ['{"format":1,"docs":', '[]', '{"format":99}', 'garbage']) {
      const { root, library } = await setUp();
      const file = join(root, SEARCH_INDEX_FILE_NAME);
      await writeFile(file, damage);
      const { library: wrapped, reads } = counting(library);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const search = await started(wrapped, true);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/rebuilding the search index/));
      warn.mockRestore();
      expect(reads()).toBe(3);
      expect(titles(await search.query({ text: 'sudan' }))).toEqual([
        'United States to lift Sudan sanctions',
      ]);
      await search.flush();
      const rewritten = JSON.parse(await readFile(file, 'utf8')) as { docs: { ids: string[] } };
      expect(rewritten.docs.ids).toHaveLength(3);
    }
  });

  it('rebuilds when the postings are damaged inside a well-formed file', async () => {
    const { root, library } = await setUp();
    const first = await started(library, true);
    await first.close();
    const file = join(root, SEARCH_INDEX_FILE_NAME);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { postings: string[] };
    saved.postings = saved.postings.map((chunk) =>
      Buffer.alloc(Buffer.from(chunk, 'base64').length, 0xff).toString('base64'),
    );
    await writeFile(file, JSON.stringify(saved));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const search = await started(library, true);
    warn.mockRestore();
    expect(titles(await search.query({ text: 'minecraft' }))).toEqual([
      'Minecraft exploit crashes servers',
    ]);
  });

  it('writes nothing when told not to persist', async () => {
    const { root, library } = await setUp();
    const search = await started(library, false);
    await search.close();
    await expect(stat(join(root, SEARCH_INDEX_FILE_NAME))).rejects.toThrow(/ENOENT/);
  });
});
