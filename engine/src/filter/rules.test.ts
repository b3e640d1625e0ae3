import { describe, expect, it } from 'vitest';
import { filterableAttributeNames, isFilterableAttribute, matchingRule } from './rules.ts';

describe('isFilterableAttribute', () => {
  it('makes sub-fields of a filterable field filterable, not the reverse', () => {
    expect(isFilterableAttribute('author.name', ['author'])).toBe(true);
    expect(isFilterableAttribute('author', ['author.name'])).toBe(false);
    expect(isFilterableAttribute('authorship', ['author'])).toBe(false);
  });

  it('supports attribute patterns', () => {
    expect(isFilterableAttribute('price_eur', [{ attributePatterns: ['price_*'] }])).toBe(true);
    expect(isFilterableAttribute('user_id', [{ attributePatterns: ['*_id'] }])).toBe(true);
    expect(isFilterableAttribute('anything', ['*'])).toBe(true);
    expect(isFilterableAttribute('a_b_c', [{ attributePatterns: ['*_b_*'] }])).toBe(true);
    expect(isFilterableAttribute('b_c', [{ attributePatterns: ['*_b_*'] }])).toBe(false);
  });

  it('lets the first matching rule decide', () => {
    const off = { attributePatterns: ['secret'], features: { filter: { equality: false, comparison: false } } };
    expect(isFilterableAttribute('secret', [off, 'secret'])).toBe(false);
    expect(isFilterableAttribute('secret', ['secret', off])).toBe(true);
    expect(isFilterableAttribute('n', [{ attributePatterns: ['n'], features: { filter: { equality: false, comparison: true } } }])).toBe(true);
  });
});

describe('matchingRule', () => {
  it('gives the rule index and its filter features, with Meilisearch defaults', () => {
    expect(matchingRule('a', ['b', 'a'])).toEqual({ index: 1, features: { equality: true, comparison: true } });
    expect(matchingRule('a', [{ attributePatterns: ['a'] }])).toEqual({ index: 0, features: { equality: true, comparison: false } });
    expect(matchingRule('a', [{ attributePatterns: ['a'], features: { filter: { comparison: true } } }])).toEqual({
      index: 0, features: { equality: true, comparison: true },
    });
    expect(matchingRule('z', ['a'])).toBeNull();
  });
});

describe('filterableAttributeNames', () => {
  it('lists the patterns of filterable rules, sorted and distinct', () => {
    const off = { attributePatterns: ['hidden'], features: { filter: { equality: false, comparison: false } } };
    expect(filterableAttributeNames(['size', { attributePatterns: ['color', 'size'] }, off])).toEqual(['color', 'size']);
    expect(filterableAttributeNames([off])).toEqual([]);
  });
});
