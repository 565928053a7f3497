#!/usr/bin/env node
/**
 * `npm run stress [-- --trials N]`: the crash trials of test/unit/core/library/crash-trials.test.ts
 * with many more kills than `npm test` runs (default 2,000; about 0.2 s each on a 2-core machine).
 * Same child, same checks: only OFFPRINT_CRASH_TRIALS changes.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const flag = args.indexOf('--trials');
const trials = flag >= 0 ? Number(args[flag + 1]) : 2000;
if (!Number.isSafeInteger(trials) || trials < 1) {
  console.error('usage: npm run stress [-- --trials N]   (N a positive whole number)');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const vitest = join(dirname(require.resolve('vitest/package.json')), 'vitest.mjs');
const child = spawn(
  process.execPath,
  [vitest, 'run', 'test/unit/core/library/crash-trials.test.ts'],
  { stdio: 'inherit', env: { ...process.env, OFFPRINT_CRASH_TRIALS: String(trials) } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
