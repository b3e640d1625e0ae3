import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Document } from '../types/document.ts';
import { defaultSettings, type Settings } from '../types/settings.ts';
import { SearchCore } from './core.ts';
import { prefixRowPolicy } from './prefix-rows.ts';
import { prefixCachePolicy } from './search/prefix-cache.ts';
import type { DocumentSource, SearchParams } from './types.ts';

/**
 * Replacing and deleting documents (and the id renumbering that follows) must leave the core
 * answering exactly like a core built from scratch with the surviving documents, given in the
 * core's internal order (which orders ties): read caches kept over writes (parsed queries,
 * derivations, one-word rankings), the seal's bulk copies and the facets' kept value order
 * included.
 */
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'alphabet', 'gammas', 'deltoid'];
const doc = fc.record({
  title: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((w) => w.join(' ')),
  tag: fc.constantFrom('red', 'green', 'blue'),
  n: fc.integer({ min: 0, max: 5 }),
});
type Op = { kind: 'upsert'; id: number; doc: Document } | { kind: 'remove'; id: number } | { kind: 'search' } | { kind: 'settings'; variant: number };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id: fc.integer({ min: 0, max: 7 }), doc }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'search' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settings' as const), variant: fc.integer({ min: 0, max: 2 }) }) },
);

const base = { ...defaultSettings(), filterableAttributes: ['tag', 'n'], sortableAttributes: ['n', 'tag'] };
/** Settings variants switched between: text re-indexing (stop words, searchable) and facets. */
const VARIANTS = [base, { ...base, stopWords: ['beta'] }, { ...base, searchableAttributes: ['title'], filterableAttributes: ['tag', 'n', 'title'] }];
const QUERIES: SearchParams[] = [
  { q: 'alpha' },
  { q: 'gamma delta' },
  { q: 'epsi' },
  { q: 'e' },
  { q: 'g', filter: 'tag = blue' },
  { q: '', filter: 'tag = red OR n > 3' },
  { q: 'beta', facets: ['tag'] },
  { q: '', sort: ['n:asc'] },
  { q: '', sort: ['tag:desc', 'n:asc'] },
  { q: 'a', sort: ['tag:asc'] },
  { q: 'alpha', facets: ['tag', 'n'] },
  { q: 'gammas' },
];

function answer(core: SearchCore, source: DocumentSource): unknown[] {
  return QUERIES.map((q) => {
    const r = core.search({ ...q, limit: 100 }, source);
    return { ids: r.hits.map((h) => h['id'] as number), total: r.estimatedTotalHits, facets: r.facetDistribution };
  });
}

/** A core built from scratch with the documents of `core`, in its internal order. */
function rebuilt(core: SearchCore, settings: Settings, store: Map<string, Document>, source: DocumentSource): SearchCore {
  const fresh = new SearchCore(settings, 'id');
  for (const hit of core.search({ q: '', limit: 1000 }, source).hits) fresh.upsert(String(hit['id']), store.get(String(hit['id']))!);
  return fresh;
}

describe('SearchCore updates', () => {
  it('answers like a fresh core after any sequence of upserts and removals (property)', () => {
    prefixCachePolicy.minDerivations = 0; // cache every prefix, to check its invalidation
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.boolean(), (ops, renumberOften) => {
        let settings: Settings = base;
        // Renumbering breaks the write journal: often, or as rarely as by default.
        const core = new SearchCore(settings, 'id', renumberOften ? { compactSlack: 2, termCompactSlack: 0 } : {});
        const store = new Map<string, Document>();
        const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
        for (const o of ops) {
          if (o.kind === 'upsert') {
            const d = { id: o.id, ...o.doc };
            store.set(String(o.id), d);
            core.upsert(String(o.id), d);
          } else if (o.kind === 'remove') {
            store.delete(String(o.id));
            core.remove(String(o.id));
          } else if (o.kind === 'settings') {
            settings = VARIANTS[o.variant]!;
            core.applySettings(settings, source);
          } else {
            expect(answer(core, source)).toEqual(answer(rebuilt(core, settings, store, source), source));
          }
        }
        const fresh = rebuilt(core, settings, store, source);
        expect(core.documentCount).toBe(store.size);
        expect(answer(core, source)).toEqual(answer(fresh, source));
        if (!renumberOften) return;
        // The searches above sealed the core, which renumbers ids past 2 x live + slack.
        expect(core.capacity).toBeLessThanOrEqual(2 * store.size + 2);
        // ... and forgets terms no live document has once they outnumber the live ones.
        expect(core.vocabulary.size).toBeLessThanOrEqual(2 * fresh.vocabulary.size);
      }),
      { numRuns: 300 },
    );
    prefixCachePolicy.minDerivations = 100;
  });

  it('keeps its vocabulary bounded when documents are replaced with ever new words, prefix rows included', () => {
    // Words of letters only ("word" + base-26 digits), so each is one token; 150 live words
    // under "word" give that prefix (and "w", "wo", "wor") a prefix row that queries read.
    const LIVE = 150;
    const word = (round: number, i: number): string => `word${[...(round * 1000 + i).toString(26).padStart(4, '0')].map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('')}`;
    const core = new SearchCore(defaultSettings(), 'id', { termCompactSlack: 100 });
    const store = new Map<string, Document>();
    const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
    const ids = (params: SearchParams): number[] => core.search({ limit: 1000, ...params }, source).hits.map((h) => h['id'] as number);
    const sizes: number[] = [];
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < LIVE; i++) {
        const d = { id: i, title: `keeper ${word(round, i)} common ${['red', 'green', 'blue'][i % 3]}` };
        store.set(String(i), d);
        core.upsert(String(i), d);
      }
      expect(ids({ q: `"${word(round, 7)}"` })).toEqual([7]);
      // The prefix rows rebuilt after a compaction answer exactly as the words they stand for.
      for (const q of ['word', 'wo', 'keeper w']) {
        const withRows = ids({ q });
        prefixRowPolicy.enabled = false;
        const withoutRows = ids({ q });
        prefixRowPolicy.enabled = true;
        expect(withRows, `round ${round}: ${q}`).toEqual(withoutRows);
        expect(withRows).toHaveLength(LIVE);
      }
      sizes.push(core.vocabulary.size);
    }
    expect(core.prefixRows.lookup('word')).toBeDefined();
    // 20 rounds wrote 3,000 distinct words; 150 are alive (+ keeper, common, 3 colours, the ids,
    // a few prefix rows).
    expect(Math.max(...sizes)).toBeLessThan(2 * (LIVE * 2 + 10) + 100 + LIVE);
    expect(core.search({ q: `"${word(3, 7)}"` }, source).hits).toEqual([]);
    // Typo and prefix lookups go through the rebuilt term dictionary.
    expect(core.search({ q: 'keeepr', limit: 1000 }, source).estimatedTotalHits).toBe(LIVE);
    expect(core.search({ q: 'kee', limit: 1000 }, source).estimatedTotalHits).toBe(LIVE);
  });
});
