/**
 * `npm start` (after the build): runs the Electron app when its binary is installed; otherwise runs
 * the browser host on the same library and opens it in a Chromium app window where there is one.
 *
 * The binary is found by reading node_modules/electron/path.txt, never by require('electron'): that
 * module downloads the binary when it is missing, which fails (slowly) on offline machines.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const forwardedArgs = process.argv.slice(2);

/** The Electron executable, or null when its binary was never downloaded. */
function electronBinary() {
  const moduleDir = join(root, 'node_modules', 'electron');
  let relative;
  try {
    relative = readFileSync(join(moduleDir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
  const binary = join(moduleDir, 'dist', relative);
  return relative && existsSync(binary) ? binary : null;
}

/** The first Chromium-family browser on PATH, or null. */
function findChromium() {
  const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const extensions = process.platform === 'win32' ? ['.exe', '.cmd'] : [''];
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      for (const extension of extensions) {
        const candidate = join(dir, name + extension);
        if (existsSync(candidate)) return candidate;
      }
    }
  }
  return null;
}

/** Linux without an X or Wayland display cannot show a browser window. */
function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** Stops the children on Ctrl+C or SIGTERM; the browser host closes its library on SIGTERM. */
function stopOnSignals(children) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      for (const child of children) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      }
    });
  }
}

function startElectron(binary) {
  const electron = spawn(binary, ['.', ...forwardedArgs], { cwd: root, stdio: 'inherit' });
  stopOnSignals([electron]);
  electron.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function openChromium(browser, url) {
  const profile = join(tmpdir(), 'offprint-chromium-profile');
  mkdirSync(profile, { recursive: true });
  const flags = [
    `--app=${url}`,
    `--user-data-dir=${profile}`,
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  // Chromium refuses to run as root with its sandbox on.
  if (typeof process.getuid === 'function' && process.getuid() === 0) flags.push('--no-sandbox');
  const chromium = spawn(browser, flags, { stdio: 'ignore' });
  chromium.on('error', () => console.log(`Could not start ${browser}; open ${url} in a browser.`));
  return chromium;
}

/** A browser that exits this soon handed the window to a running instance, or failed to start. */
const BROWSER_HANDOVER_MS = 3000;

/** Closing the app window ends the app, as with Electron; a handover leaves the host running. */
function stopHostWithBrowser(chromium, host, url) {
  const startedAt = Date.now();
  chromium.on('exit', () => {
    if (Date.now() - startedAt < BROWSER_HANDOVER_MS) {
      console.log(`The browser window did not stay open; open ${url} yourself. Ctrl+C stops.`);
      return;
    }
    if (host.exitCode === null) host.kill('SIGTERM');
  });
}

function startBrowserHost() {
  console.log(
    `Electron's binary is not installed (run "npx install-electron" where the network allows); ` +
      'starting the browser host on the same library instead.',
  );
  const host = spawn(process.execPath, [join(root, 'out', 'main', 'host.js'), ...forwardedArgs], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const children = [host];
  stopOnSignals(children);

  const lines = createInterface({ input: host.stdout });
  lines.on('line', (line) => {
    console.log(line);
    const match = /^Offprint browser host: (\S+)$/.exec(line);
    if (!match) return;
    const url = match[1];
    const browser = hasDisplay() ? findChromium() : null;
    if (browser) {
      const chromium = openChromium(browser, url);
      children.push(chromium);
      stopHostWithBrowser(chromium, host, url);
      console.log('Close the Offprint window or press Ctrl+C to stop.');
    } else {
      console.log(`Open ${url} in Chromium or Chrome; press Ctrl+C to stop.`);
    }
  });
  host.on('exit', (code, signal) => {
    for (const child of children) {
      if (child !== host && child.exitCode === null) child.kill('SIGTERM');
    }
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
  console.error('Nothing built yet: run "npm start" (it builds first) or "npm run build".');
  process.exit(1);
}
const binary = electronBinary();
if (binary) startElectron(binary);
else startBrowserHost();
