import { describe, expect, it } from 'vitest';
import { EngineError } from '../../errors/engine-error.ts';
import { parseFacetSearchParams, parseSearchParams, splitCommaList } from './params.ts';

function error(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an EngineError');
}

describe('parseSearchParams (json)', () => {
  it('accepts a full valid body', () => {
    const p = parseSearchParams(
      { q: 'a', offset: 1, limit: 2, filter: ['x = 1', ['y = 2', 'z = 3']], sort: ['a:asc'], matchingStrategy: 'all', showRankingScore: true, rankingScoreThreshold: 0.5 },
      'json',
    );
    expect(p).toMatchObject({ q: 'a', offset: 1, limit: 2, sort: ['a:asc'], matchingStrategy: 'all', showRankingScore: true, rankingScoreThreshold: 0.5 });
  });
  it('rejects wrong types with Meilisearch codes and messages', () => {
    expect(error(() => parseSearchParams({ q: ['doggo'] }, 'json'))).toEqual({
      code: 'invalid_search_q',
      message: 'Invalid value type at `.q`: expected a string, but found an array: `["doggo"]`',
    });
    expect(error(() => parseSearchParams({ limit: 'doggo' }, 'json'))).toEqual({
      code: 'invalid_search_limit',
      message: 'Invalid value type at `.limit`: expected a positive integer, but found a string: `"doggo"`',
    });
    expect(error(() => parseSearchParams({ offset: -1 }, 'json')).code).toBe('invalid_search_offset');
    expect(error(() => parseSearchParams({ attributesToRetrieve: 'doggo' }, 'json')).message).toBe(
      'Invalid value type at `.attributesToRetrieve`: expected an array, but found a string: `"doggo"`',
    );
    expect(error(() => parseSearchParams({ matchingStrategy: 'doggo' }, 'json')).message).toBe(
      'Unknown value `doggo` at `.matchingStrategy`: expected one of `last`, `all`, `frequency`',
    );
    expect(error(() => parseSearchParams({ rankingScoreThreshold: 42 }, 'json')).message).toBe(
      'Invalid value at `.rankingScoreThreshold`: the value of `rankingScoreThreshold` is invalid, expected a float between `0.0` and `1.0`.',
    );
    expect(error(() => parseSearchParams({ filter: true }, 'json'))).toEqual({
      code: 'invalid_search_filter',
      message: 'Invalid syntax for the filter parameter: `expected String, Array, found: true`.',
    });
  });
  it('rejects unknown fields with bad_request', () => {
    const e = error(() => parseSearchParams({ marin: 'hello' }, 'json'));
    expect(e.code).toBe('bad_request');
    expect(e.message).toMatch(/^Unknown field `marin`: expected one of `q`, `offset`, `limit`/);
  });
});

describe('parseSearchParams (query)', () => {
  it('converts strings, lists, numbers and booleans', () => {
    const p = parseSearchParams(
      { q: 'x', limit: '5', attributesToRetrieve: 'title,overview', sort: '_geoPoint(1,2):asc,title:desc', showMatchesPosition: 'true' },
      'query',
    );
    expect(p).toEqual({ q: 'x', limit: 5, attributesToRetrieve: ['title', 'overview'], sort: ['_geoPoint(1,2):asc', 'title:desc'], showMatchesPosition: true });
  });
  it('reports parse errors per parameter', () => {
    expect(error(() => parseSearchParams({ offset: 'doggo' }, 'query'))).toEqual({
      code: 'invalid_search_offset',
      message: 'Invalid value in parameter `offset`: could not parse `doggo` as a positive integer',
    });
    expect(error(() => parseSearchParams({ showMatchesPosition: 'doggo' }, 'query')).message).toBe(
      'Invalid value in parameter `showMatchesPosition`: could not parse `doggo` as a boolean, expected either `true` or `false`',
    );
    expect(error(() => parseSearchParams({ matchingStrategy: 'doggo' }, 'query')).message).toBe(
      'Unknown value `doggo` for parameter `matchingStrategy`: expected one of `last`, `all`, `frequency`',
    );
  });
  it('splits comma lists outside parentheses only', () => {
    expect(splitCommaList('a, b,,_geoPoint(1, 2):asc')).toEqual(['a', 'b', '_geoPoint(1, 2):asc']);
  });
});

describe('parseFacetSearchParams', () => {
  it('requires facetName', () => {
    expect(error(() => parseFacetSearchParams({ facetQuery: 'x' })).code).toBe('missing_facet_search_facet_name');
    expect(parseFacetSearchParams({ facetName: 'genres', facetQuery: 'ho' })).toEqual({ facetName: 'genres', facetQuery: 'ho' });
  });
});
