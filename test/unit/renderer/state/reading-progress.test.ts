// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';
import {
  PROGRESS_SAVE_INTERVAL_MS,
  ReadingProgressState,
} from '../../../../src-renderer/src/state/reading-progress.svelte';
import { createFakeApi, type FakeHandlers } from '../fake-api';

function setup(handlers: FakeHandlers = {}) {
  const fake = createFakeApi({
    'article.setProgress': () => ({ ok: true, value: true }),
    ...handlers,
  });
  const notifications = new NotificationsState();
  const progress = new ReadingProgressState(notifications, fake.services());
  return { fake, notifications, progress };
}

describe('ReadingProgressState', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('saves while scrolling at most once per interval, the latest place each time', async () => {
    const { fake, progress } = setup();
    expect(progress.begin('article-a', 0)).toBe(0);
    progress.follow(0);

    for (const fraction of [0.05, 0.1, 0.15, 0.2]) progress.update(fraction);
    // Shown at once, not yet saved.
    expect(progress.fraction).toBe(0.2);
    expect(fake.callsTo('article.setProgress')).toEqual([]);

    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS - 1);
    expect(fake.callsTo('article.setProgress')).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.callsTo('article.setProgress')).toEqual([{ id: 'article-a', progress: 0.2 }]);

    // Scrolling on through the next interval: one more save, of where it stopped.
    progress.update(0.3);
    await vi.advanceTimersByTimeAsync(500);
    progress.update(0.42);
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS);
    expect(fake.callsTo('article.setProgress')).toEqual([
      { id: 'article-a', progress: 0.2 },
      { id: 'article-a', progress: 0.42 },
    ]);

    // Nothing moved: nothing is sent.
    progress.update(0.42);
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS * 3);
    expect(fake.callsTo('article.setProgress')).toHaveLength(2);
  });

  it('saves at once on leaving, and not again when the timer would have fired', async () => {
    const { fake, progress } = setup();
    progress.begin('article-a', 0);
    progress.follow(0);
    progress.update(0.61);
    await progress.end();
    expect(fake.callsTo('article.setProgress')).toEqual([{ id: 'article-a', progress: 0.61 }]);
    expect(progress.id).toBeNull();
    expect(progress.fraction).toBe(0);
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS * 2);
    expect(fake.callsTo('article.setProgress')).toHaveLength(1);
  });

  it('flushes when the page is hidden, and keeps following afterwards', async () => {
    const { fake, progress } = setup();
    progress.begin('article-a', 0.1);
    progress.follow(0.1);
    progress.update(0.3);
    await progress.flush();
    progress.update(0.35);
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS);
    expect(fake.callsTo('article.setProgress')).toEqual([
      { id: 'article-a', progress: 0.3 },
      { id: 'article-a', progress: 0.35 },
    ]);
  });

  it('does not count the reader being put back at its place as reading', async () => {
    const { fake, progress } = setup();
    expect(progress.begin('article-a', 0.5)).toBe(0.5);
    // Scroll events while the place is restored (the page first at the top, then moved).
    progress.update(0);
    progress.update(0.5);
    // The page is shorter than it was: the place reached is 0.48, which is no reading either.
    progress.follow(0.48);
    expect(progress.fraction).toBe(0.48);
    await progress.end();
    expect(fake.callsTo('article.setProgress')).toEqual([]);
  });

  it('saves the previous article when another begins, and reopens at the place sent', async () => {
    const { fake, progress } = setup();
    progress.begin('article-a', 0);
    progress.follow(0);
    progress.update(0.5);
    // Main's copy of article-a (loaded before the save) still says 0; the place sent wins.
    progress.begin('article-b', 0.25);
    expect(fake.callsTo('article.setProgress')).toEqual([{ id: 'article-a', progress: 0.5 }]);
    expect(progress.fraction).toBe(0.25);
    expect(progress.begin('article-a', 0)).toBe(0.5);
  });

  it('keeps fractions between 0 and 1, rounded to four decimals', async () => {
    const { fake, progress } = setup();
    progress.begin('article-a', 0);
    progress.follow(0);
    progress.update(1.2);
    expect(progress.fraction).toBe(1);
    await progress.flush();
    progress.update(0.123456);
    await progress.flush();
    progress.update(Number.NaN);
    await progress.flush();
    expect(fake.callsTo('article.setProgress')).toEqual([
      { id: 'article-a', progress: 1 },
      { id: 'article-a', progress: 0.1235 },
      { id: 'article-a', progress: 0 },
    ]);
  });

  it('says once, not every interval, when the place cannot be saved', async () => {
    const { notifications, progress } = setup({
      'article.setProgress': () => ({
        ok: false,
        error: { code: 'io-error', message: 'Disk full.' },
      }),
    });
    progress.begin('article-a', 0);
    progress.follow(0);
    progress.update(0.2);
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS);
    progress.update(0.4);
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS);
    expect(notifications.toasts.map((toast) => toast.message)).toEqual([
      'Could not save your place in the article: Disk full.',
    ]);
  });

  it('ignores scrolling when no article is followed', async () => {
    const { fake, progress } = setup();
    progress.update(0.7);
    await progress.flush();
    await vi.advanceTimersByTimeAsync(PROGRESS_SAVE_INTERVAL_MS);
    expect(progress.fraction).toBe(0);
    expect(fake.calls).toEqual([]);
  });
});
