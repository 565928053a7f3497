/**
 * `node out/main/host.js [--library DIR] [--port N] [--open]`: runs the browser host on a library.
 *
 * Prints exactly one line on stdout once ready, `Offprint browser host: <url>`, which scripts and
 * tests wait for; everything else goes to stderr. Ctrl+C (or SIGTERM) stops the server and closes
 * the library, so its pending writes reach the disk and its lock is released.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openAppLibrary, repoResourcesDir, resolveLibraryDir } from '../core/open-app-library';
import { LibrarySearch } from '../core/search/library-search';
import { startHostServer } from './server';

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
  const library = await openAppLibrary({
    libraryDir,
    resourcesDir: repoResourcesDir(import.meta.url),
  });
  // Loads or builds the search index in the background; the first list does not wait for it.
  const search = new LibrarySearch(library).start();
  const server = await startHostServer({ library, search, rendererDir, port }).catch(
    async (error) => {
      await search.close();
      await library.close();
      throw error;
    },
  );

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`Offprint browser host: ${signal}, closing the library.`);
    try {
      await server.close();
      await search.close();
      await library.close();
      process.exit(0);
    } catch (error) {
      console.error('Offprint browser host: closing failed:', error);
      process.exit(1);
    }
  };
  process.on('SIGINT', (signal) => void stop(signal));
  process.on('SIGTERM', (signal) => void stop(signal));

  console.error(`Library: ${libraryDir}`);
  console.log(`Offprint browser host: ${server.url}`);
  if (values.open) openInBrowser(server.url);
}

main().catch((error: unknown) => {
  console.error(`Offprint browser host: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof UsageError) console.error(USAGE);
  process.exit(1);
});
