import { describe, expect, it } from 'vitest';
import type { Document } from '../../types/document.ts';
import { defaultSettings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import type { DocumentSource, SearchParams } from '../types.ts';
import { prefixCachePolicy } from './prefix-cache.ts';
import { MAX_PREFIX_DERIVATIONS } from './query-terms.ts';

/**
 * Carrying one-word rankings over writes (ranked-carry.ts), case by case; the property test in
 * ranked-word.test.ts checks random writes. Each case compares the page with a search that
 * builds no ranking, and checks whether the ranking was carried or built again.
 */
function index(docs: Array<[string, Document]>): { core: SearchCore; source: DocumentSource; put(id: string, d: Document): void; drop(id: string): void } {
  const store = new Map<string, Document>();
  const core = new SearchCore({ ...defaultSettings(), searchableAttributes: ['title', 'body'] }, 'id');
  const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
  const put = (id: string, d: Document): void => {
    store.set(id, { id, ...d });
    core.upsert(id, { id, ...d });
  };
  for (const [id, d] of docs) put(id, d);
  return { core, source, put, drop: (id) => { store.delete(id); core.remove(id); } };
}

/** The search as the full pipeline answers it (no cached or carried ranking). */
function uncached(core: SearchCore, source: DocumentSource, params: SearchParams): unknown {
  prefixCachePolicy.rankedWords = false;
  try {
    const { processingTimeMs: _t, ...rest } = core.search(params, source);
    return rest;
  } finally {
    prefixCachePolicy.rankedWords = true;
  }
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
    const { core, source, put, drop } = index(docs);
    const params = { q: 'garden' };
    const before = cached(core, source, params);
    put('5', { title: 'kitchen sink', body: 'steel' });
    drop('2');
    expect(cached(core, source, params)).toEqual(before);
    expect(core.prefixCache.carryStats).toEqual({ carried: 1, dropped: 0 });
    // A ranked document removed: it leaves the ranking, the others keep their order.
    drop('1');
    expect(cached(core, source, params)).toEqual(uncached(core, source, params));
    expect(core.prefixCache.carryStats).toEqual({ carried: 2, dropped: 0 });
  });

  it('are built again when an added document holds the word, a typo or a prefix of it', () => {
    const { core, source, put } = index(docs);
    for (const [q, text] of [['garden', 'gardens'], ['garden', 'garxen'], ['tulip', 'tulip']] as const) {
      cached(core, source, { q });
      put(`new-${q}-${text}`, { title: 'x', body: text });
      const dropped = core.prefixCache.carryStats.dropped;
      expect(cached(core, source, { q })).toEqual(uncached(core, source, { q }));
      expect(core.prefixCache.carryStats.dropped).toBe(dropped + 1);
    }
  });

  it('are built again when a removal lets another word into the derivations', () => {
    // MAX_PREFIX_DERIVATIONS + 1 words extend "abcde", one per document: the query takes the
    // first 1000. Removing one of them brings the last word's document in: no document with the
    // word was added, yet the derivations changed.
    const words = Array.from({ length: MAX_PREFIX_DERIVATIONS + 1 }, (_, i) => `abcde${String(i).padStart(4, '0')}x`);
    const { core, source, drop } = index(words.map((w, i) => [`w${i}`, { title: w }]));
    const params = { q: 'abcde', limit: 5, offset: 995 };
    cached(core, source, params);
    drop('w3');
    expect(cached(core, source, params)).toEqual(uncached(core, source, params));
    expect((cached(core, source, params) as { estimatedTotalHits: number }).estimatedTotalHits).toBe(MAX_PREFIX_DERIVATIONS);
    expect(core.prefixCache.carryStats).toEqual({ carried: 0, dropped: 1 });
  });

  it('are not carried over settings changes, renumbering or dropped read caches', () => {
    const { core, source } = index(docs);
    cached(core, source, { q: 'garden' });
    core.dropReadCaches();
    cached(core, source, { q: 'garden' });
    expect(core.prefixCache.carryStats).toEqual({ carried: 0, dropped: 0 });
    core.applySettings({ ...core.settings, rankingRules: ['exactness', 'words'] }, source);
    expect(cached(core, source, { q: 'garden' })).toEqual(uncached(core, source, { q: 'garden' }));
    expect(core.prefixCache.carryStats).toEqual({ carried: 0, dropped: 0 });
  });
});
