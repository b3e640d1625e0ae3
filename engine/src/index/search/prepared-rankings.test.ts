import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Document } from '../../types/document.ts';
import { defaultSettings, type Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import { settingsOf } from '../test-support/settings.ts';
import { countHits } from '../test-support/count-hits.ts';
import { twinCores } from '../test-support/twin-cores.ts';
import type { DocumentSource, SearchParams } from '../types.ts';
import { prefixCachePolicy } from './prefix-cache.ts';
import { commonPrefixes, preparePolicy } from './prepared-rankings.ts';

/**
 * Prepared rankings (prepared-rankings.ts) are trusted by the query string alone, so every write
 * must drop exactly those it may have changed. The property test prepares every prefix of every
 * word, then writes documents with the same words, new words within typos of them, extensions
 * and unrelated words, and after each write compares every prepared query with a core that
 * ranks from scratch.
 */
const WORDS = ['alpha', 'alpah', 'alphabet', 'alps', 'alp', 'beta', 'betas', 'better', 'bet', 'gamma', 'gama', 'sun', 'flower', 'sunflower', 'delta', 'zeta'];
// Some complete a split of a word above (gam + ma, del + ta, sunf + lower).
const NEW_WORDS = ['alphx', 'lapha', 'alpine', 'betta', 'bets', 'gammax', 'sunflowers', 'flow', 'delt', 'omega', 'zetas', 'sunf', 'lower', 'flowr', 'gam', 'ma', 'del', 'ta'];
const POLICY = { ...preparePolicy };
/** Three letters for 0 .. 17575, in the same order ("aaa", "aab", ...). */
const letters = (i: number): string => String.fromCharCode(97 + Math.floor(i / 676), 97 + (Math.floor(i / 26) % 26), 97 + (i % 26));
const QUERIES = [...new Set([...WORDS, ...NEW_WORDS].flatMap((w) => Array.from({ length: w.length }, (_, i) => w.slice(0, i + 1))))];

const text = (words: string[]): fc.Arbitrary<string> => fc.array(fc.constantFrom(...words), { maxLength: 5 }).map((w) => w.join(' '));
/** Documents loaded first have the first words only; later writes bring the new ones. */
const firstDoc = fc.record({ title: text(WORDS), body: text(WORDS) });
const doc = fc.record({ title: text(WORDS), body: text([...WORDS, ...NEW_WORDS]) });

const settingsArb: fc.Arbitrary<Settings> = fc
  .record({
    rules: fc.constantFrom<string[]>(['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'], ['exactness', 'typo', 'words'], ['typo', 'attributeRank', 'wordPosition']),
    oneTypo: fc.integer({ min: 3, max: 5 }),
    twoTypos: fc.integer({ min: 4, max: 9 }),
    typos: fc.boolean(),
    synonyms: fc.boolean(),
    maxTotalHits: fc.constantFrom(1000, 5),
  })
  .map((s) => settingsOf({ ...s, synonyms: s.synonyms ? { sun: ['delta'], gama: ['zeta'] } : {} }));

type Op = { kind: 'upsert'; id: number; doc: Document } | { kind: 'remove'; id: number } | { kind: 'idle' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id: fc.integer({ min: 0, max: 20 }), doc }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 20 }) }) },
);

/** One op on the twin cores (`idle`: the tested core's idle work), then the tested core sealed. */
function apply(o: Op, tested: SearchCore, upsert: (id: number, doc: Document) => void, remove: (id: number) => void): void {
  if (o.kind === 'idle') tested.refreshKept(Infinity);
  else if (o.kind === 'upsert') upsert(o.id, o.doc);
  else remove(o.id);
  tested.seal();
}

describe('prepared rankings', () => {
  it('answer as a core ranking from scratch after every write (property)', () => {
    const policy = { ...preparePolicy };
    preparePolicy.minDocuments = 1;
    preparePolicy.keptDocuments = 3;
    // The first page's ids kept for fewer documents than the others: both ways of reading a
    // page are compared (`limit: 2` from the ids kept, `offset: 2` from the order).
    preparePolicy.pageIds = 2;
    let compared = 0;
    try {
      fc.assert(
        fc.property(settingsArb, fc.array(firstDoc, { minLength: 1, maxLength: 20 }), fc.array(op, { minLength: 1, maxLength: 12 }), (settings, docs, ops) => {
          const { source, tested: prepared, reference, upsert, remove } = twinCores(settings);
          docs.forEach((d, i) => upsert(i, d));
          prepared.refreshKept(Infinity);
          for (const o of ops) {
            apply(o, prepared, upsert, remove);
            for (const q of QUERIES) {
              if (prepared.prepared.lookup(q) === undefined) continue;
              // Pages inside and past the kept documents (the latter ranked by the full pipeline).
              for (const params of [{ q, limit: 2 }, { q, offset: 2, limit: 4 }] satisfies SearchParams[]) {
                const { processingTimeMs: _a, ...got } = prepared.search(params, source);
                prefixCachePolicy.rankedWords = false;
                let want: unknown;
                try {
                  const { processingTimeMs: _b, ...rest } = reference.search(params, source);
                  want = rest;
                } finally {
                  prefixCachePolicy.rankedWords = true;
                }
                expect(got, `${q} after ${JSON.stringify(o)}`).toEqual(want);
                compared++;
              }
            }
          }
        }),
        { numRuns: 150 },
      );
    } finally {
      Object.assign(preparePolicy, policy);
    }
    expect(compared).toBeGreaterThan(5000);
  });

  it('give a query of several words its last word\'s derivations as a parse derives them, after every write (property)', () => {
    const policy = { ...preparePolicy };
    preparePolicy.minDocuments = 1;
    let compared = 0;
    let fromEntries = 0;
    try {
      fc.assert(
        fc.property(settingsArb, fc.array(firstDoc, { minLength: 1, maxLength: 20 }), fc.array(op, { minLength: 1, maxLength: 10 }), fc.constantFrom(...WORDS), (settings, docs, ops, lead) => {
          const { source, tested, reference, upsert, remove } = twinCores(settings);
          countHits(tested.prepared, 'derivationsOf', () => fromEntries++);
          docs.forEach((d, i) => upsert(i, d));
          tested.refreshKept(Infinity);
          for (const o of ops) {
            apply(o, tested, upsert, remove);
            // No ranking kept from one query to the next: each is parsed and ranked afresh.
            tested.dropReadCaches();
            for (const q of QUERIES) {
              if (tested.prepared.lookup(q) === undefined) continue;
              const params: SearchParams = { q: `${lead} ${q}`, limit: 4, showRankingScoreDetails: true };
              tested.dropReadCaches();
              const { processingTimeMs: _a, ...got } = tested.search(params, source);
              reference.dropReadCaches();
              const { processingTimeMs: _b, ...want } = reference.search(params, source);
              expect(got, `${params.q} after ${JSON.stringify(o)}`).toEqual(want);
              compared++;
            }
          }
        }),
        { numRuns: 100 },
      );
    } finally {
      Object.assign(preparePolicy, policy);
    }
    expect(compared).toBeGreaterThan(2000);
    // Most of those queries took the derivations of their last word from its entry.
    expect(fromEntries).toBeGreaterThan(compared / 2);
  });

  it('survive dropped read caches, not a settings change', () => {
    const policy = { ...preparePolicy };
    preparePolicy.minDocuments = 2;
    try {
      const core = new SearchCore(defaultSettings(), 'id');
      const docs = [{ id: 1, t: 'alpha beta' }, { id: 2, t: 'alphabet' }, { id: 3, t: 'gamma' }];
      const store = new Map<string, Document>(docs.map((d) => [String(d.id), d]));
      const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
      for (const d of docs) core.upsert(String(d.id), d);
      expect(core.refreshKept(Infinity)).toBe(false);
      // "alpha" and "alphabet" together are in 2 documents; "gamma" in 1, "beta" in 1.
      expect(['a', 'al', 'alp', 'alph', 'alpha'].every((q) => core.prepared.lookup(q) !== undefined)).toBe(true);
      expect(core.prepared.lookup('alphab')).toBeUndefined();
      expect(core.prepared.lookup('gamma')).toBeUndefined();
      expect(core.search({ q: 'alp' }, source).hits.map((h) => h['id'])).toEqual([1, 2]);
      core.dropReadCaches();
      expect(core.prepared.lookup('alp')?.total).toBe(2);
      core.applySettings({ ...defaultSettings(), searchableAttributes: ['t'] }, source);
      expect(core.prepared.size).toBe(0);
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('alp')?.total).toBe(2);
      // A write of words unrelated to "alp" leaves its ranking; one extending it sets it aside
      // until the index is idle again.
      core.upsert('4', { id: 4, t: 'gamma' });
      core.seal();
      expect(core.prepared.lookup('alp')?.total).toBe(2);
      core.upsert('5', { id: 5, t: 'alpine' });
      core.seal();
      expect(core.prepared.lookup('alp')).toBeUndefined();
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('alp')?.total).toBe(3);
    } finally {
      Object.assign(preparePolicy, policy);
    }
  });

  it('are set aside when a new word completes a split of theirs', () => {
    const policy = { ...preparePolicy };
    preparePolicy.minDocuments = 1;
    try {
      const core = new SearchCore(defaultSettings(), 'id');
      const store = new Map<string, Document>();
      const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
      const upsert = (d: Document): void => {
        store.set(String(d['id']), d);
        core.upsert(String(d['id']), d);
      };
      upsert({ id: 1, t: 'sunflower' });
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('sunflower')?.total).toBe(1);
      // Neither "sun" nor "flower" was a word: "sunflower" had no split. Now it has one.
      upsert({ id: 2, t: 'sun flower' });
      core.seal();
      expect(core.prepared.lookup('sunflower')).toBeUndefined();
      expect(core.search({ q: 'sunflower' }, source).hits.map((h) => h['id'])).toEqual([1, 2]);
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('sunflower')?.total).toBe(2);
    } finally {
      Object.assign(preparePolicy, policy);
    }
  });

  /** A core with `docs` (field `t`), its rankings prepared (every query in one document or more). */
  function preparedCore(settings: Settings, docs: Array<{ id: number; t: string }>) {
    const core = new SearchCore(settings, 'id');
    const store = new Map<string, Document>();
    const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
    const upsert = (d: { id: number; t: string }): void => {
      store.set(String(d.id), d);
      core.upsert(String(d.id), d);
    };
    const remove = (id: number): void => {
      store.delete(String(id));
      core.remove(String(id));
    };
    docs.forEach(upsert);
    core.refreshKept(Infinity);
    return { core, source, upsert, remove };
  }

  it('carry the number of hits over removals only while it is known', () => {
    Object.assign(preparePolicy, { minDocuments: 1, keptDocuments: 3 });
    try {
      const settings = { ...defaultSettings(), pagination: { maxTotalHits: 5 } };
      const { core, source, remove } = preparedCore(settings, Array.from({ length: 7 }, (_, i) => ({ id: i + 1, t: 'alpha' })));
      // The first 3 of 7 kept; removing 3 others leaves 4 hits (below maxTotalHits: shown exactly).
      for (const id of [5, 6, 7]) remove(id);
      core.seal();
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('alpha')?.total).toBe(4);
      expect(core.search({ q: 'alpha' }, source).estimatedTotalHits).toBe(4);
    } finally {
      Object.assign(preparePolicy, POLICY);
    }
  });

  it('are made again when their derivations change', () => {
    Object.assign(preparePolicy, { minDocuments: 1, keptDocuments: 3 });
    try {
      // "zzzzz" derives its first 1000 words in lexicographic order: zzzzzaaa .. zzzzzbml. The
      // document of the 1000th ranks first (at position 0).
      const word = (i: number): string => `zzzzz${letters(i)}`;
      const docs = Array.from({ length: 1001 }, (_, i) => ({ id: i, t: i === 999 ? word(i) : `x ${word(i)}` }));
      const settings = { ...defaultSettings(), pagination: { maxTotalHits: 5 } };
      const { core, source, upsert } = preparedCore(settings, docs);
      // (Pages within the 3 documents kept are read from the prepared ranking.)
      expect(core.search({ q: 'zzzzz', limit: 3 }, source).hits.map((h) => h['id'])).toEqual([999, 0, 1]);
      // A word before them all pushes the 1000th out: its document no longer matches.
      upsert({ id: 2000, t: 'x zzzzza' });
      core.seal();
      core.refreshKept(Infinity);
      expect(core.search({ q: 'zzzzz', limit: 3 }, source).hits.map((h) => h['id'])).toEqual([0, 1, 2]);
    } finally {
      Object.assign(preparePolicy, POLICY);
    }
  });

  /**
   * "sunflower" (a word: prepared) also matches its split, the one whose rarer word is in the
   * most documents. Its hits over `docs`, then after `write` once the index was idle (ids are not
   * searched: the writes add no word to the query's).
   */
  function sunflowerAcross(docs: Array<{ id: number; t: string }>, before: number[], write: (upsert: (d: { id: number; t: string }) => void) => void, after: number[]): void {
    Object.assign(preparePolicy, { minDocuments: 1 });
    try {
      const { core, source, upsert } = preparedCore({ ...defaultSettings(), searchableAttributes: ['t'] }, docs);
      expect(core.prepared.lookup('sunflower')).toBeDefined();
      expect(core.search({ q: 'sunflower' }, source).hits.map((h) => h['id'])).toEqual(before);
      write(upsert);
      core.seal();
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('sunflower')).toBeDefined();
      expect(core.search({ q: 'sunflower' }, source).hits.map((h) => h['id'])).toEqual(after);
    } finally {
      Object.assign(preparePolicy, POLICY);
    }
  }

  // 5000 words (with the document holding them, a write of them all changes 5000 counts at once,
  // more than are checked one by one).
  const FILLERS = Array.from({ length: 5000 }, (_, i) => `x${letters(i)}`).join(' ');
  it.each([
    ['a few terms', ''],
    ['too many terms to check', FILLERS],
  ])('are parsed again when a count that chose their split changes (a write of %s)', (_what, fillers) => {
    // sunf + lower, then sun + flower.
    const docs = [{ id: 1, t: 'sun flower' }, { id: 2, t: 'sunf lower' }, { id: 3, t: 'sunf lower' }, { id: 6, t: 'sunflower' }];
    sunflowerAcross([...docs, ...(fillers === '' ? [] : [{ id: 7, t: fillers }])], [6, 2, 3], (upsert) => {
      upsert({ id: 4, t: 'sun flower' });
      upsert({ id: 5, t: `sun flower ${fillers}` });
    }, [6, 1, 4, 5]);
  });

  it.each([
    ['first word alone', { only: 'flower', written: 'sun', copies: 2 }],
    ['second word alone', { only: 'sun', written: 'flower', copies: 2 }],
    // sun + flower then scores 2 as sunf + lower does: the split that comes first wins the tie.
    ['first word alone, to a tie', { only: 'flower', written: 'sun', copies: 1 }],
  ])('are parsed again when the count of a split\'s %s changes the split chosen', (_which, { only, written, copies }) => {
    // sunf + lower (2 and 2 documents) is chosen over sun + flower (1 and 3), until documents
    // with the rarer of sun and flower alone make that split score as high or higher.
    const docs = [{ id: 1, t: 'sun flower' }, { id: 2, t: 'sunf lower' }, { id: 3, t: 'sunf lower' }, { id: 6, t: 'sunflower' }, { id: 8, t: only }, { id: 9, t: only }];
    sunflowerAcross(docs, [6, 2, 3], (upsert) => {
      for (let i = 0; i < copies; i++) upsert({ id: 4 + i, t: written });
    }, [6, 1]);
  });

  it('carry the documents their split gained when no count changed', () => {
    // Written again, document 1 is the newer of two that tie: the same counts, a new order.
    sunflowerAcross([{ id: 1, t: 'sun flower' }, { id: 4, t: 'sun flower' }, { id: 6, t: 'sunflower' }], [6, 1, 4], (upsert) => upsert({ id: 1, t: 'sun flower' }), [6, 4, 1]);
  });

  it('go once their words are no longer common, when the candidates are listed again', () => {
    Object.assign(preparePolicy, { minDocuments: 2 });
    try {
      const { core, source, upsert, remove } = preparedCore({ ...defaultSettings(), searchableAttributes: ['t'] }, [
        { id: 1, t: 'alpha' },
        { id: 2, t: 'alpha' },
        { id: 3, t: 'beta' },
      ]);
      expect(core.prepared.lookup('alpha')?.total).toBe(2);
      remove(2);
      core.refreshKept(Infinity);
      // Still right (carried over the removal), until the vocabulary grows enough to list again.
      expect(core.prepared.lookup('alpha')?.total).toBe(1);
      upsert({ id: 4, t: 'gamma delta epsilon zeta' });
      core.refreshKept(Infinity);
      expect(core.prepared.lookup('alpha')).toBeUndefined();
      expect(core.search({ q: 'alpha' }, source).hits.map((h) => h['id'])).toEqual([1]);
    } finally {
      Object.assign(preparePolicy, POLICY);
    }
  });

  it('commonPrefixes sums the documents of the words extending each prefix (property)', () => {
    const entries = fc.uniqueArray(fc.tuple(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 1, maxLength: 5 }), fc.integer({ min: 0, max: 9 })), { selector: (e) => e[0], maxLength: 30 });
    fc.assert(
      fc.property(entries, fc.integer({ min: 1, max: 20 }), (words, min) => {
        const sorted = [...words].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const got = commonPrefixes((visit) => sorted.forEach(([w, n]) => visit(w, n)), min, 1000);
        const sums = new Map<string, number>();
        for (const [w, n] of words) for (let i = 1; i <= w.length; i++) if (n > 0) sums.set(w.slice(0, i), (sums.get(w.slice(0, i)) ?? 0) + n);
        const want = [...sums].filter(([, n]) => n >= min).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([p]) => p);
        expect(got).toEqual(want);
      }),
    );
  });
});
