/**
 * The `offprint` command line's entry (built to out/main/cli.js; bin/offprint.js loads it). Hands
 * the process to main() in cli.ts and exits with its code once the output is written.
 */
import { repoResourcesDir } from '../core/open-app-library';
import { main } from './cli';

async function run(): Promise<void> {
  const code = await main(process.argv.slice(2), {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    env: process.env,
    // This entry is out/main/cli.js: the repository's resources folder is two levels up.
    resourcesDir: repoResourcesDir(import.meta.url),
  });
  // Exit explicitly (idle keep-alive sockets of fetch would hold the process for seconds), but
  // only once stdout has taken everything: a pipe may still be draining.
  process.stdout.write('', () => process.exit(code));
}

void run();
