/**
 * The library as the rest of Offprint sees it. The store behind it (per-article folders on lowdb plus
 * a derived index) can change shape without the hosts or handlers noticing.
 */
import type { Article, ArticleStatePatch, ArticleSummary, SourceKind } from '../../shared/model';

/** What an importer hands the library: everything but the id, the timestamps and the user state. */
export interface NewArticle {
  title: string;
  siteName: string | null;
  section: string | null;
  byline: string | null;
  publishedTime: string | null;
  excerpt: string | null;
  url: string | null;
  lang: string | null;
  dir: 'ltr' | 'rtl' | null;
  sourceKind: SourceKind;
  fileName: string | null;
  /** Sanitized HTML: the importer sanitizes, the library stores as given. */
  contentHtml: string;
  /** Plain text of the content, paragraphs separated by blank lines (search, word count, CLI). */
  textContent: string;
  wordCount: number;
}

export type ChangeListener = (ids: string[]) => void;

export interface Library {
  /** Absolute path of the library folder. */
  readonly root: string;
  /** Number of articles. */
  count(): number;
  /** Every article, newest saved first. Served from the index: no article file is read. */
  list(): ArticleSummary[];
  /** One article with its content. Throws OffprintError 'not-found'. */
  get(id: string): Promise<Article>;
  /** Stores a new article; resolves once its files are on disk. */
  add(article: NewArticle): Promise<ArticleSummary>;
  /** Changes user state; resolves once the article's file is on disk. Throws 'not-found'. */
  setState(id: string, patch: ArticleStatePatch): Promise<ArticleSummary>;
  /** Deletes an article and its files. Throws 'not-found'. */
  remove(id: string): Promise<void>;
  /** Called after every change, with the ids concerned. Returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Flushes pending writes and releases the library lock. */
  close(): Promise<void>;
}
