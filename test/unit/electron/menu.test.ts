/** The application menu: File > Import… with its shortcut, and the standard roles per platform. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { menuTemplate } from '../../../src-main/electron/menu';

function items(menu: MenuItemConstructorOptions): MenuItemConstructorOptions[] {
  return Array.isArray(menu.submenu) ? menu.submenu : [];
}

function click(item: MenuItemConstructorOptions | undefined): void {
  (item?.click as (() => void) | undefined)?.();
}

describe('menuTemplate', () => {
  it('has File > Import… on Ctrl/Cmd+O, running the import action', () => {
    const actions = { importFiles: vi.fn(), openLibraryFolder: vi.fn() };
    const [file] = menuTemplate('linux', actions);
    const importItem = items(file!).find((item) => item.label === 'Import…');
    expect(importItem?.accelerator).toBe('CmdOrCtrl+O');
    click(importItem);
    expect(actions.importFiles).toHaveBeenCalledOnce();
    expect(actions.openLibraryFolder).not.toHaveBeenCalled();
  });

  it('has Help > Open Library Folder', () => {
    const actions = { importFiles: vi.fn(), openLibraryFolder: vi.fn() };
    const help = menuTemplate('win32', actions).find((menu) => menu.role === 'help');
    click(items(help!).find((item) => item.label === 'Open Library Folder'));
    expect(actions.openLibraryFolder).toHaveBeenCalledOnce();
  });

  it('adds the app menu on macOS only, and keeps the Edit and View defaults everywhere', () => {
    const actions = { importFiles: vi.fn(), openLibraryFolder: vi.fn() };
    const mac = menuTemplate('darwin', actions).map((menu) => menu.role ?? menu.label);
    const linux = menuTemplate('linux', actions).map((menu) => menu.role ?? menu.label);
    expect(mac).toEqual(['appMenu', '&File', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
    expect(linux).toEqual(['&File', 'editMenu', 'viewMenu', 'windowMenu', 'help']);
  });
});
