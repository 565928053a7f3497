/**
 * Remembers the window's size, position and maximized state in `<userData>/window-state.json`.
 * The file is user-editable and outlives monitor changes, so everything read back is checked: garbage
 * is ignored, and a position no display shows any more is dropped so the window cannot open off-screen.
 *
 * Only types come from electron: the checks are unit-tested without the binary.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Rectangle } from 'electron';

export interface WindowState {
  /** Absent: let the system place the window (centred). */
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };
export const MIN_WINDOW_WIDTH = 480;
export const MIN_WINDOW_HEIGHT = 360;
const MAX_WINDOW_SIDE = 16_384;
/** How much of the window's top edge a display must show for the user to grab and move it. */
const GRABBABLE_WIDTH = 100;
const GRABBABLE_HEIGHT = 40;

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function overlap(a: Rectangle, b: Rectangle): { width: number; height: number } {
  return {
    width: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    height: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Reads a saved state against the displays' work areas. Returns null for anything that is not a
 * sensible state; drops the position when no display shows the window's title-bar strip; shrinks the
 * size to fit the display it lands on.
 */
export function parseWindowState(
  text: string,
  workAreas: readonly Rectangle[],
): WindowState | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const { x, y, width, height, maximized } = data as Record<string, unknown>;
  if (!isInteger(width) || width < MIN_WINDOW_WIDTH || width > MAX_WINDOW_SIDE) return null;
  if (!isInteger(height) || height < MIN_WINDOW_HEIGHT || height > MAX_WINDOW_SIDE) return null;
  if (maximized !== undefined && typeof maximized !== 'boolean') return null;
  const state: WindowState = { width, height, maximized: maximized ?? false };

  if (isInteger(x) && isInteger(y)) {
    const titleBar = { x, y, width, height: GRABBABLE_HEIGHT };
    const display = workAreas.find((area) => {
      const shown = overlap(titleBar, area);
      return shown.width >= Math.min(GRABBABLE_WIDTH, width) && shown.height >= GRABBABLE_HEIGHT;
    });
    if (display) {
      state.x = x;
      state.y = y;
      state.width = Math.max(MIN_WINDOW_WIDTH, Math.min(width, display.width));
      state.height = Math.max(MIN_WINDOW_HEIGHT, Math.min(height, display.height));
      return state;
    }
  }
  // No usable position: the system centres the window; keep it no larger than the first display.
  const primary = workAreas[0];
  if (primary) {
    state.width = Math.max(MIN_WINDOW_WIDTH, Math.min(width, primary.width));
    state.height = Math.max(MIN_WINDOW_HEIGHT, Math.min(height, primary.height));
  }
  return state;
}

/** The saved state, or the default when the file is missing or unusable. */
export function loadWindowState(file: string, workAreas: readonly Rectangle[]): WindowState {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { ...DEFAULT_WINDOW_STATE };
  }
  return parseWindowState(text, workAreas) ?? { ...DEFAULT_WINDOW_STATE };
}

/**
 * Saves the state atomically (temp file + rename), so a crash mid-write leaves the old file. Runs as
 * the window closes, hence synchronous; failing to save is logged, never fatal.
 */
export function saveWindowState(file: string, bounds: Rectangle, maximized: boolean): void {
  const state: WindowState = { ...bounds, maximized };
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(temporary, file);
  } catch (error) {
    console.error('[offprint] could not save the window state:', error);
  }
}
