/**
 * The whole bridge between the sandboxed renderer and main: `window.offprint`, one named method per
 * contract channel plus `on` for the contract's events. Built from the contract's own name lists, so
 * a new channel appears here without an edit, and nothing outside the contract can be reached:
 * ipcRenderer itself is never exposed (it would let any script in the page send on any channel).
 *
 * Built to out/preload/index.cjs: a sandboxed preload is CommonJS and may only require('electron').
 */
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import {
  CHANNEL_NAMES,
  EVENT_NAMES,
  type EventMap,
  type EventName,
  type OffprintApi,
} from '../shared/contract';
import { IPC_EVENT_CHANNEL, type IpcEventMessage, ipcChannel } from '../electron/ipc-channels';

type ChannelMethods = Omit<OffprintApi, 'on'>;

// Main validates every argument; the preload only forwards, so it stays too small to get wrong.
const methods = Object.fromEntries(
  CHANNEL_NAMES.map((name) => [
    name,
    (args: unknown) => ipcRenderer.invoke(ipcChannel(name), args),
  ]),
) as ChannelMethods;

// One ipcRenderer listener for all subscribers: listeners never see the IPC event object (whose
// `sender` is ipcRenderer), only the payload.
const listeners = new Map<EventName, Set<(payload: never) => void>>(
  EVENT_NAMES.map((name) => [name, new Set()]),
);
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, message: IpcEventMessage) => {
  for (const listener of listeners.get(message.event) ?? []) {
    (listener as (payload: EventMap[typeof message.event]) => void)(message.payload);
  }
});

function on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
  const subscribers = listeners.get(event);
  if (!subscribers) throw new Error(`Offprint has no event named "${String(event)}".`);
  subscribers.add(listener);
  return () => {
    subscribers.delete(listener);
  };
}

const bridge = { ...methods, on } satisfies OffprintApi;

/** The renderer's view of the bridge; `lib/api.ts` declares window.offprint with OffprintApi. */
export type OffprintBridge = typeof bridge;

contextBridge.exposeInMainWorld('offprint', bridge);
