import fc from 'fast-check';
import { prefixOf } from '../test-support/arbitraries.ts';
import { settingsOf } from '../test-support/settings.ts';
import { countHits } from '../test-support/count-hits.ts';
import { twinCores } from '../test-support/twin-cores.ts';
import { describe, expect, it } from 'vitest';
import type { Document } from '../../types/document.ts';
import type { Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import type { DocumentSource, SearchParams, SearchResult } from '../types.ts';
import { PrefixCache, RANKED_WORD_CACHE_SIZE, prefixCachePolicy } from './prefix-cache.ts';
import { preparePolicy } from './prepared-rankings.ts';

/**
 * The one-word ranking cache (prefix-cache.ts, RankedWord) against the full pipeline: a core
 * answering one-word queries from the cache must return exactly what a core without the cache
 * returns (same hits in the same order, same totals), for any settings, parameters and writes in
 * between. Words share prefixes and lie within typos of each other, so prefix and typo
 * derivations, split words and synonyms all take part in the ranking. When the index is idle
 * (`refreshKept`), every prefix of its words gets a prepared ranking (prepared-rankings.ts),
 * keeping 4 documents only, which later writes must drop exactly when they may change it.
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
  .map((s) =>
    settingsOf(
      {
        ...s,
        synonyms: s.synonyms ? { sun: ['delta'], 'sun flower': ['zeta'], gamma: ['alpha beta'] } : {},
        noTypoOn: s.noTypoOnBody ? ['body'] : [],
      },
      { filterableAttributes: ['n'], sortableAttributes: ['n'], stopWords: s.stopBeta ? ['beta'] : [], prefixSearch: s.prefix ? 'indexingTime' : 'disabled' },
    ),
  );

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

type Op = { kind: 'search'; params: SearchParams; trailingSpace: boolean } | { kind: 'upsert'; id: number; doc: Document } | { kind: 'remove'; id: number } | { kind: 'idle' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) },
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
    let prepared = 0;
    let carried = 0;
    let dropped = 0;
    const policy = { ...preparePolicy };
    preparePolicy.minDocuments = 1;
    preparePolicy.keptDocuments = 4;
    try {
    fc.assert(
      fc.property(settingsArb, fc.array(doc, { minLength: 1, maxLength: 30 }), fc.array(op, { minLength: 1, maxLength: 30 }), fc.boolean(), (settings, docs, ops, renumberOften) => {
        // Small renumbering thresholds: ids and terms renumbered now and then (journal breaks).
        const { source, tested: cached, reference, upsert, remove } = twinCores(settings, renumberOften ? { compactSlack: 2, termCompactSlack: 1 } : {});
        countHits(cached.prefixCache, 'rankedWord', () => served++);
        countHits(cached.prepared, 'lookup', () => prepared++);
        docs.forEach((d, i) => upsert(i, d));
        // Both forms of the word (prefix or not); twice each on the cached core: the first search
        // may fill the cache (or carry it over the writes since), the second reads it.
        const check = (searched: SearchParams, trailingSpace: boolean): void => {
          const q = searched.q!.trimEnd();
          for (const params of [{ ...searched, q: trailingSpace ? `${q} ` : q }, { ...searched, q: trailingSpace ? q : `${q} ` }]) {
            const first = answer(cached, params, source);
            const second = answer(cached, params, source);
            // The reference derives every word afresh (no derivations kept over writes).
            reference.dropReadCaches();
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
        };
        let last: { params: SearchParams; trailingSpace: boolean } | null = null;
        for (const o of ops) {
          if (o.kind === 'search') {
            check(o.params, o.trailingSpace);
            last = o;
            continue;
          }
          if (o.kind === 'idle') {
            // What the engine does when its task queue is idle: kept rankings brought up to date.
            cached.refreshKept(Infinity);
            continue;
          }
          if (o.kind === 'upsert') upsert(o.id, o.doc);
          else remove(o.id);
          // The word searched last, again after the write: its ranking is carried or built again.
          if (last !== null) check(last.params, last.trailingSpace);
        }
        carried += cached.prefixCache.carryStats.carried;
        dropped += cached.prefixCache.carryStats.dropped;
      }),
      { numRuns: 300 },
    );
    } finally {
      Object.assign(preparePolicy, policy);
    }
    // Prepared rankings were read (some from before a write that did not change them).
    expect(prepared).toBeGreaterThan(40);
    // The cache did serve searches (most one-word queries here are eligible), some of them from
    // rankings carried over writes, and writes did make rankings be built again.
    expect(served).toBeGreaterThan(500);
    expect(carried).toBeGreaterThan(50);
    expect(dropped).toBeGreaterThan(20);
  });

  it('keeps the most recently used words, within its bounds, until a break of the write journal', () => {
    const cache = new PrefixCache();
    const word = { text: 'w', phrase: null, derivations: [], isPrefix: false, typoBudget: 0, alternatives: [] };
    const words = [word];
    const entry = (n: number) => ({ words, order: new Uint32Array(n), ids: [], total: n, matched: null });
    cache.setRankedWord('kept', 1, entry(3), { q: 'kept', matchingStrategy: 'last' });
    for (let i = 0; i < RANKED_WORD_CACHE_SIZE + 50; i++) {
      cache.setRankedWord(`w${i}`, 1, entry(1), { q: `w${i}`, matchingStrategy: 'last' });
      expect(cache.rankedWord('kept', 1, words)).toBeDefined();
    }
    expect(cache.rankedWord('w0', 1, words)).toBeUndefined();
    expect(cache.rankedWord(`w${RANKED_WORD_CACHE_SIZE + 49}`, 1, words)).toBeDefined();
    // A write that added and removed nothing this word matches: carried over.
    cache.noteWrite(2, { removed: [], gained: new Set() }, { grew: false, flipped: [], counted: new Set() });
    expect(cache.rankedWord('kept', 2, words)).toBeDefined();
    cache.noteBreak(3);
    expect(cache.rankedWord('kept', 3, words)).toBeUndefined();
  });
});
