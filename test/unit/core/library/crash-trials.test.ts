/**
 * Crash safety, proven by killing real processes. A child process (test/support/crash-child.ts)
 * opens a library and changes it at random — create, bookmark, tag, progress, annotate, edit,
 * delete — printing an acknowledgement log; the parent SIGKILLs it at a random moment (sometimes
 * while it is still opening, i.e. in the middle of crash recovery), reopens the library here and
 * checks that:
 *
 * - every acknowledged change is there (the last acknowledged state per article wins; a change
 *   whose ack was not printed may or may not be: crash-model.ts);
 * - no file is unreadable: every article.json, annotations.json, content and text file parses and
 *   matches its digest, no repair was needed (a crash must never look like damage), nothing went
 *   to quarantine, no temp or trash file survives the reopen;
 * - the index agrees with the article folders, in memory and in library.json.
 *
 * One library is reused across trials, so later trials start from what earlier kills left.
 *
 * How the child runs on Node 20 (no type stripping, no tsx installed): vite, already here for the
 * build, bundles crash-child.ts and the store's TypeScript into one ES module under
 * node_modules/.cache (inside the repository, so its imports of lowdb and valibot resolve); plain
 * `node` runs that. Bundling takes well under a second, once per run.
 *
 * Trials: OFFPRINT_CRASH_TRIALS (default 100); `npm run stress` runs thousands.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, rmdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnnotationsFile } from '../../../../src-main/core/library/annotations';
import { sha256 } from '../../../../src-main/core/library/article-files';
import { parseArticleRecord, toSummary } from '../../../../src-main/core/library/article-record';
import { TEMP_FILE_PATTERN } from '../../../../src-main/core/library/atomic-file';
import { type OpenedLibrary, openLibrary } from '../../../../src-main/core/library/store';
import type { ArticleSummary } from '../../../../src-main/shared/model';
import {
  type ArticleState,
  ExpectedLibrary,
  type LogLine,
  canonical,
  emptyState,
  parseLog,
} from '../../../support/crash-model';

const TRIALS = Number(process.env.OFFPRINT_CRASH_TRIALS ?? 100);
/** The longest a child runs after saying it is ready before it is killed. */
const MAX_RUN_MS = 150;
/** Share of trials killed before the child is ready: while it opens (and recovers) the library. */
const EARLY_KILL_SHARE = 0.15;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const bundleDir = join(
  repoRoot,
  'node_modules',
  '.cache',
  'offprint-crash-trials',
  String(process.pid),
);
const childScript = join(bundleDir, 'crash-child.mjs');

let workDir: string;

beforeAll(async () => {
  await build({
    configFile: false,
    logLevel: 'warn',
    root: repoRoot,
    build: {
      ssr: join(repoRoot, 'test', 'support', 'crash-child.ts'),
      outDir: bundleDir,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rollupOptions: { output: { format: 'es', entryFileNames: 'crash-child.mjs' } },
    },
  });
  workDir = await mkdtemp(join(tmpdir(), 'offprint-crash-'));
}, 60_000);

afterAll(async () => {
  await rm(bundleDir, { recursive: true, force: true });
  // The shared parent goes too once no other run is using it (rmdir refuses a non-empty folder).
  await rmdir(dirname(bundleDir)).catch(() => undefined);
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

interface TrialOutcome {
  log: LogLine[];
  ready: boolean;
  stderr: string;
  exitCode: number | null;
}

/** Runs the child until a random moment, kills it with SIGKILL, and returns what it printed. */
async function runAndKill(root: string, seed: number): Promise<TrialOutcome> {
  const child: ChildProcess = spawn(process.execPath, [childScript, root, String(seed)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let ready = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const kill = () => child.kill('SIGKILL');
  const early = Math.random() < EARLY_KILL_SHARE;
  if (early) timer = setTimeout(kill, Math.random() * 120);
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout += chunk;
    if (!ready && stdout.includes('"t":"ready"')) {
      ready = true;
      if (!early) timer = setTimeout(kill, Math.random() * MAX_RUN_MS);
    }
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exitCode = await new Promise<number | null>((done) => {
    // A child that is neither ready nor killed within 20 s is stuck: kill it and fail below.
    const watchdog = setTimeout(kill, 20_000);
    child.once('close', (code) => {
      clearTimeout(watchdog);
      if (timer !== undefined) clearTimeout(timer);
      done(code);
    });
  });
  return { log: parseLog(stdout), ready, stderr, exitCode };
}

/** The state of every article as the reopened library shows it, by title. */
async function actualState(opened: OpenedLibrary): Promise<Map<string, ArticleState>> {
  const { library } = opened;
  const states = new Map<string, ArticleState>();
  for (const summary of library.list()) {
    if (states.has(summary.title)) throw new Error(`two articles are titled "${summary.title}"`);
    const article = await library.get(summary.id);
    const state: ArticleState = {
      ...emptyState(),
      bookmarked: summary.bookmarked,
      read: summary.read,
      archived: summary.archived,
      tags: [...summary.tags],
      progress: article.progress,
    };
    for (const annotation of await library.listAnnotations(summary.id)) {
      state.notes[annotation.target.selector[0].exact] = {
        note: annotation.body?.value ?? null,
        color: annotation.color ?? null,
      };
    }
    states.set(summary.title, state);
  }
  return states;
}

/** Reads every article folder straight from disk and compares it with the index. */
async function checkFiles(root: string, listed: ArticleSummary[]): Promise<string[]> {
  const problems: string[] = [];
  const byId = new Map(listed.map((summary) => [summary.id, summary]));
  const rootNames = await readdir(root);
  if (rootNames.includes('quarantine')) problems.push('something was quarantined');
  for (const name of rootNames) {
    if (TEMP_FILE_PATTERN.test(name)) problems.push(`temp file left: ${name}`);
  }
  const folders = (await readdir(join(root, 'articles'))).sort();
  const ids = [...byId.keys()].sort();
  if (JSON.stringify(folders) !== JSON.stringify(ids)) {
    problems.push(`folders ${folders.join(',')} differ from the index ${ids.join(',')}`);
  }
  for (const id of folders) {
    const dir = join(root, 'articles', id);
    const names = await readdir(dir);
    for (const name of names) {
      if (TEMP_FILE_PATTERN.test(name)) problems.push(`${id}: temp file left: ${name}`);
    }
    try {
      const record = parseArticleRecord(
        JSON.parse(await readFile(join(dir, 'article.json'), 'utf8')),
      );
      for (const version of record.versions) {
        const content = await readFile(join(dir, `content-${version.version}.html`));
        const text = await readFile(join(dir, `text-${version.version}.txt`));
        // Every version the child makes has digests; a missing one would hide damage.
        if (sha256(content) !== version.contentSha256) problems.push(`${id}: content digest`);
        if (sha256(text) !== version.textSha256) problems.push(`${id}: text digest`);
      }
      let count = 0;
      if (names.includes('annotations.json')) {
        const raw: unknown = JSON.parse(await readFile(join(dir, 'annotations.json'), 'utf8'));
        const parsed = parseAnnotationsFile(raw);
        if (parsed.dropped > 0) problems.push(`${id}: ${parsed.dropped} unreadable annotations`);
        count = parsed.annotations.length;
      }
      const fromDisk = toSummary(record, count);
      if (JSON.stringify(fromDisk) !== JSON.stringify(byId.get(id))) {
        problems.push(
          `${id}: index entry ${JSON.stringify(byId.get(id))} != files ${JSON.stringify(fromDisk)}`,
        );
      }
    } catch (error) {
      problems.push(`${id}: unreadable: ${error instanceof Error ? error.message : error}`);
    }
  }
  return problems;
}

describe('crash trials', () => {
  it(
    `keeps every acknowledged change through ${TRIALS} SIGKILLs`,
    async () => {
      const root = join(workDir, 'library');
      // The starting point of trial n is what trial n-1 left, as verified.
      let baseline = new Map<string, ArticleState>();
      const totals = { acks: 0, pendingAtKill: 0, killedWhileOpening: 0, articles: 0 };
      const started = performance.now();

      for (let trial = 0; trial < TRIALS; trial += 1) {
        const seed = Math.floor(Math.random() * 2 ** 31);
        const outcome = await runAndKill(root, seed);
        const context = () =>
          `trial ${trial} (seed ${seed}, ready ${outcome.ready}); stderr: ${outcome.stderr.slice(0, 2000)}; ` +
          `log tail: ${outcome.log
            .slice(-6)
            .map((line) => JSON.stringify(line))
            .join(' | ')}`;
        // Killed means killed: a child that exited by itself crashed on a bug.
        expect(outcome.exitCode, context()).toBe(null);
        if (!outcome.ready) totals.killedWhileOpening += 1;

        const expected = new ExpectedLibrary(baseline);
        for (const line of outcome.log) expected.apply(line);
        totals.acks += expected.acks;
        totals.pendingAtKill += expected.pendingCount;

        const opened = await openLibrary(root);
        try {
          expect(opened.report.problems, context()).toEqual([]);
          expect(opened.report.unreadable, context()).toEqual([]);
          const actual = await actualState(opened);
          expect(expected.check(actual), context()).toEqual([]);
          // Reading every article (content checked against its digest) found nothing to repair.
          expect(opened.library.health().problems, context()).toEqual([]);
          const listed = opened.library.list();
          expect(await checkFiles(root, listed), context()).toEqual([]);
          await opened.library.close();
          const onDisk = JSON.parse(await readFile(join(root, 'library.json'), 'utf8')) as {
            articles: ArticleSummary[];
          };
          expect(onDisk.articles, context()).toEqual(listed);
          await expect(stat(join(root, 'offprint.lock'))).rejects.toThrow(/ENOENT/);
          baseline = actual;
          totals.articles = actual.size;
        } finally {
          await opened.library.close();
        }
      }

      const seconds = (performance.now() - started) / 1000;
      console.log(
        `[crash trials] ${TRIALS} kills in ${seconds.toFixed(1)} s ` +
          `(${((seconds * 1000) / TRIALS).toFixed(0)} ms each): ${totals.acks} acknowledged changes, ` +
          `${totals.pendingAtKill} changes in flight at a kill, ${totals.killedWhileOpening} kills while opening, ` +
          `${totals.articles} articles at the end`,
      );
      // The trials must have exercised something: changes acknowledged, and kills mid-change.
      expect(totals.acks).toBeGreaterThan(TRIALS);
      expect(totals.pendingAtKill).toBeGreaterThan(TRIALS / 4);
    },
    Math.max(120_000, TRIALS * 3_000),
  );
});

describe('the trial check itself', () => {
  const bookmarked: ArticleState = { ...emptyState(), bookmarked: true };

  it('fails when an acknowledged change is missing', () => {
    const expected = new ExpectedLibrary(new Map([['a', emptyState()]]));
    expected.apply({ t: 'begin', title: 'a', op: 'state', after: bookmarked });
    expected.apply({ t: 'ack', title: 'a' });
    expect(expected.check(new Map([['a', emptyState()]]))).toHaveLength(1);
    expect(expected.check(new Map([['a', bookmarked]]))).toEqual([]);
  });

  it('accepts either outcome of a change in flight, and nothing else', () => {
    const expected = new ExpectedLibrary(new Map([['a', emptyState()]]));
    expected.apply({ t: 'begin', title: 'a', op: 'state', after: bookmarked });
    expect(expected.check(new Map([['a', emptyState()]]))).toEqual([]);
    expect(expected.check(new Map([['a', bookmarked]]))).toEqual([]);
    const read: ArticleState = { ...emptyState(), read: true };
    expect(expected.check(new Map([['a', read]]))).toHaveLength(1);
    expect(expected.check(new Map())).toHaveLength(1);
  });

  it('fails on an article nobody created, and on a deleted one that came back', () => {
    const expected = new ExpectedLibrary(new Map([['a', emptyState()]]));
    expected.apply({ t: 'begin', title: 'a', op: 'delete', after: null });
    expected.apply({ t: 'ack', title: 'a' });
    expect(expected.check(new Map())).toEqual([]);
    expect(expected.check(new Map([['a', emptyState()]]))).toHaveLength(1);
    expect(expected.check(new Map([['stranger', emptyState()]]))).toHaveLength(1);
  });

  it('ignores a last line the kill cut off, and compares notes in any order', () => {
    expect(parseLog('{"t":"ack","title":"a"}\n{"t":"be')).toEqual([{ t: 'ack', title: 'a' }]);
    const one = {
      ...emptyState(),
      notes: { x: { note: null, color: null }, y: { note: 'n', color: null } },
    };
    const two = {
      ...emptyState(),
      notes: { y: { note: 'n', color: null }, x: { note: null, color: null } },
    };
    expect(canonical(one)).toBe(canonical(two));
  });
});
