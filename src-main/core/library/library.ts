/**
 * The library as the rest of Offprint sees it. The store behind it (per-article folders on lowdb plus
 * a derived index) can change shape without the hosts or handlers noticing.
 */
import type {
  Annotation,
  AnnotationPatch,
  Article,
  ArticleStatePatch,
  ArticleSummary,
  ImageFailure,
  LibraryHealth,
  LibrarySettings,
  NewAnnotation,
  SourceKind,
} from '../../shared/model';

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
  /** Images of the content that could not be saved (localize-images.ts); kept with the version. */
  imageFailures?: ImageFailure[];
}

export type ChangeListener = (ids: string[]) => void;
export type HealthListener = (health: LibraryHealth) => void;

export interface Library {
  /** Absolute path of the library folder. */
  readonly root: string;
  /** Number of articles. */
  count(): number;
  /** Every article, newest saved first. Served from the index: no article file is read. */
  list(): ArticleSummary[];
  /** One article's summary from the index (no file is read); undefined when there is none. */
  summary(id: string): ArticleSummary | undefined;
  /**
   * One article with its content: the current version, or `version`. Throws OffprintError
   * 'not-found' (also for a version the article does not have).
   */
  get(id: string, version?: number): Promise<Article>;
  /** Plain text of the article's current version (search, CLI). Throws 'not-found'. */
  readText(id: string): Promise<string>;
  /** The same read synchronously without repairs (search snippets); undefined when unreadable. */
  readTextNow(id: string): string | undefined;
  /** Stores a new article; resolves once its files are on disk. */
  add(article: NewArticle): Promise<ArticleSummary>;
  /**
   * Stores a re-fetched copy as the article's next version and shows it; earlier versions and the
   * annotations made on them stay. Metadata follows the new copy; user state is kept.
   */
  addVersion(id: string, article: NewArticle): Promise<ArticleSummary>;
  /**
   * Rewrites one version's content in place, its text unchanged (images saved by a retry), and
   * records the images still missing. Throws 'not-found' for an unknown article or version.
   */
  replaceVersionContent(
    id: string,
    version: number,
    contentHtml: string,
    imageFailures: ImageFailure[],
  ): Promise<void>;
  /** Changes user state; resolves once the article's file is on disk. Throws 'not-found'. */
  setState(id: string, patch: ArticleStatePatch): Promise<ArticleSummary>;
  /**
   * Replaces the article's tags (folded, checked, duplicates ignoring case dropped); resolves once
   * on disk. Throws 'invalid-argument' for an empty or overlong tag, 'not-found'.
   */
  setTags(id: string, tags: readonly string[]): Promise<ArticleSummary>;
  /** Records how far the article has been read (0..1); resolves once on disk. No change event. */
  setProgress(id: string, progress: number): Promise<void>;
  /** The article's highlights and notes, oldest first. Throws 'not-found'. */
  listAnnotations(id: string): Promise<Annotation[]>;
  /** Adds a highlight or note; resolves with it once on disk. */
  addAnnotation(id: string, input: NewAnnotation): Promise<Annotation>;
  /** Changes an annotation's note, colour or motivation. Throws 'not-found' for either id. */
  updateAnnotation(id: string, annotationId: string, patch: AnnotationPatch): Promise<Annotation>;
  removeAnnotation(id: string, annotationId: string): Promise<void>;
  /** Deletes an article and its files. Throws 'not-found'. */
  remove(id: string): Promise<void>;
  /** Called after every change, with the ids concerned. Returns an unsubscribe function. */
  onChange(listener: ChangeListener): () => void;
  /** Damaged files found since open and what was done about them. */
  health(): LibraryHealth;
  /** Called with the whole health list whenever a new problem is found after open. */
  onHealth(listener: HealthListener): () => void;
  settings(): LibrarySettings;
  /** Changes library settings; resolves once settings.json is on disk. */
  updateSettings(patch: Partial<LibrarySettings>): Promise<LibrarySettings>;
  /** Flushes pending writes and releases the library lock. */
  close(): Promise<void>;
}
