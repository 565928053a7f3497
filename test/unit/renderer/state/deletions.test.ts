// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeletionsState } from '../../../../src-renderer/src/state/deletions.svelte';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import { createFakeApi, settle, summary, type FakeHandlers } from '../fake-api';

function setup(handlers: FakeHandlers) {
  const fake = createFakeApi(handlers);
  const notifications = new NotificationsState();
  const deletions = new DeletionsState(notifications, fake.services(), { undoMs: 6000 });
  return { fake, notifications, deletions };
}

const deleted: FakeHandlers = { 'article.delete': () => ({ ok: true, value: true }) };

afterEach(() => {
  vi.useRealTimers();
});

describe('DeletionsState', () => {
  it('hides the article at once and sends the delete only when the Undo time is over', async () => {
    vi.useFakeTimers();
    const article = summary({ title: 'Old news' });
    const { fake, notifications, deletions } = setup(deleted);

    deletions.request(article);
    expect(deletions.hidden.has(article.id)).toBe(true);
    expect(deletions.isPending(article.id)).toBe(true);
    expect(notifications.toasts.map((toast) => [toast.message, toast.action?.label])).toEqual([
      ['Deleted “Old news”', 'Undo'],
    ]);

    await vi.advanceTimersByTimeAsync(5_999);
    expect(fake.callsTo('article.delete')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.callsTo('article.delete')).toEqual([{ id: article.id }]);
    // Done: it stays hidden (main's next answer will not have it) and Undo is gone.
    expect(deletions.hidden.has(article.id)).toBe(true);
    expect(deletions.isPending(article.id)).toBe(false);
    expect(notifications.toasts).toEqual([]);
  });

  it('undo cancels the call and shows the article again', async () => {
    vi.useFakeTimers();
    const article = summary();
    const { fake, notifications, deletions } = setup(deleted);

    deletions.request(article);
    notifications.act(notifications.toasts[0]!.id);
    expect(deletions.hidden.has(article.id)).toBe(false);
    expect(deletions.isPending(article.id)).toBe(false);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(fake.callsTo('article.delete')).toEqual([]);
  });

  it('sends every waiting delete when the page goes away', async () => {
    const [first, second] = [summary(), summary()];
    const { fake, deletions } = setup(deleted);
    const stop = deletions.start(window);
    deletions.request(first!);
    deletions.request(second!);

    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(fake.callsTo('article.delete')).toEqual([{ id: first!.id }, { id: second!.id }]);

    stop();
    deletions.request(summary());
    window.dispatchEvent(new Event('pagehide'));
    await settle();
    expect(fake.callsTo('article.delete')).toHaveLength(2);
  });

  it('shows the article again and says why when main refuses the delete', async () => {
    const article = summary({ title: 'Kept' });
    const { notifications, deletions } = setup({
      'article.delete': () => ({
        ok: false,
        error: { code: 'io-error', message: 'The disk is read-only.' },
      }),
    });
    deletions.request(article);
    await deletions.flush();
    expect(deletions.hidden.has(article.id)).toBe(false);
    expect(notifications.toasts.map((toast) => [toast.kind, toast.message])).toEqual([
      ['error', 'Could not delete “Kept”: The disk is read-only.'],
    ]);
  });

  it('takes "not found" as done: another window deleted it first', async () => {
    const article = summary();
    const { notifications, deletions } = setup({
      'article.delete': () => ({
        ok: false,
        error: { code: 'not-found', message: 'No such article' },
      }),
    });
    deletions.request(article);
    await deletions.flush();
    expect(deletions.hidden.has(article.id)).toBe(true);
    expect(notifications.toasts).toEqual([]);
  });

  it('asks once for an article already on its way out', async () => {
    const article = summary();
    const { fake, notifications, deletions } = setup(deleted);
    deletions.request(article);
    deletions.request(article);
    expect(notifications.toasts).toHaveLength(1);
    await deletions.flush();
    deletions.request(article);
    await deletions.flush();
    expect(fake.callsTo('article.delete')).toHaveLength(1);
  });
});
