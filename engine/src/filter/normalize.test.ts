import { describe, expect, it } from 'vitest';
import { MAX_FACET_VALUE_BYTES, compareFacetStrings, facetKey, normalizeFacetString } from './normalize.ts';

describe('normalizeFacetString', () => {
  it('trims, decomposes (NFKD) and lowercases', () => {
    expect(normalizeFacetString('  Science Fiction\u3000')).toBe('science fiction');
    expect(normalizeFacetString('ＡＢＣ')).toBe('abc');
    expect(normalizeFacetString('ﬁ')).toBe('fi');
    expect(normalizeFacetString('ΣΑΣ')).toBe('σας');
  });

  it('does not fold diacritics, but unifies composed and decomposed forms', () => {
    expect(normalizeFacetString('Café')).not.toBe(normalizeFacetString('cafe'));
    expect(normalizeFacetString('Caf\u00e9')).toBe(normalizeFacetString('Cafe\u0301'));
  });
});

describe('facetKey', () => {
  it('is the normalized string when short', () => {
    expect(facetKey(' Horror ')).toBe('horror');
  });

  it('keeps the longest prefix of at most 468 UTF-8 bytes', () => {
    expect(facetKey('a'.repeat(500))).toBe('a'.repeat(MAX_FACET_VALUE_BYTES));
    const key = facetKey('é'.repeat(300));
    expect(new TextEncoder().encode(key).length).toBeLessThanOrEqual(MAX_FACET_VALUE_BYTES);
    expect(key.normalize('NFC')).toBe('é'.repeat(156));
    expect(facetKey('😀'.repeat(200))).toBe('😀'.repeat(117));
  });
});

describe('compareFacetStrings', () => {
  it('orders by code points (UTF-8 bytes)', () => {
    expect(compareFacetStrings('a', 'b')).toBeLessThan(0);
    expect(compareFacetStrings('ab', 'a')).toBeGreaterThan(0);
    expect(compareFacetStrings('x', 'x')).toBe(0);
    expect(compareFacetStrings('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
    expect(compareFacetStrings('2024-06', '2024-05-31')).toBeGreaterThan(0);
  });
});
