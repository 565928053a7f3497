/**
 * The only file that touches ipcMain. Every contract channel is registered here, every call is
 * checked against the sender before anything else, and everything goes through dispatch(), which
 * validates the argument and never throws.
 *
 * Only TYPES come from electron, and ipcMain is a parameter: the unit tests drive this file with a
 * fake ipcMain and fake senders, where the Electron binary does not exist.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { CHANNEL_NAMES, type EventMap, type EventName } from '../shared/contract';
import type { Result } from '../shared/errors';
import { type EventSink, type Handlers, dispatch } from '../handlers';
import { IPC_EVENT_CHANNEL, type IpcEventMessage, ipcChannel } from './ipc-channels';

/** What registerContract needs of ipcMain. */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;

/** Decides whether an invoke came from a page of ours. */
export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * Registers one ipcMain handler per contract channel. Calls from senders that fail the check get a
 * not-permitted result and are logged; nothing of theirs reaches a handler. Returns a function that
 * removes the handlers again.
 */
export function registerContract(
  ipcMain: IpcMainLike,
  handlers: Handlers,
  isTrustedSender: SenderCheck,
): () => void {
  for (const name of CHANNEL_NAMES) {
    ipcMain.handle(
      ipcChannel(name),
      async (event: IpcMainInvokeEvent, rawArgs: unknown): Promise<Result<unknown>> => {
        if (!safelyTrusted(isTrustedSender, event)) {
          console.warn(`[offprint] dropped "${name}" from an unknown sender: ${describe(event)}`);
          return {
            ok: false,
            error: { code: 'not-permitted', message: 'This page may not call Offprint.' },
          };
        }
        return dispatch(handlers, name, rawArgs);
      },
    );
  }
  return () => {
    for (const name of CHANNEL_NAMES) ipcMain.removeHandler(ipcChannel(name));
  };
}

/** A sender check that throws (a frame gone mid-call) counts as a refusal, not a crash. */
function safelyTrusted(check: SenderCheck, event: IpcMainInvokeEvent): boolean {
  try {
    return check(event);
  } catch {
    return false;
  }
}

function describe(event: IpcMainInvokeEvent): string {
  try {
    return `webContents ${event.sender.id}, frame ${event.senderFrame?.url ?? '(gone)'}`;
  } catch {
    return '(unreadable sender)';
  }
}

/**
 * Trusts a call only when it comes from the main frame of one of the app's own windows, showing an
 * app page: not from an iframe, not from a window we did not create, not after a navigation away.
 */
export function createSenderCheck(
  windowIds: ReadonlySet<number>,
  isAppUrl: (url: string) => boolean,
): SenderCheck {
  return (event) => {
    const frame = event.senderFrame;
    if (!frame || !windowIds.has(event.sender.id)) return false;
    const main = event.sender.mainFrame;
    const isMainFrame =
      frame.parent === null &&
      frame.processId === main.processId &&
      frame.routingId === main.routingId;
    return isMainFrame && isAppUrl(frame.url);
  };
}

/**
 * Recognises the app's own pages: in development anything under the dev server's origin, in
 * production exactly the built index.html (any file:// URL would otherwise pass an origin check).
 */
export function createAppUrlCheck(app: {
  devServerUrl?: string | undefined;
  indexHtmlUrl: string;
}): (url: string) => boolean {
  const devOrigin = app.devServerUrl ? new URL(app.devServerUrl).origin : null;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (devOrigin) return parsed.origin === devOrigin;
    parsed.hash = '';
    parsed.search = '';
    return parsed.href === app.indexHtmlUrl;
  };
}

/** What an event sink needs of a window's webContents. */
export type EventReceiver = Pick<WebContents, 'send' | 'isDestroyed'>;

/** Pushes events to the app's windows on the one event channel the preload listens to. */
export function createEventSink(targets: () => Iterable<EventReceiver>): EventSink {
  return <E extends EventName>(event: E, payload: EventMap[E]) => {
    const message = { event, payload } as IpcEventMessage;
    for (const target of targets()) {
      if (!target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, message);
    }
  };
}
