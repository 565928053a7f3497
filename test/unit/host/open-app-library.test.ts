/**
 * Where the hosts look for the library and the resources: the browser host and the CLI must find
 * the same folder Electron's app.getPath('userData') gives for the product name Offprint.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  appDataDir,
  defaultLibraryDir,
  libraryFlag,
  repoResourcesDir,
  resolveLibraryDir,
} from '../../../src-main/core/open-app-library';

describe('appDataDir and defaultLibraryDir', () => {
  it('follow Electron per platform', () => {
    expect(appDataDir('win32', { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, '/home/ann')).toBe(
      'C:\\Users\\ann\\AppData\\Roaming',
    );
    expect(appDataDir('darwin', {}, '/Users/ann')).toBe('/Users/ann/Library/Application Support');
    expect(appDataDir('linux', {}, '/home/ann')).toBe('/home/ann/.config');
    expect(appDataDir('linux', { XDG_CONFIG_HOME: '/xdg' }, '/home/ann')).toBe('/xdg');
    expect(defaultLibraryDir('linux', {}, '/home/ann')).toBe('/home/ann/.config/Offprint/library');
  });
});

describe('resolveLibraryDir', () => {
  const fallback = '/home/ann/.config/Offprint/library';

  it('prefers --library, then OFFPRINT_LIBRARY, then the app folder', () => {
    const env = { OFFPRINT_LIBRARY: '/env/library' };
    expect(resolveLibraryDir(['--library', '/flag/library'], env, fallback)).toBe('/flag/library');
    expect(resolveLibraryDir(['--library=/flag/eq'], env, fallback)).toBe('/flag/eq');
    expect(resolveLibraryDir(['--port', '0'], env, fallback)).toBe('/env/library');
    expect(resolveLibraryDir([], {}, fallback)).toBe(fallback);
    expect(resolveLibraryDir([], { OFFPRINT_LIBRARY: '' }, fallback)).toBe(fallback);
  });

  it('makes a relative folder absolute', () => {
    expect(resolveLibraryDir(['--library', 'lib'], {}, fallback)).toBe(resolve('lib'));
  });

  it('refuses --library without a folder rather than opening another library', () => {
    expect(() => libraryFlag(['--library'])).toThrow('--library needs a folder');
    expect(() => libraryFlag(['--library', '--open'])).toThrow('--library needs a folder');
    expect(() => libraryFlag(['--library='])).toThrow('--library needs a folder');
  });
});

describe('repoResourcesDir', () => {
  it('finds <repo>/resources from a built entry and from its source alike', () => {
    const repo = resolve('/opt/offprint');
    const built = pathToFileURL(join(repo, 'out', 'main', 'host.js')).href;
    const source = pathToFileURL(join(repo, 'src-main', 'host', 'serve.ts')).href;
    expect(repoResourcesDir(built)).toBe(join(repo, 'resources'));
    expect(repoResourcesDir(source)).toBe(join(repo, 'resources'));
  });
});
