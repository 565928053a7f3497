/**
 * What the library's two article lists share: ArticleList renders every row, VirtualArticleList
 * only those near the viewport. The library view hands either the same props and moves the keyboard
 * focus through either the same way.
 */
import type { LibraryRow } from '../state/library.svelte';

export interface ArticleListProps {
  /** Every row of the list; a hole is a row not fetched yet (fetched through onrange). */
  articles: readonly (LibraryRow | undefined)[];
  selectedId: string | null;
  onopen: (id: string) => void;
  onbookmark: (id: string) => void;
  onselect: (id: string) => void;
  /** Told which rows are wanted (from, to exclusive), so that missing ones can be fetched. */
  onrange?: (from: number, to: number) => void;
}

/** Where an article stands in the list; -1 when it is not there or not fetched yet. */
export function articleIndex(articles: ArticleListProps['articles'], id: string | null): number {
  return articles.findIndex((article) => article?.id === id);
}

/** The link in an article's row, which takes the keyboard focus; null while the row is not shown. */
export function rowLink(list: HTMLElement | undefined, id: string): HTMLElement | null {
  return list?.querySelector<HTMLElement>(`[data-article-id="${CSS.escape(id)}"] a`) ?? null;
}
