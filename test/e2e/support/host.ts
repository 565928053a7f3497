import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test as base } from '@playwright/test';

const repoRoot = resolve(import.meta.dirname, '../../..');

/** The shared corpus of real third-party inputs, beside the repository. */
export const corpusDir = resolve(repoRoot, '../shared/corpus');

export interface RunningHost {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/**
 * Starts the built browser host (`out/main/host.js`) on a library folder and waits for the line
 * that names its URL. The token is read from the served page, as the renderer does.
 */
export async function startHost(libraryDir: string): Promise<RunningHost> {
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'out/main/host.js'), '--library', libraryDir, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const url = await new Promise<string>((resolveUrl, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`host did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Offprint browser host: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1].endsWith('/') ? match[1] : `${match[1]}/`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited with ${code}:\n${output}`));
    });
  });
  const page = await fetch(url).then((response) => response.text());
  const token = /name="offprint-token" content="([^"]+)"/.exec(page)?.[1] ?? '';
  return { url, token, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Fixtures: a fresh library folder per test, and a host serving it. */
export const test = base.extend<{ libraryDir: string; host: RunningHost }>({
  // eslint-disable-next-line no-empty-pattern
  libraryDir: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'offprint-e2e-'));
    await use(join(dir, 'library'));
    rmSync(dir, { recursive: true, force: true });
  },
  host: async ({ libraryDir }, use) => {
    const host = await startHost(libraryDir);
    await use(host);
    await host.stop();
  },
});

export { expect } from '@playwright/test';
