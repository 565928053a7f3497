#!/usr/bin/env node
// The `offprint` command (package.json "bin"): the built CLI does everything; see src-main/cli/.
try {
  await import('../out/main/cli.js');
} catch (error) {
  // Only the CLI itself missing means "not built"; a missing dependency inside it is a real error.
  if (
    error?.code === 'ERR_MODULE_NOT_FOUND' &&
    /Cannot find module '[^']*cli\.js'/.test(error.message)
  ) {
    console.error('offprint: not-found: the command line is not built yet; run "npm run build".');
    process.exit(1);
  }
  throw error;
}
