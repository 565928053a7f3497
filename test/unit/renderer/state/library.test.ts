// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../../src-main/shared/errors';
import type { ArticleSummary } from '../../../../src-main/shared/model';
import { LibraryState } from '../../../../src-renderer/src/state/library.svelte';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import { createFakeApi, deferred, settle, summary, type FakeHandlers } from '../fake-api';

function setup(handlers: FakeHandlers, native = false) {
  const fake = createFakeApi(handlers);
  const notifications = new NotificationsState();
  const opened: string[] = [];
  const library = new LibraryState(notifications, (id) => opened.push(id), fake.services(native));
  return { fake, notifications, library, opened };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LibraryState', () => {
  it('loads the list and reports loading, then loaded', async () => {
    const articles = [summary({ title: 'One' }), summary({ title: 'Two', bookmarked: true })];
    const answer = deferred<Result<ArticleSummary[]>>();
    const { library } = setup({ 'library.list': () => answer.promise });

    const loading = library.load();
    expect(library.loading).toBe(true);
    expect(library.loaded).toBe(false);
    answer.resolve({ ok: true, value: articles });
    await loading;

    expect(library.loading).toBe(false);
    expect(library.loaded).toBe(true);
    expect(library.articles.map((a) => a.title)).toEqual(['One', 'Two']);
    expect(library.bookmarkedCount).toBe(1);
    expect(library.unreadCount).toBe(2);
  });

  it('keeps the error when the list cannot be loaded', async () => {
    const { library } = setup({
      'library.list': () => ({ ok: false, error: { code: 'io-error', message: 'Disk gone' } }),
    });
    await library.load();
    expect(library.loaded).toBe(false);
    expect(library.error).toEqual({ code: 'io-error', message: 'Disk gone' });
  });

  it('flips a bookmark at once and keeps what main acknowledged', async () => {
    const article = summary();
    const answer = deferred<Result<ArticleSummary>>();
    const { fake, library } = setup({
      'library.list': () => ({ ok: true, value: [article] }),
      'article.setState': () => answer.promise,
    });
    await library.load();

    const toggling = library.toggleBookmark(article.id);
    expect(library.articles[0]?.bookmarked).toBe(true);
    expect(fake.callsTo('article.setState')).toEqual([
      { id: article.id, patch: { bookmarked: true } },
    ]);
    answer.resolve({
      ok: true,
      value: { ...article, bookmarked: true, updatedAt: '2025-07-01T00:00:00.000Z' },
    });
    await toggling;
    expect(library.articles[0]?.bookmarked).toBe(true);
    expect(library.articles[0]?.updatedAt).toBe('2025-07-01T00:00:00.000Z');
  });

  it('rolls a bookmark back and says why when main refuses', async () => {
    const article = summary({ title: 'Istanbul talks', bookmarked: true });
    const { library, notifications } = setup({
      'library.list': () => ({ ok: true, value: [article] }),
      'article.setState': () => ({
        ok: false,
        error: { code: 'library-locked', message: 'The library is busy.' },
      }),
    });
    await library.load();
    await library.toggleBookmark(article.id);

    expect(library.articles[0]?.bookmarked).toBe(true);
    expect(notifications.toasts).toHaveLength(1);
    expect(notifications.toasts[0]?.kind).toBe('error');
    expect(notifications.toasts[0]?.message).toContain('Istanbul talks');
    expect(notifications.toasts[0]?.message).toContain('The library is busy.');
  });

  it('does not let a list loaded during a bookmark change undo it on screen', async () => {
    const article = summary();
    const answer = deferred<Result<ArticleSummary>>();
    const { library } = setup({
      // Main has not written the bookmark yet, so the list still says false.
      'library.list': () => ({ ok: true, value: [article] }),
      'article.setState': () => answer.promise,
    });
    await library.load();
    const toggling = library.toggleBookmark(article.id);
    await library.load();
    expect(library.articles[0]?.bookmarked).toBe(true);
    answer.resolve({ ok: true, value: { ...article, bookmarked: true } });
    await toggling;
    expect(library.articles[0]?.bookmarked).toBe(true);
  });

  it('reloads once for a burst of library changes, and stops following when stopped', async () => {
    vi.useFakeTimers();
    let served = 0;
    const { fake, library } = setup({
      'library.list': () => {
        served += 1;
        return { ok: true, value: [summary()] };
      },
    });
    const stop = library.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(served).toBe(1);

    for (let i = 0; i < 20; i++) fake.emit('library.changed', { ids: [`article-${i}`] });
    await vi.advanceTimersByTimeAsync(200);
    expect(served).toBe(2);

    stop();
    expect(fake.listenerCount('library.changed')).toBe(0);
  });

  it('moves the selection with j/k semantics and stops at the ends', async () => {
    const [a, b, c] = [summary(), summary(), summary()];
    const { library } = setup({ 'library.list': () => ({ ok: true, value: [a!, b!, c!] }) });
    await library.load();

    library.moveSelection(1);
    expect(library.selectedId).toBe(a!.id);
    library.moveSelection(1);
    library.moveSelection(1);
    library.moveSelection(1);
    expect(library.selectedId).toBe(c!.id);
    expect(library.selectedIndex).toBe(2);
    library.moveSelection(-1);
    expect(library.selectedId).toBe(b!.id);
  });

  it('filters to bookmarks', async () => {
    const kept = summary({ bookmarked: true });
    const { library } = setup({
      'library.list': () => ({ ok: true, value: [summary(), kept, summary()] }),
    });
    await library.load();
    library.filter = 'bookmarked';
    expect(library.visible.map((a) => a.id)).toEqual([kept.id]);
  });

  it('opens the selected article and remembers it', async () => {
    const article = summary();
    const { library, opened } = setup({ 'library.list': () => ({ ok: true, value: [article] }) });
    await library.load();
    library.openSelected();
    expect(opened).toEqual([]);
    library.moveSelection(1);
    library.openSelected();
    expect(opened).toEqual([article.id]);
  });

  it('reports an import: one error per failed file, and "Imported <title>" with Open', async () => {
    const saved = summary({ title: 'Ukraine receives bodies' });
    const { library, notifications, opened } = setup({
      'library.list': () => ({ ok: true, value: [saved] }),
      'import.upload': ({ files }) => ({
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
      }),
    });
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
    // The list is reloaded after a successful import even if no event arrives.
    expect(library.articles.map((a) => a.id)).toEqual([saved.id]);
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
      {
        'dialog.openFiles': () => ({ ok: true, value: picked }),
        'import.files': ({ paths }) => ({
          ok: true,
          value: paths.map((path) => ({ status: 'saved' as const, source: path, article: saved })),
        }),
        'library.list': () => ({ ok: true, value: [saved] }),
      },
      true,
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
});
