/**
 * The process the crash trials kill. It opens the library given on the command line, learns what
 * is in it, then lets three workers change it as fast as they can (create, bookmark, tag, progress,
 * annotate, edit and remove annotations, delete), printing the acknowledgement log described in
 * crash-model.ts. It never stops by itself: the parent kills it with SIGKILL.
 *
 * Usage (after bundling, see crash-trials.test.ts): node crash-child.mjs <library> <seed>
 */
import { writeSync } from 'node:fs';
import { openLibrary } from '../../src-main/core/library/store';
import type { ArticleStatePatch } from '../../src-main/shared/model';
import { ANNOTATION_COLORS } from '../../src-main/shared/model';
import { parseInput, tagsSchema } from '../../src-main/shared/user-state';
import { type ArticleState, type LogLine, emptyState } from './crash-model';

const WORKERS = 3;
/** Keeps the library (and so each open and check) small: deletes win once it is this big. */
const MAX_ARTICLES = 18;
/** Keeps each log line well under PIPE_BUF, so a line is written whole or not at all. */
const MAX_NOTES = 6;
const TAG_WORDS = ['news', 'News', 'politics', 'long read', 'Cairo', 'climate', 'to read', 'café'];

interface Tracked {
  id: string;
  state: ArticleState;
  /** Annotation ids by quoted text. */
  annotationIds: Map<string, string>;
}

const [root, seedText] = process.argv.slice(2);
if (root === undefined || seedText === undefined) {
  process.stderr.write('usage: crash-child <library> <seed>\n');
  process.exit(2);
}
const random = mulberry32(Number(seedText));

function print(line: LogLine): void {
  // Synchronous: a begin line is in the pipe before the change starts.
  writeSync(1, `${JSON.stringify(line)}\n`);
}

function pick<T>(items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function token(): string {
  return Math.floor(random() * 36 ** 8)
    .toString(36)
    .padStart(8, '0');
}

function copy(state: ArticleState): ArticleState {
  return { ...state, tags: [...state.tags], notes: structuredClone(state.notes) };
}

const { library } = await openLibrary(root);
const articles = new Map<string, Tracked>();
for (const summary of library.list()) {
  const article = await library.get(summary.id);
  const annotations = await library.listAnnotations(summary.id);
  const tracked: Tracked = {
    id: summary.id,
    state: {
      bookmarked: summary.bookmarked,
      read: summary.read,
      archived: summary.archived,
      tags: [...summary.tags],
      progress: article.progress,
      notes: {},
    },
    annotationIds: new Map(),
  };
  for (const annotation of annotations) {
    const exact = annotation.target.selector[0].exact;
    tracked.state.notes[exact] = {
      note: annotation.body?.value ?? null,
      color: annotation.color ?? null,
    };
    tracked.annotationIds.set(exact, annotation.id);
  }
  articles.set(summary.title, tracked);
}
print({ t: 'ready', articles: articles.size });

/** Runs one change: begin line, the call, ack line, and the new state remembered. */
async function change(
  title: string,
  op: string,
  after: ArticleState | null,
  run: () => Promise<void>,
): Promise<void> {
  print({ t: 'begin', title, op, after });
  await run();
  print({ t: 'ack', title });
}

function sampleBody(): { contentHtml: string; textContent: string; wordCount: number } {
  const paragraphs = Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
    Array.from({ length: 5 + Math.floor(random() * 150) }, () => pick(TAG_WORDS)).join(' '),
  );
  const textContent = paragraphs.join('\n\n');
  return {
    contentHtml: paragraphs.map((paragraph) => `<p>${paragraph}</p>`).join('\n'),
    textContent,
    wordCount: textContent.split(/\s+/).length,
  };
}

async function step(worker: number): Promise<void> {
  const prefix = `w${worker}-`;
  const mine = [...articles.entries()].filter(([title]) => title.startsWith(prefix));
  const full = articles.size >= MAX_ARTICLES;
  const weights: [string, number][] = [
    ['create', mine.length === 0 ? 100 : full ? 0 : 10],
    ['state', 20],
    ['tags', 14],
    ['progress', 10],
    ['annotate', 16],
    ['edit-note', 9],
    ['unannotate', 6],
    ['delete', full ? 40 : 6],
  ];
  let roll = random() * weights.reduce((sum, [, weight]) => sum + weight, 0);
  let op = 'create';
  for (const [name, weight] of weights) {
    roll -= weight;
    if (roll < 0) {
      op = name;
      break;
    }
  }

  if (op === 'create' || mine.length === 0) {
    const title = `${prefix}${token()}`;
    const body = sampleBody();
    await change(title, 'create', emptyState(), async () => {
      const summary = await library.add({
        title,
        siteName: 'Crash Trials',
        section: null,
        byline: null,
        publishedTime: null,
        excerpt: null,
        url: null,
        lang: 'en',
        dir: null,
        sourceKind: 'text',
        fileName: null,
        ...body,
      });
      articles.set(title, { id: summary.id, state: emptyState(), annotationIds: new Map() });
    });
    return;
  }

  const [title, tracked] = pick(mine);
  const after = copy(tracked.state);
  switch (op) {
    case 'state': {
      const patch: ArticleStatePatch = {};
      for (const key of ['bookmarked', 'read', 'archived'] as const) {
        if (random() < 0.5) patch[key] = random() < 0.5;
      }
      Object.assign(after, patch);
      await change(title, op, after, async () => {
        await library.setState(tracked.id, patch);
      });
      break;
    }
    case 'tags': {
      const tags = Array.from({ length: Math.floor(random() * 5) }, () => pick(TAG_WORDS));
      after.tags = parseInput(tagsSchema, tags);
      await change(title, op, after, async () => {
        await library.setTags(tracked.id, tags);
      });
      break;
    }
    case 'progress': {
      after.progress = Math.round(random() * 100) / 100;
      await change(title, op, after, () => library.setProgress(tracked.id, after.progress));
      break;
    }
    case 'annotate': {
      if (Object.keys(after.notes).length >= MAX_NOTES) return;
      const exact = `quote ${token()}`;
      const note = random() < 0.5 ? `note ${token()}` : null;
      const color = random() < 0.5 ? pick(ANNOTATION_COLORS) : null;
      after.notes[exact] = { note, color };
      await change(title, op, after, async () => {
        const annotation = await library.addAnnotation(tracked.id, {
          motivation: note === null ? 'highlighting' : 'commenting',
          quote: { exact, prefix: 'before ', suffix: ' after' },
          position: { start: 7, end: 7 + exact.length },
          ...(note === null ? {} : { note }),
          ...(color === null ? {} : { color }),
        });
        tracked.annotationIds.set(exact, annotation.id);
      });
      break;
    }
    case 'edit-note':
    case 'unannotate': {
      const quotes = Object.keys(after.notes);
      if (quotes.length === 0) return;
      const exact = pick(quotes);
      const annotationId = tracked.annotationIds.get(exact) as string;
      if (op === 'unannotate') {
        delete after.notes[exact];
        await change(title, op, after, async () => {
          await library.removeAnnotation(tracked.id, annotationId);
          tracked.annotationIds.delete(exact);
        });
      } else {
        const note = `edited ${token()}`;
        const color = pick(ANNOTATION_COLORS);
        after.notes[exact] = { note, color };
        await change(title, op, after, async () => {
          await library.updateAnnotation(tracked.id, annotationId, {
            motivation: 'commenting',
            note,
            color,
          });
        });
      }
      break;
    }
    case 'delete': {
      await change(title, op, null, async () => {
        await library.remove(tracked.id);
        articles.delete(title);
      });
      return;
    }
  }
  tracked.state = after;
}

async function work(worker: number): Promise<void> {
  for (;;) {
    await step(worker);
    // A step that found nothing to do never waited on the disk: let the other workers' I/O in.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

try {
  await Promise.all(Array.from({ length: WORKERS }, (_, worker) => work(worker)));
} catch (error) {
  process.stderr.write(`crash child failed: ${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
}

/** A small seeded PRNG, so a failing trial's sequence of changes can be replayed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
