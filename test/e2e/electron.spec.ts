import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from './support/electron-binary';
import { LibraryPage } from './pages/library-page';
import { ReaderPage } from './pages/reader-page';

const electronBinary = findElectronBinary();

test.describe('Electron app', () => {
  test.skip(
    !electronBinary,
    'Electron binary not installed here (npx install-electron needs the network)',
  );

  test('opens the library sandboxed, reads the welcome article and bookmarks it', async () => {
    const libraryDir = join(mkdtempSync(join(tmpdir(), 'offprint-electron-')), 'library');
    const app = await electron.launch({
      executablePath: electronBinary,
      args: [resolve(import.meta.dirname, '../..'), '--no-sandbox'],
      env: { ...process.env, OFFPRINT_LIBRARY: libraryDir },
    });
    try {
      const page = await app.firstWindow();
      const library = new LibraryPage(page);
      await expect(library.view).toBeVisible();
      await expect(library.rows).toHaveCount(1);

      // The renderer sees exactly the contract: no Node, no raw ipcRenderer.
      const exposure = await page.evaluate(() => ({
        hasApi: typeof (window as unknown as { offprint?: unknown }).offprint === 'object',
        hasRequire: typeof (window as unknown as { require?: unknown }).require !== 'undefined',
        hasIpc: 'ipcRenderer' in ((window as unknown as { offprint?: object }).offprint ?? {}),
      }));
      expect(exposure).toEqual({ hasApi: true, hasRequire: false, hasIpc: false });

      await library.rows.first().getByTestId('article-title').click();
      const reader = new ReaderPage(page);
      await expect(reader.view).toBeVisible();
      await reader.bookmarkToggle.click();
      await expect(reader.bookmarkToggle).toHaveAttribute('aria-pressed', 'true');
    } finally {
      await app.close();
    }
  });
});
