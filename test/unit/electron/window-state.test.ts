/** The remembered window state: garbage is ignored and the window never reopens off-screen. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  loadWindowState,
  parseWindowState,
  saveWindowState,
} from '../../../src-main/electron/window-state';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1400 };

describe('parseWindowState', () => {
  it('keeps a state that a display shows', () => {
    const text = JSON.stringify({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
    expect(parseWindowState(text, [laptop])).toEqual({
      x: 100,
      y: 80,
      width: 1000,
      height: 700,
      maximized: true,
    });
  });

  it('keeps a position on a second monitor while that monitor is attached', () => {
    const text = JSON.stringify({ x: 2200, y: 100, width: 1200, height: 900, maximized: false });
    expect(parseWindowState(text, [laptop, rightMonitor])).toMatchObject({ x: 2200, y: 100 });
    // Unplugged: the position is dropped (the system centres the window), the size kept.
    expect(parseWindowState(text, [laptop])).toEqual({
      width: 1200,
      height: 900,
      maximized: false,
    });
  });

  it('drops a position whose title bar no display shows', () => {
    for (const position of [
      { x: -5000, y: 100 },
      { x: 100, y: 5000 },
      { x: 100, y: -30 }, // title bar above the top edge: cannot be grabbed
      { x: 1880, y: 100 }, // only 40 px of the window on screen
    ]) {
      const text = JSON.stringify({ ...position, width: 1000, height: 700, maximized: false });
      const state = parseWindowState(text, [laptop]);
      expect(state, JSON.stringify(position)).toEqual({
        width: 1000,
        height: 700,
        maximized: false,
      });
    }
  });

  it('shrinks a size larger than the display', () => {
    const text = JSON.stringify({ x: 0, y: 0, width: 5000, height: 3000, maximized: false });
    expect(parseWindowState(text, [laptop])).toEqual({
      x: 0,
      y: 0,
      width: 1920,
      height: 1050,
      maximized: false,
    });
  });

  it('rejects garbage', () => {
    for (const text of [
      '',
      'not json',
      'null',
      '[]',
      '42',
      '{}',
      JSON.stringify({ width: '1000', height: 700 }),
      JSON.stringify({ width: 1000.5, height: 700 }),
      JSON.stringify({ width: 10, height: 700 }),
      JSON.stringify({ width: 1e9, height: 700 }),
      JSON.stringify({ width: 1000, height: 700, maximized: 'yes' }),
    ]) {
      expect(parseWindowState(text, [laptop]), text).toBeNull();
    }
  });

  it('ignores a position that is not two integers', () => {
    const text = JSON.stringify({ x: 'left', y: 10, width: 1000, height: 700 });
    expect(parseWindowState(text, [laptop])).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
  });
});

describe('loadWindowState and saveWindowState', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'offprint-window-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips through the file, leaving no temporary file behind', () => {
    const file = join(dir, 'window-state.json');
    saveWindowState(file, { x: 10, y: 20, width: 900, height: 600 }, true);
    expect(readdirSync(dir)).toEqual(['window-state.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 600,
      maximized: true,
    });
    expect(loadWindowState(file, [laptop])).toEqual({
      x: 10,
      y: 20,
      width: 900,
      height: 600,
      maximized: true,
    });
  });

  it('falls back to the default for a missing or corrupt file', () => {
    expect(loadWindowState(join(dir, 'missing.json'), [laptop])).toEqual(DEFAULT_WINDOW_STATE);
    const file = join(dir, 'window-state.json');
    writeFileSync(file, '{"width": 1000, "hei');
    expect(loadWindowState(file, [laptop])).toEqual(DEFAULT_WINDOW_STATE);
  });
});
