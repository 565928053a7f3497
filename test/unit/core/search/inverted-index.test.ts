import { describe, expect, it } from 'vitest';
import { type IndexDocument, InvertedIndex } from '../../../../src-main/core/search/inverted-index';

const noPause = async () => undefined;

function doc(body: string, extra: Partial<IndexDocument> = {}): IndexDocument {
  return { title: '', meta: [], notes: [], body, ...extra };
}

function stamp(value = 's') {
  return { stamp: value, hash: `h-${value}` };
}

function ids(index: InvertedIndex, query: string): string[] {
  return index
    .search(query)
    .hits.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id))
    .map((hit) => hit.id);
}

function sample(): InvertedIndex {
  const index = new InvertedIndex();
  index.add('harbour', doc('The old harbour reopened after the storm.'), stamp());
  index.add('minecraft', doc('A Minecraft exploit crashes game servers.'), stamp());
  index.add('sudan', doc('The United States will lift Sudan sanctions.'), stamp());
  index.add('seisme', doc('Un séisme au Népal: trois Français morts.'), stamp());
  return index;
}

describe('InvertedIndex.search', () => {
  it('finds whole words, and words from their beginning (search as you type)', () => {
    const index = sample();
    expect(ids(index, 'harbour')).toEqual(['harbour']);
    expect(ids(index, 'harb')).toEqual(['harbour']);
    expect(ids(index, 'MINEC')).toEqual(['minecraft']);
    expect(index.search('harb').matchedTerms).toEqual(new Set(['harbour']));
  });

  it('forgives a typo in a word of 4+ letters, two in a word of 8+', () => {
    const index = sample();
    expect(ids(index, 'hardour')).toEqual(['harbour']);
    expect(ids(index, 'sanctoins')).toEqual(['sudan']); // a transposition is two edits
    expect(ids(index, 'snctions')).toEqual(['sudan']);
    expect(ids(index, 'xyz')).toEqual([]);
  });

  it('matches regardless of accents and requires every word', () => {
    const index = sample();
    expect(ids(index, 'seisme nepal')).toEqual(['seisme']);
    expect(ids(index, 'harbour sudan')).toEqual([]);
    expect(ids(index, 'the')).toEqual(['harbour', 'sudan']);
  });

  it('ranks a title match above a body match, and an exact word above a prefix', () => {
    const index = new InvertedIndex();
    index.add('body', doc('A report on the storm and its aftermath.'), stamp());
    index.add('title', doc('A report on the rain and its aftermath.', { title: 'Storm' }), stamp());
    index.add('prefix', doc('A report on the stormy sea and its aftermath.'), stamp());
    expect(ids(index, 'storm')).toEqual(['title', 'body', 'prefix']);
  });

  it('searches bylines, sites, tags and notes', () => {
    const index = new InvertedIndex();
    index.add('a', doc('Text.', { meta: ['Jane Doe', 'TRT World'] }), stamp());
    index.add('b', doc('Text.', { notes: ['follow-up', 'Ask the ministry'] }), stamp());
    expect(ids(index, 'jane')).toEqual(['a']);
    expect(ids(index, 'trt')).toEqual(['a']);
    expect(ids(index, 'ministry')).toEqual(['b']);
  });

  it('forgets removed documents and replaces re-added ones', () => {
    const index = sample();
    expect(index.remove('harbour')).toBe(true);
    expect(index.remove('harbour')).toBe(false);
    expect(ids(index, 'harbour')).toEqual([]);
    index.add('sudan', doc('Harbour news only.'), stamp('2'));
    expect(ids(index, 'sudan')).toEqual([]);
    expect(ids(index, 'harbour')).toEqual(['sudan']);
    expect(index.size).toBe(3);
    expect(index.stampOf('sudan')).toEqual({ stamp: '2', hash: 'h-2' });
    index.restamp('sudan', '3');
    expect(index.stampOf('sudan')?.stamp).toBe('3');
  });

  it('keeps long posting lists in order across many blocks', () => {
    const index = new InvertedIndex();
    for (let n = 0; n < 3000; n += 1) {
      index.add(`d${n}`, doc(n % 3 === 0 ? `common rare${n}` : 'common'), stamp());
    }
    expect(index.search('common').hits).toHaveLength(3000);
    expect(ids(index, 'rare2997')[0]).toBe('d2997');
    for (let n = 0; n < 3000; n += 2) index.remove(`d${n}`);
    expect(index.search('common').hits).toHaveLength(1500);
  });
});

describe('InvertedIndex snapshots', () => {
  it('round-trips: the loaded index answers like the original and takes more documents', async () => {
    const index = sample();
    index.remove('minecraft');
    const loaded = await InvertedIndex.fromSnapshot(await index.snapshot(noPause), noPause);
    for (const query of ['harb', 'hardour', 'seisme nepal', 'the', 'minecraft', 'sanctions']) {
      expect(ids(loaded, query), query).toEqual(ids(index, query));
    }
    expect(loaded.size).toBe(3);
    expect(loaded.stampOf('sudan')).toEqual(stamp());
    loaded.add('new', doc('A harbour in Sudan.'), stamp());
    loaded.add('harbour', doc('Renamed: the quay.'), stamp());
    expect(ids(loaded, 'harbour')).toEqual(['new']);
    expect(ids(loaded, 'sudan')).toEqual(['new', 'sudan']);
    expect(ids(loaded, 'quay')).toEqual(['harbour']);
  });

  it('drops terms and documents no longer in use', async () => {
    const index = sample();
    index.remove('minecraft');
    const snapshot = await index.snapshot(noPause);
    expect(snapshot.docs.ids.sort()).toEqual(['harbour', 'seisme', 'sudan']);
    expect(snapshot.terms).not.toContain('minecraft');
  });

  it('refuses snapshots whose parts do not fit together', async () => {
    const good = await sample().snapshot(noPause);
    const broken = [
      { ...good, terms: good.terms.slice(1) },
      { ...good, terms: good.terms.map((term, n) => (n === 1 ? (good.terms[0] ?? '') : term)) },
      { ...good, chunks: good.chunks.map((chunk) => chunk.subarray(0, chunk.length - 3)) },
      { ...good, docs: { ...good.docs, ids: good.docs.ids.slice(1) } },
      { ...good, chunks: good.chunks.map((chunk) => chunk.map(() => 0xff)) },
    ];
    for (const snapshot of broken) {
      await expect(InvertedIndex.fromSnapshot(snapshot, noPause)).rejects.toThrow();
    }
  });
});
