/**
 * The renderer's only door to Offprint's background process. Under Electron the preload exposes the
 * contract as `window.offprint`; under the browser host the same contract is served over loopback
 * HTTP with a per-start token. Everything else in the renderer imports `api` (or the import helpers
 * below) from here and never learns which host it runs under.
 */
import {
  CHANNEL_NAMES,
  EVENT_NAMES,
  type ChannelName,
  type EventMap,
  type EventName,
  type OffprintApi,
} from '../../../src-main/shared/contract';
import type { ErrorCode, OffprintErrorShape, Result } from '../../../src-main/shared/errors';
import {
  MAX_FILES_PER_IMPORT,
  MAX_IMPORT_BASE64_CHARS,
  MAX_IMPORT_BYTES,
  formatBytes,
} from '../../../src-main/shared/limits';
import type { ImportOutcome } from '../../../src-main/shared/model';
import {
  folderOf,
  isWebPage,
  pageNames,
  planUpload,
  safeRelativePath,
  uploadItems,
  type UploadItem,
} from './uploads';

declare global {
  interface Window {
    /** Set by the Electron preload; absent under the browser host. */
    offprint?: OffprintApi;
  }
}

/** What the browser bridge needs to reach the host; injectable so it can be tested against a real server. */
export interface HttpBridgeOptions {
  /** Origin (and optional path prefix) of the host; '' means the page's own origin. */
  baseUrl: string;
  /** The per-start token the host wrote into the page; null when the page has none. */
  token: string | null;
  fetch?: typeof fetch;
  /** Constructor for the event stream; absent where the platform has none (events are then silent). */
  EventSource?: typeof EventSource;
}

const UNREACHABLE = "Offprint's background process is not reachable.";

/**
 * Calls that must reach the host even when sent as the page closes (deletes waiting for their Undo
 * time, and the reader's place in the article, are sent then). `keepalive` lets such a request
 * outlive the page; browsers allow only small bodies that way, which these are.
 */
const SENT_WHILE_CLOSING: ReadonlySet<ChannelName> = new Set([
  'article.delete',
  'article.setProgress',
]);

function failure<T>(code: ErrorCode, message: string): Result<T> {
  return { ok: false, error: { code, message } };
}

/** True for anything shaped like a Result; the host's answers are checked, never trusted blindly. */
function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  if (body.ok === true) return 'value' in body;
  if (body.ok !== false || !('error' in body)) return false;
  const error = body.error as Partial<OffprintErrorShape> | null;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/**
 * Builds the contract over the browser host's HTTP bridge: `POST /api/<channel>` with the token
 * header, a JSON Result in every answer, and server-sent events for pushes. Never throws: network
 * failures and unreadable answers become error results the UI can show.
 */
export function createHttpApi(options: HttpBridgeOptions): OffprintApi {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/$/, '');

  async function call(channel: ChannelName, args: unknown): Promise<Result<unknown>> {
    if (options.token === null) {
      return failure(
        'not-permitted',
        'This page was not opened by Offprint, so it has no access to the library.',
      );
    }
    let response: Response;
    try {
      response = await fetchImpl(`${base}/api/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Offprint-Token': options.token },
        body: JSON.stringify(args ?? {}),
        keepalive: SENT_WHILE_CLOSING.has(channel),
      });
    } catch {
      return failure('io-error', UNREACHABLE);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    if (isResult(body)) return body;
    return failure(
      'io-error',
      `Offprint's background process gave an unreadable answer to ${channel} (HTTP ${response.status}).`,
    );
  }

  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;

  function emit(event: EventName, payload: unknown): void {
    for (const listener of listeners.get(event) ?? []) {
      (listener as (payload: unknown) => void)(payload);
    }
  }

  // One stream for all events, opened on the first subscription.
  function connect(): void {
    if (source || !options.EventSource || options.token === null) return;
    source = new options.EventSource(
      `${base}/api/events?token=${encodeURIComponent(options.token)}`,
    );
    let lostConnection = false;
    source.addEventListener('error', () => {
      lostConnection = true;
    });
    source.addEventListener('open', () => {
      // Changes made while the stream was down were never pushed: tell listeners to reload all.
      if (lostConnection) emit('library.changed', { ids: [] });
      lostConnection = false;
    });
    for (const event of EVENT_NAMES) {
      source.addEventListener(event, (message) => {
        try {
          emit(event, JSON.parse((message as MessageEvent<string>).data));
        } catch {
          // A malformed push is dropped rather than handed to state as garbage.
        }
      });
    }
  }

  const methods = Object.fromEntries(
    CHANNEL_NAMES.map((channel) => [channel, (args: unknown) => call(channel, args)]),
  );

  function on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    connect();
    return () => {
      set.delete(listener);
    };
  }

  return { ...methods, on } as OffprintApi;
}

function readToken(): string | null {
  if (typeof document === 'undefined') return null;
  const meta = document.querySelector<HTMLMetaElement>('meta[name="offprint-token"]');
  return meta?.content || null;
}

function nativeBridge(): OffprintApi | undefined {
  return typeof window === 'undefined' ? undefined : window.offprint;
}

/** The contract, as this window's host serves it. */
export const api: OffprintApi =
  nativeBridge() ??
  createHttpApi({
    baseUrl: '',
    token: readToken(),
    EventSource: typeof EventSource === 'undefined' ? undefined : EventSource,
  });

/** Base64 of a file's bytes: natively where the engine can, else in chunks that fit the call stack. */
function toBase64(bytes: Uint8Array): string {
  const native = (bytes as Uint8Array & { toBase64?: () => string }).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  const chunkSize = 0x8000;
  let binary = '';
  for (let start = 0; start < bytes.length; start += chunkSize) {
    binary += String.fromCharCode(...bytes.subarray(start, start + chunkSize));
  }
  return btoa(binary);
}

function failedOutcome(source: string, code: ErrorCode, message: string): ImportOutcome {
  return { status: 'failed', source, error: { code, message } };
}

/** One call's worth of files and resources. */
interface UploadCall {
  /** Articles: where each goes in the outcomes, and what is sent. */
  files: { index: number; name: string; relativePath: string | null; dataBase64: string }[];
  resources: Map<string, string>;
  chars: number;
}

/** Base64 characters a file costs in a call, counting its name and path at their worst escaping. */
function costOf(dataBase64: string, ...names: string[]): number {
  return dataBase64.length + names.reduce((sum, name) => sum + name.length * 6 + 16, 16);
}

/**
 * Imports files whose bytes the renderer holds (drag and drop, the browser's file picker), with
 * where each sat among the others (a dropped folder, `webkitRelativePath`): a saved page is sent
 * together with the images of its folder that it names, so main keeps them (import.upload
 * `resources`); style sheets and scripts of a saved page stay behind. Files over the import limit
 * are refused here, so their bytes never cross the bridge; the rest go in calls that respect the
 * contract's limits. Returns one outcome per article, in the order given (resources get none).
 */
export async function importDroppedFiles(
  given: readonly (File | UploadItem)[],
  target: OffprintApi = api,
): Promise<ImportOutcome[]> {
  const items = given.map((item) => (item instanceof File ? uploadItems([item])[0]! : item));
  const plan = planUpload(items);
  const outcomes: (ImportOutcome | undefined)[] = new Array(plan.articles.length);
  const resourceData = new Map<string, string | null>();
  let call: UploadCall = { files: [], resources: new Map(), chars: 0 };

  async function send(): Promise<void> {
    if (call.files.length === 0) return;
    const sent = call;
    call = { files: [], resources: new Map(), chars: 0 };
    const resources = [...sent.resources].map(([relativePath, dataBase64]) => ({
      relativePath,
      dataBase64,
    }));
    const result = await target['import.upload']({
      files: sent.files.map(({ name, relativePath, dataBase64 }) =>
        relativePath === null || relativePath === name
          ? { name, dataBase64 }
          : { name, relativePath, dataBase64 },
      ),
      ...(resources.length > 0 ? { resources } : {}),
    });
    sent.files.forEach((file, position) => {
      outcomes[file.index] = result.ok
        ? (result.value[position] ??
          failedOutcome(file.name, 'internal', 'Offprint did not report on this file.'))
        : failedOutcome(file.name, result.error.code, result.error.message);
    });
  }

  /** A resource's bytes as base64, read once; null when it is too large or unreadable. */
  async function resourceBase64(item: UploadItem, path: string): Promise<string | null> {
    if (resourceData.has(path)) return resourceData.get(path) ?? null;
    let data: string | null = null;
    if (item.file.size <= MAX_IMPORT_BYTES) {
      try {
        data = toBase64(new Uint8Array(await item.file.arrayBuffer()));
      } catch {
        data = null;
      }
    }
    resourceData.set(path, data);
    return data;
  }

  for (const [index, { file, relativePath }] of plan.articles.entries()) {
    if (file.size > MAX_IMPORT_BYTES) {
      outcomes[index] = failedOutcome(
        file.name,
        'too-large',
        `${file.name} is ${formatBytes(file.size)}; Offprint imports files up to ${formatBytes(MAX_IMPORT_BYTES)}.`,
      );
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      // Dropped folders and files removed since they were picked land here.
      outcomes[index] = failedOutcome(file.name, 'io-error', `${file.name} could not be read.`);
      continue;
    }
    const dataBase64 = toBase64(bytes);
    const path = relativePath ?? file.name;
    // The images this page names, from its own folder or below (main looks nowhere else).
    const folder = folderOf(path);
    const pageText = isWebPage(file.name) ? new TextDecoder().decode(bytes) : '';
    const wanted = pageText
      ? plan.resources.flatMap((resource) => {
          const resourcePath = resource.relativePath ?? safeRelativePath(resource.file.name);
          return resourcePath?.startsWith(folder) && pageNames(pageText, resourcePath)
            ? [{ resource, resourcePath }]
            : [];
        })
      : [];

    // One call carries at most about one largest file, which is what the host accepts in a body.
    const cost = costOf(dataBase64, file.name, path);
    const full =
      call.files.length >= MAX_FILES_PER_IMPORT || call.chars + cost > MAX_IMPORT_BASE64_CHARS;
    // A page with images goes in a call of its own, so that they all have room beside it.
    if (full || (wanted.length > 0 && call.files.length > 0)) await send();
    call.files.push({ index, name: file.name, relativePath, dataBase64 });
    call.chars += cost;
    for (const { resource, resourcePath } of wanted) {
      if (call.resources.has(resourcePath) || call.resources.size >= MAX_FILES_PER_IMPORT) continue;
      const data = await resourceBase64(resource, resourcePath);
      if (data === null) continue;
      const resourceCost = costOf(data, resourcePath);
      // An image that does not fit is left out: main records it as missing, the page still saves.
      if (call.chars + resourceCost > MAX_IMPORT_BASE64_CHARS) continue;
      call.resources.set(resourcePath, data);
      call.chars += resourceCost;
    }
    if (wanted.length > 0) await send();
  }
  await send();
  return outcomes.map(
    (outcome, index) =>
      outcome ??
      failedOutcome(plan.articles[index]?.file.name ?? 'file', 'internal', 'Not imported.'),
  );
}

/**
 * Lets the user pick files and imports them. Under Electron this shows the native dialog and
 * imports the picked paths. In a browser it opens the given file input (which the library view
 * keeps in its DOM); the files chosen there arrive through that input's change event, so the
 * result is null: nothing to report yet. Null also means the user cancelled the native dialog.
 */
export async function pickAndImportFiles(
  browserInput: HTMLInputElement | null,
  target: OffprintApi = api,
  native: boolean = nativeBridge() !== undefined,
): Promise<Result<ImportOutcome[] | null>> {
  if (!native) {
    if (!browserInput) return failure('internal', 'There is no file picker on this page.');
    browserInput.click();
    return { ok: true, value: null };
  }
  const picked = await target['dialog.openFiles']({});
  if (!picked.ok) return picked;
  if (picked.value.length === 0) return { ok: true, value: null };
  return target['import.files']({ paths: picked.value });
}

/** The host-facing services state classes use; injectable so state can be tested with a fake api. */
export interface RendererServices {
  api: OffprintApi;
  pickAndImportFiles(
    browserInput: HTMLInputElement | null,
  ): Promise<Result<ImportOutcome[] | null>>;
  importDroppedFiles(files: readonly (File | UploadItem)[]): Promise<ImportOutcome[]>;
}

/** The real services of this window. */
export const services: RendererServices = {
  api,
  pickAndImportFiles: (browserInput) => pickAndImportFiles(browserInput),
  importDroppedFiles: (files) => importDroppedFiles(files),
};
