/**
 * Contract -> core. One function per channel; each receives an argument that has already passed the
 * channel's schema. A channel without a handler here is a type error.
 */
import { version as packageVersion } from '../package.json';
import {
  type ArgsOf,
  type ChannelName,
  type EventMap,
  type EventName,
  type LibraryInfo,
  type ResultOf,
  isChannelName,
  validateArgs,
} from './shared/contract';
import { OffprintError, type Result, toErrorShape } from './shared/errors';
import type { Library } from './core/library/library';
import { importBytes, importPath } from './core/ingest/import-file';
import type { PathGrants } from './core/path-grants';

export type Handlers = { [C in ChannelName]: (args: ArgsOf<C>) => Promise<ResultOf<C>> };

/** What a host provides beyond the library: its native parts. */
export interface HostServices {
  kind: LibraryInfo['host'];
  /** Shows a native open-file dialog and returns the picked paths; null where the host has none. */
  pickFiles: (() => Promise<string[]>) | null;
  /** Paths the user picked; only these may be imported by path. */
  grants: PathGrants;
}

export function createHandlers(library: Library, host: HostServices): Handlers {
  return {
    'library.info': async () => ({
      root: library.root,
      articleCount: library.count(),
      host: host.kind,
      version: packageVersion,
    }),
    'library.list': async () => library.list(),
    'article.get': async ({ id }) => library.get(id),
    'article.setState': async ({ id, patch }) => library.setState(id, patch),
    'dialog.openFiles': async () => {
      if (!host.pickFiles) {
        throw new OffprintError(
          'not-permitted',
          'This window has no native file dialog; use the file picker instead.',
        );
      }
      const paths = await host.pickFiles();
      host.grants.grant(paths);
      return paths;
    },
    'import.files': async ({ paths }) => {
      // Refuse the whole call before touching anything if any path was not picked by the user.
      const refused = paths.filter((path) => !host.grants.has(path));
      if (refused.length > 0) {
        throw new OffprintError(
          'not-permitted',
          `Offprint only imports files you picked; not picked: ${refused.join(', ')}`,
        );
      }
      const outcomes = [];
      for (const path of paths) outcomes.push(await importPath(library, path));
      host.grants.revoke(paths);
      return outcomes;
    },
    'import.upload': async ({ files }) => {
      const outcomes = [];
      for (const file of files) {
        const bytes = Buffer.from(file.dataBase64, 'base64');
        outcomes.push(await importBytes(library, file.name, bytes));
      }
      return outcomes;
    },
  };
}

/**
 * Runs one call from a host: checks the channel exists, validates the argument, runs the handler,
 * and turns every failure into a typed error result. Nothing thrown crosses the bridge.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawArgs: unknown,
): Promise<Result<unknown>> {
  if (!isChannelName(channel)) {
    return { ok: false, error: { code: 'unknown-channel', message: `No such channel: ${channel}` } };
  }
  const checked = validateArgs(channel, rawArgs);
  if (!checked.ok) return { ok: false, error: { code: 'invalid-argument', message: checked.message } };
  try {
    const handler = handlers[channel] as (args: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(checked.value) };
  } catch (error) {
    if (!(error instanceof OffprintError)) console.error(`[offprint] ${channel} failed:`, error);
    return { ok: false, error: toErrorShape(error) };
  }
}

/** A host's way to push events to its renderers. */
export type EventSink = <E extends EventName>(event: E, payload: EventMap[E]) => void;

/** Forwards library changes to a host's event sink; returns the unsubscribe function. */
export function forwardLibraryEvents(library: Library, send: EventSink): () => void {
  return library.onChange((ids) => send('library.changed', { ids }));
}
