/**
 * Search snippets arrive as plain text plus the ranges of the words that matched. They are cut here
 * into plain and marked pieces, which the view renders as text nodes and <mark> elements, so text
 * from an article never reaches the page as markup.
 */

/** A piece of a snippet: plain text, or a matched word to be marked. */
export interface SnippetPart {
  text: string;
  marked: boolean;
}

/**
 * Splits `text` into plain and marked parts at the `highlights` ranges ([start, end), in UTF-16
 * units, as JavaScript strings count). Ranges may come unsorted, overlapping, or reaching past the
 * text (main and renderer could disagree after an edit): they are sorted, merged and clipped, and
 * empty or inverted ones are ignored, so the parts always join back into exactly `text`.
 */
export function snippetParts(
  text: string,
  highlights: readonly (readonly [number, number])[],
): SnippetPart[] {
  const ranges = highlights
    .map(([start, end]): [number, number] => [
      Math.max(0, Math.floor(start)),
      Math.min(text.length, Math.ceil(end)),
    ])
    .filter(([start, end]) => Number.isFinite(start) && Number.isFinite(end) && end > start)
    .sort((a, b) => a[0] - b[0]);

  const parts: SnippetPart[] = [];
  let cursor = 0;
  for (const [start, end] of ranges) {
    if (end <= cursor) continue;
    const from = Math.max(start, cursor);
    if (from > cursor) parts.push({ text: text.slice(cursor, from), marked: false });
    const last = parts.at(-1);
    // Touching or overlapping ranges become one mark: "Istanbul deal", not "Istanbul" "deal".
    if (last?.marked && from === cursor) last.text += text.slice(from, end);
    else parts.push({ text: text.slice(from, end), marked: true });
    cursor = end;
  }
  if (cursor < text.length) parts.push({ text: text.slice(cursor), marked: false });
  return parts;
}
