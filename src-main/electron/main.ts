/**
 * The Electron host (built to out/main/index.js, package.json "main"): app lifecycle, one window,
 * the contract over IPC, the menu. Everything the library does lives in core/; this file only wires.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  BrowserWindow,
  Menu,
  type OpenDialogOptions,
  app,
  dialog,
  ipcMain,
  net,
  protocol,
  session,
  shell,
} from 'electron';
import { IMPORTABLE_EXTENSIONS } from '../core/ingest/import-file';
import {
  APP_FOLDER_NAME,
  openAppLibrary,
  repoResourcesDir,
  resolveLibraryDir,
} from '../core/open-app-library';
import { PathGrants } from '../core/path-grants';
import type { EventSink, HostServices } from '../handlers';
import { LibraryOpening } from '../library-opening';
import { createAppUrlCheck, createEventSink, createSenderCheck, registerContract } from './ipc';
import { serveLibraryImages } from './library-images';
import { menuTemplate } from './menu';
import { hardenWebContents, secureSession } from './security';
import { createMainWindow } from './window';

// Before anything asks for userData: the browser host and the CLI compute the same folder
// (<appData>/Offprint) without Electron, so the name must not depend on package.json.
app.setName(APP_FOLDER_NAME);
app.setPath('userData', join(app.getPath('appData'), APP_FOLDER_NAME));

const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
const indexHtmlPath = fileURLToPath(new URL('../renderer/index.html', import.meta.url));
// electron-vite sets this in development only; a packaged app must never load a URL from the env.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;

/** webContents ids of the windows this app created: the only senders IPC trusts. */
const appWindowIds = new Set<number>();
let mainWindow: BrowserWindow | null = null;
let opening: LibraryOpening | null = null;
let libraryClosing: Promise<void> | null = null;
let libraryClosed = false;

function openMainWindow(send: EventSink): void {
  const window = createMainWindow({
    preloadPath,
    page: devServerUrl ? { url: devServerUrl } : { file: indexHtmlPath },
    statePath: join(app.getPath('userData'), 'window-state.json'),
  });
  const id = window.webContents.id;
  appWindowIds.add(id);
  // Progress sent before the page subscribed is lost: a page that loads while the library opens
  // hears at once how far the open is.
  window.webContents.on('did-finish-load', () => {
    const report = opening?.progress;
    if (report) send('progress', report);
  });
  window.on('closed', () => {
    appWindowIds.delete(id);
    if (mainWindow === window) mainWindow = null;
  });
  mainWindow = window;
}

function focusMainWindow(): void {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

async function pickFiles(): Promise<string[]> {
  const options: OpenDialogOptions = {
    title: 'Import articles',
    properties: ['openFile', 'multiSelections'],
    filters: [
      // From the importers' own table, so a new file type shows up here by itself.
      {
        name: 'Articles',
        extensions: IMPORTABLE_EXTENSIONS.map((extension) => extension.slice(1)),
      },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
  const picked = parent
    ? await dialog.showOpenDialog(parent, options)
    : await dialog.showOpenDialog(options);
  return picked.canceled ? [] : picked.filePaths;
}

async function start(): Promise<void> {
  await app.whenReady();
  const libraryDir = resolveLibraryDir(
    process.argv.slice(1),
    process.env,
    join(app.getPath('userData'), 'library'),
  );
  const resourcesDir = app.isPackaged ? process.resourcesPath : repoResourcesDir(import.meta.url);
  // The window comes first; the library opens behind it (library-opening.ts), calls wait for it,
  // and the open's progress reaches the window as 'progress' events.
  const libraryOpening = new LibraryOpening({
    open: (hooks) => openAppLibrary({ libraryDir, resourcesDir, hooks }),
  });
  opening = libraryOpening;
  libraryOpening.ready.catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('Offprint cannot open its library', `${libraryDir}\n\n${message}`);
    app.exit(1);
  });

  const isAppUrl = createAppUrlCheck({
    devServerUrl,
    indexHtmlUrl: pathToFileURL(indexHtmlPath).href,
  });
  secureSession(session.defaultSession, {
    isAppUrl,
    devServerOrigin: devServerUrl ? new URL(devServerUrl).origin : null,
    rendererDir: dirname(indexHtmlPath),
  });

  // Saved images: the reader's `images/<sha256>.<ext>` addresses, answered from the library.
  serveLibraryImages(protocol, net, dirname(indexHtmlPath), libraryDir);

  const send = createEventSink(() =>
    BrowserWindow.getAllWindows()
      .map((window) => window.webContents)
      .filter((contents) => appWindowIds.has(contents.id)),
  );
  const services: HostServices = {
    kind: 'electron',
    pickFiles,
    grants: new PathGrants(),
    events: send,
  };
  registerContract(
    ipcMain,
    libraryOpening.handlers(services),
    createSenderCheck(appWindowIds, isAppUrl),
  );
  libraryOpening.forwardEvents(send);

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(process.platform, {
        importFiles: () => send('menu.command', { command: 'import' }),
        openLibraryFolder: () => void shell.openPath(libraryDir),
      }),
    ),
  );

  openMainWindow(send);
  app.on('activate', () => {
    if (!mainWindow) openMainWindow(send);
  });
}

// One app per library: a second launch hands over to the first (which comes to the front) and quits.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', focusMainWindow);
  // Every page, the app's own and any other, gets the navigation lock-down. (Navigations Electron
  // starts itself, such as loadURL and DevTools' own, do not emit will-navigate.)
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => {
    // macOS keeps apps running without windows; elsewhere closing the window ends the app.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', (event) => {
    if (!opening || libraryClosed) return;
    // Hold the quit until pending writes are on disk and the lock is released (an open still
    // running is let finish first, so that its rebuilt index is not lost).
    event.preventDefault();
    libraryClosing ??= opening
      .close()
      .catch((error: unknown) => console.error('[offprint] closing the library failed:', error))
      .finally(() => {
        libraryClosed = true;
        app.quit();
      });
  });
  start().catch((error: unknown) => {
    console.error('[offprint] failed to start:', error);
    dialog.showErrorBox('Offprint failed to start', String(error));
    app.exit(1);
  });
}
