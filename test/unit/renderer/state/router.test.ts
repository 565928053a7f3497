// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Router, hrefFor, parseHash } from '../../../../src-renderer/src/state/router.svelte';

/** jsdom runs history.back() asynchronously and then fires popstate. */
function nextPopState(): Promise<void> {
  return new Promise((resolve) =>
    window.addEventListener('popstate', () => resolve(), { once: true }),
  );
}

describe('routes', () => {
  it('reads and writes the two routes', () => {
    expect(parseHash('')).toEqual({ view: 'library' });
    expect(parseHash('#/')).toEqual({ view: 'library' });
    expect(parseHash('#/article/trt-ukraine-bodies')).toEqual({
      view: 'article',
      id: 'trt-ukraine-bodies',
    });
    expect(hrefFor({ view: 'article', id: 'a b' })).toBe('#/article/a%20b');
    expect(parseHash(hrefFor({ view: 'article', id: 'a b' }))).toEqual({
      view: 'article',
      id: 'a b',
    });
  });

  it('treats unknown and malformed hashes as the library', () => {
    expect(parseHash('#/settings')).toEqual({ view: 'library' });
    expect(parseHash('#/article/')).toEqual({ view: 'library' });
    expect(parseHash('#/article/%E0%A4%A')).toEqual({ view: 'library' });
  });
});

describe('Router', () => {
  let stop: () => void = () => {};
  beforeEach(() => {
    history.replaceState(null, '', '#/');
  });
  afterEach(() => stop());

  it('starts where the URL says, so a reload keeps the place', () => {
    history.replaceState(null, '', '#/article/kept-place');
    const router = new Router(window);
    expect(router.route).toEqual({ view: 'article', id: 'kept-place' });
  });

  it('navigates with history entries, and back returns to the library', async () => {
    const router = new Router(window);
    stop = router.start();
    router.openArticle('first-article');
    expect(location.hash).toBe('#/article/first-article');
    expect(router.route).toEqual({ view: 'article', id: 'first-article' });

    const popped = nextPopState();
    router.backToLibrary();
    await popped;
    expect(router.route).toEqual({ view: 'library' });
    expect(location.hash).toBe('#/');

    const forward = nextPopState();
    history.forward();
    await forward;
    expect(router.route).toEqual({ view: 'article', id: 'first-article' });
  });

  it('follows hashes typed or linked from outside, and back from them still reaches the library', async () => {
    const router = new Router(window);
    stop = router.start();
    router.openArticle('first-article');
    const changed = new Promise((resolve) =>
      window.addEventListener('hashchange', resolve, { once: true }),
    );
    location.hash = '#/article/typed-article';
    await changed;
    expect(router.route).toEqual({ view: 'article', id: 'typed-article' });

    // The entry before is another article: Back must not land there.
    const before = history.length;
    router.backToLibrary();
    expect(router.route).toEqual({ view: 'library' });
    expect(location.hash).toBe('#/');
    expect(history.length).toBe(before + 1);
  });

  it('goes to the library when the reader was the first page', () => {
    history.replaceState(null, '', '#/article/opened-directly');
    const router = new Router(window);
    stop = router.start();
    router.backToLibrary();
    expect(router.route).toEqual({ view: 'library' });
    expect(location.hash).toBe('#/');
  });
});
