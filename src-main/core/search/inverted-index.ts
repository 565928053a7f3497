/**
 * The full-text index: a term dictionary with prefix and typo-tolerant lookup, and compact posting
 * lists.
 *
 * Why not MiniSearch's own index: measured on 20,000 articles built from the corpus (159 M
 * characters), MiniSearch held ~900 MB of heap (a Map entry per term and document) and its JSON
 * took 6.6 s to write and 5.5 s to load, against a budget of 350 MB for the whole process. The
 * dictionary is still MiniSearch's radix tree (`minisearch/SearchableMap`: prefix and Levenshtein
 * lookup are the hard part); only the postings are ours, as bytes:
 *
 * - A posting is the gap to the previous document number (a varint, usually one byte) and one byte
 *   for where the term occurs: its count in the body (0-31) and flags for title, byline/site, and
 *   tags/notes/highlights. About 3 bytes per (term, article) pair instead of ~75.
 * - Postings loaded from disk sit in a few large chunks ("frozen" runs, one per term). Postings added
 *   during the session go to a chain of small blocks per term, carved from 1 MiB pages, so adding an
 *   article never copies the index.
 * - Removing or replacing an article only forgets its document number; its postings are skipped when
 *   read and dropped when the index is next written (`snapshot`), which also renumbers the documents.
 */
import SearchableMap from 'minisearch/SearchableMap';
import { forEachTerm, queryTerms } from './tokenize';

/** What the index stores of an article, per field. */
export interface IndexDocument {
  title: string;
  /** Byline and site name. */
  meta: readonly string[];
  /** Tags, note bodies and highlighted passages. */
  notes: readonly string[];
  body: string;
}

/** What the caller keeps with each document to know, later, whether it must be indexed again. */
export interface DocumentStamp {
  /** Cheap to compute from the library's summary; differs when the article may have changed. */
  stamp: string;
  /** Hash of the indexed content; equal means re-indexing would change nothing. */
  hash: string;
}

export interface SearchHit {
  id: string;
  score: number;
}

export interface SearchOutcome {
  /** Every document that matches all query words, unordered. */
  hits: SearchHit[];
  /** Index terms that matched (exactly, by prefix or with a typo): what a snippet highlights. */
  matchedTerms: Set<string>;
}

/** The serialized form (see persisted-index.ts); document i + 1 is `docs.ids[i]`. */
export interface IndexSnapshot {
  docs: { ids: string[]; lengths: Uint32Array; stamps: string[]; hashes: string[] };
  /** Terms with at least one posting, in the order of their runs. */
  terms: string[];
  /** Bytes of each term's run. */
  runLengths: Uint32Array;
  /** The runs back to back; a run never spans two chunks (see `placeRuns`). */
  chunks: Uint8Array[];
}

/** Lets long operations give the event loop a turn; resolves when work may go on. */
export type Yield = () => Promise<void>;

const PAGE_BITS = 20;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/** Block header: next block (u32, 0 = none), bytes used (u16), capacity (u16). */
const BLOCK_HEADER = 8;
const FIRST_BLOCK = 8;
const LARGEST_BLOCK = 4096;
/** Most bytes one posting takes: a 5-byte varint and the value byte. */
const LONGEST_POSTING = 6;
/** Snapshot chunks are about this big (a single longer run gets a chunk of its own). */
const CHUNK_TARGET = 1 << 20;
/** Document numbers stay below 2^28 so that varint decoding never leaves 32-bit integers. */
const MAX_DOCUMENT_NUMBER = 2 ** 28;

const COUNT_MASK = 0x1f;
const IN_TITLE = 0x20;
const IN_META = 0x40;
const IN_NOTES = 0x80;

/** Field weights on top of the body's BM25 term weight. */
const TITLE_BOOST = 2;
const NOTES_BOOST = 1.5;
const META_BOOST = 1;
const BM25_K1 = 1.2;
const BM25_B = 0.75;

/** Query words beyond this many are ignored (the contract allows 500 characters). */
export const MAX_QUERY_WORDS = 16;
/** Shortest query word that also matches longer words starting with it. */
const MIN_PREFIX_LENGTH = 2;
/** Most dictionary words one query word expands to, by prefix and by typo (the commonest win). */
const MAX_PREFIX_EXPANSIONS = 60;
const MAX_FUZZY_EXPANSIONS = 30;
/** A completion counts 0.3-0.6 of an exact match (more the less is missing), a typo 0.4. */
const PREFIX_WEIGHT = 0.3;
const FUZZY_WEIGHT = 0.4;

/** A full-text index over documents identified by string ids. */
export class InvertedIndex {
  /** Term -> term number, for prefix and typo lookups. */
  readonly #dictionary = new SearchableMap<number>();
  /** The same for exact lookups, which indexing does for every word: a hash beats the tree 4:1. */
  readonly #numbers = new Map<string, number>();
  /** By term number. */
  readonly #terms: string[] = [];
  #docFreq = new Uint32Array(1024);
  #lastDoc = new Uint32Array(1024);
  #head = new Uint32Array(1024);
  #tail = new Uint32Array(1024);
  /** Frozen run of a term: chunk index + 1 (0 = none), start, length. */
  #frozenChunk = new Uint32Array(1024);
  #frozenStart = new Uint32Array(1024);
  #frozenLength = new Uint32Array(1024);
  #chunks: Uint8Array[] = [];
  readonly #pages: Uint8Array[] = [];
  #pageUsed = 0;

  /** By document number; number 0 is never used, so that a gap is never 0. */
  readonly #docIds: (string | undefined)[] = [undefined];
  #docLength = new Uint32Array(1024);
  readonly #docStamps: string[] = [''];
  readonly #docHashes: string[] = [''];
  readonly #byId = new Map<string, number>();
  #liveCount = 0;
  #liveLength = 0;

  /** Number of documents. */
  get size(): number {
    return this.#liveCount;
  }

  /** Number of distinct terms ever indexed (this session or the loaded snapshot). */
  get termCount(): number {
    return this.#terms.length;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Every indexed id. */
  ids(): string[] {
    return [...this.#byId.keys()];
  }

  stampOf(id: string): DocumentStamp | undefined {
    const doc = this.#byId.get(id);
    if (doc === undefined) return undefined;
    return { stamp: this.#docStamps[doc] ?? '', hash: this.#docHashes[doc] ?? '' };
  }

  /** Records that a document is current as of `stamp` without indexing it again. */
  restamp(id: string, stamp: string): void {
    const doc = this.#byId.get(id);
    if (doc !== undefined) this.#docStamps[doc] = stamp;
  }

  /** Adds a document, replacing any with the same id. */
  add(id: string, document: IndexDocument, stamp: DocumentStamp): void {
    this.remove(id);
    const doc = this.#docIds.length;
    if (doc >= MAX_DOCUMENT_NUMBER) {
      throw new RangeError('The search index needs rewriting before it takes more documents.');
    }
    const values = new Map<string, number>();
    let length = 0;
    forEachTerm(document.body, (term) => {
      length += 1;
      const value = values.get(term) ?? 0;
      if ((value & COUNT_MASK) < COUNT_MASK) values.set(term, value + 1);
    });
    const flag = (text: string, bit: number) =>
      forEachTerm(text, (term) => {
        values.set(term, (values.get(term) ?? 0) | bit);
      });
    flag(document.title, IN_TITLE);
    for (const text of document.meta) flag(text, IN_META);
    for (const text of document.notes) flag(text, IN_NOTES);

    for (const [term, value] of values) this.#append(this.#termNumber(term), doc, value);
    this.#docIds.push(id);
    this.#docStamps.push(stamp.stamp);
    this.#docHashes.push(stamp.hash);
    this.#docLength = ensureLength(this.#docLength, doc + 1);
    this.#docLength[doc] = length;
    this.#byId.set(id, doc);
    this.#liveCount += 1;
    this.#liveLength += length;
  }

  /** Forgets a document; its postings are skipped from now on. Returns whether it was there. */
  remove(id: string): boolean {
    const doc = this.#byId.get(id);
    if (doc === undefined) return false;
    this.#byId.delete(id);
    this.#docIds[doc] = undefined;
    this.#docStamps[doc] = '';
    this.#docHashes[doc] = '';
    this.#liveCount -= 1;
    this.#liveLength -= this.#docLength[doc] ?? 0;
    return true;
  }

  /**
   * Documents matching every word of `text`. A word matches a dictionary term equal to it, starting
   * with it, or (4+ letters) one typo away from it (two typos from 8 letters). Scores are BM25 on
   * the body plus field boosts, weighted down for prefix and typo matches.
   */
  search(text: string): SearchOutcome {
    const matchedTerms = new Set<string>();
    const words = queryTerms(text).slice(0, MAX_QUERY_WORDS);
    if (words.length === 0 || this.#liveCount === 0) return { hits: [], matchedTerms };
    const expanded = words.map((word) => this.#expand(word));
    if (expanded.some((expansions) => expansions.length === 0)) return { hits: [], matchedTerms };
    // Rarest word first: later words then only look at documents still in the running.
    expanded.sort((a, b) => postingCount(a, this.#docFreq) - postingCount(b, this.#docFreq));

    const docCount = this.#docIds.length;
    const total = new Float64Array(docCount);
    const wordsMatched = new Uint8Array(docCount);
    const averageLength = this.#liveLength / this.#liveCount || 1;
    let touched: number[] = [];
    for (let wordIndex = 0; wordIndex < expanded.length; wordIndex += 1) {
      const best = new Float32Array(docCount);
      const touchedNow: number[] = [];
      const expansions = expanded[wordIndex] ?? [];
      // One rarity per query word, from everything it matches: a rare completion or typo must not
      // outweigh the word itself.
      const docFreq = Math.min(this.#liveCount, postingCount(expansions, this.#docFreq));
      const idf = Math.max(0.01, Math.log(1 + (this.#liveCount - docFreq + 0.5) / (docFreq + 0.5)));
      for (const expansion of expansions) {
        const weight = expansion.weight * idf;
        let matched = false;
        this.#forEachPosting(expansion.term, (doc, value) => {
          if (this.#docIds[doc] === undefined) return;
          if (wordsMatched[doc] !== wordIndex) return;
          matched = true;
          const score = weight * fieldScore(value, this.#docLength[doc] ?? 0, averageLength);
          const previous = best[doc] ?? 0;
          if (score > previous) {
            if (previous === 0) touchedNow.push(doc);
            best[doc] = score;
          }
        });
        if (matched) matchedTerms.add(this.#terms[expansion.term] ?? '');
      }
      for (const doc of touchedNow) {
        total[doc] = (total[doc] ?? 0) + (best[doc] ?? 0);
        wordsMatched[doc] = wordIndex + 1;
      }
      touched = touchedNow;
      if (touched.length === 0) return { hits: [], matchedTerms: new Set() };
    }
    const hits = touched.map((doc) => ({ id: this.#docIds[doc] ?? '', score: total[doc] ?? 0 }));
    return { hits, matchedTerms };
  }

  /**
   * The index without forgotten documents, renumbered, as runs ready to be written. The index must
   * not change until the returned promise settles (callers queue their changes behind it).
   */
  async snapshot(pause: Yield): Promise<IndexSnapshot> {
    const renumbered = new Uint32Array(this.#docIds.length);
    const docs: IndexSnapshot['docs'] = {
      ids: [],
      lengths: new Uint32Array(this.#liveCount),
      stamps: [],
      hashes: [],
    };
    for (let doc = 1; doc < this.#docIds.length; doc += 1) {
      const id = this.#docIds[doc];
      if (id === undefined) continue;
      docs.lengths[docs.ids.length] = this.#docLength[doc] ?? 0;
      docs.ids.push(id);
      docs.stamps.push(this.#docStamps[doc] ?? '');
      docs.hashes.push(this.#docHashes[doc] ?? '');
      renumbered[doc] = docs.ids.length;
    }

    const terms: string[] = [];
    const runLengths: number[] = [];
    const chunks: Uint8Array[] = [];
    let chunk = new Uint8Array(CHUNK_TARGET);
    let used = 0;
    let run = new Uint8Array(256);
    for (let term = 0; term < this.#terms.length; term += 1) {
      let length = 0;
      let previous = 0;
      this.#forEachPosting(term, (doc, value) => {
        const now = renumbered[doc] ?? 0;
        if (now === 0) return;
        if (length + LONGEST_POSTING > run.length) run = growBytes(run, length + LONGEST_POSTING);
        length = writeVarint(run, length, now - previous);
        run[length] = value;
        length += 1;
        previous = now;
      });
      if (length === 0) continue;
      if (used + length > chunk.length) {
        if (used > 0) chunks.push(chunk.subarray(0, used));
        chunk = new Uint8Array(Math.max(CHUNK_TARGET, length));
        used = 0;
      }
      chunk.set(run.subarray(0, length), used);
      used += length;
      terms.push(this.#terms[term] ?? '');
      runLengths.push(length);
      if (term % 4096 === 4095) await pause();
    }
    if (used > 0) chunks.push(chunk.subarray(0, used));
    return { docs, terms, runLengths: Uint32Array.from(runLengths), chunks };
  }

  /**
   * Rebuilds an index from a snapshot, checking every run: throws when anything is out of shape
   * (the caller then rebuilds from the library).
   */
  static async fromSnapshot(snapshot: IndexSnapshot, pause: Yield): Promise<InvertedIndex> {
    const { docs, terms, runLengths, chunks } = snapshot;
    const docCount = docs.ids.length;
    if (
      docs.lengths.length !== docCount ||
      docs.stamps.length !== docCount ||
      docs.hashes.length !== docCount ||
      runLengths.length !== terms.length
    ) {
      throw new Error('the document or term tables do not line up');
    }
    const index = new InvertedIndex();
    for (let doc = 0; doc < docCount; doc += 1) {
      const id = docs.ids[doc] ?? '';
      if (index.#byId.has(id)) throw new Error(`document ${id} appears twice`);
      index.#docIds.push(id);
      index.#docStamps.push(docs.stamps[doc] ?? '');
      index.#docHashes.push(docs.hashes[doc] ?? '');
      index.#byId.set(id, doc + 1);
      index.#liveLength += docs.lengths[doc] ?? 0;
    }
    index.#docLength = ensureLength(new Uint32Array(0), docCount + 1);
    index.#docLength.set(docs.lengths, 1);
    index.#liveCount = docCount;
    index.#chunks = chunks;

    const places = placeRuns(runLengths, chunks);
    for (let term = 0; term < terms.length; term += 1) {
      const text = terms[term] ?? '';
      if (text.length === 0 || index.#numbers.has(text)) {
        throw new Error(`term ${JSON.stringify(text)} is empty or repeated`);
      }
      const number = index.#termNumber(text);
      const place = places[term];
      if (place === undefined) throw new Error('a term has no postings');
      index.#frozenChunk[number] = place.chunk + 1;
      index.#frozenStart[number] = place.start;
      index.#frozenLength[number] = place.length;
      // Decoding every run checks it and yields the document frequency and the last document.
      let count = 0;
      let last = 0;
      index.#forEachPosting(number, (doc) => {
        if (doc <= last || doc > docCount) throw new Error(`term ${text} has a bad posting list`);
        count += 1;
        last = doc;
      });
      index.#docFreq[number] = count;
      index.#lastDoc[number] = last;
      if (term % 4096 === 4095) await pause();
    }
    return index;
  }

  #termNumber(term: string): number {
    const known = this.#numbers.get(term);
    if (known !== undefined) return known;
    const number = this.#terms.length;
    this.#terms.push(term);
    this.#numbers.set(term, number);
    this.#dictionary.set(term, number);
    if (number >= this.#docFreq.length) {
      const size = number * 2;
      this.#docFreq = ensureLength(this.#docFreq, size);
      this.#lastDoc = ensureLength(this.#lastDoc, size);
      this.#head = ensureLength(this.#head, size);
      this.#tail = ensureLength(this.#tail, size);
      this.#frozenChunk = ensureLength(this.#frozenChunk, size);
      this.#frozenStart = ensureLength(this.#frozenStart, size);
      this.#frozenLength = ensureLength(this.#frozenLength, size);
    }
    return number;
  }

  /** Appends one posting to a term's block chain. */
  #append(term: number, doc: number, value: number): void {
    const gap = doc - (this.#lastDoc[term] ?? 0);
    const size = varintSize(gap) + 1;
    let block = this.#tail[term] ?? 0;
    let page: Uint8Array | undefined;
    let at = 0;
    let used = 0;
    if (block === 0) {
      block = this.#allocate(FIRST_BLOCK);
      this.#head[term] = block;
      this.#tail[term] = block;
    } else {
      page = this.#pages[block >>> PAGE_BITS] as Uint8Array;
      at = block & PAGE_MASK;
      used = readU16(page, at + 4);
      const capacity = readU16(page, at + 6);
      if (used + size > capacity) {
        const next = this.#allocate(Math.max(size, Math.min(LARGEST_BLOCK, capacity * 2)));
        writeU32(page, at, next);
        block = next;
        this.#tail[term] = block;
        page = undefined;
        used = 0;
      }
    }
    page ??= this.#pages[block >>> PAGE_BITS] as Uint8Array;
    at = block & PAGE_MASK;
    let cursor = writeVarint(page, at + BLOCK_HEADER + used, gap);
    page[cursor] = value;
    cursor += 1;
    writeU16(page, at + 4, cursor - at - BLOCK_HEADER);
    this.#lastDoc[term] = doc;
    this.#docFreq[term] = (this.#docFreq[term] ?? 0) + 1;
  }

  /** Carves a block with room for `capacity` bytes of postings; returns its address. */
  #allocate(capacity: number): number {
    const size = BLOCK_HEADER + capacity;
    if (this.#pages.length === 0 || this.#pageUsed + size > PAGE_SIZE) {
      this.#pages.push(new Uint8Array(PAGE_SIZE));
      // Address 0 means "no block": the first page starts one header in.
      this.#pageUsed = this.#pages.length === 1 ? BLOCK_HEADER : 0;
    }
    const address = (this.#pages.length - 1) * PAGE_SIZE + this.#pageUsed;
    const page = this.#pages[this.#pages.length - 1] as Uint8Array;
    const at = this.#pageUsed;
    writeU32(page, at, 0);
    writeU16(page, at + 4, 0);
    writeU16(page, at + 6, capacity);
    this.#pageUsed += size;
    return address;
  }

  #forEachPosting(term: number, visit: (doc: number, value: number) => void): void {
    let doc = 0;
    const frozenChunk = this.#frozenChunk[term] ?? 0;
    if (frozenChunk !== 0) {
      const bytes = this.#chunks[frozenChunk - 1] as Uint8Array;
      const start = this.#frozenStart[term] ?? 0;
      doc = decodeRun(bytes, start, start + (this.#frozenLength[term] ?? 0), doc, visit);
    }
    let block = this.#head[term] ?? 0;
    while (block !== 0) {
      const page = this.#pages[block >>> PAGE_BITS] as Uint8Array;
      const at = block & PAGE_MASK;
      const start = at + BLOCK_HEADER;
      doc = decodeRun(page, start, start + readU16(page, at + 4), doc, visit);
      block = readU32(page, at);
    }
  }

  /** The dictionary terms a query word stands for, with how much a match on each counts. */
  #expand(word: string): { term: number; weight: number }[] {
    const expansions: { term: number; weight: number }[] = [];
    const seen = new Set<number>();
    const exact = this.#numbers.get(word);
    if (exact !== undefined) {
      expansions.push({ term: exact, weight: 1 });
      seen.add(exact);
    }
    if (word.length >= MIN_PREFIX_LENGTH) {
      const longer: { term: number; weight: number }[] = [];
      for (const [term, number] of this.#dictionary.atPrefix(word)) {
        if (seen.has(number)) continue;
        longer.push({ term: number, weight: PREFIX_WEIGHT * (1 + word.length / term.length) });
      }
      for (const expansion of this.#commonest(longer, MAX_PREFIX_EXPANSIONS)) {
        expansions.push(expansion);
        seen.add(expansion.term);
      }
    }
    const typos = word.length >= 8 ? 2 : word.length >= 4 ? 1 : 0;
    if (typos > 0) {
      const near: { term: number; weight: number }[] = [];
      for (const [number, distance] of this.#dictionary.fuzzyGet(word, typos).values()) {
        if (seen.has(number) || distance === 0) continue;
        near.push({ term: number, weight: FUZZY_WEIGHT / distance });
      }
      expansions.push(...this.#commonest(near, MAX_FUZZY_EXPANSIONS));
    }
    return expansions.filter((expansion) => (this.#docFreq[expansion.term] ?? 0) > 0);
  }

  #commonest<T extends { term: number }>(items: T[], limit: number): T[] {
    if (items.length <= limit) return items;
    const freq = this.#docFreq;
    return items.sort((a, b) => (freq[b.term] ?? 0) - (freq[a.term] ?? 0)).slice(0, limit);
  }
}

/** Where each term's run lies in the chunks, following the rule `snapshot` writes them by. */
function placeRuns(
  runLengths: Uint32Array,
  chunks: readonly Uint8Array[],
): { chunk: number; start: number; length: number }[] {
  const places: { chunk: number; start: number; length: number }[] = [];
  let chunk = 0;
  let cursor = 0;
  for (const length of runLengths) {
    if (length === 0) throw new Error('a term has an empty run');
    if (cursor + length > (chunks[chunk]?.length ?? 0)) {
      chunk += 1;
      cursor = 0;
      if (length > (chunks[chunk]?.length ?? 0)) throw new Error('the postings are cut short');
    }
    places.push({ chunk, start: cursor, length });
    cursor += length;
  }
  if (chunks.length > 0 && (chunk !== chunks.length - 1 || cursor !== chunks[chunk]?.length)) {
    throw new Error('the postings have bytes no term owns');
  }
  return places;
}

function fieldScore(value: number, length: number, averageLength: number): number {
  const count = value & COUNT_MASK;
  let score = 0;
  if (count > 0) {
    const norm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / averageLength);
    score += (count * (BM25_K1 + 1)) / (count + norm);
  }
  if (value & IN_TITLE) score += TITLE_BOOST;
  if (value & IN_NOTES) score += NOTES_BOOST;
  if (value & IN_META) score += META_BOOST;
  return score;
}

function postingCount(expansions: { term: number }[], docFreq: Uint32Array): number {
  let count = 0;
  for (const expansion of expansions) count += docFreq[expansion.term] ?? 0;
  return count;
}

/** Decodes postings from `bytes[start, end)`; returns the last document number. */
function decodeRun(
  bytes: Uint8Array,
  start: number,
  end: number,
  previous: number,
  visit: (doc: number, value: number) => void,
): number {
  let at = start;
  let doc = previous;
  while (at < end) {
    let gap = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at] ?? 0;
      at += 1;
      gap |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    doc += gap;
    visit(doc, bytes[at] ?? 0);
    at += 1;
  }
  return doc;
}

function writeVarint(bytes: Uint8Array, at: number, value: number): number {
  let rest = value;
  let cursor = at;
  while (rest >= 0x80) {
    bytes[cursor] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
    cursor += 1;
  }
  bytes[cursor] = rest;
  return cursor + 1;
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest >>>= 7) size += 1;
  return size;
}

function readU16(bytes: Uint8Array, at: number): number {
  return (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
}

function writeU16(bytes: Uint8Array, at: number, value: number): void {
  bytes[at] = value & 0xff;
  bytes[at + 1] = value >>> 8;
}

function readU32(bytes: Uint8Array, at: number): number {
  return (readU16(bytes, at) | (readU16(bytes, at + 2) << 16)) >>> 0;
}

function writeU32(bytes: Uint8Array, at: number, value: number): void {
  writeU16(bytes, at, value & 0xffff);
  writeU16(bytes, at + 2, value >>> 16);
}

function ensureLength(array: Uint32Array<ArrayBuffer>, length: number): Uint32Array<ArrayBuffer> {
  if (array.length >= length) return array;
  const grown = new Uint32Array(Math.max(length, array.length * 2, 16));
  grown.set(array);
  return grown;
}

function growBytes(bytes: Uint8Array<ArrayBuffer>, length: number): Uint8Array<ArrayBuffer> {
  const grown = new Uint8Array(Math.max(length, bytes.length * 2));
  grown.set(bytes);
  return grown;
}
