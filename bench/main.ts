/**
 * `npm run bench [-- --sizes 1000,5000,20000] [--stores offprint,sqlite-fts5] [--keep]`
 *
 * Builds synthetic libraries of each size from the corpus pages (read once with Offprint's own HTML
 * importer) in each store, then measures each in a fresh child process: cold open to the first 50
 * list rows, a durable bookmark, a durable note, 50 searches, the import rate, peak RSS. Prints a
 * table and writes bench/results.json. Libraries live in a temp folder, removed afterwards unless
 * --keep.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseHtmlArticle } from '../src-main/core/ingest/html';
import type { BuildOutput, MeasureOutput } from './child';
import { STORE_NAMES, type StoreName } from './stores';
import type { CorpusPage } from './synthetic';

interface Run {
  store: StoreName;
  articles: number;
  open_ms: number;
  change_p50_ms: number;
  change_p95_ms: number;
  note_p50_ms: number;
  note_p95_ms: number;
  search_p50_ms: number;
  search_p95_ms: number;
  import_per_s: number;
  peak_rss_mb: number;
}

/** Offprint's targets at 20,000 articles (issue 3). */
const TARGETS = { open_ms: 300, change_p95_ms: 15, search_p95_ms: 25, peak_rss_mb: 350 };

const childScript = fileURLToPath(new URL('./child.mjs', import.meta.url));

async function readCorpus(dir: string): Promise<CorpusPage[]> {
  const pages: CorpusPage[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const bytes = await readFile(join(dir, name, 'source.html')).catch(() => null);
    if (bytes === null) continue;
    const article = parseHtmlArticle(bytes, { fileName: 'source.html' });
    pages.push({
      name,
      title: article.title,
      byline: article.byline,
      siteName: article.siteName,
      lang: article.lang,
      text: article.textContent,
    });
  }
  if (pages.length === 0) throw new Error(`No corpus pages in ${dir}`);
  return pages;
}

function runChild<T>(args: string[], nodeOptions: string[] = []): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = execFile(
      process.execPath,
      [...nodeOptions, childScript, ...args],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout) => {
        if (error) {
          reject(error);
          return;
        }
        const line = stdout.trim().split('\n').at(-1) ?? '';
        resolvePromise(JSON.parse(line) as T);
      },
    );
    child.stderr?.pipe(process.stderr);
  });
}

/** Nearest-rank percentile. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function table(rows: string[][]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => cell.padStart(widths[column] ?? 0)).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,5000,20000' },
      stores: { type: 'string', default: STORE_NAMES.join(',') },
      corpus: {
        type: 'string',
        default: join(process.cwd(), '..', 'shared', 'corpus', 'readability'),
      },
      out: { type: 'string', default: join(process.cwd(), 'bench', 'results.json') },
      keep: { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes.split(',').map((size) => Number(size.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 50)) {
    throw new Error('--sizes takes whole numbers of at least 50, e.g. --sizes 1000,5000');
  }
  const stores = values.stores.split(',').map((name) => name.trim()) as StoreName[];
  for (const name of stores) {
    if (!STORE_NAMES.includes(name))
      throw new Error(`Unknown store ${name}; one of ${STORE_NAMES.join(', ')}`);
  }

  const work = await mkdtemp(join(tmpdir(), 'offprint-bench-'));
  console.error(`Reading the corpus with the HTML importer (${resolve(values.corpus)})...`);
  const corpusFile = join(work, 'corpus.json');
  await writeFile(corpusFile, JSON.stringify(await readCorpus(values.corpus)));

  const runs: Run[] = [];
  const extras: string[] = [];
  try {
    for (const size of sizes) {
      for (const store of stores) {
        const dir = join(work, `${store}-${size}`);
        await mkdir(dir, { recursive: true });
        // Holding a whole library as one JSON string needs more than the default heap.
        const nodeOptions = store === 'lowdb-single-file' ? ['--max-old-space-size=8192'] : [];
        const args = [store, dir, String(size), corpusFile];
        console.error(`${store} ${size}: building...`);
        const built = await runChild<BuildOutput>(['build', ...args], nodeOptions);
        console.error(`${store} ${size}: measuring in a fresh process...`);
        const measured = await runChild<MeasureOutput>(['measure', ...args], nodeOptions);
        if (!values.keep) await rm(dir, { recursive: true, force: true });
        runs.push({
          store,
          articles: size,
          open_ms: round(measured.openMs),
          change_p50_ms: round(percentile(measured.change, 50)),
          change_p95_ms: round(percentile(measured.change, 95)),
          note_p50_ms: round(percentile(measured.note, 50)),
          note_p95_ms: round(percentile(measured.note, 95)),
          search_p50_ms: round(percentile(measured.search, 50)),
          search_p95_ms: round(percentile(measured.search, 95)),
          import_per_s: round(built.importPerSecond, 1),
          // The process that opens and uses the library (the import's own peak is printed below).
          peak_rss_mb: round(measured.peakRssMb, 1),
        });
        extras.push(
          `${store} ${size}: peak RSS import ${round(built.peakRssMb, 1)} MB / use ${round(measured.peakRssMb, 1)} MB; ` +
            `search ready after ${round(measured.searchReadyMs)} ms; ${measured.hits} hits over 50 queries` +
            (built.note ? `; import: ${built.note}` : '') +
            Object.entries(built.extra ?? {})
              .map(([key, value]) => `; ${key} ${round(value)}`)
              .join(''),
        );
      }
    }
  } finally {
    if (!values.keep) await rm(work, { recursive: true, force: true });
    else console.error(`Libraries kept in ${work}`);
  }

  const header = [
    'store',
    'articles',
    'open ms',
    'change p50',
    'change p95',
    'note p50',
    'note p95',
    'search p50',
    'search p95',
    'import/s',
    'peak RSS MB',
  ];
  const rows = runs.map((run) => [
    run.store,
    String(run.articles),
    String(run.open_ms),
    String(run.change_p50_ms),
    String(run.change_p95_ms),
    String(run.note_p50_ms),
    String(run.note_p95_ms),
    String(run.search_p50_ms),
    String(run.search_p95_ms),
    String(run.import_per_s),
    String(run.peak_rss_mb),
  ]);
  console.log(table([header, ...rows]));
  console.log('');
  for (const line of extras) console.log(line);

  const largest = Math.max(...sizes);
  const offprint = runs.find((run) => run.store === 'offprint' && run.articles === largest);
  const sqlite = runs.find((run) => run.store === 'sqlite-fts5' && run.articles === largest);
  if (offprint !== undefined) {
    console.log(`\nOffprint at ${largest} articles against the targets (set for 20,000):`);
    for (const [key, target] of Object.entries(TARGETS) as [keyof typeof TARGETS, number][]) {
      const value = offprint[key];
      const ratio = sqlite === undefined ? '' : `, ${round(value / sqlite[key])}x SQLite`;
      console.log(
        `  ${key}: ${value} (target <= ${target}: ${value <= target ? 'met' : 'MISSED'}${ratio})`,
      );
    }
    if (sqlite !== undefined) {
      const ratio = (key: keyof Run) => round(Number(offprint[key]) / Number(sqlite[key]));
      console.log(
        `  vs SQLite: change p50 ${ratio('change_p50_ms')}x, note p95 ${ratio('note_p95_ms')}x, ` +
          `search p50 ${ratio('search_p50_ms')}x, import ${ratio('import_per_s')}x`,
      );
    }
  }
  await writeFile(values.out, `${JSON.stringify({ runs }, null, 2)}\n`);
  console.log(`\nWrote ${values.out}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
