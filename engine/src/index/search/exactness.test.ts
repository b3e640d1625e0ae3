import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import { searchParamsOf } from '../test-support/arbitraries.ts';
import { settingsOf } from '../test-support/settings.ts';
import { answerWith, storedCore } from '../test-support/stored-core.ts';
import type { DocumentSource, SearchParams } from '../types.ts';
import { prefixCachePolicy } from './prefix-cache.ts';
import { exactnessPolicy } from './ranking-rules.ts';
import { matchPolicy } from './search.ts';

/**
 * The exactness of a document with one active plain word, read from the start flags the
 * matching pass recorded, against the same read from the word's occurrences: whole searches must
 * be equal. Names are short and often start with, or are, a query word (as place names are), so
 * that queries of several words have many candidates matching only their first word, which is
 * where the flags are read; `body` is not searched in some settings, and its occurrences must
 * count in neither.
 */
const VOCABULARY = ['new', 'york', 'yorkshire', 'san', 'jose', 'saint', 'louis', 'port', 'city', 'nwe'];
const name = fc.oneof(
  fc.array(fc.constantFrom(...VOCABULARY), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
  // All of an attribute: a query word or phrase, and what the property must tell from a start.
  fc.constantFrom('new', 'san jose', 'new york', 'saint louis'),
);
const doc = fc.record({ name, alt: fc.option(name, { nil: undefined }), body: fc.option(name, { nil: undefined }) });

const RULE_SETS: string[][] = [
  ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  ['exactness', 'words'],
  ['words', 'exactness', 'attribute'],
  ['typo', 'exactness', 'proximity'],
];
const settingsArb: fc.Arbitrary<Settings> = fc
  .record({ rules: fc.constantFrom(...RULE_SETS), typos: fc.boolean(), searchable: fc.constantFrom<string[][]>(['*'], ['name', 'alt'], ['alt', 'name']) })
  .map((s) => settingsOf({ ...s, oneTypo: 3, twoTypos: 7, maxTotalHits: 1000 }));

const word = fc.constantFrom('new', 'york', 'yor', 'san', 'sain', 'saint', 'louis', 'city', 'nwe', 'port', '"san jose"', '"new york"', 'nothing');
const paramsArb = searchParamsOf(word, {
  minWords: 1,
  maxWords: 4,
  maxOffset: 3,
  limit: fc.integer({ min: 1, max: 12 }),
  extra: fc.constantFrom<SearchParams[]>({}, { showRankingScore: true, showRankingScoreDetails: true }, { attributesToSearchOn: ['name'] }),
});

function answer(core: SearchCore, params: SearchParams, source: DocumentSource, startFlags: boolean): unknown {
  return answerWith(exactnessPolicy, 'startFlags', startFlags, core, params, source);
}

describe('exactness of one active word', () => {
  it('ranks exactly as reading the word\'s occurrences (property)', () => {
    prefixCachePolicy.rankedWords = false;
    try {
      fc.assert(
        fc.property(settingsArb, fc.array(doc, { minLength: 1, maxLength: 40 }), fc.array(paramsArb, { minLength: 1, maxLength: 6 }), fc.constantFrom<Array<'auto' | 'always'>>('auto', 'always'), (settings, docs, params, mode) => {
          matchPolicy.twoPhase = mode;
          const { core, source } = storedCore(settings, docs);
          for (const p of params) expect(answer(core, p, source, true)).toEqual(answer(core, p, source, false));
        }),
        { numRuns: 300 },
      );
    } finally {
      prefixCachePolicy.rankedWords = true;
      matchPolicy.twoPhase = 'auto';
    }
  });

  it('gives no exact attribute to a query that lost its first or a middle word (matchingStrategy frequency)', () => {
    const core = new SearchCore(settingsOf({ rules: ['words', 'exactness'], oneTypo: 5, twoTypos: 9, maxTotalHits: 1000 }), 'id');
    // `beta` is the most frequent word: frequency drops it first.
    const names = ['alpha gamma', 'alpha', 'beta one', 'beta two', 'beta three', 'beta four'];
    const docs = names.map((n, i) => ({ id: String(i), name: n }));
    const source: DocumentSource = { get: (id) => docs[Number(id)], entries: () => new Map(docs.map((d) => [d.id, d])).entries() };
    for (const d of docs) core.upsert(d.id, d);
    const matchType = (q: string, strategy: 'frequency' | 'last', name: string): unknown => {
      core.dropReadCaches();
      const hit = core.search({ q, matchingStrategy: strategy, showRankingScoreDetails: true }, source).hits.find((h) => h['name'] === name);
      return (hit?.['_rankingScoreDetails'] as Record<string, { matchType?: string }> | undefined)?.['exactness']?.matchType;
    };
    // Meilisearch's exact attribute rule ranks the remaining query only when it is the query's
    // first words, in order (exact_attribute.rs: "bail if there is a hole").
    expect(matchType('alpha beta gamma', 'frequency', 'alpha gamma')).toBe('noExactMatch');
    expect(matchType('beta alpha', 'frequency', 'alpha')).toBe('noExactMatch');
    // Without the hole, the same attributes are exact.
    expect(matchType('alpha gamma', 'frequency', 'alpha gamma')).toBe('exactMatch');
    expect(matchType('alpha beta', 'last', 'alpha')).toBe('exactMatch');
  });

  it('puts an attribute that is the word (or phrase) before one that starts with it, before the rest', () => {
    const core = new SearchCore(settingsOf({ rules: ['exactness'], oneTypo: 5, twoTypos: 9, maxTotalHits: 1000 }), 'id');
    // Only the first query word matches each of them: one active word.
    const names = ['glasgow new', 'new glasgow', 'newer', 'new', 'renew new', 'port saint louis', 'saint louis port', 'saint louis'];
    const docs = names.map((n, i) => ({ id: String(i), name: n }));
    const source: DocumentSource = { get: (id) => docs[Number(id)], entries: () => new Map(docs.map((d) => [d.id, d])).entries() };
    for (const d of docs) core.upsert(d.id, d);
    for (const startFlags of [true, false]) {
      exactnessPolicy.startFlags = startFlags;
      core.dropReadCaches();
      try {
        const hits = core.search({ q: 'new york', matchingStrategy: 'last' }, source).hits.map((h) => h['name']);
        // All of the attribute (0), its start (1), elsewhere (2, by id); `newer` does not match
        // (`new` is not the last word: no prefix).
        expect(hits).toEqual(['new', 'new glasgow', 'glasgow new', 'renew new']);
        // A quoted phrase counts as its words, as in Meilisearch's exactness.
        const phrase = core.search({ q: '"saint louis" city', matchingStrategy: 'last' }, source).hits.map((h) => h['name']);
        expect(phrase).toEqual(['saint louis', 'saint louis port', 'port saint louis']);
      } finally {
        exactnessPolicy.startFlags = true;
      }
    }
  });
});
