/**
 * The app's one window: sandboxed, context-isolated, with the preload as its only bridge to main, and
 * its size and place remembered between runs.
 */
import { BrowserWindow, screen } from 'electron';
import {
  MIN_WINDOW_HEIGHT,
  MIN_WINDOW_WIDTH,
  loadWindowState,
  saveWindowState,
} from './window-state';

export interface MainWindowOptions {
  /** The built preload (out/preload/index.cjs). */
  preloadPath: string;
  /** The renderer: the dev server's URL in development, the built index.html otherwise. */
  page: { url: string } | { file: string };
  /** `<userData>/window-state.json` */
  statePath: string;
}

/** Creates and loads the main window; it shows itself once painted, so it never flashes white. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const workAreas = screen.getAllDisplays().map((display) => display.workArea);
  const state = loadWindowState(options.statePath, workAreas);
  const window = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: MIN_WINDOW_WIDTH,
    minHeight: MIN_WINDOW_HEIGHT,
    show: false,
    title: 'Offprint',
    webPreferences: {
      preload: options.preloadPath,
      // The renderer shows article HTML from anywhere: it gets no Node, no Electron, only the bridge.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      // A file dropped outside the drop zone would otherwise replace the app with the file.
      navigateOnDragDrop: false,
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());
  // getNormalBounds: the size to restore to, even when closing maximized.
  window.on('close', () =>
    saveWindowState(options.statePath, window.getNormalBounds(), window.isMaximized()),
  );
  if ('url' in options.page) void window.loadURL(options.page.url);
  else void window.loadFile(options.page.file);
  return window;
}
