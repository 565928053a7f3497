// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { Result } from '../../../../src-main/shared/errors';
import type { Article } from '../../../../src-main/shared/model';
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
