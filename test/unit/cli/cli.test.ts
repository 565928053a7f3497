/**
 * The `offprint` command line: every command run in-process through main(argv, io) against a temp
 * library (and a local web server for URLs), checking stdout, stderr and the exit code as a script
 * would; then one run of the built CLI (out/main/cli.js) in a child process, skipped with the reason
 * when the build is absent.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliIo, main } from '../../../src-main/cli/cli';
import { openLibrary } from '../../../src-main/core/library/store';
import { type WebFixture, articlePage, respond, startWebFixture } from '../core/ingest/web-fixture';

const TEXT_CORPUS = resolve(process.cwd(), '../shared/corpus/text');
const TRT = join(TEXT_CORPUS, 'trtworld-2025-06-11-ukraine-bodies.txt');
const BBC = join(TEXT_CORPUS, 'bbc-tech-001.txt');
const RESOURCES = resolve(process.cwd(), 'resources');
const BUILT_CLI = resolve(process.cwd(), 'out/main/cli.js');
const REQUIRED_KEYS = [
  'id',
  'title',
  'byline',
  'siteName',
  'lang',
  'publishedTime',
  'wordCount',
  'url',
];

let web: WebFixture;
let dir: string;
let libraryDir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    env: {},
    resourcesDir: RESOURCES,
    web: { page: { timeoutMs: 3000 }, images: { timeoutMs: 1000, totalTimeoutMs: 2000 } },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Runs a command that must print JSON, and returns it parsed: stdout must hold nothing else. */
async function json(...argv: string[]): Promise<Array<Record<string, unknown>>> {
  const run = await cli(...argv, '--json', '--library', libraryDir);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const parsed: unknown = JSON.parse(run.stdout);
  expect(Array.isArray(parsed)).toBe(true);
  return parsed as Array<Record<string, unknown>>;
}

beforeAll(async () => {
  web = await startWebFixture();
  web.route(
    '/story',
    respond(articlePage('A story from the web'), { 'Content-Type': 'text/html' }),
  );
});

afterAll(async () => {
  await web.close();
});

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'offprint-cli-'));
  libraryDir = join(dir, 'library');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('offprint import', () => {
  it('imports files and prints the articles as JSON with their text, and nothing else', async () => {
    const articles = await json('import', TRT, BBC);
    expect(articles).toHaveLength(2);
    for (const article of articles) {
      for (const key of [...REQUIRED_KEYS, 'text']) expect(article, key).toHaveProperty(key);
    }
    const [trt, bbc] = articles;
    expect(trt).toMatchObject({
      siteName: 'TRT World',
      publishedTime: '2025-06-11',
      lang: 'en',
      url: null,
    });
    expect(String(trt?.title)).toMatch(/Ukraine/i);
    expect(bbc?.siteName).toBe('BBC News');
    // Paragraphs separated by blank lines.
    expect(String(bbc?.text).split('\n\n').length).toBeGreaterThan(3);
    expect(String(bbc?.text)).not.toMatch(/<p>|\n{3,}/);
  });

  it('imports a web page, and finds it already there the second time', async () => {
    const first = await cli('import', `${web.origin}/story`, '--library', libraryDir);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toMatch(/^saved {3}\S+ {2}A story from the web\n$/);
    const second = await cli('import', `${web.origin}/story#top`, '--library', libraryDir);
    expect(second.stdout).toMatch(/^exists {2}\S+ {2}A story from the web\n$/);
    const [article] = await json('import', `${web.origin}/story?utm_source=x`);
    expect(article).toMatchObject({ title: 'A story from the web', url: `${web.origin}/story` });
  });

  it('imports Markdown, and saves without images with --no-images', async () => {
    const file = join(dir, 'notes.md');
    await writeFile(
      file,
      `# Field notes\n\nWe walked to the harbour.\n\n![boat](${web.origin}/boat.png)\n`,
    );
    const fetched = web.requests.length;
    const [article] = await json('import', file, '--no-images');
    expect(article).toMatchObject({ title: 'Field notes', text: 'We walked to the harbour.' });
    expect(web.requests.length).toBe(fetched);
  });

  it('imports the pages a bookmarks export links to, not the export itself', async () => {
    const file = join(dir, 'bookmarks.html');
    await writeFile(
      file,
      `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n<DT><A HREF="${web.origin}/story" ADD_DATE="1">Story</A>\n<DT><A HREF="javascript:void(0)">Bookmarklet</A>\n</DL>`,
    );
    const articles = await json('import', file, '--no-images');
    expect(articles.map((article) => [article.title, article.url])).toEqual([
      ['A story from the web', `${web.origin}/story`],
    ]);
  });

  it('exits non-zero with one line per failure on stderr, still reporting the rest', async () => {
    const missing = join(dir, 'gone.txt');
    const run = await cli(
      'import',
      missing,
      TRT,
      `${web.origin}/nowhere`,
      '--json',
      '--library',
      libraryDir,
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      new RegExp(`^offprint: not-found: ${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `),
    );
    expect(lines[1]).toMatch(
      /^offprint: http-error: http:\/\/127\.0\.0\.1:\d+\/nowhere: The server answered 404/,
    );
    const printed = JSON.parse(run.stdout) as unknown[];
    expect(printed).toHaveLength(1);
  });
});

describe('offprint list, show, search', () => {
  beforeEach(async () => {
    await json('import', TRT, BBC);
  });

  it('list prints every article (the welcome article too), newest first', async () => {
    const listed = await json('list');
    expect(listed.map((article) => article.siteName)).toEqual([
      'BBC News',
      'TRT World',
      'Offprint',
    ]);
    for (const article of listed) {
      for (const key of REQUIRED_KEYS) expect(article).toHaveProperty(key);
      expect(article).not.toHaveProperty('text');
    }
    const human = await cli('list', '--library', libraryDir);
    expect(human.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(human.stdout).toMatch(/^\S+ {2}\d{4}-\d{2}-\d{2} {2}.+ — BBC News\n/);
  });

  it('show prints one article with its text', async () => {
    const [first] = await json('list');
    const id = String(first?.id);
    const [shown] = await json('show', id);
    expect(shown).toMatchObject({ id, title: first?.title });
    expect(String(shown?.text).length).toBeGreaterThan(500);
    const human = await cli('show', id, '--library', libraryDir);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^Title: {4}.+\n/);
    expect(human.stdout).toContain(`Id:        ${id}\n`);
    expect(human.stdout).toContain(String(shown?.text));
  });

  it('show of an unknown id fails in one line', async () => {
    const run = await cli('show', 'no-such-article', '--library', libraryDir);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(
      /^offprint: not-found: There is no article no-such-article in this library\.\n$/,
    );
  });

  it('search finds articles by words in their text', async () => {
    const [bbc] = await json('list');
    const words = String((await json('show', String(bbc?.id)))[0]?.text)
      .split(/\W+/)
      .filter((word) => word.length > 8);
    const found = await json('search', words[0] ?? 'nothing');
    expect(found.map((article) => article.id)).toContain(bbc?.id);
    expect(found[0]).not.toHaveProperty('text');
    expect(await json('search', 'zzqxwvnotaword')).toEqual([]);
  });
});

describe('offprint refuses', () => {
  it('a wrong command line, with the usage (exit 2)', async () => {
    for (const argv of [
      [],
      ['frobnicate'],
      ['show'],
      ['show', 'a', 'b'],
      ['search'],
      ['import'],
      ['list', 'x'],
      ['list', '--bogus'],
    ]) {
      const run = await cli(...argv, '--library', libraryDir);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/Usage:/);
    }
    expect(existsSync(libraryDir)).toBe(false);
    const help = await cli('--help');
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/offprint import <file\|url>/);
  });

  it('to read a library that does not exist, without creating one', async () => {
    const run = await cli('list', '--library', libraryDir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^offprint: not-found: There is no Offprint library at /);
    expect(existsSync(libraryDir)).toBe(false);
  });

  it('a library the app has open: library-locked', async () => {
    await json('import', TRT);
    const { library } = await openLibrary(libraryDir);
    try {
      for (const argv of [['list'], ['import', BBC]]) {
        const run = await cli(...argv, '--library', libraryDir);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(/^offprint: library-locked: [^\n]+\n$/);
      }
    } finally {
      await library.close();
    }
  });

  it('takes the library from --library=DIR and from OFFPRINT_LIBRARY', async () => {
    await json('import', TRT);
    const viaEquals = await cli('list', `--library=${libraryDir}`);
    expect(viaEquals.stdout.trimEnd().split('\n')).toHaveLength(2);
    let stdout = '';
    const code = await main(['list'], {
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      env: { OFFPRINT_LIBRARY: libraryDir },
      resourcesDir: RESOURCES,
    });
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(2);
    expect(await readdir(libraryDir)).toContain('articles');
  });
});

describe('the built CLI in a child process', () => {
  const built = existsSync(BUILT_CLI);
  it.skipIf(!built)(
    `node out/main/cli.js import/list/show --json${built ? '' : ' (skipped: out/main/cli.js is not built; run npm run build)'}`,
    async () => {
      const run = promisify(execFile);
      const imported = await run(process.execPath, [
        BUILT_CLI,
        'import',
        TRT,
        '--json',
        '--library',
        libraryDir,
      ]);
      const [article] = JSON.parse(imported.stdout) as Array<Record<string, unknown>>;
      expect(article).toMatchObject({ siteName: 'TRT World' });
      expect(imported.stderr).toBe('');
      const listed = await run(process.execPath, [
        BUILT_CLI,
        'list',
        '--json',
        '--library',
        libraryDir,
      ]);
      expect((JSON.parse(listed.stdout) as unknown[]).length).toBe(2);
      const failed = await run(process.execPath, [
        BUILT_CLI,
        'show',
        'nope',
        '--library',
        libraryDir,
      ]).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 1 });
      expect((failed as { stderr: string }).stderr).toMatch(/^offprint: not-found: /);
      // The package's bin launcher runs the same CLI.
      const viaBin = await run(process.execPath, [
        resolve(process.cwd(), 'bin/offprint.js'),
        'list',
        '--library',
        libraryDir,
      ]);
      expect(viaBin.stdout.trimEnd().split('\n')).toHaveLength(2);
    },
    30_000,
  );
});
