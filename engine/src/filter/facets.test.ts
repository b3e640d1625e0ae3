import { describe, expect, it } from 'vitest';
import { facetValuesAt } from './facets.ts';

const none = { exists: false, isNull: false, isEmpty: false, numbers: [], strings: [] };

describe('facetValuesAt', () => {
  it('separates numbers, strings and booleans', () => {
    expect(facetValuesAt({ a: 10 }, 'a')).toEqual({ ...none, exists: true, numbers: [10] });
    expect(facetValuesAt({ a: ' Ten ' }, 'a')).toEqual({ ...none, exists: true, strings: ['ten'] });
    expect(facetValuesAt({ a: '10' }, 'a')).toEqual({ ...none, exists: true, strings: ['10'] });
    expect(facetValuesAt({ a: true }, 'a')).toEqual({ ...none, exists: true, strings: ['true'] });
  });

  it('flattens arrays, nested arrays and arrays of objects', () => {
    expect(facetValuesAt({ a: [1, 'x', [2, false]] }, 'a')).toEqual({ ...none, exists: true, numbers: [1, 2], strings: ['x', 'false'] });
    expect(facetValuesAt({ a: [{ b: 1 }, { b: 'y' }, { c: 3 }] }, 'a.b')).toEqual({ ...none, exists: true, numbers: [1], strings: ['y'] });
    expect(facetValuesAt({ a: { b: { c: 'deep' } } }, 'a.b.c')).toMatchObject({ exists: true, strings: ['deep'] });
    expect(facetValuesAt({ a: { b: { c: 'deep' } } }, 'a.b')).toEqual({ ...none, exists: true });
  });

  it('reads keys that contain dots', () => {
    expect(facetValuesAt({ 'a.b': 1, a: { b: 2 } }, 'a.b')).toMatchObject({ numbers: [1, 2] });
    expect(facetValuesAt({ 'a.b': { c: 'x' } }, 'a.b.c')).toMatchObject({ strings: ['x'] });
  });

  it('does not confuse prefixes of names', () => {
    expect(facetValuesAt({ ab: 1, a: { bc: 2 } }, 'a.b')).toEqual(none);
    expect(facetValuesAt({ abc: 1 }, 'ab')).toEqual(none);
  });

  it('sees null and empty values only on the key itself', () => {
    expect(facetValuesAt({ a: null }, 'a')).toEqual({ ...none, exists: true, isNull: true });
    expect(facetValuesAt({ a: [null] }, 'a')).toEqual({ ...none, exists: true });
    expect(facetValuesAt({ a: '' }, 'a')).toEqual({ ...none, exists: true, isEmpty: true });
    expect(facetValuesAt({ a: [] }, 'a')).toEqual({ ...none, exists: true, isEmpty: true });
    expect(facetValuesAt({ a: {} }, 'a')).toEqual({ ...none, exists: true, isEmpty: true });
    expect(facetValuesAt({ a: [[], {}, ''] }, 'a')).toEqual({ ...none, exists: true });
    expect(facetValuesAt({ a: [{ b: null }] }, 'a.b')).toEqual({ ...none, exists: true, isNull: true });
    expect(facetValuesAt({ a: { b: [] } }, 'a.b')).toEqual({ ...none, exists: true, isEmpty: true });
  });

  it('reads _geo.lat and _geo.lng as the numbers of the geo point', () => {
    expect(facetValuesAt({ _geo: { lat: '45.5', lng: 9 } }, '_geo.lat')).toEqual({ ...none, exists: true, numbers: [45.5] });
    expect(facetValuesAt({ _geo: { lat: '45.5', lng: 9 } }, '_geo.lng')).toEqual({ ...none, exists: true, numbers: [9] });
    expect(facetValuesAt({ _geo: null }, '_geo.lat')).toEqual(none);
  });

  it('reports absent paths as not existing', () => {
    expect(facetValuesAt({}, 'a')).toEqual(none);
    expect(facetValuesAt({ a: 1 }, 'a.b')).toEqual(none);
    expect(facetValuesAt({ a: undefined }, 'a')).toEqual(none);
  });
});
