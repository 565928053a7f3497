/**
 * Tags as the filter chips show them: each tag once whatever its case, with how many articles
 * carry it.
 */
import type { ArticleSummary } from '../../../src-main/shared/model';

/** A tag and how many articles carry it. */
export interface TagCount {
  name: string;
  count: number;
}

/**
 * Every tag of the articles with its count, most used first, then by name. Tags differing only in
 * case are one tag, named by the first spelling met.
 */
export function countTags(articles: readonly Pick<ArticleSummary, 'tags'>[]): TagCount[] {
  const counts = new Map<string, TagCount>();
  for (const article of articles) {
    for (const tag of article.tags) {
      const key = tag.toLowerCase();
      const known = counts.get(key);
      if (known) known.count++;
      else counts.set(key, { name: tag, count: 1 });
    }
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
}
