import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../types/settings.ts';
import { SearchCore } from './core.ts';
import { DocLists } from './doc-lists.ts';
import { DocTerms } from './doc-terms.ts';
import { Postings } from './postings.ts';
import { PREFIX_ROW_MIN_WORDS } from './prefix-rows.ts';
import { hasDoc } from './doc-set.ts';

/**
 * A seal looks a removed document up only in the rows of the words recorded for it and in their
 * prefix rows (doc-terms.ts), not in every row. After any writes, every row, prefix rows
 * included, must hold exactly the live documents with its word (or a word extending its prefix),
 * and a prefix row's occurrences of a document must be those of its words there.
 */
const LETTERS = 'abcdefghijk';
const family = (prefix: string): string[] => [...LETTERS].flatMap((x) => [...LETTERS].map((y) => `${prefix}${x}${y}`));
/** 121 words under "cd" ("c" and "cd" have prefix rows from the start). */
const CD_WORDS = family('cd');
/** 121 words under "ab": the first document has 3 fewer than a prefix row needs, so "a" and "ab" get rows once writes add 3 more. */
const AB_WORDS = family('ab');
const SEEDED = PREFIX_ROW_MIN_WORDS - 3;
const WORDS = [...AB_WORDS.slice(SEEDED, SEEDED + 12), ...CD_WORDS.slice(0, 4), 'zed', 'zeta'];
const SEED = [...CD_WORDS, ...AB_WORDS.slice(0, SEEDED)];

type Op = { kind: 'upsert'; id: number; words: string[] } | { kind: 'remove'; id: number } | { kind: 'seal' };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('upsert' as const), id: fc.integer({ min: 0, max: 8 }), words: fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }) }) },
  // Id 8 is the first document (SEED).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 8 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'seal' as const }) },
);

/**
 * Per row term: the external ids of its documents. Checks on the way that they are all alive and
 * that each prefix row holds, per document, the occurrences of its words under the prefix.
 */
function rows(core: SearchCore): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const { postings } = core;
  const occurrences = (t: number, d: number): number[] => {
    for (let p = postings.termStart[t]!; p < postings.termEnd[t]!; p++) if (postings.docs[p] === d) return Array.from(postings.occ.subarray(postings.occStart[p]!, postings.occStart[p + 1]!));
    return [];
  };
  for (let t = 0; t < postings.sealedTermCount; t++) {
    const prefix = core.vocabulary.isReserved(t) ? core.prefixRows.prefixOf(t)! : null;
    const key = prefix !== null ? `prefix:${prefix}` : `word:${core.vocabulary.term(t)}`;
    const docs: string[] = [];
    for (let p = postings.termStart[t]!; p < postings.termEnd[t]!; p++) {
      const d = postings.docs[p]!;
      expect(hasDoc(core.alive, d), `${key} holds removed document ${d}`).toBe(true);
      docs.push(core.externalId(d)!);
      if (prefix === null) continue;
      const words: number[] = [];
      for (let w = 0; w < postings.sealedTermCount; w++) {
        if (core.vocabulary.isReserved(w)) continue;
        const word = core.vocabulary.term(w);
        if (word.length > prefix.length && word.startsWith(prefix)) words.push(...occurrences(w, d));
      }
      expect(occurrences(t, d), `${key} of document ${d}`).toEqual(words.sort((a, b) => a - b));
    }
    if (docs.length > 0) out.set(key, docs.sort());
  }
  return out;
}

/** What the rows must hold for these live documents (row keys as `rows` gives them). */
function expected(core: SearchCore, live: Map<string, string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (key: string, id: string): void => {
    const list = out.get(key) ?? out.set(key, []).get(key)!;
    if (!list.includes(id)) list.push(id);
  };
  for (const [id, words] of live) {
    for (const w of words) {
      add(`word:${w}`, id);
      for (let i = 1; i < w.length; i++) if (core.prefixRows.lookup(w.slice(0, i)) !== undefined) add(`prefix:${w.slice(0, i)}`, id);
    }
  }
  for (const list of out.values()) list.sort();
  return out;
}

describe('removed documents', () => {
  it.each([
    ['ids and terms kept', {}],
    // Renumbered as soon as a few are dead: the recorded terms follow both renumberings.
    ['ids and terms renumbered often', { compactSlack: 0, termCompactSlack: 0 }],
  ])('leave every row, prefix rows included, whatever the writes between seals: %s (property)', (_name, options) => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), (ops) => {
        const core = new SearchCore({ ...defaultSettings(), searchableAttributes: ['text'] }, 'id', options);
        const live = new Map<string, string[]>([['8', SEED]]);
        core.upsert('8', { id: 8, text: SEED.join(' ') });
        core.seal();
        expect(core.prefixRows.lookup('cd')).toBeDefined();
        expect(core.prefixRows.lookup('ab')).toBeUndefined();
        for (const o of [...ops, { kind: 'seal' } as const]) {
          if (o.kind === 'upsert') {
            live.set(String(o.id), o.words);
            core.upsert(String(o.id), { id: o.id, text: o.words.join(' ') });
          } else if (o.kind === 'remove') {
            live.delete(String(o.id));
            core.remove(String(o.id));
          } else {
            core.seal();
            expect(rows(core)).toEqual(expected(core, live));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('DocLists', () => {
  it('give back each document\'s set, ascending and without duplicates, over renumberings of documents and values (property)', () => {
    const value = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
    fc.assert(
      fc.property(fc.array(fc.array(value, { maxLength: 12 }), { minLength: 1, maxLength: 20 }), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), fc.array(fc.boolean(), { minLength: 301, maxLength: 301 }), (sets, keep, keepValue) => {
        const lists = new DocLists();
        const model = new Map<number, number[]>();
        sets.forEach((values, d) => {
          lists.set(d, Uint32Array.from(values));
          model.set(d, [...new Set(values)].sort((a, b) => a - b));
        });
        const read = (d: number): number[] => {
          const out: number[] = [];
          lists.forEach(d, (v) => out.push(v));
          return out;
        };
        for (const [d, values] of model) expect(read(d)).toEqual(values);
        // Documents renumbered (some dropped), order kept.
        const mapping = new Int32Array(sets.length).fill(-1);
        let next = 0;
        for (let d = 0; d < sets.length; d++) if (keep[d]) mapping[d] = next++;
        lists.remapDocs(mapping, next);
        for (const [d, values] of model) {
          if (mapping[d]! < 0) continue;
          expect(lists.has(mapping[d]!)).toBe(true);
          expect(read(mapping[d]!)).toEqual(values);
        }
        // Values below 301 renumbered (some dropped), order kept; larger ones dropped.
        const values = new Int32Array(301).fill(-1);
        let v = 0;
        for (let i = 0; i < 301; i++) if (keepValue[i]) values[i] = v++;
        lists.remapValues(values);
        for (const [d, old] of model) {
          if (mapping[d]! < 0) continue;
          expect(read(mapping[d]!)).toEqual(old.filter((x) => x < 301 && values[x]! >= 0).map((x) => values[x]!));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('DocTerms', () => {
  it('do not claim to know where a document is when its pairs came in two runs', () => {
    const postings = new Postings();
    const occ = Uint32Array.of(0);
    postings.add(0, 1, occ, 0, 1);
    postings.add(1, 2, occ, 0, 1);
    postings.add(2, 1, occ, 0, 1);
    const terms = new DocTerms();
    terms.record(postings, Uint32Array.of(0b110), 3);
    expect(terms.rowsOf(1, () => [])).toBeNull();
    expect(terms.rowsOf(2, () => [9])).toEqual([1, 9]);
    // Never sealed: in no row.
    expect(terms.rowsOf(3, () => [9])).toEqual([]);
  });
});
