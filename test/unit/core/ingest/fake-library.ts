/**
 * An in-memory stand-in for the Library interface that records every add() call, for importer tests.
 * The real store lives in core/library; the importers only need add() and list().
 */
import type { Library, NewArticle } from '../../../../src-main/core/library/library';
import type {
  Annotation,
  Article,
  ArticleSummary,
  LibraryHealth,
  LibrarySettings,
} from '../../../../src-main/shared/model';
import { OffprintError } from '../../../../src-main/shared/errors';

export class RecordingLibrary implements Library {
  readonly root = '/nonexistent/fake-library';
  /** Every article handed to add(), in order. */
  readonly added: NewArticle[] = [];
  /** When set, add() rejects with this error instead of storing. */
  failAddWith: Error | null = null;
  private readonly summaries: ArticleSummary[] = [];

  count(): number {
    return this.summaries.length;
  }

  list(): ArticleSummary[] {
    return [...this.summaries];
  }

  async get(id: string): Promise<Article> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  summary(id: string): ArticleSummary | undefined {
    return this.summaries.find((summary) => summary.id === id);
  }

  async readText(id: string): Promise<string> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  readTextNow(): string | undefined {
    return undefined;
  }

  async add(article: NewArticle): Promise<ArticleSummary> {
    if (this.failAddWith) throw this.failAddWith;
    this.added.push(article);
    const now = new Date().toISOString();
    const summary: ArticleSummary = {
      id: `article-${this.added.length}`,
      title: article.title,
      siteName: article.siteName,
      section: article.section,
      byline: article.byline,
      publishedTime: article.publishedTime,
      savedAt: now,
      updatedAt: now,
      excerpt: article.excerpt,
      url: article.url,
      lang: article.lang,
      wordCount: article.wordCount,
      readingMinutes: Math.max(1, Math.round(article.wordCount / 230)),
      sourceKind: article.sourceKind,
      fileName: article.fileName,
      bookmarked: false,
      read: false,
      archived: false,
      tags: [],
      annotationCount: 0,
    };
    this.summaries.unshift(summary);
    return summary;
  }

  async setState(id: string): Promise<ArticleSummary> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async remove(id: string): Promise<void> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async addVersion(id: string): Promise<ArticleSummary> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async replaceVersionContent(id: string): Promise<void> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async setTags(id: string): Promise<ArticleSummary> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async setProgress(id: string): Promise<void> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async listAnnotations(id: string): Promise<Annotation[]> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async addAnnotation(id: string): Promise<Annotation> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async updateAnnotation(id: string): Promise<Annotation> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  async removeAnnotation(id: string): Promise<void> {
    throw new OffprintError('not-found', `No article ${id} in the fake library.`);
  }

  health(): LibraryHealth {
    return { problems: [] };
  }

  onHealth(): () => void {
    return () => {};
  }

  settings(): LibrarySettings {
    return { sort: 'savedAt' };
  }

  async updateSettings(): Promise<LibrarySettings> {
    return { sort: 'savedAt' };
  }

  onChange(): () => void {
    return () => {};
  }

  async close(): Promise<void> {}
}
