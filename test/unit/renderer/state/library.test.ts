// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LibraryQuery, LibraryQueryResult } from '../../../../src-main/shared/contract';
import type { Result } from '../../../../src-main/shared/errors';
import type { ArticleSummary, ImportOutcome } from '../../../../src-main/shared/model';
import { DeletionsState } from '../../../../src-renderer/src/state/deletions.svelte';
import {
  LibraryState,
  MAX_TAG_CHIPS,
  SORT_STORAGE_KEY,
  type LibraryOptions,
} from '../../../../src-renderer/src/state/library.svelte';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import {
  answerQuery,
  createFakeApi,
  deferred,
  settle,
  summary,
  type FakeHandlers,
} from '../fake-api';

/** A Storage stand-in, so each test starts with nothing remembered. */
function memoryStorage(initial: Record<string, string> = {}) {
  const items = new Map(Object.entries(initial));
  return {
    items,
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (key: string, value: string) => void items.set(key, value),
  };
}

function setup(handlers: FakeHandlers, options: LibraryOptions & { native?: boolean } = {}) {
  const fake = createFakeApi(handlers);
  const notifications = new NotificationsState();
  const opened: string[] = [];
  const deletions = new DeletionsState(notifications, fake.services(), { undoMs: 6000 });
  const library = new LibraryState(
    notifications,
    (id) => opened.push(id),
    fake.services(options.native),
    {
      deletions,
      storage: memoryStorage(),
      ...options,
    },
  );
  return { fake, notifications, library, opened, deletions };
}

/** Handlers whose library.query answers over `articles` (which the test may change). */
function over(articles: ArticleSummary[], extra: FakeHandlers = {}): FakeHandlers {
  return {
    'library.query': (query) => ({ ok: true, value: answerQuery(articles, query) }),
    ...extra,
  };
}

function many(count: number): ArticleSummary[] {
  return Array.from({ length: count }, (_, index) => summary({ title: `Story ${index}` }));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LibraryState: the list', () => {
  it('loads the first rows with the total and the counts, reporting loading, then loaded', async () => {
    const articles = [summary({ title: 'One' }), summary({ title: 'Two', bookmarked: true })];
    const answer = deferred<Result<LibraryQueryResult>>();
    const { fake, library } = setup({ 'library.query': () => answer.promise });

    const loading = library.load();
    expect(library.loading).toBe(true);
    expect(library.loaded).toBe(false);
    answer.resolve({ ok: true, value: answerQuery(articles, {}) });
    await loading;

    expect(library.loading).toBe(false);
    expect(library.loaded).toBe(true);
    expect(library.visible.map((row) => row?.title)).toEqual(['One', 'Two']);
    expect(library.counts).toEqual({ all: 2, bookmarked: 1, unread: 2, archived: 0, tags: [] });
    expect(library.chips.map((chip) => [chip.key, chip.count, chip.pressed])).toEqual([
      ['all', 2, true],
      ['unread', 2, false],
      ['bookmarked', 1, false],
      ['archived', 0, false],
    ]);
    // No text: ordered as chosen (newest saved first by default), from the first row.
    expect(fake.callsTo('library.query')).toEqual([
      { offset: 0, limit: 200, sort: 'savedAt', direction: 'desc' },
    ]);
  });

  it('keeps the error when the library cannot be read', async () => {
    const { library } = setup({
      'library.query': () => ({ ok: false, error: { code: 'io-error', message: 'Disk gone' } }),
    });
    await library.load();
    expect(library.loaded).toBe(false);
    expect(library.error).toEqual({ code: 'io-error', message: 'Disk gone' });
  });

  it('tells an empty library from a search that finds nothing', async () => {
    const articles: ArticleSummary[] = [];
    const { library } = setup(over(articles));
    await library.load();
    expect(library.libraryEmpty).toBe(true);

    articles.push(summary({ title: 'Istanbul talks' }));
    library.text = 'zebra';
    await library.load();
    expect(library.count).toBe(0);
    expect(library.libraryEmpty).toBe(false);
  });

  it('fetches a large list a window at a time, as the view scrolls, never twice', async () => {
    const articles = many(20_000);
    const { fake, library } = setup(over(articles));
    await library.load();

    expect(library.count).toBe(20_000);
    expect(library.visible[199]?.title).toBe('Story 199');
    expect(library.visible[200]).toBeUndefined();

    const first = library.ensureRows(5_010, 5_030);
    const again = library.ensureRows(5_020, 5_040);
    await Promise.all([first, again]);
    expect(fake.callsTo('library.query').slice(1)).toEqual([
      { offset: 5_000, limit: 100, sort: 'savedAt', direction: 'desc' },
    ]);
    expect(library.visible[5_000]?.title).toBe('Story 5000');
    expect(library.visible[5_099]?.title).toBe('Story 5099');
    expect(library.visible[5_100]).toBeUndefined();

    // Rows already there cost nothing.
    await library.ensureRows(5_050, 5_060);
    expect(fake.callsTo('library.query')).toHaveLength(2);
  });

  it('moves the selection with j/k semantics, fetching a row not there yet', async () => {
    const articles = many(250);
    const { library } = setup(over(articles));
    await library.load();

    await library.moveSelection(1);
    expect(library.selectedId).toBe(articles[0]!.id);
    await library.moveSelection(-1);
    expect(library.selectedId).toBe(articles[0]!.id);

    library.select(articles[199]!.id);
    await library.moveSelection(1);
    expect(library.selectedId).toBe(articles[200]!.id);
    expect(library.selectedIndex).toBe(200);
  });

  it('opens the selected article and remembers it', async () => {
    const article = summary();
    const { library, opened } = setup(over([article]));
    await library.load();
    library.openSelected();
    expect(opened).toEqual([]);
    await library.moveSelection(1);
    library.openSelected();
    expect(opened).toEqual([article.id]);
  });

  it('refreshes once for a burst of library changes, keeping the place, and stops when stopped', async () => {
    vi.useFakeTimers();
    const articles = many(1_000);
    const { fake, library } = setup(over(articles));
    const stop = library.start();
    await vi.advanceTimersByTimeAsync(0);
    await library.ensureRows(610, 640);
    expect(fake.callsTo('library.query')).toHaveLength(2);

    articles[620] = { ...articles[620]!, title: 'Renamed' };
    for (let i = 0; i < 20; i++) fake.emit('library.changed', { ids: [articles[i]!.id] });
    await vi.advanceTimersByTimeAsync(200);
    const queries = fake.callsTo('library.query') as LibraryQuery[];
    expect(queries).toHaveLength(3);
    // The rows on screen are asked again, not the top of the list.
    expect(queries[2]).toMatchObject({ offset: 600, limit: 100 });
    expect(library.visible[620]?.title).toBe('Renamed');

    stop();
    expect(fake.listenerCount('library.changed')).toBe(0);
    expect(fake.listenerCount('progress')).toBe(0);
  });

  it('asks a search again once the search index has been built', async () => {
    vi.useFakeTimers();
    const { fake, library } = setup(over(many(10)));
    library.start();
    await vi.advanceTimersByTimeAsync(0);
    fake.emit('progress', { job: 'search-index', label: 'Indexing', done: 5, total: 10 });
    await vi.advanceTimersByTimeAsync(100);
    // Without a search there is nothing the index changes.
    fake.emit('progress', { job: 'search-index', label: 'Indexing', done: 10, total: 10 });
    await vi.advanceTimersByTimeAsync(100);
    expect(fake.callsTo('library.query')).toHaveLength(1);

    library.text = 'Story';
    await vi.advanceTimersByTimeAsync(200);
    fake.emit('progress', { job: 'search-index', label: 'Indexing', done: 3, total: 10 });
    await vi.advanceTimersByTimeAsync(100);
    expect(fake.callsTo('library.query')).toHaveLength(2);
    fake.emit('progress', { job: 'search-index', label: 'Indexing', done: 10, total: 10 });
    await vi.advanceTimersByTimeAsync(100);
    expect(fake.callsTo('library.query')).toHaveLength(3);
    expect(fake.callsTo('library.query').at(-1)).toMatchObject({ text: 'Story' });
  });
});

describe('LibraryState: search, filters and order', () => {
  it('searches once typing pauses, with the last text', async () => {
    vi.useFakeTimers();
    const articles = [summary({ title: 'Ukraine receives bodies' }), summary({ title: 'Chelsea' })];
    const { fake, library } = setup(over(articles));
    await library.load();

    library.text = 'u';
    await vi.advanceTimersByTimeAsync(60);
    library.text = 'uk';
    await vi.advanceTimersByTimeAsync(60);
    library.text = 'ukraine';
    await vi.advanceTimersByTimeAsync(119);
    expect(fake.callsTo('library.query')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);

    const queries = fake.callsTo('library.query') as LibraryQuery[];
    expect(queries).toHaveLength(2);
    // With text and no order picked, main orders by best match: no sort is sent.
    expect(queries[1]).toEqual({ offset: 0, limit: 200, text: 'ukraine' });
    expect(library.answeredText).toBe('ukraine');
    expect(library.visible.map((row) => row?.title)).toEqual(['Ukraine receives bodies']);
    expect(library.visible[0]?.snippet).toEqual({
      text: 'Ukraine receives bodies',
      highlights: [[0, 7]],
    });
  });

  it('drops an answer that arrives after the answer to a later search', async () => {
    const slow = deferred<Result<LibraryQueryResult>>();
    const ukr = [summary({ title: 'Ukraine (prefix)' })];
    const ukraine = [summary({ title: 'Ukraine (whole word)' })];
    const { library } = setup({
      'library.query': (query) =>
        query.text === 'ukr' ? slow.promise : { ok: true, value: answerQuery(ukraine, query) },
    });

    library.text = 'ukr';
    const first = library.load();
    library.text = 'ukraine';
    await library.load();
    expect(library.visible.map((row) => row?.title)).toEqual(['Ukraine (whole word)']);

    slow.resolve({ ok: true, value: answerQuery(ukr, { text: 'ukr' }) });
    await first;
    expect(library.visible.map((row) => row?.title)).toEqual(['Ukraine (whole word)']);
    expect(library.answeredText).toBe('ukraine');
  });

  it('keeps the rows of the previous answer on screen until the new one arrives', async () => {
    const answer = deferred<Result<LibraryQueryResult>>();
    const articles = [summary({ title: 'Ukraine' }), summary({ title: 'Chelsea' })];
    const { library } = setup({
      'library.query': (query) =>
        query.text ? answer.promise : { ok: true, value: answerQuery(articles, query) },
    });
    await library.load();
    library.text = 'chel';
    const searching = library.load();
    expect(library.loading).toBe(true);
    expect(library.count).toBe(2);
    answer.resolve({ ok: true, value: answerQuery(articles, { text: 'chel' }) });
    await searching;
    expect(library.count).toBe(1);
  });

  it('combines the search with a filter chip, and the chips count the search', async () => {
    const articles = [
      summary({ title: 'Istanbul talks', bookmarked: true }),
      summary({ title: 'Istanbul weather' }),
      summary({ title: 'Chelsea', bookmarked: true }),
    ];
    const { fake, library } = setup(over(articles));
    await library.load();
    library.text = 'istanbul';
    await library.load();
    expect(library.counts).toEqual({ all: 2, bookmarked: 1, unread: 2, archived: 0, tags: [] });

    library.filter = 'bookmarked';
    await settle();
    expect(fake.callsTo('library.query').at(-1)).toEqual({
      offset: 0,
      limit: 200,
      text: 'istanbul',
      filters: { bookmarked: true },
    });
    expect(library.visible.map((row) => row?.title)).toEqual(['Istanbul talks']);
    // The chips still count every match of the search, so the other chips say what they hold.
    expect(library.chips.find((chip) => chip.key === 'all')?.count).toBe(2);

    library.clearSearch();
    await settle();
    expect(library.text).toBe('');
    expect(fake.callsTo('library.query').at(-1)).toMatchObject({ filters: { bookmarked: true } });
    expect(library.visible.map((row) => row?.title)).toEqual(['Istanbul talks', 'Chelsea']);
  });

  it('asks for unread, archived and tagged articles by their filters; a tag narrows any of them', async () => {
    const { fake, library } = setup(over([]));
    await library.load();
    library.choose('unread');
    library.choose('archived');
    library.choose('tag:Long reads');
    library.choose('bookmarked');
    library.choose('tag:long READS');
    await settle();
    const filters = (fake.callsTo('library.query') as LibraryQuery[]).map((query) => query.filters);
    expect(filters).toEqual([
      undefined,
      { unread: true },
      { archived: true },
      { archived: true, tag: 'Long reads' },
      { bookmarked: true, tag: 'Long reads' },
      // The same tag again (whatever its case) widens the list back.
      { bookmarked: true },
    ]);
  });

  it("offers a chip per tag from main's counts, most used first, following changes", async () => {
    vi.useFakeTimers();
    const articles = [
      summary({ title: 'Budget', tags: ['economy', 'Long reads'] }),
      summary({ title: 'Essay', tags: ['long reads'] }),
      summary({ title: 'Other', tags: [] }),
    ];
    const { fake, library } = setup(over(articles));
    const stop = library.start();
    await vi.advanceTimersByTimeAsync(0);
    const tagChips = () =>
      library.chips.filter((chip) => chip.kind === 'tag').map((c) => [c.key, c.count, c.pressed]);
    // With the first answer: no other request, and never the whole list.
    expect(fake.callsTo('library.query')).toHaveLength(1);
    expect(tagChips()).toEqual([
      ['tag:Long reads', 2, false],
      ['tag:economy', 1, false],
    ]);
    expect(library.tags).toEqual([
      { tag: 'Long reads', count: 2 },
      { tag: 'economy', count: 1 },
    ]);

    // A chosen tag narrows the rows, not the tag chips.
    library.choose('tag:economy');
    await vi.advanceTimersByTimeAsync(0);
    expect(library.visible.map((row) => row?.title)).toEqual(['Budget']);
    expect(tagChips()).toEqual([
      ['tag:Long reads', 2, false],
      ['tag:economy', 1, true],
    ]);
    library.choose('tag:ECONOMY');
    await vi.advanceTimersByTimeAsync(0);

    // Another window tags an article and drops a tag: the re-asked question brings the counts.
    articles[2] = { ...articles[2]!, tags: ['economy'] };
    articles[0] = { ...articles[0]!, tags: ['economy'] };
    articles[1] = { ...articles[1]!, tags: [] };
    fake.emit('library.changed', { ids: [articles[2]!.id] });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(tagChips()).toEqual([['tag:economy', 2, false]]);
    expect(library.tags).toEqual([{ tag: 'economy', count: 2 }]);

    // A search counts the tags of what it finds.
    library.text = 'other';
    await vi.advanceTimersByTimeAsync(1_000);
    expect(library.tags).toEqual([{ tag: 'economy', count: 1 }]);
    expect(fake.callsTo('library.list')).toEqual([]);
    stop();
  });

  it('keeps a chip for the chosen tag beyond the most used, counted by the answer', async () => {
    const articles = [
      ...Array.from({ length: MAX_TAG_CHIPS }, (_, n) =>
        summary({ tags: [`popular ${n}`], title: `Popular ${n}` }),
      ),
      ...Array.from({ length: MAX_TAG_CHIPS }, (_, n) =>
        summary({ tags: [`popular ${n}`], title: `Again ${n}` }),
      ),
      summary({ title: 'Rare', tags: ['rare'] }),
    ];
    // Main names at most its first few tags here, as it names at most 200.
    const { library } = setup({
      'library.query': (query) => {
        const value = answerQuery(articles, query);
        return {
          ok: true,
          value: {
            ...value,
            counts: { ...value.counts, tags: value.counts.tags.slice(0, MAX_TAG_CHIPS) },
          },
        };
      },
    });
    await library.load();
    expect(library.chips.some((chip) => chip.key === 'tag:rare')).toBe(false);
    library.tag = 'rare';
    await settle();
    const chip = library.chips.at(-1);
    expect([chip?.key, chip?.count, chip?.pressed]).toEqual(['tag:rare', 1, true]);
  });

  it('remembers the order chosen, and a new session starts with it', async () => {
    const storage = memoryStorage();
    const articles = [summary({ title: 'Beta' }), summary({ title: 'Alpha' })];
    const { fake, library } = setup(over(articles), { storage });
    await library.load();
    library.sort = 'title';
    await settle();
    expect(storage.items.get(SORT_STORAGE_KEY)).toBe('title');
    expect(fake.callsTo('library.query').at(-1)).toMatchObject({ sort: 'title', direction: 'asc' });
    expect(library.visible.map((row) => row?.title)).toEqual(['Alpha', 'Beta']);

    const next = setup(over(articles), { storage });
    expect(next.library.sort).toBe('title');
    await next.library.load();
    expect(next.fake.callsTo('library.query')[0]).toMatchObject({ sort: 'title' });
  });

  it('ignores a remembered order it does not know', () => {
    const storage = memoryStorage({ [SORT_STORAGE_KEY]: 'loudness' });
    const { library } = setup(over([]), { storage });
    expect(library.sort).toBe('savedAt');
  });

  it('orders a search by best match until an order is picked for it', async () => {
    const storage = memoryStorage({ [SORT_STORAGE_KEY]: 'publishedTime' });
    const { fake, library } = setup(over([]), { storage });
    library.text = 'ukraine';
    expect(library.sort).toBe('relevance');
    await library.load();
    expect(fake.callsTo('library.query').at(-1)).not.toHaveProperty('sort');

    library.sort = 'title';
    await settle();
    expect(fake.callsTo('library.query').at(-1)).toMatchObject({ text: 'ukraine', sort: 'title' });
    library.clearSearch();
    expect(library.sort).toBe('title');
  });
});

describe('LibraryState: changing articles', () => {
  it('flips a bookmark at once and keeps what main acknowledged', async () => {
    const article = summary();
    const answer = deferred<Result<ArticleSummary>>();
    const { fake, library } = setup(over([article], { 'article.setState': () => answer.promise }));
    await library.load();

    const toggling = library.toggleBookmark(article.id);
    expect(library.visible[0]?.bookmarked).toBe(true);
    expect(fake.callsTo('article.setState')).toEqual([
      { id: article.id, patch: { bookmarked: true } },
    ]);
    answer.resolve({
      ok: true,
      value: { ...article, bookmarked: true, updatedAt: '2025-07-01T00:00:00.000Z' },
    });
    await toggling;
    expect(library.visible[0]?.bookmarked).toBe(true);
    expect(library.visible[0]?.updatedAt).toBe('2025-07-01T00:00:00.000Z');
  });

  it('rolls a bookmark back and says why when main refuses', async () => {
    const article = summary({ title: 'Istanbul talks', bookmarked: true });
    const { library, notifications } = setup(
      over([article], {
        'article.setState': () => ({
          ok: false,
          error: { code: 'library-locked', message: 'The library is busy.' },
        }),
      }),
    );
    await library.load();
    await library.toggleBookmark(article.id);

    expect(library.visible[0]?.bookmarked).toBe(true);
    expect(notifications.toasts).toHaveLength(1);
    expect(notifications.toasts[0]?.kind).toBe('error');
    expect(notifications.toasts[0]?.message).toContain('Istanbul talks');
    expect(notifications.toasts[0]?.message).toContain('The library is busy.');
  });

  it('does not let rows loaded during a bookmark change undo it on screen', async () => {
    const article = summary();
    const answer = deferred<Result<ArticleSummary>>();
    // Main has not written the bookmark yet, so its answers still say false.
    const { library } = setup(over([article], { 'article.setState': () => answer.promise }));
    await library.load();
    const toggling = library.toggleBookmark(article.id);
    await library.refresh();
    expect(library.visible[0]?.bookmarked).toBe(true);
    answer.resolve({ ok: true, value: { ...article, bookmarked: true } });
    await toggling;
    expect(library.visible[0]?.bookmarked).toBe(true);
  });

  it('archives with Undo on the message', async () => {
    const article = summary({ title: 'Old news' });
    const { fake, library, notifications } = setup(
      over([article], {
        'article.setState': ({ patch }) => ({ ok: true, value: { ...article, ...patch } }),
      }),
    );
    await library.load();
    library.select(article.id);
    await library.toggleSelectedArchive();
    expect(library.visible[0]?.archived).toBe(true);
    const toast = notifications.toasts.at(-1)!;
    expect(toast.message).toBe('Archived “Old news”');
    notifications.act(toast.id);
    await settle();
    expect(fake.callsTo('article.setState')).toEqual([
      { id: article.id, patch: { archived: true } },
      { id: article.id, patch: { archived: false } },
    ]);
    expect(library.visible[0]?.archived).toBe(false);
  });

  it('hides a deleted row at once, counts without it, and moves the selection on', async () => {
    vi.useFakeTimers();
    const articles = [
      summary({ title: 'A', tags: ['war'] }),
      summary({ title: 'B', bookmarked: true, tags: ['Economy', 'solo'] }),
      summary({ title: 'C', tags: ['economy'] }),
    ];
    const { fake, library, notifications } = setup(
      over(articles, { 'article.delete': () => ({ ok: true, value: true }) }),
    );
    await library.load();
    library.select(articles[1]!.id);
    library.deleteSelected();

    expect(library.visible.map((row) => row?.title)).toEqual(['A', 'C']);
    expect(library.counts).toEqual({
      all: 2,
      bookmarked: 0,
      unread: 2,
      archived: 0,
      // The tags of the hidden row are counted without it too (the rest keep main's order).
      tags: [
        { tag: 'Economy', count: 1 },
        { tag: 'war', count: 1 },
      ],
    });
    expect(library.selectedId).toBe(articles[2]!.id);
    expect(fake.callsTo('article.delete')).toEqual([]);

    // Undo brings it back, and nothing is ever sent.
    notifications.act(notifications.toasts.at(-1)!.id);
    expect(library.visible.map((row) => row?.title)).toEqual(['A', 'B', 'C']);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(fake.callsTo('article.delete')).toEqual([]);
  });

  it('reports an import: one error per failed file, and "Imported <title>" with Open', async () => {
    const saved = summary({ title: 'Ukraine receives bodies' });
    const articles: ArticleSummary[] = [];
    const { library, notifications, opened } = setup(
      over(articles, {
        'import.upload': ({ files }) => {
          articles.push(saved);
          return {
            ok: true,
            value: files.map((file) =>
              file.name === 'good.txt'
                ? { status: 'saved' as const, source: file.name, article: saved }
                : {
                    status: 'failed' as const,
                    source: file.name,
                    error: {
                      code: 'unsupported-file',
                      message: 'Offprint cannot read this kind of file.',
                    },
                  },
            ),
          };
        },
      }),
    );
    const files = [
      new File(['slides'], 'deck.pptx'),
      new File(['Hello'], 'good.txt'),
      new File(['x'], 'photo.jpg'),
    ];
    await library.importFiles(files);
    await settle();

    const errors = notifications.toasts.filter((toast) => toast.kind === 'error');
    expect(errors.map((toast) => toast.message)).toEqual([
      'Could not import deck.pptx: Offprint cannot read this kind of file.',
      'Could not import photo.jpg: Offprint cannot read this kind of file.',
    ]);
    const info = notifications.toasts.find((toast) => toast.kind === 'info');
    expect(info?.message).toBe('Imported Ukraine receives bodies');
    expect(info?.action?.label).toBe('Open');
    notifications.act(info!.id);
    expect(opened).toEqual([saved.id]);
    expect(library.lastImport).toHaveLength(3);
    expect(library.importing).toBe(false);
    // The list is refreshed after a successful import even if no event arrives.
    expect(library.visible.map((row) => row?.id)).toEqual([saved.id]);
  });

  it('refuses a file over the limit without sending it, naming it and its size', async () => {
    const { fake, library, notifications } = setup({});
    const big = new File([new Uint8Array(60 * 1024 * 1024)], 'huge-page.html');
    await library.importFiles([big]);

    expect(fake.calls).toEqual([]);
    expect(notifications.toasts).toHaveLength(1);
    expect(notifications.toasts[0]?.kind).toBe('error');
    expect(notifications.toasts[0]?.message).toContain('huge-page.html');
    expect(notifications.toasts[0]?.message).toContain('60 MB');
  });

  it('imports through the native dialog under Electron, and does nothing when it is cancelled', async () => {
    const saved = summary({ title: 'From disk' });
    let picked: string[] = [];
    const { fake, library, notifications } = setup(
      over([saved], {
        'dialog.openFiles': () => ({ ok: true, value: picked }),
        'import.files': ({ paths }) => ({
          ok: true,
          value: paths.map((path) => ({ status: 'saved' as const, source: path, article: saved })),
        }),
      }),
      { native: true },
    );
    await library.pickAndImport(null);
    expect(fake.callsTo('import.files')).toEqual([]);
    expect(notifications.toasts).toEqual([]);

    picked = ['/home/reader/news/from-disk.txt'];
    await library.pickAndImport(null);
    expect(fake.callsTo('import.files')).toEqual([{ paths: picked }]);
    expect(notifications.toasts.map((toast) => toast.message)).toEqual(['Imported From disk']);
  });

  it('opens the page file input in a browser, whose files then come back through importFiles', async () => {
    const { fake, library } = setup({});
    const input = document.createElement('input');
    input.type = 'file';
    const clicked = vi.fn();
    input.addEventListener('click', (event) => {
      event.preventDefault();
      clicked();
    });
    await library.pickAndImport(input);
    expect(clicked).toHaveBeenCalledTimes(1);
    expect(fake.calls).toEqual([]);
  });

  it('hands a bookmarks export to the import queue instead of importing it as a page', async () => {
    const sentLinks: [string, string][] = [];
    const adopted: ImportOutcome[][] = [];
    const saved = summary({ title: 'A page' });
    const { fake, library } = setup(
      over([saved], {
        'import.upload': ({ files }) => ({
          ok: true,
          value: files.map((file) => ({
            status: 'saved' as const,
            source: file.name,
            article: saved,
          })),
        }),
      }),
      {
        webImports: {
          saveLinks: (text, source) => sentLinks.push([text, source]),
          adopt: (outcomes) => adopted.push([...outcomes]),
        },
      },
    );
    const bookmarks =
      '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><DT><A HREF="https://a.example/">A</A></DL>';
    await library.importFiles([
      new File([bookmarks], 'bookmarks.html'),
      new File(['<p>A page</p>'], 'page.html'),
    ]);
    expect(sentLinks).toEqual([[bookmarks, 'bookmarks.html']]);
    const uploads = fake.callsTo('import.upload') as { files: { name: string }[] }[];
    expect(uploads.flatMap((call) => call.files.map((file) => file.name))).toEqual(['page.html']);
    expect(adopted).toEqual([]);
  });

  it('lists pages a bookmarks file picked in the native dialog saved with the other saves', async () => {
    const adopted: ImportOutcome[][] = [];
    const fromWeb: ImportOutcome = {
      status: 'saved',
      source: 'https://a.example/story',
      article: summary({ title: 'From the bookmarks' }),
    };
    const { library, notifications } = setup(
      over([], {
        'dialog.openFiles': () => ({ ok: true, value: ['/home/reader/bookmarks.html'] }),
        'import.files': () => ({ ok: true, value: [fromWeb] }),
      }),
      {
        native: true,
        webImports: {
          saveLinks: () => undefined,
          adopt: (outcomes) => adopted.push([...outcomes]),
        },
      },
    );
    await library.pickAndImport(null);
    expect(adopted).toEqual([[fromWeb]]);
    expect(notifications.toasts).toEqual([]);
  });

  it('says so when a drop held nothing to import', async () => {
    const { fake, library, notifications } = setup({});
    await library.importDropped(
      [{ file: new File(['body{}'], 'style.css'), relativePath: 'page_files/style.css' }],
      true,
    );
    expect(fake.calls).toEqual([]);
    expect(notifications.toasts.map((toast) => toast.message)).toEqual([
      expect.stringMatching(/^That folder holds more than/),
      expect.stringMatching(
        /^Nothing to import there: Offprint imports \.txt, .* and \.markdown files\.$/,
      ),
    ]);
  });
});
