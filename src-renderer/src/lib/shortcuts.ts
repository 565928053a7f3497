/**
 * Every keyboard shortcut, declared once. The views dispatch from this table and the help line in
 * the library is written from it, so a key cannot be handled without being documented.
 */

export type ShortcutScope = 'library' | 'reader';
export type ShortcutAction = 'next' | 'previous' | 'open' | 'bookmark' | 'back' | 'import';

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
  { action: 'back', key: 'Escape', scopes: ['reader'], label: 'back to library' },
  { action: 'import', key: 'o', mod: true, scopes: ['library'], label: 'import' },
];

const EDITABLE = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';
// Enter on these already does the right thing natively (follow the link, press the button).
const ACTIVATES_ON_ENTER = 'a[href], button, summary, [role="button"], [role="link"]';

function isMac(): boolean {
  return typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.userAgent);
}

/** The action a key press stands for in a view, or null when the press is not a shortcut there. */
export function shortcutFor(event: KeyboardEvent, scope: ShortcutScope): ShortcutAction | null {
  if (event.defaultPrevented || event.isComposing) return null;
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest(EDITABLE)) return null;
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

/** How a shortcut's keys are written for people: "j", "Esc", "Ctrl+O" ("⌘O" on a Mac). */
export function keyLabel(shortcut: Shortcut, mac = isMac()): string {
  const key = shortcut.key === 'Escape' ? 'Esc' : shortcut.key;
  if (!shortcut.mod) return key;
  return mac ? `⌘${key.toUpperCase()}` : `Ctrl+${key.toUpperCase()}`;
}

/** The shortcuts that work in a view, for its help line. */
export function shortcutsIn(scope: ShortcutScope): readonly Shortcut[] {
  return SHORTCUTS.filter((shortcut) => shortcut.scopes.includes(scope));
}
