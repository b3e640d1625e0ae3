import fc from 'fast-check';
import { prefixOf, searchParamsOf } from '../test-support/arbitraries.ts';
import { settingsOf } from '../test-support/settings.ts';
import { searchAnswer as answer, storedCore } from '../test-support/stored-core.ts';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../types/settings.ts';
import type { SearchParams } from '../types.ts';
import { detailPolicy } from './match-data.ts';
import { prefixCachePolicy } from './prefix-cache.ts';
import { proximityPolicy } from './row-proximity.ts';
import { matchPolicy } from './search.ts';

/**
 * Two-phase matching (match details filled only for the documents the ranking rules reach, the
 * words rule's buckets taken from document sets) against the reference: every candidate's
 * details computed up front (computeWordMatches, selectCandidates). Whole searches must give the
 * same hits in the same order, totals, ranking scores and score details, for any settings and
 * query: several words, phrases, negations, prefixes, typos, split and concatenated words,
 * synonyms, every matching strategy, attributesToSearchOn, filters, sort, distinct. The lazy side
 * reads proximity in the words' rows when it can (row-proximity.ts) or not; the reference always
 * from the occurrence chains.
 */
const VOCABULARY = ['alpha', 'alpah', 'alphabet', 'alps', 'beta', 'betas', 'better', 'gamma', 'gama', 'sun', 'flower', 'sunflower', 'delta', 'deltas', 'new', 'york', 'zeta', 'eta'];
/** Texts of single words and of pairs that split words, concatenations and synonyms match. */
const chunk = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...VOCABULARY) }, { weight: 1, arbitrary: fc.constantFrom('sun flower', 'new york', 'alpha beta', 'sunflower oil') });
const text = fc.array(chunk, { minLength: 0, maxLength: 6 }).map((w) => w.join(' '));
const doc = fc.record({ title: text, body: text, tags: fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 3 }), n: fc.integer({ min: 0, max: 4 }), g: fc.constantFrom('x', 'y', 'z') });

const RULE_SETS: string[][] = [
  ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  ['typo', 'words', 'proximity', 'attributeRank', 'wordPosition', 'exactness'],
  ['n:desc', 'words', 'exactness', 'proximity', 'typo'],
  ['exactness', 'sort', 'words', 'attribute'],
  ['words', 'proximity'],
  ['sort', 'typo'],
];

const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    rules: fc.constantFrom(...RULE_SETS),
    searchable: fc.constantFrom<string[]>(['*'], ['title', 'body', 'tags'], ['body', 'title']),
    oneTypo: fc.integer({ min: 2, max: 6 }),
    twoTypos: fc.integer({ min: 4, max: 9 }),
    noTypoOnBody: fc.boolean(),
    synonyms: fc.boolean(),
    byAttribute: fc.boolean(),
    maxTotalHits: fc.constantFrom(1000, 5),
  })
  .map((s) =>
    settingsOf(
      {
        ...s,
        synonyms: s.synonyms ? { sun: ['delta'], 'new york': ['zeta'], gamma: ['alpha beta'] } : {},
        noTypoOn: s.noTypoOnBody ? ['body'] : [],
      },
      { filterableAttributes: ['n', 'g'], sortableAttributes: ['n'], proximityPrecision: s.byAttribute ? 'byAttribute' : 'byWord' },
    ),
  );

const word = fc.oneof(
  fc.constantFrom(...VOCABULARY),
  prefixOf(VOCABULARY),
  // (Two typos from 'sunflower' and 'alphabet': buckets of every typo count.)
  fc.constantFrom('alpah', 'bteta', 'sunflowr', 'sunflxwxr', 'alphxbxt', 'yrok', '"new york"', '"alpha beta"', '-beta', '-"sun flower"', 'sun flower', 'sunflower', 'newyork', 'gamma', 'alphabeta'),
);
const paramsArb = searchParamsOf(word, {
  maxWords: 4,
  maxOffset: 4,
  limit: fc.integer({ min: 0, max: 15 }),
  extra: fc.oneof<Array<fc.WeightedArbitrary<SearchParams>>>(
    { weight: 4, arbitrary: fc.constant<SearchParams>({}) },
    { weight: 2, arbitrary: fc.constant<SearchParams>({ showRankingScore: true, showRankingScoreDetails: true }) },
    { weight: 1, arbitrary: fc.constant<SearchParams>({ filter: 'n > 1' }) },
    { weight: 1, arbitrary: fc.constant<SearchParams>({ sort: ['n:asc'] }) },
    { weight: 1, arbitrary: fc.constant<SearchParams>({ distinct: 'g' }) },
    { weight: 1, arbitrary: fc.constant<SearchParams>({ attributesToSearchOn: ['title'] }) },
    { weight: 1, arbitrary: fc.constant<SearchParams>({ rankingScoreThreshold: 0.5 }) },
    { weight: 1, arbitrary: fc.constant<SearchParams>({ facets: ['g'] }) },
  ),
});

describe('two-phase matching', () => {
  it('ranks exactly like the up-front reference (property)', () => {
    prefixCachePolicy.rankedWords = false;
    try {
      fc.assert(
        fc.property(settingsArb, fc.array(doc, { minLength: 1, maxLength: 40 }), fc.array(paramsArb, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.constantFrom(0, 8, Infinity), fc.constantFrom<Array<'auto' | 'always'>>('auto', 'always'), fc.boolean(), (settings, docs, queries, bitsetBuckets, searchRatio, mode, fromRows) => {
          // Details by binary search of every pair, by walking every row, or as in production.
          detailPolicy.searchRatio = searchRatio;
          const { core, source } = storedCore(settings, docs);
          for (const params of queries) {
            // Word buckets from document sets always, or never (a key per candidate).
            matchPolicy.wordBucketsMinShare = bitsetBuckets ? Infinity : 0;
            matchPolicy.twoPhase = mode;
            proximityPolicy.fromRows = fromRows;
            const lazy = answer(core, params, source);
            matchPolicy.twoPhase = 'never';
            proximityPolicy.fromRows = false;
            let want: unknown;
            try {
              want = answer(core, params, source);
            } finally {
              matchPolicy.twoPhase = 'auto';
              proximityPolicy.fromRows = true;
            }
            expect(lazy).toEqual(want);
          }
        }),
        { numRuns: 400 },
      );
    } finally {
      prefixCachePolicy.rankedWords = true;
      matchPolicy.wordBucketsMinShare = 64;
      detailPolicy.searchRatio = 8;
    }
  });
});
