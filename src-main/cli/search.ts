/**
 * `offprint search`: the app's own full-text search (core/search), so the command line finds what
 * the search box finds (prefix and typo tolerant, every word must match, best match first). The
 * index is loaded from, and saved back to, the library's search-index.json, as the app does.
 */
import type { LibraryQueryItem } from '../shared/contract';
import { MAX_QUERY_LIMIT, MAX_QUERY_TEXT_LENGTH } from '../shared/limits';
import type { ArticleSummary } from '../shared/model';
import { OffprintError } from '../shared/errors';
import type { LibraryStore } from '../core/library/store';
import { LibrarySearch, type SearchableLibrary } from '../core/search/library-search';

/** What search needs of the store, with summaries looked up by id from one listing. */
function searchable(library: LibraryStore): SearchableLibrary {
  const byId = new Map(library.list().map((summary) => [summary.id, summary]));
  return {
    root: library.root,
    list: () => library.list(),
    summary: (id) => byId.get(id),
    readText: (id) => library.readText(id),
    readTextNow: (id) => library.readTextNow(id),
    listAnnotations: (id) => library.listAnnotations(id),
    onChange: (listener) => library.onChange(listener),
  };
}

/** Rows carry a score and snippet on top of the summary; the CLI prints summaries. */
function summaryOf({
  snippet: _snippet,
  score: _score,
  ...summary
}: LibraryQueryItem): ArticleSummary {
  return summary;
}

/** Every article matching `query`, best match first. */
export async function searchArticles(
  library: LibraryStore,
  query: string,
): Promise<ArticleSummary[]> {
  if (query.length > MAX_QUERY_TEXT_LENGTH) {
    throw new OffprintError(
      'invalid-argument',
      `A search is at most ${MAX_QUERY_TEXT_LENGTH} characters.`,
    );
  }
  const search = new LibrarySearch(searchable(library)).start();
  try {
    await search.whenReady();
    const matches: ArticleSummary[] = [];
    for (;;) {
      const page = await search.query({
        text: query,
        offset: matches.length,
        limit: MAX_QUERY_LIMIT,
      });
      matches.push(...page.items.map(summaryOf));
      if (page.items.length === 0 || matches.length >= page.total) return matches;
    }
  } finally {
    await search.close();
  }
}
