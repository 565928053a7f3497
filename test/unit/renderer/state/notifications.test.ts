// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotificationsState } from '../../../../src-renderer/src/state/notifications.svelte';

describe('NotificationsState', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets information fade by itself', () => {
    const notifications = new NotificationsState({ infoDurationMs: 5000 });
    notifications.info('Imported Istanbul talks');
    expect(notifications.toasts.map((toast) => toast.kind)).toEqual(['info']);
    vi.advanceTimersByTime(4999);
    expect(notifications.toasts).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(notifications.toasts).toEqual([]);
  });

  it('keeps errors until they are dismissed', () => {
    const notifications = new NotificationsState({ infoDurationMs: 5000 });
    const id = notifications.error('Could not import deck.pptx');
    vi.advanceTimersByTime(60_000);
    expect(notifications.toasts.map((toast) => toast.message)).toEqual([
      'Could not import deck.pptx',
    ]);
    notifications.dismiss(id);
    expect(notifications.toasts).toEqual([]);
  });

  it('runs an action once and dismisses its toast', () => {
    const notifications = new NotificationsState();
    const run = vi.fn();
    const id = notifications.info('Imported X', { label: 'Open', run });
    notifications.act(id);
    notifications.act(id);
    expect(run).toHaveBeenCalledTimes(1);
    expect(notifications.toasts).toEqual([]);
  });

  it('keeps toasts in the order they came', () => {
    const notifications = new NotificationsState();
    notifications.error('first');
    notifications.info('second');
    notifications.error('third');
    expect(notifications.toasts.map((toast) => toast.message)).toEqual([
      'first',
      'second',
      'third',
    ]);
  });
});
