// Compiles the benchmark (TypeScript) to out/bench/ with rolldown, the bundler vite 8 is built on,
// so `npm run bench` needs no extra package and runs on plain Node 20. Packages stay external and
// load from node_modules, as in the app.
import { isAbsolute } from 'node:path';
import { defineConfig } from 'rolldown';

export default defineConfig({
  input: { main: 'bench/main.ts', child: 'bench/child.ts' },
  platform: 'node',
  external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
  output: { dir: 'out/bench', format: 'esm', entryFileNames: '[name].mjs' },
  logLevel: 'warn',
});
