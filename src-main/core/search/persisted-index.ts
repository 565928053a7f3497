/**
 * `<root>/search-index.json`: the search index saved so that a restart loads it instead of reading
 * every article again. It is derived data, like library.json: when it is missing, unreadable, of
 * another format or out of shape, the caller rebuilds it from the library.
 *
 * ```
 * { "format": 1, "writtenAt": ISO date-time,
 *   "docs": { "ids": [...], "stamps": [...], "hashes": [...], "lengths": base64 u32[] },
 *   "terms": [...], "runLengths": base64 u32[], "postings": [base64 chunk, ...] }
 * ```
 *
 * Per-document stamps (see search-document.ts) tell the next start which articles changed since.
 * Typed arrays travel as little-endian bytes in base64: every platform Offprint ships on is
 * little-endian. The file is written piece by piece to a temp file that is renamed over the old one,
 * so a crash leaves the old index or the new one; it is not fsynced, since losing it costs only a
 * rebuild.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import * as v from 'valibot';
import { isErrorCode } from '../library/atomic-file';
import type { IndexSnapshot, Yield } from './inverted-index';

/** Bump when the tokenizer, the posting encoding or this layout changes: old files are rebuilt. */
export const SEARCH_INDEX_FORMAT = 1;

const fileSchema = v.object({
  format: v.literal(SEARCH_INDEX_FORMAT),
  writtenAt: v.string(),
  docs: v.object({
    ids: v.array(v.string()),
    stamps: v.array(v.string()),
    hashes: v.array(v.string()),
    lengths: v.string(),
  }),
  terms: v.array(v.string()),
  runLengths: v.string(),
  // Not checked as base64 here (a regex over tens of MB): the runs are checked as they are decoded.
  postings: v.array(v.string()),
});

let tempCounter = 0;

/** Writes a snapshot atomically (temp file, rename), yielding between chunks. */
export async function writeSnapshot(
  path: string,
  snapshot: IndexSnapshot,
  pause: Yield,
): Promise<void> {
  tempCounter += 1;
  // Named like the store's temp files, so an interrupted write is swept at the next open.
  const tempPath = `${path}.tmp-${process.pid}-${tempCounter}`;
  const handle = await open(tempPath, 'wx');
  try {
    const { docs } = snapshot;
    await handle.write(
      `{"format":${SEARCH_INDEX_FORMAT},"writtenAt":${JSON.stringify(new Date().toISOString())},` +
        `"docs":{"ids":${JSON.stringify(docs.ids)},"stamps":${JSON.stringify(docs.stamps)},` +
        `"hashes":${JSON.stringify(docs.hashes)},"lengths":"${toBase64(docs.lengths)}"},`,
    );
    await pause();
    await handle.write(
      `"terms":${JSON.stringify(snapshot.terms)},"runLengths":"${toBase64(snapshot.runLengths)}",` +
        `"postings":[`,
    );
    for (let index = 0; index < snapshot.chunks.length; index += 1) {
      await pause();
      const chunk = snapshot.chunks[index] as Uint8Array;
      await handle.write(`${index > 0 ? ',' : ''}"${toBase64(chunk)}"`);
    }
    await handle.write(']}\n');
    await handle.close();
    await rename(tempPath, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(tempPath).catch(() => undefined);
    throw error;
  }
}

/**
 * Reads a saved index: null when there is none, an Error saying what is wrong when it cannot be
 * used. Posting lists are checked later, as the index is rebuilt from them.
 */
export async function readSnapshot(path: string): Promise<IndexSnapshot | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('search-index.json is not valid JSON');
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== SEARCH_INDEX_FORMAT) {
    throw new Error(`search-index.json has format ${String(format)}, not ${SEARCH_INDEX_FORMAT}`);
  }
  const parsed = v.safeParse(fileSchema, raw);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const where = issue.path?.map((item) => String(item.key)).join('.') ?? '';
    throw new Error(`search-index.json is out of shape at ${where}: ${issue.message}`);
  }
  const file = parsed.output;
  return {
    docs: {
      ids: file.docs.ids,
      stamps: file.docs.stamps,
      hashes: file.docs.hashes,
      lengths: u32FromBase64(file.docs.lengths),
    },
    terms: file.terms,
    runLengths: u32FromBase64(file.runLengths),
    chunks: file.postings.map((chunk) => Buffer.from(chunk, 'base64')),
  };
}

function toBase64(bytes: Uint8Array | Uint32Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function u32FromBase64(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('search-index.json has a truncated number table');
  // A fresh buffer: Buffer.from may hand out a slice of a shared pool at an unaligned offset.
  const numbers = new Uint32Array(bytes.length / 4);
  new Uint8Array(numbers.buffer).set(bytes);
  return numbers;
}
