/**
 * What of an article goes into the search index, in one place: title; byline and site; tags, notes
 * and highlighted passages; the body text. Annotations enter through `annotationTexts` only.
 */
import { createHash } from 'node:crypto';
import type { Annotation, ArticleSummary } from '../../shared/model';
import type { DocumentStamp, IndexDocument } from './inverted-index';

/** The searchable words of an article's annotations: each highlighted passage and each note. */
export function annotationTexts(annotations: readonly Annotation[]): string[] {
  const texts: string[] = [];
  for (const annotation of annotations) {
    const quote = annotation.target.selector[0].exact;
    if (quote) texts.push(quote);
    if (annotation.body?.value) texts.push(annotation.body.value);
  }
  return texts;
}

/** The index document of an article: summary fields, body text and annotations. */
export function toIndexDocument(
  summary: ArticleSummary,
  text: string,
  annotations: readonly Annotation[] = [],
): IndexDocument {
  return {
    title: summary.title,
    meta: [summary.byline, summary.siteName].filter((value): value is string => !!value),
    notes: [...summary.tags, ...annotationTexts(annotations)],
    body: text,
  };
}

/**
 * Changes whenever anything the index holds of the article may have changed, without reading any
 * file: the store bumps `updatedAt` on every change to article.json (state, tags, a new version),
 * and keeps `annotationCount` in the summary. Editing a note changes neither (only
 * annotations.json is written), so articles with annotations are re-read at each start and the
 * content hash decides (library-search.ts).
 */
export function summaryStamp(summary: ArticleSummary): string {
  return `${summary.updatedAt}|${summary.annotationCount}|${summary.tags.join('\u001f')}`;
}

/** The stamp and content hash of an index document (the hash says whether re-indexing is needed). */
export function documentStamp(summary: ArticleSummary, document: IndexDocument): DocumentStamp {
  const hash = createHash('sha1');
  // A separator no field can contain keeps ("ab", "c") and ("a", "bc") apart.
  for (const part of [document.title, ...document.meta, '\u0000', ...document.notes]) {
    hash.update(part).update('\u0000');
  }
  hash.update(document.body);
  return { stamp: summaryStamp(summary), hash: hash.digest('base64') };
}
