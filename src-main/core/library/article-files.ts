/**
 * An article version's content and text files: reading them with a check that they are what was
 * saved, and making one from the other when it is damaged or missing.
 *
 * article.json records the SHA-256 of `content-<n>.html` and `text-<n>.txt` as written, so a
 * truncated or overwritten file is noticed the first time it is read (not at open: hashing every
 * article would make a 20,000-article library slow to start). Files from before checksums are
 * checked for being UTF-8 text without NUL bytes.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isErrorCode } from './atomic-file';

/** SHA-256 of what is (or will be) written, hex. Strings are hashed as UTF-8. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export type CheckedFile =
  | { state: 'ok'; text: string; sha256: string }
  | { state: 'missing' }
  | { state: 'damaged'; reason: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a text file and checks it against its recorded digest (when there is one). Errors other
 * than "not there" (permissions, a folder in the way) are thrown: they are not damage to repair.
 */
export async function readChecked(
  path: string,
  expectedSha256: string | undefined,
): Promise<CheckedFile> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return { state: 'missing' };
    throw error;
  }
  const digest = sha256(bytes);
  if (expectedSha256 !== undefined && digest !== expectedSha256) {
    return {
      state: 'damaged',
      reason: 'it is not what was saved (truncated or overwritten)',
    };
  }
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { state: 'damaged', reason: 'it is not text' };
  }
  if (text.includes('\u0000')) return { state: 'damaged', reason: 'it holds binary data' };
  return { state: 'ok', text, sha256: digest };
}

/** Shown instead of content that could not be recovered, so the article still opens. */
export const LOST_CONTENT_HTML =
  '<p><em>The text of this article was damaged and could not be recovered. A copy of the ' +
  "damaged file is in the library's quarantine folder.</em></p>";

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/** Content HTML from plain text: a paragraph per blank-line-separated block, <br> inside. */
export function htmlFromText(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((block) => block.trim())
    .filter((block) => block !== '')
    .map(
      (block) =>
        `<p>${block.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] ?? c).replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n');
}

/**
 * Plain text from stored (already sanitized) content HTML, the way the importers make it. jsdom is
 * loaded only here, on the rare repair path, so opening a library never pays for it.
 */
export async function textFromHtml(html: string): Promise<string> {
  const [{ JSDOM }, { textFromDom }] = await Promise.all([
    import('jsdom'),
    import('../ingest/text-metrics'),
  ]);
  const dom = new JSDOM('<!doctype html><body></body>');
  try {
    const body = dom.window.document.body;
    body.innerHTML = html;
    return textFromDom(body);
  } finally {
    dom.window.close();
  }
}

/** The first heading of some content HTML, as text; null when there is none. */
export function firstHeading(html: string): string | null {
  const match = /<h[1-3][^>]*>([\s\S]*?)<\/h[1-3]>/i.exec(html);
  if (match?.[1] === undefined) return null;
  const text = match[1]
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) =>
      name === 'amp'
        ? '&'
        : name === 'lt'
          ? '<'
          : name === 'gt'
            ? '>'
            : name === 'quot'
              ? '"'
              : "'",
    )
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : text;
}
