import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedTrie } from './packed-trie.ts';
import { RadixTree, type FuzzyOptions, type KeyVisitor } from './term-dictionary.ts';
import { TermTree } from './term-tree.ts';

type Visit = [key: string, value: number, distance: number];

/** What a lookup visits, in order, stopping after `stopAfter` keys (the visitor returns false). */
function visits(run: (visit: KeyVisitor<number>) => void, stopAfter = Infinity): Visit[] {
  const out: Visit[] = [];
  run((key, value, distance) => {
    out.push([key, value, distance]);
    return out.length < stopAfter;
  });
  return out;
}

interface Lookups {
  forEach(visit: KeyVisitor<number>): void;
  forEachWithPrefix(prefix: string, visit: KeyVisitor<number>): void;
  forEachFuzzy(query: string, max: number, visit: KeyVisitor<number>, options?: FuzzyOptions): void;
}

/** Every lookup of `tree` next to the same lookup of a radix tree of the same keys. */
function expectSameLookups(tree: Lookups, reference: RadixTree<number>, query: string, max: number, stopAfter: number): void {
  expect(visits((v) => tree.forEach(v), stopAfter)).toEqual(visits((v) => reference.forEach(v), stopAfter));
  expect(visits((v) => tree.forEachWithPrefix(query, v), stopAfter)).toEqual(visits((v) => reference.forEachWithPrefix(query, v), stopAfter));
  for (const prefix of [false, true]) {
    for (const firstChar of [undefined, 'same', 'other'] as const) {
      const options = { prefix, firstChar };
      expect(visits((v) => tree.forEachFuzzy(query, max, v, options), stopAfter)).toEqual(
        visits((v) => reference.forEachFuzzy(query, max, v, options), stopAfter),
      );
    }
  }
}

const sorted = (keys: string[]): string[] => [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
// Shared first letters and long shared runs make splits at every depth; 'é' and '中' sort after ASCII.
const word = fc.string({ unit: fc.constantFrom('a', 'b', 'ab', 'ba', 'c', 'é', '中'), minLength: 0, maxLength: 6 });
const keySet = fc.uniqueArray(word, { maxLength: 60 });

describe('PackedTrie', () => {
  it('visits what a radix tree of the same keys visits, in the same order (property)', () => {
    fc.assert(
      fc.property(keySet, word, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 8 }), (keys, query, max, stopAfter) => {
        const reference = new RadixTree<number>();
        keys.forEach((k, i) => reference.set(k, i));
        const ordered = sorted(keys);
        const packed = PackedTrie.fromSorted(ordered, ordered.map((k) => keys.indexOf(k)));
        expect(packed.size).toBe(keys.length);
        expectSameLookups(packed, reference, query, max, Infinity);
        expectSameLookups(packed, reference, query, max, stopAfter);
      }),
      { numRuns: 400 },
    );
  });

  it('finds long labels, the empty key and keys past the first 64 characters', () => {
    const keys = sorted(['', 'x'.repeat(100), 'x'.repeat(100) + 'y', 'xa', 'z'.repeat(70)]);
    const packed = PackedTrie.fromSorted(keys, keys.map((_, i) => i));
    expect(visits((v) => packed.forEachWithPrefix('x'.repeat(50), v)).map(([k]) => k.length)).toEqual([100, 101]);
    expect(visits((v) => packed.forEachFuzzy('z'.repeat(69), 1, v)).map(([k, , d]) => [k.length, d])).toEqual([[70, 1]]);
    expect(visits((v) => packed.forEachFuzzy('', 0, v))).toEqual([['', 0, 0]]);
  });

  it('skips subtrees whose keys are too short to match, except what a matched prefix already matches', () => {
    const keys = sorted(['ab', 'abx', 'abxy', 'abyz', 'ba', 'springfield', 'spr', 'sprig']);
    const packed = PackedTrie.fromSorted(keys, keys.map((_, i) => i));
    // 'spr' and 'sprig' are 8 and 6 edits short of the query: only the long key matches.
    expect(visits((v) => packed.forEachFuzzy('springfielt', 2, v))).toEqual([['springfield', 7, 1]]);
    expect(visits((v) => packed.forEachFuzzy('springfielt', 2, v, { prefix: true }))).toEqual([['springfield', 7, 1]]);
    // 'abab' is within 2 of 'bbéa': with prefix matching, 'ababa' below it matches through it,
    // though no state left at 'abab' can reach the query's end within the one character left.
    const short = sorted(['abab', 'ababa']);
    const trie = PackedTrie.fromSorted(short, [0, 1]);
    expect(visits((v) => trie.forEachFuzzy('bbéa', 2, v, { prefix: true }))).toEqual([['abab', 0, 2], ['ababa', 1, 2]]);
  });
});

describe('TermTree', () => {
  it('reads its packed and recent parts as one tree, before and after compacting (property)', () => {
    fc.assert(
      fc.property(keySet, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), word, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 8 }), (keys, packFirst, query, max, stopAfter) => {
        const reference = new RadixTree<number>();
        const tree = new TermTree();
        // Some keys are added and packed, the others added after (the recent part).
        keys.forEach((k, i) => packFirst[i] === true && tree.add(k, i));
        expect(tree.compact()).toBe(keys.some((_, i) => packFirst[i] === true));
        keys.forEach((k, i) => packFirst[i] !== true && tree.add(k, i));
        keys.forEach((k, i) => reference.set(k, i));
        expect(tree.size).toBe(keys.length);
        expectSameLookups(tree, reference, query, max, Infinity);
        expectSameLookups(tree, reference, query, max, stopAfter);
        tree.compact(true);
        expect(tree.recentSize).toBe(0);
        expectSameLookups(tree, reference, query, max, stopAfter);
      }),
      { numRuns: 300 },
    );
  });

  it('packs the recent words once they are a thirty-second of the packed ones, or when forced', () => {
    const tree = new TermTree();
    for (let i = 0; i < 64; i++) tree.add(`w${String(i).padStart(2, '0')}`, i);
    expect(tree.compact()).toBe(true);
    tree.add('w99', 99);
    expect(tree.compact()).toBe(false);
    expect(tree.recentSize).toBe(1);
    tree.add('a', 100);
    expect(tree.compact()).toBe(true);
    expect(tree.recentSize).toBe(0);
    expect(tree.compact(true)).toBe(false);
    tree.add('b', 101);
    expect(tree.compact(true)).toBe(true);
    expect(visits((v) => tree.forEach(v)).map(([k]) => k).slice(0, 3)).toEqual(['a', 'b', 'w00']);
  });
});
