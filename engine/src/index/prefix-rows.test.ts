import fc from 'fast-check';
import { prefixOf, searchParamsOf } from './test-support/arbitraries.ts';
import { answerWith } from './test-support/stored-core.ts';
import { describe, expect, it } from 'vitest';
import type { Document } from '../types/document.ts';
import { defaultSettings, type Settings } from '../types/settings.ts';
import { SearchCore } from './core.ts';
import { prefixRowPolicy, PREFIX_ROW_MIN_WORDS } from './prefix-rows.ts';
import { parseSearchQuery } from './search/search.ts';
import { prefixCachePolicy } from './search/prefix-cache.ts';
import type { DocumentSource, SearchParams } from './types.ts';

/**
 * Prefix rows (postings of common prefixes built at indexing time) against the words they
 * merge: whole searches answered through the rows must equal the same searches answered by
 * deriving every word of the prefix (rows ignored), on one index, after any writes.
 */

/** Words sharing short prefixes: 'a', 'ab', 'bo', 'z' each start 100+ of them. */
function words(prefix: string, n: number): string[] {
  const letters = 'aeioustrn';
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    let w = prefix;
    for (let k = i; ; k = Math.floor(k / letters.length) - 1) {
      w += letters[k % letters.length];
      if (k < letters.length) break;
    }
    out.push(w);
  }
  return out;
}
const BASE = [...words('a', 90), ...words('ab', 110), ...words('bo', 120), ...words('c', 30), 'a', 'ab', 'bo', 'cat', 'abe'];
/** Words only later documents bring: 'z' reaches the threshold after the first seal. */
const LATER = words('z', 130);

const textOf = (vocab: string[]) => fc.array(fc.constantFrom(...vocab), { minLength: 0, maxLength: 10 }).map((w) => w.join(' '));
const docArb = (vocab: string[]) => fc.record({ title: textOf(vocab), body: textOf(vocab), n: fc.integer({ min: 0, max: 4 }), g: fc.constantFrom('x', 'y') });

const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    rules: fc.constantFrom<string[][]>(['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'], ['exactness', 'proximity', 'words', 'attribute'], ['n:desc', 'attributeRank', 'wordPosition', 'typo']),
    searchable: fc.constantFrom<string[]>(['*'], ['body', 'title']),
    oneTypo: fc.integer({ min: 1, max: 5 }),
  })
  .map((s) => {
    const base = defaultSettings();
    return {
      ...base,
      rankingRules: s.rules,
      searchableAttributes: s.searchable,
      filterableAttributes: ['n', 'g'],
      sortableAttributes: ['n'],
      synonyms: { ab: ['bo'], z: ['abo'] },
      typoTolerance: { ...base.typoTolerance, minWordSizeForTypos: { oneTypo: s.oneTypo, twoTypos: Math.max(s.oneTypo + 2, 4) } },
    } satisfies Settings;
  });

const queryWord = fc.oneof(
  fc.constantFrom('a', 'ab', 'abe', 'b', 'bo', 'z', 'za', 'c', 'ca', 'abo', 'zi'),
  prefixOf([...BASE, ...LATER.slice(0, 20)]),
);
const paramsArb = searchParamsOf(queryWord, {
  maxWords: 3,
  maxOffset: 3,
  limit: fc.constant(12),
  extra: fc.constantFrom<SearchParams[]>(
    {},
    { showRankingScoreDetails: true },
    { filter: 'n > 1' },
    { sort: ['n:asc'] },
    { facets: ['g'] },
    { attributesToSearchOn: ['title'] },
    { attributesToHighlight: ['*'], showMatchesPosition: true, attributesToCrop: ['body'], cropLength: 3 },
  ),
});

function answer(core: SearchCore, params: SearchParams, source: DocumentSource, rows: boolean): unknown {
  return answerWith(prefixRowPolicy, 'enabled', rows, core, params, source);
}

function usesRow(core: SearchCore, q: string): boolean {
  core.dropReadCaches();
  core.seal();
  return parseSearchQuery(core, q).words.some((w) => w.derivations.some((d) => core.vocabulary.isReserved(d.term)));
}

describe('prefix rows', () => {
  it('are built for prefixes of PREFIX_ROW_MIN_WORDS (64) words or more, also when a prefix gets there later', () => {
    const core = new SearchCore(defaultSettings(), 'id');
    core.upsert('1', { id: 1, text: BASE.join(' ') });
    expect(usesRow(core, 'a')).toBe(true);
    expect(usesRow(core, 'bo')).toBe(true);
    expect(usesRow(core, 'c')).toBe(false); // 30 words
    expect(usesRow(core, 'z')).toBe(false);
    expect(core.prefixRows.lookup('ab')!.liveWords).toBeGreaterThanOrEqual(PREFIX_ROW_MIN_WORDS);
    core.upsert('2', { id: 2, text: LATER.join(' ') });
    expect(usesRow(core, 'z')).toBe(true);
    // Once the words are gone from every document, the prefix derives its (few) words again.
    core.remove('2');
    expect(usesRow(core, 'z')).toBe(false);
    expect(usesRow(core, 'a c')).toBe(false); // 'a' is not the last word: not a prefix; 'c' starts 31 words
  });

  it('answer every search exactly as the words they merge (property)', () => {
    prefixCachePolicy.rankedWords = false;
    try {
      fc.assert(
        fc.property(
          settingsArb,
          fc.array(docArb(BASE), { minLength: 20, maxLength: 50 }),
          fc.array(docArb([...BASE, ...LATER]), { minLength: 0, maxLength: 30 }),
          fc.array(fc.nat(80), { maxLength: 10 }),
          fc.array(paramsArb, { minLength: 1, maxLength: 6 }),
          (settings, first, later, removed, queries) => {
            const store = new Map<string, Document>();
            const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
            const core = new SearchCore(settings, 'id', { compactSlack: 8 });
            const put = (i: number, d: object): void => {
              const full = { id: i, ...d };
              store.set(String(i), full);
              core.upsert(String(i), full);
            };
            const check = (): void => {
              for (const params of queries) expect(answer(core, params, source, true)).toEqual(answer(core, params, source, false));
              // Whether a query reads a row depends on its live words, kept up to date seal after seal.
              core.seal();
              for (const prefix of ['a', 'ab', 'bo', 'z']) {
                const row = core.prefixRows.lookup(prefix);
                if (row === undefined) continue;
                let live = 0;
                core.vocabulary.tree().forEachWithPrefix(prefix, (word, term) => {
                  if (word !== prefix && !core.vocabulary.isReserved(term) && core.postings.docCount(term) > 0) live++;
                });
                expect(row.liveWords, prefix).toBe(live);
              }
            };
            first.forEach((d, i) => put(i, d));
            check();
            // Later documents (new ids; some replace earlier ones), then removals.
            later.forEach((d, i) => put(i % 3 === 0 ? i : first.length + i, d));
            check();
            for (const r of removed) {
              store.delete(String(r));
              core.remove(String(r));
            }
            check();
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      prefixCachePolicy.rankedWords = true;
    }
  });
});
