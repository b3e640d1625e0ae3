import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import { searchParamsOf } from '../test-support/arbitraries.ts';
import { settingsOf } from '../test-support/settings.ts';
import { answerWith, storedCore } from '../test-support/stored-core.ts';
import type { DocumentSource, SearchParams } from '../types.ts';
import type { FieldRules } from './match-data.ts';
import { prefixCachePolicy } from './prefix-cache.ts';
import { proximityPolicy, rowProximityOf, rowProximityPolicy } from './row-proximity.ts';
import { matchPolicy, parseSearchQuery } from './search.ts';

/**
 * Proximity read in the words' rows (row-proximity.ts) against proximity read from the
 * occurrence chains: whole searches must be equal. The words are far apart (no typo neighbours
 * when typos are allowed at all) and some share prefixes, so that most queries are rows: one
 * (`red`), an exact word and its extensions (`serv`: serv, server, service, services), and a
 * document may be in several rows of one word (merged occurrences). `se` has five words, past
 * the rows a word may have, and `kernel` typo neighbours when typos are on: chains.
 */
const VOCABULARY = ['red', 'web', 'serv', 'server', 'service', 'services', 'seal', 'kernel', 'kernal', 'module', 'mod', 'blue', 'tool'];
const text = fc.oneof(
  fc.array(fc.constantFrom(...VOCABULARY), { minLength: 0, maxLength: 12 }).map((w) => w.join(' ')),
  // Words repeated in a long text, never side by side: over 64 pairs of occurrences, compared by
  // merging them, where the nearest pair is not found at once.
  fc.array(fc.constantFrom('web', 'serv', 'server', 'services', 'red', 'kernel', 'kernal'), { minLength: 20, maxLength: 40 }).map((w) => w.join(' tool ')),
);
const doc = fc.record({ title: text, body: text, n: fc.integer({ min: 0, max: 4 }) });

const RULE_SETS: string[][] = [
  ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'],
  ['words', 'attribute', 'typo', 'proximity'],
  ['proximity', 'words', 'exactness'],
  ['n:desc', 'proximity', 'attributeRank', 'wordPosition'],
  ['words', 'proximity'],
];
const settingsArb: fc.Arbitrary<Settings> = fc
  .record({ rules: fc.constantFrom(...RULE_SETS), typos: fc.boolean(), maxTotalHits: fc.constantFrom(1000, 4) })
  .map((s) => settingsOf({ ...s, oneTypo: 5, twoTypos: 9 }, { sortableAttributes: ['n'] }));

const word = fc.constantFrom('red', 'web', 'serv', 'ser', 'servi', 'se', 'mod', 'kernel', 'tool', 'blue', 'nothing');
const paramsArb = searchParamsOf(word, {
  minWords: 2,
  maxWords: 4,
  maxOffset: 3,
  limit: fc.integer({ min: 1, max: 12 }),
  extra: fc.constantFrom<SearchParams[]>({}, { showRankingScore: true, showRankingScoreDetails: true }),
});

function answer(core: SearchCore, params: SearchParams, source: DocumentSource, fromRows: boolean): unknown {
  return answerWith(proximityPolicy, 'fromRows', fromRows, core, params, source);
}

/** Whether the query's words are rows (with every field searched, as here). */
function readsRows(core: SearchCore, q: string): boolean {
  core.dropReadCaches();
  return rowProximityOf(parseSearchQuery(core, q).words, core.postings, { everyFieldMatches: true } as FieldRules) !== null;
}

describe('proximity read in the rows', () => {
  it('ranks exactly as proximity read from the occurrence chains (property)', () => {
    prefixCachePolicy.rankedWords = false;
    let queries = 0;
    let fromRows = 0;
    try {
      fc.assert(
        fc.property(settingsArb, fc.array(doc, { minLength: 1, maxLength: 40 }), fc.array(paramsArb, { minLength: 1, maxLength: 6 }), fc.constantFrom<Array<'auto' | 'always'>>('auto', 'always'), fc.constantFrom(0, 16, Infinity), (settings, docs, params, mode, gallopRatio) => {
          // Two-phase matching as in production (one pass on indexes this small) or always; rows
          // galloped through always, as in production, or never.
          matchPolicy.twoPhase = mode;
          rowProximityPolicy.gallopRatio = gallopRatio;
          const { core, source } = storedCore(settings, docs);
          for (const p of params) {
            expect(answer(core, p, source, true)).toEqual(answer(core, p, source, false));
            queries++;
            if (readsRows(core, p.q!)) fromRows++;
          }
        }),
        { numRuns: 300 },
      );
    } finally {
      prefixCachePolicy.rankedWords = true;
      matchPolicy.twoPhase = 'auto';
      rowProximityPolicy.gallopRatio = 16;
    }
    // Most queries read their rows: the property is about them.
    expect(fromRows).toBeGreaterThan(queries / 3);
  });

  it('gives each document its own key whatever the order of the documents asked for', () => {
    const core = new SearchCore(settingsOf({ rules: ['words', 'proximity'], oneTypo: 5, twoTypos: 9, maxTotalHits: 1000 }), 'id');
    const texts = ['web server', 'server web', 'web red blue services', 'serv red web', 'services serv web service', 'red', 'web tool tool tool tool tool tool tool server'];
    texts.forEach((t, i) => core.upsert(String(i), { id: i, body: t }));
    core.seal();
    const rows = rowProximityOf(parseSearchQuery(core, 'web serv').words, core.postings, { everyFieldMatches: true } as FieldRules)!;
    expect(rows).not.toBeNull();
    const all = new Uint32Array(core.postings.docCount(0) + 16).fill(0b11);
    const docs = [0, 1, 2, 3, 4, 6];
    const one = docs.map((d) => rows.key(d, all));
    // B right after A 0, before it one more than the gap, past 7 words 7.
    expect(one).toEqual([0, 1, 2, 2, 0, 7]);
    const out = new Float64Array(docs.length);
    rows.keys(Uint32Array.from(docs), all, out);
    expect([...out]).toEqual(one);
    rows.keys(Uint32Array.from(docs).reverse(), all, out);
    expect([...out]).toEqual([...one].reverse());
  });
});
