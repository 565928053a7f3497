/**
 * Synthetic libraries for the benchmark, made from the real pages of the corpus: each article is
 * one page's paragraphs (some dropped, a few borrowed from another page) with a sprinkling of words
 * swapped for other corpus words or made-up names, so that N articles are distinct and the
 * vocabulary grows with N the way a real library's does. Deterministic: the same seed gives the
 * same library, so runs compare.
 *
 * The HTML of a synthetic article is its paragraphs in <p> elements (the page's figures and links
 * do not survive the reshuffle): about 8 KB of content and 7 KB of text per article.
 */
import type { NewArticle } from '../src-main/core/library/library';

/** What the benchmark keeps of a corpus page after the HTML importer has read it. */
export interface CorpusPage {
  name: string;
  title: string;
  byline: string | null;
  siteName: string | null;
  lang: string | null;
  text: string;
}

/** A small, fast, seedable PRNG (mulberry32); Math.random cannot be seeded. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = (
  'ka lo mi ra tsu ven dor el qui sta bran mo zen phi lux ar be co di fu ga he jo ku ma ne pi ro ' +
  'su ta vi wo xa ye zu an en in on un'
).split(' ');

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}

function coinWord(random: () => number): string {
  const length = 2 + Math.floor(random() * 3);
  let word = '';
  for (let n = 0; n < length; n += 1) word += pick(SYLLABLES, random);
  return word;
}

/** Distinct words of 5+ letters in the pages: the pool words are swapped for and queries come from. */
export function corpusWords(pages: readonly CorpusPage[]): string[] {
  const words = new Set<string>();
  for (const page of pages) {
    for (const match of page.text.matchAll(/\p{L}{5,}/gu)) words.add(match[0]);
  }
  return [...words].sort();
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** `count` distinct articles, generated one at a time (a 20,000-article library is ~300 MB). */
export function* syntheticArticles(
  pages: readonly CorpusPage[],
  count: number,
  seed = 1,
): Generator<NewArticle> {
  const random = randomSource(seed);
  const words = corpusWords(pages);
  const split = pages.map((page) => page.text.split(/\n{2,}/).filter((part) => part.trim() !== ''));
  for (let index = 0; index < count; index += 1) {
    const base = index % pages.length;
    const page = pages[base] as CorpusPage;
    const own = (split[base] ?? []).filter(() => random() < 0.85);
    const other = split[Math.floor(random() * pages.length)] ?? [];
    const start = Math.floor(random() * Math.max(1, other.length - 3));
    const paragraphs = [...own, ...other.slice(start, start + 1 + Math.floor(random() * 3))].map(
      (paragraph) =>
        paragraph.replace(/\p{L}{5,}/gu, (word) => {
          const roll = random();
          if (roll < 0.02) return pick(words, random);
          if (roll < 0.03) return coinWord(random);
          return word;
        }),
    );
    const text = paragraphs.join('\n\n');
    const published = new Date(Date.UTC(2010, 0, 1) + Math.floor(random() * 5800) * 86_400_000);
    yield {
      title: `${page.title.replace(/\p{L}{6,}/u, () => pick(words, random))} ${coinWord(random)}`,
      siteName: page.siteName,
      section: null,
      byline: page.byline,
      publishedTime: random() < 0.9 ? published.toISOString() : null,
      excerpt: (paragraphs[0] ?? '').slice(0, 200) || null,
      url: null,
      lang: page.lang,
      dir: null,
      sourceKind: 'html',
      fileName: `${page.name}-${index}.html`,
      contentHtml: paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n'),
      textContent: text,
      wordCount: text.split(/\s+/).filter(Boolean).length,
    };
  }
}

/** The benchmark's search queries: `count` words of the corpus, lower-cased. */
export function sampleQueries(pages: readonly CorpusPage[], count = 50, seed = 7): string[] {
  const random = randomSource(seed);
  const words = corpusWords(pages).filter((word) => /^[a-z]+$/i.test(word));
  const queries = new Set<string>();
  while (queries.size < count) queries.add(pick(words, random).toLowerCase());
  return [...queries];
}
