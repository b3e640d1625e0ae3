import { describe, expect, it } from 'vitest';
import type { Document } from '../../types/document.ts';
import { defaultSettings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import type { DocumentSource, SearchParams } from '../types.ts';
import { prefixCachePolicy } from './prefix-cache.ts';
import { MAX_PREFIX_DERIVATIONS } from './query-terms.ts';
import { parseSearchQuery } from './search.ts';

/**
 * Carrying one-word rankings over writes (ranked-carry.ts), case by case; the property test in
 * ranked-word.test.ts checks random writes. Each case compares the page with a search that
 * builds no ranking, and checks whether the ranking was carried or built again.
 */
interface Indexed {
  core: SearchCore;
  source: DocumentSource;
  put(id: string, d: Document): void;
  drop(id: string): void;
  /** The search as a core given the same writes answers it with every read cache dropped. */
  fresh(params: SearchParams): unknown;
}

function index(docs: Array<[string, Document]>): Indexed {
  const store = new Map<string, Document>();
  const settings = { ...defaultSettings(), searchableAttributes: ['title', 'body'] };
  const core = new SearchCore(settings, 'id');
  const reference = new SearchCore(settings, 'id');
  const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
  const put = (id: string, d: Document): void => {
    store.set(id, { id, ...d });
    core.upsert(id, { id, ...d });
    reference.upsert(id, { id, ...d });
  };
  const drop = (id: string): void => {
    store.delete(id);
    core.remove(id);
    reference.remove(id);
  };
  for (const [id, d] of docs) put(id, d);
  const fresh = (params: SearchParams): unknown => {
    reference.search({ q: '', limit: 0 }, source);
    reference.dropReadCaches();
    prefixCachePolicy.rankedWords = false;
    try {
      const { processingTimeMs: _t, ...rest } = reference.search(params, source);
      return rest;
    } finally {
      prefixCachePolicy.rankedWords = true;
    }
  };
  return { core, source, put, drop, fresh };
}

function cached(core: SearchCore, source: DocumentSource, params: SearchParams): unknown {
  const { processingTimeMs: _t, ...rest } = core.search(params, source);
  return rest;
}

const docs: Array<[string, Document]> = [
  ['1', { title: 'garden tools', body: 'rake and spade' }],
  ['2', { title: 'kitchen tools', body: 'knife' }],
  ['3', { title: 'garden', body: 'roses and tulips' }],
  ['4', { title: 'tulip bulbs', body: 'for the garden' }],
];

describe('rankings carried over writes', () => {
  it('are carried over writes of documents without the word, and over removals', () => {
    const { core, source, put, drop, fresh } = index(docs);
    const params = { q: 'garden' };
    const before = cached(core, source, params);
    put('5', { title: 'kitchen sink', body: 'steel' });
    drop('2');
    expect(cached(core, source, params)).toEqual(before);
    expect(core.prefixCache.carryStats).toEqual({ carried: 1, dropped: 0 });
    // A ranked document removed: it leaves the ranking, the others keep their order.
    drop('1');
    expect(cached(core, source, params)).toEqual(fresh(params));
    expect(core.prefixCache.carryStats).toEqual({ carried: 2, dropped: 0 });
  });

  it('are built again when an added document holds the word, a typo or a prefix of it', () => {
    const { core, source, put, fresh } = index(docs);
    for (const [q, text] of [['garden', 'gardens'], ['garden', 'garxen'], ['tulip', 'tulip']] as const) {
      cached(core, source, { q });
      put(`new-${q}-${text}`, { title: 'x', body: text });
      const dropped = core.prefixCache.carryStats.dropped;
      expect(cached(core, source, { q })).toEqual(fresh({ q }));
      expect(core.prefixCache.carryStats.dropped).toBe(dropped + 1);
    }
  });

  it('are built again when a removal lets another word into the derivations', () => {
    // MAX_PREFIX_DERIVATIONS + 1 words extend "abcde", one per document: the query takes the
    // first 1000. Removing one of them brings the last word's document in: no document with the
    // word was added, yet the derivations changed.
    const words = Array.from({ length: MAX_PREFIX_DERIVATIONS + 1 }, (_, i) => `abcde${String(i).padStart(4, '0')}x`);
    const { core, source, drop, fresh } = index(words.map((w, i) => [`w${i}`, { title: w }]));
    const params = { q: 'abcde', limit: 5, offset: 995 };
    cached(core, source, params);
    drop('w3');
    expect(cached(core, source, params)).toEqual(fresh(params));
    expect((cached(core, source, params) as { estimatedTotalHits: number }).estimatedTotalHits).toBe(MAX_PREFIX_DERIVATIONS);
    expect(core.prefixCache.carryStats).toEqual({ carried: 0, dropped: 1 });
  });

  it('are not carried over settings changes, renumbering or dropped read caches', () => {
    const { core, source, fresh } = index(docs);
    cached(core, source, { q: 'garden' });
    core.dropReadCaches();
    cached(core, source, { q: 'garden' });
    expect(core.prefixCache.carryStats).toEqual({ carried: 0, dropped: 0 });
    core.applySettings({ ...core.settings, rankingRules: ['exactness', 'words'] }, source);
    expect(cached(core, source, { q: 'garden' })).toEqual(fresh({ q: 'garden' }));
    expect(core.prefixCache.carryStats).toEqual({ carried: 0, dropped: 0 });
  });

  it('keep query-word derivations over writes, except those the write changed', () => {
    const { core, source, put, drop, fresh } = index(docs);
    // "tulip" as a prefix derives "tulips" (only in document 3); "knife" has a typo "knive".
    for (const q of ['tulip', 'knife', 'garde']) cached(core, source, { q });
    put('5', { title: 'knive', body: 'sharp' });
    drop('3');
    for (const q of ['tulip', 'knife', 'garde', 'tulip ', 'knive']) expect(cached(core, source, { q })).toEqual(fresh({ q }));
    put('3', { title: 'garden', body: 'roses and tulips' });
    for (const q of ['tulip', 'garde', 'tulips']) expect(cached(core, source, { q })).toEqual(fresh({ q }));
  });

  it('keep parsed queries over writes that change no word they read', () => {
    const { core, source, put, drop, fresh } = index(docs);
    cached(core, source, { q: 'tulip' });
    cached(core, source, { q: 'spade' });
    const tulip = parseSearchQuery(core, 'tulip');
    const spade = parseSearchQuery(core, 'spade');
    // A new document of words already known, none of which either parse read.
    put('6', { title: 'kitchen', body: 'knife' });
    core.seal();
    expect(parseSearchQuery(core, 'tulip')).toBe(tulip);
    expect(parseSearchQuery(core, 'spade')).toBe(spade);
    // "tulips" loses its only document: the prefix "tulip" derives differently.
    drop('3');
    core.seal();
    expect(parseSearchQuery(core, 'tulip')).not.toBe(tulip);
    expect(parseSearchQuery(core, 'spade')).toBe(spade);
    // A new word: every parse starts over.
    put('7', { title: 'wheelbarrow', body: 'x' });
    core.seal();
    expect(parseSearchQuery(core, 'spade')).not.toBe(spade);
    for (const q of ['tulip', 'spade', 'wheel']) expect(cached(core, source, { q })).toEqual(fresh({ q }));
  });

  it('parse again when a document count that chose a split word changed', () => {
    // "abcdef" splits into the pair whose rarer half has more documents: "ab cdef", until
    // "abc" and "def" are in more documents than "ab" and "cdef".
    const { core, source, put, fresh } = index([
      ['1', { title: 'ab cdef' }],
      ['2', { title: 'ab cdef' }],
      ['3', { title: 'abc def' }],
    ]);
    const params = { q: 'abcdef ' };
    expect(cached(core, source, params)).toEqual(fresh(params));
    put('4', { title: 'abc def' });
    put('5', { title: 'abc def' });
    expect(cached(core, source, params)).toEqual(fresh(params));
    expect((cached(core, source, params) as { estimatedTotalHits: number }).estimatedTotalHits).toBe(3);
  });

  it('are brought up to date while the index is idle (refreshKept), most recently used first', () => {
    const { core, source, put, fresh } = index(docs);
    for (const q of ['tulip', 'garden', 'kitchen']) cached(core, source, { q });
    put('5', { title: 'garden hose', body: 'green' });
    core.seal();
    // Most recent first; nothing is done past the deadline.
    expect(core.prefixCache.staleRankings(core.epoch).map((s) => s.search.q)).toEqual(['kitchen', 'garden', 'tulip']);
    expect(core.refreshKept(performance.now() - 1)).toBe(true);
    expect(core.refreshKept(Infinity)).toBe(false);
    // "garden" gained a document: ranked again; the others carried over.
    expect(core.prefixCache.carryStats).toEqual({ carried: 2, dropped: 1 });
    expect(core.prefixCache.staleRankings(core.epoch)).toEqual([]);
    const carried = core.prefixCache.carryStats.carried;
    for (const q of ['tulip', 'garden', 'kitchen']) expect(cached(core, source, { q })).toEqual(fresh({ q }));
    // Read as they are: no ranking carried or built again by these searches.
    expect(core.prefixCache.carryStats).toEqual({ carried, dropped: 1 });
    // The refresh did not count as a use: after the next write the order is the users' one.
    cached(core, source, { q: 'tulip' });
    put('6', { title: 'x', body: 'y' });
    core.seal();
    expect(core.prefixCache.staleRankings(core.epoch).map((s) => s.search.q)).toEqual(['tulip', 'kitchen', 'garden']);
  });

  it('keep the rankings of several words per matching strategy, except frequency', () => {
    const { core, source, put, fresh } = index(docs);
    const queries = [{ q: 'garden tools' }, { q: 'garden tools', matchingStrategy: 'all' as const }, { q: 'garden tools', matchingStrategy: 'frequency' as const }];
    for (const params of queries) expect(cached(core, source, params)).toEqual(fresh(params));
    // Searched once, several words are only remembered; a refresh (or a second search) ranks them.
    expect(core.prefixCache.staleRankings(core.epoch).map((r) => r.search.q)).toEqual(['garden tools', 'garden tools']);
    expect(core.refreshKept(Infinity)).toBe(false);
    expect(core.prefixCache.staleRankings(core.epoch)).toEqual([]);
    put('5', { title: 'kitchen sink', body: 'steel' });
    for (const params of queries) expect(cached(core, source, params)).toEqual(fresh(params));
    // last and all carried; frequency (it reads document counts) ranked each time, never kept.
    expect(core.prefixCache.carryStats).toEqual({ carried: 2, dropped: 0 });
    put('6', { title: 'tools', body: 'hammer' });
    for (const params of queries) expect(cached(core, source, params)).toEqual(fresh(params));
    expect(core.prefixCache.carryStats).toEqual({ carried: 2, dropped: 2 });
  });
});
