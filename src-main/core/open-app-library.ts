/**
 * The bootstrap every host shares: where the library lives, where the bundled resources are, and
 * opening the library with the welcome article on first run. Plain Node: the Electron host passes in
 * what only Electron knows (its userData folder, whether it is packaged).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Library } from './library/library';
import { type OpenLibraryOptions, openLibrary } from './library/store';
import { addWelcomeArticle } from './welcome';

/** The product name: the folder under the OS's application-data directory. */
export const APP_FOLDER_NAME = 'Offprint';

/**
 * The per-user application-data directory, as Electron's app.getPath('appData') computes it, so that
 * the browser host and the CLI find the same library as the desktop app.
 */
export function appDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') return env.APPDATA || join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support');
  return env.XDG_CONFIG_HOME || join(home, '.config');
}

/** `<appData>/Offprint/library`: Electron's `<userData>/library` for productName Offprint. */
export function defaultLibraryDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  return join(appDataDir(platform, env, home), APP_FOLDER_NAME, 'library');
}

/**
 * The value of `--library DIR` (or `--library=DIR`) in a command line, or null when absent.
 * Throws when the flag is given without a folder, rather than silently opening the default library.
 */
export function libraryFlag(argv: readonly string[]): string | null {
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg === '--library') {
      const value = argv[index + 1];
      if (!value || value.startsWith('--')) throw new Error('--library needs a folder.');
      return value;
    }
    if (arg?.startsWith('--library=')) {
      const value = arg.slice('--library='.length);
      if (!value) throw new Error('--library needs a folder.');
      return value;
    }
  }
  return null;
}

/**
 * Which library folder to open: `--library DIR`, else $OFFPRINT_LIBRARY, else the folder the desktop
 * app uses. Always an absolute path.
 */
export function resolveLibraryDir(
  argv: readonly string[] = process.argv.slice(2),
  env: NodeJS.ProcessEnv = process.env,
  fallback: string = defaultLibraryDir(process.platform, env),
): string {
  const chosen = libraryFlag(argv) ?? (env.OFFPRINT_LIBRARY || fallback);
  return resolve(chosen);
}

/**
 * `<repo>/resources` seen from a host entry file. The entries are built to out/main/*.js and live in
 * src-main/<host>/*.ts, both two levels below the repository, so `../../resources` works for the
 * built app and under vitest alike. Pass the entry's own import.meta.url: shared code may be bundled
 * into out/main/chunks/, where a relative path would point elsewhere.
 */
export function repoResourcesDir(entryUrl: string): string {
  return fileURLToPath(new URL('../../resources', entryUrl));
}

export interface OpenAppLibraryOptions {
  libraryDir: string;
  resourcesDir: string;
  /** Hears how the open goes, for a host showing its window before the library is ready. */
  hooks?: Pick<OpenLibraryOptions, 'onProgress' | 'onLocked'>;
}

/**
 * Opens (creating if needed) the library and, the first time it is created, adds the welcome
 * article so a new user does not face an empty window.
 */
export async function openAppLibrary({
  libraryDir,
  resourcesDir,
  hooks = {},
}: OpenAppLibraryOptions): Promise<Library> {
  // The window lists from the index at once; the folders are checked just after (store.ts).
  const { library, created } = await openLibrary(libraryDir, {
    ...hooks,
    checkInBackground: true,
  });
  if (created) {
    try {
      await addWelcomeArticle(library, resourcesDir);
    } catch (error) {
      // A missing welcome article must not keep the user out of their library.
      console.error('[offprint] could not add the welcome article:', error);
    }
  }
  return library;
}
