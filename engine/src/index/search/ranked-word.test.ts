import fc from 'fast-check';
import { prefixOf } from '../test-support/arbitraries.ts';
import { describe, expect, it } from 'vitest';
import type { Document } from '../../types/document.ts';
import { defaultSettings, type Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import type { DocumentSource, SearchParams, SearchResult } from '../types.ts';
import { PrefixCache, RANKED_WORD_CACHE_SIZE, prefixCachePolicy } from './prefix-cache.ts';

/**
 * The one-word ranking cache (prefix-cache.ts, RankedWord) against the full pipeline: a core
 * answering one-word queries from the cache must return exactly what a core without the cache
 * returns (same hits in the same order, same totals), for any settings, parameters and writes in
 * between. Words share prefixes and lie within typos of each other, so prefix and typo
 * derivations, split words and synonyms all take part in the ranking.
 */
const VOCABULARY = ['alpha', 'alpah', 'alphabet', 'alps', 'alp', 'beta', 'betas', 'better', 'bet', 'gamma', 'gama', 'gammas', 'sun', 'flower', 'sunflower', 'delta', 'deltas', 'zeta'];
const text = fc.array(fc.constantFrom(...VOCABULARY), { minLength: 0, maxLength: 6 }).map((w) => w.join(' '));
const doc = fc.record({ title: text, body: text, tags: fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 2 }), n: fc.integer({ min: 0, max: 4 }) });

const RULE_SETS: string[][] = [
  ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  ['exactness', 'attribute', 'typo', 'words'],
  ['typo', 'attributeRank', 'wordPosition', 'exactness', 'n:desc'],
  ['n:asc', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
  ['words'],
];

const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    rules: fc.constantFrom(...RULE_SETS),
    searchable: fc.constantFrom<string[]>(['*'], ['title', 'body', 'tags'], ['body', 'title']),
    oneTypo: fc.integer({ min: 2, max: 6 }),
    twoTypos: fc.integer({ min: 4, max: 9 }),
    typos: fc.boolean(),
    noTypoOnBody: fc.boolean(),
    stopBeta: fc.boolean(),
    synonyms: fc.boolean(),
    prefix: fc.boolean(),
    maxTotalHits: fc.constantFrom(1000, 7, 3),
  })
  .map((s) => {
    const base = defaultSettings();
    return {
      ...base,
      rankingRules: s.rules,
      searchableAttributes: s.searchable,
      filterableAttributes: ['n'],
      sortableAttributes: ['n'],
      stopWords: s.stopBeta ? ['beta'] : [],
      synonyms: s.synonyms ? { sun: ['delta'], 'sun flower': ['zeta'], gamma: ['alpha beta'] } : ({} as Record<string, string[]>),
      prefixSearch: s.prefix ? 'indexingTime' : 'disabled',
      pagination: { maxTotalHits: s.maxTotalHits },
      typoTolerance: {
        ...base.typoTolerance,
        enabled: s.typos,
        minWordSizeForTypos: { oneTypo: s.oneTypo, twoTypos: Math.max(s.oneTypo, s.twoTypos) },
        disableOnAttributes: s.noTypoOnBody ? ['body'] : [],
      },
    } satisfies Settings;
  });

/**
 * One-word queries (prefixes, typos, phrases, synonym keys), sometimes not. Each search op runs
 * the query with and without a trailing space (then the word is not a prefix), in either order.
 */
const query = fc.oneof(
  fc.constantFrom(...VOCABULARY),
  prefixOf(VOCABULARY),
  fc.constantFrom('ALPHA', 'bteta', 'gamm', 'sunflowr', '"alpha"', '"sun flower"', 'sun flower', 'x', 'betas -alpha', 'alpha beta', ''),
);

/** Paging as offset/limit or page/hitsPerPage; now and then something that needs the full pipeline. */
const paramsArb: fc.Arbitrary<SearchParams> = fc
  .record({
    q: query,
    paging: fc.oneof(
      fc.record({ offset: fc.integer({ min: 0, max: 6 }), limit: fc.integer({ min: 0, max: 12 }) }, { requiredKeys: [] }),
      fc.record({ page: fc.integer({ min: 0, max: 3 }), hitsPerPage: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: [] }),
    ),
    strategy: fc.constantFrom<Array<SearchParams['matchingStrategy']>>(undefined, 'last', 'all', 'frequency'),
    extra: fc.oneof<Array<fc.WeightedArbitrary<SearchParams>>>(
      { weight: 8, arbitrary: fc.constant<SearchParams>({}) },
      { weight: 1, arbitrary: fc.constant<SearchParams>({ filter: 'n > 1' }) },
      { weight: 1, arbitrary: fc.constant<SearchParams>({ sort: ['n:asc'] }) },
      { weight: 1, arbitrary: fc.constant<SearchParams>({ showRankingScore: true }) },
      { weight: 1, arbitrary: fc.constant<SearchParams>({ facets: ['n'] }) },
      { weight: 1, arbitrary: fc.constant<SearchParams>({ attributesToHighlight: ['*'] }) },
    ),
  })
  .map(({ q, paging, strategy, extra }) => ({ q, ...paging, ...(strategy === undefined ? {} : { matchingStrategy: strategy }), ...extra }));

type Op = { kind: 'search'; params: SearchParams; trailingSpace: boolean } | { kind: 'upsert'; id: number; doc: Document } | { kind: 'remove'; id: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('search' as const), params: paramsArb, trailingSpace: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id: fc.integer({ min: 0, max: 30 }), doc }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 30 }) }) },
);

/** The result without its timing, or the error (a sort without `sort` in the rules). */
function answer(core: SearchCore, params: SearchParams, source: DocumentSource): unknown {
  let r: SearchResult;
  try {
    r = core.search(params, source);
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
  const { processingTimeMs: _ignored, ...rest } = r;
  return rest;
}

describe('one-word ranking cache', () => {
  it('answers exactly like the full pipeline (property)', () => {
    let served = 0;
    fc.assert(
      fc.property(settingsArb, fc.array(doc, { minLength: 1, maxLength: 30 }), fc.array(op, { minLength: 1, maxLength: 30 }), (settings, docs, ops) => {
        const store = new Map<string, Document>();
        const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
        const cached = new SearchCore(settings, 'id');
        const reference = new SearchCore(settings, 'id');
        const rankedWord = cached.prefixCache.rankedWord.bind(cached.prefixCache);
        cached.prefixCache.rankedWord = (key, epoch) => {
          const hit = rankedWord(key, epoch);
          if (hit !== undefined) served++;
          return hit;
        };
        const upsert = (id: number, d: Document): void => {
          const full = { id, ...d };
          store.set(String(id), full);
          cached.upsert(String(id), full);
          reference.upsert(String(id), full);
        };
        docs.forEach((d, i) => upsert(i, d));
        for (const o of ops) {
          if (o.kind === 'upsert') upsert(o.id, o.doc);
          else if (o.kind === 'remove') {
            store.delete(String(o.id));
            cached.remove(String(o.id));
            reference.remove(String(o.id));
          } else {
            // Both forms of the word (prefix or not); twice each on the cached core: the first
            // search may fill the cache, the second reads it.
            const q = o.params.q!.trimEnd();
            for (const params of [{ ...o.params, q: o.trailingSpace ? `${q} ` : q }, { ...o.params, q: o.trailingSpace ? q : `${q} ` }]) {
              const first = answer(cached, params, source);
              const second = answer(cached, params, source);
              prefixCachePolicy.rankedWords = false;
              let want: unknown;
              try {
                want = answer(reference, params, source);
              } finally {
                prefixCachePolicy.rankedWords = true;
              }
              expect(first).toEqual(want);
              expect(second).toEqual(want);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
    // The cache did serve searches (most one-word queries here are eligible).
    expect(served).toBeGreaterThan(500);
  });

  it('keeps the most recently used words, within its bounds, until the next write', () => {
    const cache = new PrefixCache();
    const entry = (n: number) => ({ order: new Uint32Array(n), ids: [], total: n });
    cache.setRankedWord('kept', 1, entry(3));
    for (let i = 0; i < RANKED_WORD_CACHE_SIZE + 50; i++) {
      cache.setRankedWord(`w${i}`, 1, entry(1));
      expect(cache.rankedWord('kept', 1)).toBeDefined();
    }
    expect(cache.rankedWord('w0', 1)).toBeUndefined();
    expect(cache.rankedWord(`w${RANKED_WORD_CACHE_SIZE + 49}`, 1)).toBeDefined();
    expect(cache.rankedWord('kept', 2)).toBeUndefined();
  });
});
