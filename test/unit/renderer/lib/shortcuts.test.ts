// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import {
  SHORTCUTS,
  keyLabel,
  shortcutFor,
  shortcutsIn,
} from '../../../../src-renderer/src/lib/shortcuts';

function press(key: string, init: KeyboardEventInit = {}, target: Element = document.body) {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, ...init });
  // Dispatching sets event.target the way a real key press would.
  let seen: KeyboardEvent = event;
  target.addEventListener('keydown', (e) => (seen = e as KeyboardEvent), { once: true });
  target.dispatchEvent(event);
  return seen;
}

describe('shortcuts', () => {
  it('maps keys to actions per view', () => {
    expect(shortcutFor(press('j'), 'library')).toBe('next');
    expect(shortcutFor(press('k'), 'library')).toBe('previous');
    expect(shortcutFor(press('b'), 'reader')).toBe('bookmark');
    expect(shortcutFor(press('Escape'), 'reader')).toBe('back');
    expect(shortcutFor(press('Escape'), 'library')).toBeNull();
    expect(shortcutFor(press('j'), 'reader')).toBeNull();
    expect(shortcutFor(press('t'), 'reader')).toBe('tag');
    expect(shortcutFor(press('t'), 'library')).toBeNull();
  });

  it('needs Ctrl or Cmd for import, and no modifier for the letters', () => {
    expect(shortcutFor(press('o', { ctrlKey: true }), 'library')).toBe('import');
    expect(shortcutFor(press('o', { metaKey: true }), 'library')).toBe('import');
    expect(shortcutFor(press('o'), 'library')).toBeNull();
    expect(shortcutFor(press('b', { ctrlKey: true }), 'library')).toBeNull();
  });

  it('leaves typing and native Enter alone', () => {
    const input = document.body.appendChild(document.createElement('input'));
    expect(shortcutFor(press('j', {}, input), 'library')).toBeNull();
    const link = document.body.appendChild(document.createElement('a'));
    link.href = '#/article/x';
    expect(shortcutFor(press('Enter', {}, link), 'library')).toBeNull();
    expect(shortcutFor(press('Enter'), 'library')).toBe('open');
  });

  it('writes the help from the same table', () => {
    const importShortcut = SHORTCUTS.find((shortcut) => shortcut.action === 'import')!;
    expect(keyLabel(importShortcut, false)).toBe('Ctrl+O');
    expect(keyLabel(importShortcut, true)).toBe('⌘O');
    expect(shortcutsIn('reader').map((shortcut) => shortcut.action)).toEqual([
      'bookmark',
      'archive',
      'delete',
      'back',
      'tag',
      'help',
    ]);
    expect(keyLabel(SHORTCUTS.find((shortcut) => shortcut.action === 'delete')!)).toBe('Del');
  });

  it('has the library keys for search, archive, delete and help', () => {
    expect(shortcutFor(press('/'), 'library')).toBe('search');
    expect(shortcutFor(press('e'), 'library')).toBe('archive');
    expect(shortcutFor(press('Delete'), 'library')).toBe('delete');
    expect(shortcutFor(press('?', { shiftKey: true }), 'library')).toBe('help');
    expect(shortcutFor(press('?', { shiftKey: true }), 'reader')).toBe('help');
  });

  it('lets the search box have its own keys while typing, and only those', () => {
    const input = document.body.appendChild(document.createElement('input'));
    expect(shortcutFor(press('Escape', {}, input), 'search')).toBe('clearSearch');
    expect(shortcutFor(press('ArrowDown', {}, input), 'search')).toBe('toResults');
    expect(shortcutFor(press('/', {}, input), 'library')).toBeNull();
    expect(shortcutFor(press('e', {}, input), 'search')).toBeNull();
  });

  it('leaves keys pressed in a dialog to the dialog', () => {
    const dialog = document.body.appendChild(document.createElement('dialog'));
    const button = dialog.appendChild(document.createElement('button'));
    expect(shortcutFor(press('j', {}, button), 'library')).toBeNull();
    expect(shortcutFor(press('Delete', {}, button), 'library')).toBeNull();
  });
});
