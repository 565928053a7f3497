import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The installed Electron binary, found the way electron's own index.js does (path.txt + dist/)
 * but without require('electron'), which would try to download the binary when it is missing.
 */
export function findElectronBinary(): string | undefined {
  const packageDir = resolve(import.meta.dirname, '../../../node_modules/electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}
