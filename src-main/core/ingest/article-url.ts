/**
 * When two addresses are the same article. Links people save carry tracking parameters (utm_*,
 * fbclid...) and fragments (#comments) that change nothing about the page; the library compares
 * addresses without them, so saving a link twice finds the copy already kept.
 */
import type { ArticleSummary } from '../../shared/model';
import type { Library } from '../library/library';

/** Query parameters that only track where a click came from. */
const TRACKING_PARAMETER = /^(?:utm_.*|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|_ga)$/i;

/**
 * The address in the form the library compares: http(s) only, no fragment, no tracking parameters;
 * host case and default ports normalized by the URL parser. Null for anything that is not a web
 * address.
 */
export function normalizeArticleUrl(url: string | null | undefined): string | null {
  if (!url || !URL.canParse(url.trim())) return null;
  const parsed = new URL(url.trim());
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  parsed.hash = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (TRACKING_PARAMETER.test(name)) parsed.searchParams.delete(name);
  }
  // An emptied query leaves a bare "?" behind in href; drop it.
  if (parsed.searchParams.size === 0) parsed.search = '';
  return parsed.href;
}

/** The article saved from `url` (compared normalized), or null. Any of `urls` may match. */
export function findArticleByUrl(
  library: Library,
  ...urls: Array<string | null | undefined>
): ArticleSummary | null {
  const wanted = new Set(urls.map(normalizeArticleUrl).filter((url) => url !== null));
  if (wanted.size === 0) return null;
  return (
    library.list().find((article) => wanted.has(normalizeArticleUrl(article.url) ?? '')) ?? null
  );
}
