// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../../src-main/shared/errors';
import type { Article, ArticleVersions } from '../../../../src-main/shared/model';
import { DeletionsState } from '../../../../src-renderer/src/state/deletions.svelte';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import { ReaderState } from '../../../../src-renderer/src/state/reader.svelte';
import { createFakeApi, deferred, settle, summary, type FakeHandlers } from '../fake-api';

function article(overrides: Partial<Article> = {}): Article {
  return { ...summary(), contentHtml: '<p>Body</p>', dir: 'ltr', progress: 0, ...overrides };
}

function setup(handlers: FakeHandlers) {
  const fake = createFakeApi(handlers);
  const notifications = new NotificationsState();
  const deletions = new DeletionsState(notifications, fake.services());
  const reader = new ReaderState(notifications, fake.services(), deletions);
  return { fake, notifications, reader, deletions };
}

describe('ReaderState', () => {
  it('loads an article and marks it read', async () => {
    const unread = article({ title: 'Istanbul talks', read: false });
    const { fake, reader } = setup({
      'article.get': () => ({ ok: true, value: unread }),
      'article.setState': ({ patch }) => ({ ok: true, value: { ...unread, ...patch } }),
    });
    await reader.open(unread.id);

    expect(reader.article?.title).toBe('Istanbul talks');
    expect(reader.article?.contentHtml).toBe('<p>Body</p>');
    expect(reader.article?.read).toBe(true);
    expect(fake.callsTo('article.setState')).toEqual([{ id: unread.id, patch: { read: true } }]);
  });

  it('does not mark an article read twice', async () => {
    const seen = article({ read: true });
    const { fake, reader } = setup({ 'article.get': () => ({ ok: true, value: seen }) });
    await reader.open(seen.id);
    expect(fake.callsTo('article.setState')).toEqual([]);
  });

  it('says plainly when the article is not in the library', async () => {
    const { reader } = setup({
      'article.get': ({ id }) => ({
        ok: false,
        error: { code: 'not-found', message: `No article ${id}` },
      }),
    });
    await reader.open('gone-article');
    expect(reader.article).toBeNull();
    expect(reader.error?.code).toBe('not-found');
    expect(reader.error?.message).toContain('not in your library');
  });

  it('does not ask main about an id the library could never have made', async () => {
    const { fake, reader } = setup({});
    await reader.open('../../etc/passwd');
    expect(fake.calls).toEqual([]);
    expect(reader.error?.code).toBe('not-found');
  });

  it('ignores an answer for an article the user already left', async () => {
    const slow = deferred<Result<Article>>();
    const first = article({ title: 'First', read: true });
    const second = article({ title: 'Second', read: true });
    const { reader } = setup({
      'article.get': ({ id }) => (id === first.id ? slow.promise : { ok: true, value: second }),
    });
    const opening = reader.open(first.id);
    await reader.open(second.id);
    slow.resolve({ ok: true, value: first });
    await opening;
    expect(reader.article?.title).toBe('Second');
    expect(reader.id).toBe(second.id);
  });

  it('rolls the bookmark back and says why when main refuses', async () => {
    const shown = article({ title: 'Kept', read: true, bookmarked: false });
    const { reader, notifications } = setup({
      'article.get': () => ({ ok: true, value: shown }),
      'article.setState': () => ({
        ok: false,
        error: { code: 'io-error', message: 'Disk full.' },
      }),
    });
    await reader.open(shown.id);
    const toggling = reader.toggleBookmark();
    expect(reader.article?.bookmarked).toBe(true);
    await toggling;
    expect(reader.article?.bookmarked).toBe(false);
    expect(notifications.toasts.map((toast) => toast.message)).toEqual([
      'Could not bookmark “Kept”: Disk full.',
    ]);
  });

  it('refreshes the open article when main says it changed', async () => {
    let current = article({ read: true, bookmarked: false });
    const { fake, reader } = setup({ 'article.get': () => ({ ok: true, value: current }) });
    const stop = reader.start();
    await reader.open(current.id);

    current = { ...current, bookmarked: true };
    fake.emit('library.changed', { ids: ['some-other-article'] });
    await settle();
    expect(reader.article?.bookmarked).toBe(false);

    fake.emit('library.changed', { ids: [current.id] });
    await settle();
    expect(reader.article?.bookmarked).toBe(true);
    stop();
    expect(fake.listenerCount('library.changed')).toBe(0);
  });

  it('archives with Undo, and rolls back when main refuses', async () => {
    const shown = article({ title: 'Old news', read: true });
    let refuse = false;
    const { fake, reader, notifications } = setup({
      'article.get': () => ({ ok: true, value: shown }),
      'article.setState': ({ patch }) =>
        refuse
          ? { ok: false, error: { code: 'io-error', message: 'Disk full.' } }
          : { ok: true, value: { ...shown, ...patch } },
    });
    await reader.open(shown.id);
    await reader.toggleArchive();
    expect(reader.article?.archived).toBe(true);
    const undo = notifications.toasts.at(-1)!;
    expect(undo.message).toBe('Archived “Old news”');
    notifications.act(undo.id);
    await settle();
    expect(reader.article?.archived).toBe(false);
    expect(fake.callsTo('article.setState')).toEqual([
      { id: shown.id, patch: { archived: true } },
      { id: shown.id, patch: { archived: false } },
    ]);

    refuse = true;
    await reader.toggleArchive();
    expect(reader.article?.archived).toBe(false);
    expect(notifications.toasts.at(-1)?.message).toBe('Could not archive “Old news”: Disk full.');
  });

  it('deletes the article shown through the waiting deletes, so Undo still works', async () => {
    const shown = article({ read: true });
    const { fake, reader, deletions } = setup({
      'article.get': () => ({ ok: true, value: shown }),
      'article.delete': () => ({ ok: true, value: true }),
    });
    expect(reader.delete()).toBe(false);
    await reader.open(shown.id);
    expect(reader.delete()).toBe(true);
    expect(deletions.isPending(shown.id)).toBe(true);
    expect(fake.callsTo('article.delete')).toEqual([]);
    deletions.undo(shown.id);
    await deletions.flush();
    expect(fake.callsTo('article.delete')).toEqual([]);
  });
});

describe('ReaderState: versions, refresh and missing images', () => {
  function versions(shown: number, count: number): ArticleVersions {
    return {
      shown,
      count,
      all: Array.from({ length: count }, (_, index) => ({
        version: index + 1,
        savedAt: `2025-06-1${index + 1}T08:00:00.000Z`,
        wordCount: 100 + index,
        missingImages: 0,
      })),
    };
  }

  /** An article saved from the web with `count` versions; article.get answers for any of them. */
  function webArticle(count: number) {
    const base = article({ read: true, url: 'https://a.example/story', sourceKind: 'url' });
    const state = { count, failures: [] as NonNullable<Article['imageFailures']> };
    const get = (version?: number): Article => {
      const shown = version ?? state.count;
      return {
        ...base,
        contentHtml: `<p>Version ${shown}</p>`,
        versions: versions(shown, state.count),
        imageFailures: shown === state.count ? state.failures : [],
      };
    };
    return { base, state, get };
  }

  it('shows an earlier version and comes back to the current one', async () => {
    const web = webArticle(2);
    const { fake, reader } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
    });
    await reader.open(web.base.id);
    expect(reader.versions).toMatchObject({ shown: 2, count: 2 });
    expect(reader.showingCurrent).toBe(true);

    await reader.showVersion(1);
    expect(reader.article?.contentHtml).toBe('<p>Version 1</p>');
    expect(reader.versions?.shown).toBe(1);
    expect(reader.showingCurrent).toBe(false);

    await reader.showCurrent();
    expect(reader.article?.contentHtml).toBe('<p>Version 2</p>');
    expect(reader.showingCurrent).toBe(true);
    expect(fake.callsTo('article.get')).toEqual([
      { id: web.base.id },
      { id: web.base.id, version: 1 },
      { id: web.base.id, version: 2 },
    ]);
  });

  it('keeps the version chosen when the article changes elsewhere', async () => {
    const web = webArticle(2);
    const { fake, reader } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
    });
    const stop = reader.start();
    await reader.open(web.base.id);
    await reader.showVersion(1);
    web.state.count = 3;
    fake.emit('library.changed', { ids: [web.base.id] });
    await settle();
    expect(reader.article?.contentHtml).toBe('<p>Version 1</p>');
    expect(reader.versions?.count).toBe(3);
    stop();
  });

  it('shows only the last version asked for when answers cross', async () => {
    const web = webArticle(3);
    const slow = deferred<Result<Article>>();
    const { reader } = setup({
      'article.get': ({ version }) =>
        version === 1 ? slow.promise : { ok: true, value: web.get(version) },
    });
    await reader.open(web.base.id);
    const first = reader.showVersion(1);
    await reader.showVersion(2);
    slow.resolve({ ok: true, value: web.get(1) });
    await first;
    expect(reader.versions?.shown).toBe(2);
  });

  it('refreshes the article as a new version and shows it', async () => {
    const web = webArticle(1);
    const { fake, reader, notifications } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
      'article.refresh': () => {
        web.state.count += 1;
        return { ok: true, value: web.base };
      },
    });
    await reader.open(web.base.id);
    expect(reader.canRefresh).toBe(true);
    const refreshing = reader.refresh();
    expect(reader.refreshing).toBe(true);
    await refreshing;
    expect(reader.refreshing).toBe(false);
    expect(reader.versions).toMatchObject({ shown: 2, count: 2 });
    expect(reader.article?.contentHtml).toBe('<p>Version 2</p>');
    expect(fake.callsTo('article.refresh')).toEqual([{ id: web.base.id }]);
    expect(notifications.toasts.at(-1)?.message).toMatch(/^Saved version 2 of/);
  });

  it('after a refresh shows the new version even when an earlier one was on screen', async () => {
    const web = webArticle(2);
    const { reader } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
      'article.refresh': () => {
        web.state.count += 1;
        return { ok: true, value: web.base };
      },
    });
    await reader.open(web.base.id);
    await reader.showVersion(1);
    await reader.refresh();
    expect(reader.versions).toMatchObject({ shown: 3, count: 3 });
    expect(reader.showingCurrent).toBe(true);
  });

  it('says why a refresh failed and keeps the article as it was', async () => {
    const web = webArticle(1);
    const { reader, notifications } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
      'article.refresh': () => ({
        ok: false,
        error: { code: 'network-error', message: 'the server refused the connection' },
      }),
    });
    await reader.open(web.base.id);
    await reader.refresh();
    expect(reader.refreshing).toBe(false);
    expect(reader.versions?.count).toBe(1);
    expect(notifications.toasts.at(-1)).toMatchObject({
      kind: 'error',
      message: expect.stringContaining('the server refused the connection'),
    });
  });

  it('offers no refresh for an article that did not come from the web', async () => {
    const local = article({ read: true, url: null });
    const { fake, reader } = setup({ 'article.get': () => ({ ok: true, value: local }) });
    await reader.open(local.id);
    expect(reader.canRefresh).toBe(false);
    await reader.refresh();
    expect(fake.callsTo('article.refresh')).toEqual([]);
  });

  it('retries the missing images and shows the content with those it got', async () => {
    const web = webArticle(1);
    web.state.failures = [
      { url: 'https://a.example/a.jpg', reason: 'HTTP 503', alt: null },
      { url: 'https://a.example/b.jpg', reason: 'HTTP 503', alt: null },
    ];
    const { fake, reader, notifications } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
      'article.retryImages': () => {
        web.state.failures = web.state.failures.slice(1);
        return { ok: true, value: { saved: 1, stillMissing: 1 } };
      },
    });
    await reader.open(web.base.id);
    expect(reader.article?.imageFailures).toHaveLength(2);
    await reader.retryImages();
    expect(fake.callsTo('article.retryImages')).toEqual([{ id: web.base.id }]);
    expect(reader.article?.imageFailures).toHaveLength(1);
    expect(reader.retrying).toBe(false);
    expect(notifications.toasts.at(-1)?.message).toBe(
      'Saved 1 image; 1 image still could not be saved',
    );
  });

  it('does not retry images while an earlier version is shown (main retries the current one)', async () => {
    const web = webArticle(2);
    const { fake, reader } = setup({
      'article.get': ({ version }) => ({ ok: true, value: web.get(version) }),
    });
    await reader.open(web.base.id);
    await reader.showVersion(1);
    await reader.retryImages();
    expect(fake.callsTo('article.retryImages')).toEqual([]);
  });
});
