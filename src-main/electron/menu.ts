/**
 * The application menu: a template built from plain data, so a test can check the items and their
 * shortcuts without Electron. Only types come from electron.
 */
import type { MenuItemConstructorOptions } from 'electron';

/** What the menu's own items do; the host wires them to the window and the library. */
export interface MenuActions {
  /** File > Import…: the renderer runs its import flow (the same as its Import button). */
  importFiles(): void;
  /** Help > Open Library Folder: shows the library in the system's file manager. */
  openLibraryFolder(): void;
}

/** The menu for a platform: the macOS app menu where expected, the standard Edit/View/Window roles. */
export function menuTemplate(
  platform: NodeJS.Platform,
  actions: MenuActions,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Import…', accelerator: 'CmdOrCtrl+O', click: () => actions.importFiles() },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ label: 'Open Library Folder', click: () => actions.openLibraryFolder() }],
  };
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    file,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    help,
  ];
}
