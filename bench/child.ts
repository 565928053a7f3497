/**
 * One benchmark step in a fresh process, so that every figure (cold open, peak RSS) belongs to one
 * store and one size alone:
 *
 *   node out/bench/child.mjs build   <store> <dir> <count> <corpus.json>
 *   node out/bench/child.mjs measure <store> <dir> <count> <corpus.json>
 *
 * Prints one JSON line on stdout.
 */
import { randomSource, syntheticArticles, sampleQueries, type CorpusPage } from './synthetic';
import { type StoreName, STORE_NAMES, benchStore, readJson } from './stores';

export interface BuildOutput {
  importPerSecond: number;
  note?: string;
  extra?: Record<string, number>;
  peakRssMb: number;
}

export interface MeasureOutput {
  openMs: number;
  change: number[];
  note: number[];
  search: number[];
  searchReadyMs: number;
  hits: number;
  peakRssMb: number;
}

function peakRssMb(): number {
  // getrusage's ru_maxrss: the most this process ever held, in KiB on Linux.
  return process.resourceUsage().maxRSS / 1024;
}

async function main(): Promise<void> {
  const [phase, storeName, dir, countText, corpusFile] = process.argv.slice(2);
  if (!STORE_NAMES.includes(storeName as StoreName) || !dir || !corpusFile) {
    throw new Error('usage: child.mjs build|measure <store> <dir> <count> <corpus.json>');
  }
  const store = benchStore(storeName as StoreName);
  const count = Number(countText);
  const pages = await readJson<CorpusPage[]>(corpusFile);

  if (phase === 'build') {
    const built = await store.build(dir, syntheticArticles(pages, count), count);
    const output: BuildOutput = { ...built, peakRssMb: peakRssMb() };
    console.log(JSON.stringify(output));
    return;
  }
  if (phase !== 'measure') throw new Error(`unknown phase ${phase}`);

  const started = performance.now();
  const opened = await store.open(dir);
  const rows = await opened.firstRows(50);
  const openMs = performance.now() - started;
  if (rows.length !== Math.min(50, count)) throw new Error(`got ${rows.length} rows`);

  const random = randomSource(99);
  const ids = opened.ids();
  const choose = () => ids[Math.floor(random() * ids.length)] as string;
  const time = async (run: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    await run();
    return performance.now() - start;
  };

  const change: number[] = [];
  for (let n = 0; n < store.samples; n += 1) {
    const id = choose();
    change.push(await time(() => opened.toggleBookmark(id)));
  }
  const note: number[] = [];
  for (let n = 0; n < store.samples; n += 1) {
    const id = choose();
    note.push(await time(() => opened.addNote(id, `Benchmark note ${n}: check the figures.`)));
  }
  const searchReadyMs = await opened.searchReady();
  const search: number[] = [];
  let hits = 0;
  for (const query of sampleQueries(pages)) {
    search.push(
      await time(async () => {
        hits += await opened.search(query);
      }),
    );
  }
  await opened.close();
  const output: MeasureOutput = {
    openMs,
    change,
    note,
    search,
    searchReadyMs,
    hits,
    peakRssMb: peakRssMb(),
  };
  console.log(JSON.stringify(output));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
