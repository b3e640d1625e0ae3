import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanAscii } from './indexer.ts';
import { Tokenizer } from './tokenizer.ts';
import { Vocabulary, hashAsciiLower, hashWord } from './vocabulary.ts';

describe('scanAscii (indexing fast path)', () => {
  it('agrees with the Tokenizer on ASCII text (property)', () => {
    const tokenizer = new Tokenizer();
    const text = fc.string({ unit: fc.constantFrom('a', 'B', 'z', '9', ' ', '.', ',', '-', '\n', '!', "'", 'Q'), maxLength: 60 });
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20 }), (t, first) => {
        const slow: Array<[string, number]> = [];
        const slowLast = tokenizer.forEach(t, (w, p) => slow.push([w, p]), first);
        const fast: Array<[string, number]> = [];
        const fastLast = scanAscii(t, first, (hash, s, e, p) => {
          const word = t.slice(s, e).toLowerCase();
          expect(hash).toBe(hashWord(word));
          fast.push([word, p]);
        });
        expect(fast).toEqual(slow);
        expect(fastLast).toBe(slowLast);
      }),
      { numRuns: 500 },
    );
  });
});

describe('Vocabulary', () => {
  it('interns words and slices of text to the same ids', () => {
    const v = new Vocabulary();
    const a = v.intern('hello');
    const text = 'say HeLLo world';
    expect(v.internAsciiSlice(text, 4, 9, hashAsciiLower(text, 4, 9))).toBe(a);
    const w = v.internAsciiSlice(text, 10, 15, hashAsciiLower(text, 10, 15));
    expect(v.term(w)).toBe('world');
    expect(v.lookup('world')).toBe(w);
    expect(v.lookup('nope')).toBeUndefined();
  });
  it('keeps ids stable across table growth', () => {
    const v = new Vocabulary();
    const ids = Array.from({ length: 20000 }, (_, i) => v.intern(`w${i}`));
    expect(ids.every((id, i) => v.lookup(`w${i}`) === id && v.term(id) === `w${i}`)).toBe(true);
    const inTree = (word: string): number[] => {
      const found: number[] = [];
      v.tree().forEachWithPrefix(word, (key, term) => void (key === word && found.push(term)));
      return found;
    };
    expect(inTree('w12345')).toEqual([ids[12345]]);
    // Packed while idle, then a new word in the recent part: both found.
    expect(v.compactTree()).toBe(true);
    expect(v.compactTree()).toBe(false);
    const added = v.intern('w12345x');
    expect(inTree('w12345')).toEqual([ids[12345]]);
    expect(inTree('w12345x')).toEqual([added]);
  });
});
