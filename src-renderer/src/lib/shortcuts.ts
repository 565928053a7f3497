/**
 * Every keyboard shortcut, declared once. The views dispatch from this table and the help line in
 * the library is written from it, so a key cannot be handled without being documented.
 */

/** Where a key works. 'search' is the library's search box itself, where typing is expected. */
export type ShortcutScope = 'library' | 'reader' | 'search';
export type ShortcutAction =
  | 'next'
  | 'previous'
  | 'open'
  | 'bookmark'
  | 'archive'
  | 'delete'
  | 'back'
  | 'tag'
  | 'import'
  | 'paste'
  | 'search'
  | 'clearSearch'
  | 'toResults'
  | 'help';

export interface Shortcut {
  action: ShortcutAction;
  /** KeyboardEvent.key, compared without case. */
  key: string;
  /** Needs Ctrl (Cmd on macOS). */
  mod?: boolean;
  scopes: readonly ShortcutScope[];
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'next', key: 'j', scopes: ['library'], label: 'next' },
  { action: 'previous', key: 'k', scopes: ['library'], label: 'previous' },
  { action: 'open', key: 'Enter', scopes: ['library'], label: 'open' },
  { action: 'bookmark', key: 'b', scopes: ['library', 'reader'], label: 'bookmark' },
  { action: 'archive', key: 'e', scopes: ['library', 'reader'], label: 'archive' },
  { action: 'delete', key: 'Delete', scopes: ['library', 'reader'], label: 'delete' },
  { action: 'search', key: '/', scopes: ['library'], label: 'search' },
  { action: 'back', key: 'Escape', scopes: ['reader'], label: 'back to library' },
  { action: 'tag', key: 't', scopes: ['reader'], label: 'add a tag' },
  { action: 'import', key: 'o', mod: true, scopes: ['library'], label: 'import' },
  // Carried out by the paste event, not the key press (views let this key through): for the help.
  { action: 'paste', key: 'v', mod: true, scopes: ['library'], label: 'save copied link' },
  { action: 'help', key: '?', scopes: ['library', 'reader'], label: 'keyboard shortcuts' },
  { action: 'clearSearch', key: 'Escape', scopes: ['search'], label: 'clear the search' },
  { action: 'toResults', key: 'ArrowDown', scopes: ['search'], label: 'go to the results' },
];

/** How the help overlay names each scope. */
export const SCOPE_TITLES: Record<ShortcutScope, string> = {
  library: 'Library',
  reader: 'Reader',
  search: 'In the search box',
};

const EDITABLE = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';
// Enter on these already does the right thing natively (follow the link, press the button).
const ACTIVATES_ON_ENTER = 'a[href], button, summary, [role="button"], [role="link"]';

function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
}

/** True when the event happened in a text field or a dialog, where keys and pastes are theirs. */
export function inFieldOrDialog(target: EventTarget | null): boolean {
  const element = target instanceof Element ? target : null;
  return !!element?.closest(`${EDITABLE}, dialog`);
}

/** The action a key press stands for in a view, or null when the press is not a shortcut there. */
export function shortcutFor(event: KeyboardEvent, scope: ShortcutScope): ShortcutAction | null {
  if (event.defaultPrevented || event.isComposing) return null;
  const target = event.target instanceof Element ? event.target : null;
  // Letters typed in a field are text, not commands; the search box's own keys are the exception.
  if (scope !== 'search' && target?.closest(EDITABLE)) return null;
  // Keys pressed in a dialog (the shortcut help) belong to the dialog, not the view behind it.
  if (target?.closest('dialog')) return null;
  const mod = event.ctrlKey || event.metaKey;
  for (const shortcut of SHORTCUTS) {
    if (!shortcut.scopes.includes(scope)) continue;
    if (event.key.toLowerCase() !== shortcut.key.toLowerCase()) continue;
    if (Boolean(shortcut.mod) !== mod || event.altKey) continue;
    if (shortcut.key === 'Enter' && target?.closest(ACTIVATES_ON_ENTER)) return null;
    return shortcut.action;
  }
  return null;
}

const KEY_NAMES: Record<string, string> = { Escape: 'Esc', ArrowDown: '↓', Delete: 'Del' };

/** How a shortcut's keys are written for people: "j", "Esc", "Ctrl+O" ("⌘O" on a Mac). */
export function keyLabel(shortcut: Shortcut, mac = isMac()): string {
  const key = KEY_NAMES[shortcut.key] ?? shortcut.key;
  if (!shortcut.mod) return key;
  return mac ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}

/** The shortcuts that work in a view, for its help line. */
export function shortcutsIn(scope: ShortcutScope): readonly Shortcut[] {
  return SHORTCUTS.filter((shortcut) => shortcut.scopes.includes(scope));
}
