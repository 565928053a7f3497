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
 * little-endian. The file is written piece by piece to a temp file that is renamed over the old one
 * (the store's writeFileAtomic), so a crash leaves the old index or the new one.
 */
import { readFile } from 'node:fs/promises';
import * as v from 'valibot';
import { isErrorCode, writeFileAtomic } from '../library/atomic-file';
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
  // Read separately (postingChunks); always [] here.
  postings: v.tuple([]),
});

/** Writes a snapshot atomically (temp file, rename), in small pieces, yielding between them. */
export async function writeSnapshot(
  path: string,
  snapshot: IndexSnapshot,
  pause: Yield,
): Promise<void> {
  await writeFileAtomic(path, snapshotPieces(snapshot, pause));
}

/**
 * The file as pieces of at most ~64 KB: strings of a megabyte or more each take a trip through
 * V8's large-object space, and a 20,000-article index is ~30 MB of them.
 */
async function* snapshotPieces(snapshot: IndexSnapshot, pause: Yield): AsyncGenerator<string> {
  const { docs } = snapshot;
  yield `{"format":${SEARCH_INDEX_FORMAT},"writtenAt":${JSON.stringify(new Date().toISOString())},"docs":{"ids":`;
  yield* jsonArray(docs.ids);
  yield ',"stamps":';
  yield* jsonArray(docs.stamps);
  yield ',"hashes":';
  yield* jsonArray(docs.hashes);
  yield ',"lengths":"';
  yield* base64Pieces(docs.lengths);
  yield '"},"terms":';
  yield* jsonArray(snapshot.terms);
  yield ',"runLengths":"';
  yield* base64Pieces(snapshot.runLengths);
  yield '","postings":[';
  for (let index = 0; index < snapshot.chunks.length; index += 1) {
    await pause();
    yield index > 0 ? ',"' : '"';
    yield* base64Pieces(snapshot.chunks[index] as Uint8Array);
    yield '"';
  }
  yield ']}\n';
}

function* jsonArray(items: readonly string[]): Generator<string> {
  yield '[';
  for (let at = 0; at < items.length; at += 1000) {
    const piece = JSON.stringify(items.slice(at, at + 1000)).slice(1, -1);
    yield at > 0 && piece !== '' ? `,${piece}` : piece;
  }
  yield ']';
}

/** Base64 of `bytes` in pieces; 48 KiB is a multiple of 3, so the pieces join into one base64. */
function* base64Pieces(bytes: Uint8Array | Uint32Array): Generator<string> {
  const all = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < all.length; at += 48 * 1024) {
    yield all.subarray(at, at + 48 * 1024).toString('base64');
  }
}

/**
 * Reads a saved index: null when there is none, an Error saying what is wrong when it cannot be
 * used. Posting lists are checked later, as the index is rebuilt from them.
 */
export async function readSnapshot(path: string, pause: Yield): Promise<IndexSnapshot | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return null;
    throw error;
  }
  // The postings (most of the file) are the last field: everything before them is parsed as JSON,
  // the chunks are decoded one by one straight from the bytes. Parsing the whole file held it
  // twice more as strings (~60 MB at 20,000 articles) and blocked for one long JSON.parse.
  // (Base64 has no quotes, so the last occurrence of the key is the key.)
  const at = bytes.lastIndexOf(POSTINGS_KEY);
  let raw: unknown;
  try {
    if (at < 0) throw new Error('no postings');
    raw = JSON.parse(`${bytes.toString('utf8', 0, at)}"postings":[]}`);
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
    chunks: await postingChunks(bytes, at + POSTINGS_KEY.length, pause),
  };
}

const POSTINGS_KEY = '"postings":[';
const QUOTE = 0x22;

/** Decodes `"chunk","chunk",...]}` from `bytes` at `start`; throws when it is not that. */
async function postingChunks(bytes: Buffer, start: number, pause: Yield): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  let at = start;
  while (bytes[at] === QUOTE) {
    const end = bytes.indexOf(QUOTE, at + 1);
    if (end < 0) throw new Error('search-index.json is cut short');
    // Not checked as base64 (a regex over tens of MB): the runs are checked as they are decoded.
    chunks.push(Buffer.from(bytes.toString('latin1', at + 1, end), 'base64'));
    at = end + 1;
    if (bytes[at] === 0x2c) at += 1;
    await pause();
  }
  if (bytes.toString('latin1', at, at + 2) !== ']}') {
    throw new Error('search-index.json does not end as written');
  }
  return chunks;
}

function u32FromBase64(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new Error('search-index.json has a truncated number table');
  // A fresh buffer: Buffer.from may hand out a slice of a shared pool at an unaligned offset.
  const numbers = new Uint32Array(bytes.length / 4);
  new Uint8Array(numbers.buffer).set(bytes);
  return numbers;
}
