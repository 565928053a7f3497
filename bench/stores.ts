/**
 * The three stores the benchmark compares, behind one interface:
 *
 * - `offprint`: the real store (per-article folders, derived index) and its search.
 * - `lowdb-single-file`: the naive alternative, one lowdb JSON file holding every article with its
 *   content; a change rewrites the file (lowdb's JSONFile: temp file and rename, no fsync); search
 *   scans every article's text.
 * - `sqlite-fts5`: what a developer would reach for: better-sqlite3, WAL with synchronous=FULL (so
 *   a commit is as durable as Offprint's acknowledged change), an FTS5 table over title, byline,
 *   site, body and notes, ranked with bm25 and snippets.
 *
 * Imports are one article at a time, each durable before the next, as the app imports files.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import type { NewArticle } from '../src-main/core/library/library';
import { openLibrary } from '../src-main/core/library/store';
import { LibrarySearch } from '../src-main/core/search/library-search';

export const STORE_NAMES = ['offprint', 'lowdb-single-file', 'sqlite-fts5'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

/** What a build reports. */
export interface BuildResult {
  /** Articles per second, one durable add at a time. */
  importPerSecond: number;
  /** How the rate was measured, when not over the whole build. */
  note?: string;
  /** Extra figures worth printing (not part of results.json). */
  extra?: Record<string, number>;
}

/** An opened store, as the measuring child uses it. */
export interface OpenedStore {
  /** The first `count` rows of the list, newest saved first (summary fields only). */
  firstRows(count: number): Promise<{ id: string; title: string }[]>;
  /** Every article id (to pick from). */
  ids(): string[];
  /** Flips the bookmark of an article, durably (always a real change, never a no-op). */
  toggleBookmark(id: string): Promise<void>;
  /** A durable note on a passage of the article. */
  addNote(id: string, note: string): Promise<void>;
  /** Waits until search can answer (Offprint loads its saved index); returns ms spent waiting. */
  searchReady(): Promise<number>;
  /** Runs one search for a results page of 50 with snippets; returns the number of hits. */
  search(text: string): Promise<number>;
  close(): Promise<void>;
}

export interface BenchStore {
  build(dir: string, articles: Iterable<NewArticle>, count: number): Promise<BuildResult>;
  open(dir: string): Promise<OpenedStore>;
  /** How many changes and notes to time (rewriting a whole file per change is slow). */
  samples: number;
}

export function benchStore(name: StoreName): BenchStore {
  switch (name) {
    case 'offprint':
      return offprint;
    case 'lowdb-single-file':
      return lowdbSingleFile;
    case 'sqlite-fts5':
      return sqliteFts5;
  }
}

// ---------------------------------------------------------------------------------------------
// Offprint

const offprint: BenchStore = {
  samples: 50,
  async build(dir, articles, count) {
    const { library } = await openLibrary(dir);
    // As in the app: search follows the library while articles come in.
    const search = new LibrarySearch(library).start();
    await search.whenReady();
    const started = performance.now();
    for (const article of articles) await library.add(article);
    const importMs = performance.now() - started;
    const flushStarted = performance.now();
    await search.flush();
    const indexFlushMs = performance.now() - flushStarted;
    await search.close();
    await library.close();
    return {
      importPerSecond: count / (importMs / 1000),
      extra: { search_catch_up_and_save_ms: indexFlushMs },
    };
  },
  async open(dir) {
    // As the hosts open it (open-app-library.ts).
    const { library } = await openLibrary(dir, { checkInBackground: true });
    let search: LibrarySearch | null = null;
    return {
      async firstRows(count) {
        return library.list().slice(0, count);
      },
      ids: () => library.list().map((summary) => summary.id),
      async toggleBookmark(id) {
        // The renderer knows the state it shows; the store looks it up the same way.
        await library.setState(id, { bookmarked: !library.summary(id)?.bookmarked });
      },
      async addNote(id, note) {
        // The reader sends the quote with the note; reading it here costs ~0.05 ms.
        const exact = quoteOf(library.readTextNow(id) ?? '');
        await library.addAnnotation(id, {
          motivation: 'commenting',
          quote: { exact, prefix: '', suffix: '' },
          position: { start: 0, end: exact.length },
          note,
        });
      },
      async searchReady() {
        const started = performance.now();
        search = new LibrarySearch(library).start();
        await search.whenReady();
        return performance.now() - started;
      },
      async search(text) {
        if (search === null) throw new Error('searchReady() first');
        return (await search.query({ text, limit: 50 })).total;
      },
      async close() {
        await search?.close();
        await library.close();
      },
    };
  },
};

/** The passage a benchmark note is attached to: the first words of the article. */
function quoteOf(text: string): string {
  return text.slice(0, 40).trim() || 'text';
}

// ---------------------------------------------------------------------------------------------
// lowdb, one file

interface LowdbArticle extends NewArticle {
  id: string;
  savedAt: string;
  bookmarked: boolean;
  read: boolean;
  archived: boolean;
  notes: { quote: string; note: string; created: string }[];
}

interface LowdbData {
  articles: LowdbArticle[];
}

/** Adds timed one at a time on top of the bulk-written library: each rewrites the whole file. */
const LOWDB_TIMED_ADDS = 10;

function lowdbArticle(article: NewArticle, index: number): LowdbArticle {
  return {
    ...article,
    id: `a${index}`,
    savedAt: new Date(Date.UTC(2024, 0, 1) + index * 60_000).toISOString(),
    bookmarked: false,
    read: false,
    archived: false,
    notes: [],
  };
}

function newestFirst(a: { savedAt: string }, b: { savedAt: string }): number {
  return a.savedAt < b.savedAt ? 1 : a.savedAt > b.savedAt ? -1 : 0;
}

const lowdbSingleFile: BenchStore = {
  samples: 20,
  async build(dir, articles, count) {
    const db = new Low<LowdbData>(new JSONFile(join(dir, 'db.json')), { articles: [] });
    const timed: NewArticle[] = [];
    let index = 0;
    for (const article of articles) {
      // Writing after every add costs O(library) each time; only the last few adds are timed.
      if (index >= count - LOWDB_TIMED_ADDS) timed.push(article);
      else db.data.articles.push(lowdbArticle(article, index));
      index += 1;
    }
    await db.write();
    const started = performance.now();
    for (const article of timed) {
      db.data.articles.push(lowdbArticle(article, db.data.articles.length));
      await db.write();
    }
    return {
      importPerSecond: timed.length / ((performance.now() - started) / 1000),
      note: `last ${timed.length} adds timed`,
    };
  },
  async open(dir) {
    const db = new Low<LowdbData>(new JSONFile(join(dir, 'db.json')), { articles: [] });
    await db.read();
    const find = (id: string) => {
      const article = db.data.articles.find((item) => item.id === id);
      if (article === undefined) throw new Error(`no article ${id}`);
      return article;
    };
    return {
      async firstRows(count) {
        return [...db.data.articles]
          .sort(newestFirst)
          .slice(0, count)
          .map(({ id, title }) => ({ id, title }));
      },
      ids: () => db.data.articles.map((article) => article.id),
      async toggleBookmark(id) {
        const article = find(id);
        article.bookmarked = !article.bookmarked;
        await db.write();
      },
      async addNote(id, note) {
        const article = find(id);
        article.notes.push({
          quote: quoteOf(article.textContent),
          note,
          created: new Date().toISOString(),
        });
        await db.write();
      },
      async searchReady() {
        return 0;
      },
      async search(text) {
        const needle = text.toLowerCase();
        const hits = db.data.articles.filter(
          (article) =>
            article.title.toLowerCase().includes(needle) ||
            article.textContent.toLowerCase().includes(needle) ||
            article.notes.some((note) => note.note.toLowerCase().includes(needle)),
        );
        hits.sort(newestFirst);
        for (const hit of hits.slice(0, 50)) {
          const at = hit.textContent.toLowerCase().indexOf(needle);
          void hit.textContent.slice(Math.max(0, at - 60), at + 120);
        }
        return hits.length;
      },
      async close() {},
    };
  },
};

// ---------------------------------------------------------------------------------------------
// SQLite + FTS5

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL, site_name TEXT, section TEXT, byline TEXT, published_time TEXT,
    saved_at TEXT NOT NULL, updated_at TEXT NOT NULL, excerpt TEXT, url TEXT, lang TEXT, dir TEXT,
    source_kind TEXT NOT NULL, file_name TEXT, word_count INTEGER NOT NULL,
    bookmarked INTEGER NOT NULL DEFAULT 0, read INTEGER NOT NULL DEFAULT 0,
    archived INTEGER NOT NULL DEFAULT 0,
    content_html TEXT NOT NULL, text_content TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS articles_saved_at ON articles (saved_at);
  CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles (id),
    quote TEXT NOT NULL, note TEXT NOT NULL, created TEXT NOT NULL
  );
  CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
    title, byline, site_name, body, notes, tokenize = 'unicode61 remove_diacritics 2'
  );
`;

function openSqlite(dir: string): Database.Database {
  const db = new Database(join(dir, 'library.sqlite'));
  db.pragma('journal_mode = WAL');
  // Every commit fsynced: the same promise as Offprint's acknowledged change.
  db.pragma('synchronous = FULL');
  db.exec(SCHEMA);
  return db;
}

/** FTS5 query for one word as typed: a prefix match, quoted so no word is read as an operator. */
function ftsQuery(text: string): string {
  return text
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `"${word.replace(/"/g, '""')}"*`)
    .join(' ');
}

const sqliteFts5: BenchStore = {
  samples: 50,
  async build(dir, articles, count) {
    const db = openSqlite(dir);
    const insert = db.prepare(`
      INSERT INTO articles (title, site_name, section, byline, published_time, saved_at, updated_at,
        excerpt, url, lang, dir, source_kind, file_name, word_count, content_html, text_content)
      VALUES (@title, @siteName, @section, @byline, @publishedTime, @savedAt, @savedAt, @excerpt,
        @url, @lang, @dir, @sourceKind, @fileName, @wordCount, @contentHtml, @textContent)`);
    const insertFts = db.prepare(
      'INSERT INTO articles_fts (rowid, title, byline, site_name, body, notes) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const add = db.transaction((article: NewArticle) => {
      const savedAt = new Date().toISOString();
      const { lastInsertRowid } = insert.run({ ...article, savedAt });
      insertFts.run(
        lastInsertRowid,
        article.title,
        article.byline,
        article.siteName,
        article.textContent,
        '',
      );
    });
    const started = performance.now();
    for (const article of articles) add(article);
    const elapsed = performance.now() - started;
    db.close();
    return { importPerSecond: count / (elapsed / 1000) };
  },
  async open(dir) {
    const db = openSqlite(dir);
    const firstRows = db.prepare(
      'SELECT id, title, site_name, byline, published_time, saved_at, word_count, bookmarked, read, archived FROM articles ORDER BY saved_at DESC LIMIT ?',
    );
    const bookmark = db.prepare(
      'UPDATE articles SET bookmarked = 1 - bookmarked, updated_at = ? WHERE id = ?',
    );
    const insertNote = db.prepare(
      'INSERT INTO notes (article_id, quote, note, created) VALUES (?, ?, ?, ?)',
    );
    const textOf = db.prepare('SELECT text_content FROM articles WHERE id = ?').pluck();
    const notesOf = db.prepare('SELECT note FROM notes WHERE article_id = ?').pluck();
    const updateFtsNotes = db.prepare('UPDATE articles_fts SET notes = ? WHERE rowid = ?');
    const addNote = db.transaction((id: number, note: string) => {
      insertNote.run(id, quoteOf(String(textOf.get(id))), note, new Date().toISOString());
      updateFtsNotes.run((notesOf.all(id) as string[]).join('\n'), id);
    });
    const search = db.prepare(`
      SELECT a.id, a.title, snippet(articles_fts, 3, '', '', '…', 24) AS snippet
      FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
      WHERE articles_fts MATCH ? ORDER BY rank LIMIT 50`);
    const total = db
      .prepare('SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?')
      .pluck();
    return {
      async firstRows(count) {
        return (firstRows.all(count) as { id: number; title: string }[]).map((row) => ({
          id: String(row.id),
          title: row.title,
        }));
      },
      ids: () => (db.prepare('SELECT id FROM articles').pluck().all() as number[]).map(String),
      async toggleBookmark(id) {
        bookmark.run(new Date().toISOString(), Number(id));
      },
      async addNote(id, note) {
        addNote(Number(id), note);
      },
      async searchReady() {
        return 0;
      },
      async search(text) {
        const query = ftsQuery(text);
        search.all(query);
        return Number(total.get(query));
      },
      async close() {
        db.close();
      },
    };
  },
};

/** Reads a JSON file the orchestrator wrote. */
export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}
