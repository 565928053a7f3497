import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config';

/** `npm run screenshots`: the README's pictures, made by the same fixtures as the e2e tests. */
export default defineConfig({
  ...baseConfig,
  testDir: 'scripts/screenshots',
});
