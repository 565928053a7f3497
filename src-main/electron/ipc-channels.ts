/**
 * The IPC channel names, shared by the main-process wiring and the preload. Kept apart from ipc.ts so
 * that the preload bundle gets these strings and nothing of the handlers behind them.
 */
import type { ChannelName, EventMap, EventName } from '../shared/contract';

/** Every contract channel travels as `offprint:<channel>`, so no other ipc traffic can collide. */
export const IPC_PREFIX = 'offprint:';

/** The one channel main pushes events on. */
export const IPC_EVENT_CHANNEL = 'offprint:event';

export function ipcChannel(name: ChannelName): string {
  return IPC_PREFIX + name;
}

/** What travels on IPC_EVENT_CHANNEL. */
export type IpcEventMessage = { [E in EventName]: { event: E; payload: EventMap[E] } }[EventName];
