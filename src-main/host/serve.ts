/**
 * `node out/main/host.js [--library DIR] [--port N] [--open]`: runs the browser host on a library.
 *
 * Prints exactly one line on stdout once ready, `Offprint browser host: <url>`, which scripts and
 * tests wait for; everything else goes to stderr. Ready means listening with the library's lock
 * taken: the rest of the open (a rebuilt index can take seconds) goes on behind the served page,
 * which shows its progress. A library another process holds, or an open that fails later, ends the
 * host with a one-line message. Ctrl+C (or SIGTERM) stops the server and closes the library, so
 * its pending writes reach the disk and its lock is released.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openAppLibrary, repoResourcesDir, resolveLibraryDir } from '../core/open-app-library';
import { LibraryOpening } from '../library-opening';
import { type HostServer, startHostServer } from './server';

const USAGE = 'Usage: node out/main/host.js [--library DIR] [--port N] [--open]';

/** A mistake in the command line: worth showing the usage for, unlike a locked library. */
class UsageError extends Error {}

/** Opens a URL in the user's default browser; failing to is not worth stopping the server for. */
function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url]]
      : [process.platform === 'darwin' ? 'open' : 'xdg-open', [url]];
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => console.error(`Could not open a browser; open ${url} yourself.`));
  child.unref();
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, not "${text}".`);
  }
  return port;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        library: { type: 'string' },
        port: { type: 'string' },
        open: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    console.error(USAGE);
    return;
  }
  const port = parsePort(values.port);
  // This file is built to out/main/host.js; the renderer is built next to it.
  const rendererDir = fileURLToPath(new URL('../renderer/', import.meta.url));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`No built renderer in ${rendererDir}: run "npm run build" first.`);
  }
  const libraryDir = resolveLibraryDir(argv);
  // Opens behind the page; the search index then loads or builds in the background.
  const opening = new LibraryOpening({
    open: (hooks) =>
      openAppLibrary({ libraryDir, resourcesDir: repoResourcesDir(import.meta.url), hooks }),
  });
  let server: HostServer | undefined;
  try {
    server = await startHostServer({ opening, rendererDir, port });
    // A library another process holds fails here, before the URL is announced.
    await opening.claimed;
  } catch (error) {
    await server?.close();
    await opening.close();
    throw error;
  }
  const running = server;

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`Offprint browser host: ${signal}, closing the library.`);
    try {
      await running.close();
      await opening.close();
      process.exit(0);
    } catch (error) {
      console.error('Offprint browser host: closing failed:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));

  console.error(`Library: ${libraryDir}`);
  console.log(`Offprint browser host: ${running.url}`);
  if (values.open) openInBrowser(running.url);
  // Calls made meanwhile got the error; the host ends with it as when the lock was refused.
  await opening.ready;
}

main().catch((error: unknown) => {
  console.error(`Offprint browser host: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(1);
});
