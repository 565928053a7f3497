/**
 * The Electron IPC wiring, driven through a fake ipcMain and fake senders (the Electron binary does
 * not exist here): calls from anything but the main frame of one of our windows showing our page are
 * dropped before a handler runs; arguments are validated; valid calls reach the handler.
 */
import type { IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES } from '../../../src-main/shared/contract';
import { OffprintError } from '../../../src-main/shared/errors';
import type { Handlers } from '../../../src-main/handlers';
import type { Annotation, ArticleSummary } from '../../../src-main/shared/model';
import { articleSummary } from '../../support/article-summary';
import {
  type IpcMainLike,
  createAppUrlCheck,
  createEventSink,
  createSenderCheck,
  registerContract,
} from '../../../src-main/electron/ipc';
import { IPC_EVENT_CHANNEL } from '../../../src-main/electron/ipc-channels';

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

/** Records handlers the way ipcMain does (one per channel) and lets the test invoke them. */
class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`second handler for ${channel}`);
    this.listeners.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.listeners.delete(channel);
  }
  invoke(channel: string, event: IpcMainInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return Promise.resolve(listener(event, ...args));
  }
}

const INDEX_URL = 'file:///opt/offprint/out/renderer/index.html';
const APP_WINDOW_ID = 7;

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
  processId: number;
  routingId: number;
}

function frame(url: string, routingId = 1, parent: FakeFrame | null = null): FakeFrame {
  return { url, parent, processId: 42, routingId };
}

/** An invoke event from webContents `senderId` whose main frame is `mainFrame`, sent by `sender`. */
function invokeEvent(
  senderId: number,
  mainFrame: FakeFrame,
  sender: FakeFrame | null = mainFrame,
): IpcMainInvokeEvent {
  return {
    sender: { id: senderId, mainFrame },
    senderFrame: sender,
  } as unknown as IpcMainInvokeEvent;
}

const summary: ArticleSummary = articleSummary({
  id: 'a1',
  title: 'A title',
  savedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  wordCount: 3,
});

const annotation: Annotation = {
  id: '6f1c2a4e-8d1b-4c53-9a0e-2b7d5f3c9e10',
  type: 'Annotation',
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-01T00:00:00.000Z',
  motivation: 'highlighting',
  target: {
    source: 'a1',
    version: 1,
    selector: [
      { type: 'TextQuoteSelector', exact: 'title', prefix: 'A ', suffix: '' },
      { type: 'TextPositionSelector', start: 2, end: 7 },
    ],
  },
};

/** A handler table that records what reached it. */
function recordingHandlers(calls: Array<[string, unknown]>): Handlers {
  const record =
    <T>(name: string, value: T) =>
    async (args: unknown) => {
      calls.push([name, args]);
      return value;
    };
  return {
    'library.info': record('library.info', {
      root: '/library',
      articleCount: 1,
      host: 'electron' as const,
      version: 'test',
    }),
    'library.list': record('library.list', [summary]),
    'library.query': record('library.query', {
      total: 1,
      counts: { all: 1, bookmarked: 0, unread: 1, archived: 0, tags: [] },
      items: [summary],
    }),
    'article.get': async ({ id }) => {
      calls.push(['article.get', { id }]);
      throw new OffprintError('not-found', `No article ${id}.`);
    },
    'article.setState': record('article.setState', { ...summary, bookmarked: true }),
    'article.setTags': record('article.setTags', { ...summary, tags: ['news'] }),
    'article.setProgress': record('article.setProgress', true as const),
    'article.delete': record('article.delete', true as const),
    'annotation.list': record('annotation.list', []),
    'annotation.add': record('annotation.add', annotation),
    'annotation.update': record('annotation.update', annotation),
    'annotation.remove': record('annotation.remove', true as const),
    'library.health': record('library.health', { problems: [] }),
    'settings.get': record('settings.get', { sort: 'savedAt' as const }),
    'settings.update': record('settings.update', { sort: 'title' as const }),
    'dialog.openFiles': record('dialog.openFiles', []),
    'import.files': record('import.files', []),
    'import.upload': record('import.upload', []),
    'import.url': record('import.url', []),
    'import.links': record('import.links', []),
    'import.cancel': record('import.cancel', false),
    'article.refresh': record('article.refresh', summary),
    'article.retryImages': record('article.retryImages', { saved: 0, stillMissing: 0 }),
  };
}

describe('registerContract', () => {
  let ipcMain: FakeIpcMain;
  let calls: Array<[string, unknown]>;
  let unregister: () => void;
  let warn: ReturnType<typeof vi.spyOn>;
  const appFrame = frame(INDEX_URL);

  beforeEach(() => {
    ipcMain = new FakeIpcMain();
    calls = [];
    const isAppUrl = createAppUrlCheck({ indexHtmlUrl: INDEX_URL });
    unregister = registerContract(
      ipcMain,
      recordingHandlers(calls),
      createSenderCheck(new Set([APP_WINDOW_ID]), isAppUrl),
    );
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => warn.mockRestore());

  it('registers exactly one handler per contract channel, and removes them all', () => {
    expect([...ipcMain.listeners.keys()].sort()).toEqual(
      CHANNEL_NAMES.map((name) => `offprint:${name}`).sort(),
    );
    unregister();
    expect(ipcMain.listeners.size).toBe(0);
  });

  it('lets a valid call from the app window reach its handler', async () => {
    const event = invokeEvent(APP_WINDOW_ID, appFrame);
    const patch = { id: 'a1', patch: { bookmarked: true } };
    await expect(ipcMain.invoke('offprint:article.setState', event, patch)).resolves.toEqual({
      ok: true,
      value: { ...summary, bookmarked: true },
    });
    await expect(ipcMain.invoke('offprint:library.list', event, {})).resolves.toEqual({
      ok: true,
      value: [summary],
    });
    expect(calls).toEqual([
      ['article.setState', patch],
      ['library.list', {}],
    ]);
  });

  it('turns a thrown OffprintError into its typed error result', async () => {
    const result = await ipcMain.invoke(
      'offprint:article.get',
      invokeEvent(APP_WINDOW_ID, appFrame),
      { id: 'missing' },
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'No article missing.' },
    });
  });

  it('answers invalid arguments with invalid-argument and never calls the handler', async () => {
    const event = invokeEvent(APP_WINDOW_ID, appFrame);
    const bad: Array<[string, unknown]> = [
      ['offprint:article.get', { id: '../../etc/passwd' }],
      ['offprint:article.get', {}],
      ['offprint:article.setState', { id: 'a1', patch: { bookmarked: 'yes' } }],
      ['offprint:library.list', { extra: true }],
      ['offprint:library.info', undefined],
      ['offprint:import.files', { paths: [] }],
    ];
    for (const [channel, args] of bad) {
      const result = (await ipcMain.invoke(channel, event, args)) as {
        ok: boolean;
        error?: object;
      };
      expect(result, channel).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    }
    expect(calls).toEqual([]);
  });

  it('drops calls from a webContents that is not one of the app windows', async () => {
    const stranger = invokeEvent(99, frame(INDEX_URL));
    const result = await ipcMain.invoke('offprint:library.list', stranger, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    expect(calls).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
    expect(String(warn.mock.calls[0]?.[0])).toContain('library.list');
  });

  it('drops calls from a sub-frame of the app window', async () => {
    const iframe = frame(INDEX_URL, 2, appFrame);
    const result = await ipcMain.invoke(
      'offprint:library.list',
      invokeEvent(APP_WINDOW_ID, appFrame, iframe),
      {},
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    expect(calls).toEqual([]);
  });

  it('drops calls from the app window once it shows a page that is not the app', async () => {
    for (const url of [
      'https://evil.example/',
      'file:///home/user/Downloads/saved-page.html',
      'file:///opt/offprint/out/renderer/other.html',
      'not a url',
    ]) {
      const shown = frame(url);
      const result = await ipcMain.invoke(
        'offprint:library.list',
        invokeEvent(APP_WINDOW_ID, shown),
        {},
      );
      expect(result, url).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    }
    expect(calls).toEqual([]);
  });

  it('drops calls whose frame is gone, or whose check throws', async () => {
    const gone = await ipcMain.invoke(
      'offprint:library.list',
      invokeEvent(APP_WINDOW_ID, appFrame, null),
      {},
    );
    expect(gone).toMatchObject({ ok: false, error: { code: 'not-permitted' } });

    const throwing = new FakeIpcMain();
    registerContract(throwing, recordingHandlers(calls), () => {
      throw new Error('Render frame was disposed');
    });
    const result = await throwing.invoke(
      'offprint:library.list',
      invokeEvent(APP_WINDOW_ID, appFrame),
      {},
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'not-permitted' } });
    expect(calls).toEqual([]);
  });
});

describe('createAppUrlCheck', () => {
  it('in production accepts only the built index.html, with any hash or query', () => {
    const isAppUrl = createAppUrlCheck({ indexHtmlUrl: INDEX_URL });
    expect(isAppUrl(INDEX_URL)).toBe(true);
    expect(isAppUrl(`${INDEX_URL}#/article/a1`)).toBe(true);
    expect(isAppUrl(`${INDEX_URL}?x=1`)).toBe(true);
    expect(isAppUrl('file:///opt/offprint/out/renderer/evil.html')).toBe(false);
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
  });

  it('in development accepts the dev server origin only', () => {
    const isAppUrl = createAppUrlCheck({
      devServerUrl: 'http://localhost:5173',
      indexHtmlUrl: INDEX_URL,
    });
    expect(isAppUrl('http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5173/src/main.ts')).toBe(true);
    expect(isAppUrl('http://localhost:5174/')).toBe(false);
    expect(isAppUrl('http://localhost:5173.evil.example/')).toBe(false);
    expect(isAppUrl(INDEX_URL)).toBe(false);
  });
});

describe('createEventSink', () => {
  it('sends {event, payload} on the event channel to every live window', () => {
    const sent: Array<[string, unknown]> = [];
    const live = {
      isDestroyed: () => false,
      send: (channel: string, message: unknown) => void sent.push([channel, message]),
    };
    const dead = {
      isDestroyed: () => true,
      send: () => {
        throw new Error('sent to a destroyed window');
      },
    };
    const send = createEventSink(() => [live, dead]);
    send('library.changed', { ids: ['a1'] });
    send('menu.command', { command: 'import' });
    expect(sent).toEqual([
      [IPC_EVENT_CHANNEL, { event: 'library.changed', payload: { ids: ['a1'] } }],
      [IPC_EVENT_CHANNEL, { event: 'menu.command', payload: { command: 'import' } }],
    ]);
  });
});
