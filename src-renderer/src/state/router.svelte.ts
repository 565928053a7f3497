/**
 * Hash routes: `#/` is the library, `#/article/<id>` the reader. The place lives in the URL, so a
 * reload keeps it, and each in-app navigation is a history entry, so back and forward work.
 */

export type Route = { view: 'library' } | { view: 'article'; id: string };

const ARTICLE_PREFIX = '#/article/';

/** Reads a route from a location hash; anything unknown is the library. */
export function parseHash(hash: string): Route {
  if (hash.startsWith(ARTICLE_PREFIX)) {
    const raw = hash.slice(ARTICLE_PREFIX.length);
    try {
      const id = decodeURIComponent(raw);
      if (id.length > 0) return { view: 'article', id };
    } catch {
      // A malformed escape is no article: fall through to the library.
    }
  }
  return { view: 'library' };
}

/** The hash that leads to a route. */
export function hrefFor(route: Route): string {
  return route.view === 'article' ? `${ARTICLE_PREFIX}${encodeURIComponent(route.id)}` : '#/';
}

/** What this router keeps in each history entry: the route the user came to it from. */
interface EntryState {
  offprintPrevious: string | null;
}

function previousOf(state: unknown): string | null | undefined {
  if (typeof state !== 'object' || state === null || !('offprintPrevious' in state)) {
    return undefined;
  }
  const previous = (state as EntryState).offprintPrevious;
  return typeof previous === 'string' ? previous : null;
}

export class Router {
  #route = $state.raw<Route>({ view: 'library' });
  readonly #window: Window;

  constructor(win: Window = window) {
    this.#window = win;
    this.#route = parseHash(win.location.hash);
    if (previousOf(win.history.state) === undefined) this.#mark(null);
  }

  get route(): Route {
    return this.#route;
  }

  /** Follows back/forward and hashes typed or linked from outside the router; returns the stop function. */
  start(): () => void {
    const onPopState = () => this.#sync();
    const onHashChange = () => {
      // A plain link or a typed hash made this entry: it came from the route shown until now.
      if (previousOf(this.#window.history.state) === undefined) this.#mark(hrefFor(this.#route));
      this.#sync();
    };
    this.#window.addEventListener('popstate', onPopState);
    this.#window.addEventListener('hashchange', onHashChange);
    return () => {
      this.#window.removeEventListener('popstate', onPopState);
      this.#window.removeEventListener('hashchange', onHashChange);
    };
  }

  /** Goes to a route as a new history entry. */
  navigate(route: Route): void {
    if (hrefFor(route) === hrefFor(this.#route)) return;
    const state: EntryState = { offprintPrevious: hrefFor(this.#route) };
    this.#window.history.pushState(state, '', hrefFor(route));
    this.#route = route;
  }

  /** Opens an article in the reader. */
  openArticle(id: string): void {
    this.navigate({ view: 'article', id });
  }

  /**
   * Back to the library: a step back in history when that is where the user came from (so forward
   * still works and the list is as they left it), otherwise a new step to the library, so that
   * Back never leaves the app nor lands on another article.
   */
  backToLibrary(): void {
    if (this.#route.view === 'library') return;
    if (previousOf(this.#window.history.state) === hrefFor({ view: 'library' })) {
      this.#window.history.back();
    } else {
      this.navigate({ view: 'library' });
    }
  }

  #mark(previous: string | null): void {
    this.#window.history.replaceState({ offprintPrevious: previous } satisfies EntryState, '');
  }

  #sync(): void {
    const route = parseHash(this.#window.location.hash);
    if (hrefFor(route) !== hrefFor(this.#route)) this.#route = route;
  }
}
