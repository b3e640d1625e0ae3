import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RadixTree } from './term-dictionary.ts';
import { naiveDistance, naivePrefixDistance } from './test-support/edit-distance.ts';

function collect(tree: RadixTree<number>, query: string, max: number, prefix: boolean, firstChar?: 'same' | 'other'): Map<string, number> {
  const out = new Map<string, number>();
  tree.forEachFuzzy(query, max, (key, _v, dist) => void out.set(key, dist), { prefix, firstChar });
  return out;
}

describe('RadixTree', () => {
  it('stores, finds, overwrites and deletes keys', () => {
    const t = new RadixTree<number>();
    t.set('romane', 1);
    t.set('romanus', 2);
    t.set('romulus', 3);
    t.set('rom', 4);
    t.set('romane', 5);
    expect(t.size).toBe(4);
    expect(t.get('romane')).toBe(5);
    expect(t.get('roma')).toBeUndefined();
    expect(t.delete('romanus')).toBe(true);
    expect(t.has('romanus')).toBe(false);
    expect(t.get('romane')).toBe(5);
    expect(t.size).toBe(3);
  });
  it('lists keys with a prefix in lexicographic order', () => {
    const t = new RadixTree<number>();
    for (const [i, w] of ['batman', 'bat', 'battle', 'ball', 'cat', 'batmobile'].entries()) t.set(w, i);
    const keys: string[] = [];
    t.forEachWithPrefix('bat', (k) => void keys.push(k));
    expect(keys).toEqual(['bat', 'batman', 'batmobile', 'battle']);
    const none: string[] = [];
    t.forEachWithPrefix('batz', (k) => void none.push(k));
    expect(none).toEqual([]);
  });
  it('counts a transposition as one edit', () => {
    const t = new RadixTree<number>();
    t.set('london', 1);
    t.set('batman', 2);
    expect(collect(t, 'londno', 1, false).get('london')).toBe(1);
    expect(collect(t, 'batmna', 1, false).get('batman')).toBe(1);
  });
  it('matches prefixes within a distance', () => {
    const t = new RadixTree<number>();
    t.set('batman', 1);
    expect(collect(t, 'batm', 0, true).get('batman')).toBe(0);
    expect(collect(t, 'bazm', 1, true).get('batman')).toBe(1);
    expect(collect(t, 'bazm', 1, false).has('batman')).toBe(false);
  });
  it('can restrict fuzzy matches to keys with or without the query first letter', () => {
    const t = new RadixTree<number>();
    t.set('cat', 1);
    t.set('bat', 2);
    t.set('bit', 3);
    expect([...collect(t, 'bat', 1, false, 'same').keys()]).toEqual(['bat', 'bit']);
    expect([...collect(t, 'bat', 1, false, 'other').keys()]).toEqual(['cat']);
    expect([...collect(t, 'bat', 1, false).keys()]).toEqual(['bat', 'bit', 'cat']);
  });

  const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'é'), minLength: 0, maxLength: 7 });
  it('fuzzy lookup agrees with a naive edit distance (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { maxLength: 40 }), word, fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.constantFrom(undefined, 'same' as const, 'other' as const), (keys, query, max, prefix, firstChar) => {
        const t = new RadixTree<number>();
        keys.forEach((k, i) => t.set(k, i));
        const got = collect(t, query, max, prefix, firstChar);
        const expected = new Map<string, number>();
        for (const k of keys) {
          // (The empty key is visited whatever the option; an empty query has no first letter.)
          if (k !== '' && firstChar === 'same' && k[0] !== query[0]) continue;
          if (k !== '' && firstChar === 'other' && k[0] === query[0]) continue;
          const d = prefix ? naivePrefixDistance(query, k) : naiveDistance(k, query);
          if (d <= max) expected.set(k, d);
        }
        expect(new Map([...got].sort())).toEqual(new Map([...expected].sort()));
      }),
      { numRuns: 300 },
    );
  });
  it('fuzzy lookup of words longer than a 32-bit mask (cell-by-cell rows) agrees with a naive edit distance (property)', () => {
    const long = fc.string({ unit: fc.constantFrom('a', 'b', 'c'), minLength: 26, maxLength: 36 });
    const edit = fc.record({ kind: fc.constantFrom('delete', 'insert', 'replace', 'swap'), at: fc.nat(), unit: fc.constantFrom('a', 'b', 'c') });
    fc.assert(
      fc.property(fc.uniqueArray(long, { minLength: 1, maxLength: 20 }), fc.nat(), fc.array(edit, { maxLength: 3 }), fc.integer({ min: 0, max: 2 }), fc.boolean(), (keys, pick, edits, max, prefix) => {
        const t = new RadixTree<number>();
        keys.forEach((k, i) => t.set(k, i));
        // The query: a key with a few edits, so that some keys are within the distance.
        let query = keys[pick % keys.length]!;
        for (const { kind, at, unit } of edits) {
          const i = at % query.length;
          if (kind === 'delete') query = query.slice(0, i) + query.slice(i + 1);
          else if (kind === 'insert') query = query.slice(0, i) + unit + query.slice(i);
          else if (kind === 'replace') query = query.slice(0, i) + unit + query.slice(i + 1);
          else if (i + 1 < query.length) query = query.slice(0, i) + query[i + 1] + query[i] + query.slice(i + 2);
        }
        const expected = new Map<string, number>();
        for (const k of keys) {
          const d = prefix ? naivePrefixDistance(query, k) : naiveDistance(k, query);
          if (d <= max) expected.set(k, d);
        }
        expect(new Map([...collect(t, query, max, prefix)].sort())).toEqual(new Map([...expected].sort()));
      }),
      { numRuns: 200 },
    );
  });
  it('prefix lookup agrees with startsWith (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(word, { maxLength: 40 }), word, (keys, prefix) => {
        const t = new RadixTree<number>();
        keys.forEach((k, i) => t.set(k, i));
        const got: string[] = [];
        t.forEachWithPrefix(prefix, (k) => void got.push(k));
        const expected = keys.filter((k) => k.startsWith(prefix)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(got).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
