import { describe, expect, it } from 'vitest';
import type { FilterInput } from '../index/types.ts';
import { FilterSyntaxError } from './errors.ts';
import { parseFilter } from './parse.ts';

const eq = (attribute: string, raw: string) => ({
  kind: 'compare', attribute, operator: '=', value: { raw, number: Number.isFinite(Number(raw)) ? Number(raw) : null },
});

function failure(input: unknown, code?: 'invalid_document_filter'): FilterSyntaxError {
  try {
    parseFilter(input as FilterInput, code);
  } catch (e) {
    expect(e).toBeInstanceOf(FilterSyntaxError);
    return e as FilterSyntaxError;
  }
  throw new Error('expected a failure');
}

describe('parseFilter: string form', () => {
  it('parses a filter string', () => {
    expect(parseFilter('genre = horror')).toEqual(eq('genre', 'horror'));
  });

  it('treats blank filters as matching everything', () => {
    expect(parseFilter('')).toEqual({ kind: 'true' });
    expect(parseFilter(' \n\u00a0')).toEqual({ kind: 'true' });
  });
});

describe('parseFilter: array form', () => {
  it('ANDs outer items and ORs inner arrays', () => {
    expect(parseFilter(['genre = horror', ['genre = comedy', 'genre = drama']])).toEqual({
      kind: 'and',
      children: [eq('genre', 'horror'), { kind: 'or', children: [eq('genre', 'comedy'), eq('genre', 'drama')] }],
    });
  });

  it('unwraps single items, as Meilisearch does', () => {
    expect(parseFilter(['channel = mv'])).toEqual(eq('channel', 'mv'));
    expect(parseFilter([['channel = mv']])).toEqual(eq('channel', 'mv'));
    expect(parseFilter(['(channel = mv)'])).toEqual(eq('channel', 'mv'));
  });

  it('keeps each string a unit: a string with OR inside an AND stays grouped', () => {
    expect(parseFilter(['a = 1 OR b = 2', 'c = 3'])).toEqual({
      kind: 'and',
      children: [{ kind: 'or', children: [eq('a', '1'), eq('b', '2')] }, eq('c', '3')],
    });
  });

  it('ignores blank strings and empty arrays', () => {
    expect(parseFilter([])).toEqual({ kind: 'true' });
    expect(parseFilter(['', [], ['  ']])).toEqual({ kind: 'true' });
    expect(parseFilter(['', ['x = 1', ''], []])).toEqual(eq('x', '1'));
  });

  it('positions errors in the string they come from', () => {
    const error = failure(['title = x', ['many = Glass', 'title Glass']]);
    expect(error.message).toMatch(/at `title Glass`\.\n1:12 title Glass$/);
    expect(error.span).toEqual({ source: 'title Glass', start: 0, end: 11 });
  });
});

describe('parseFilter: error codes and JSON types', () => {
  it('uses invalid_search_filter unless told otherwise', () => {
    expect(failure('title').code).toBe('invalid_search_filter');
    expect(failure('title', 'invalid_document_filter').code).toBe('invalid_document_filter');
    expect(failure([['a = 1', 'b =']], 'invalid_document_filter').code).toBe('invalid_document_filter');
  });

  it('rejects values of the wrong JSON type with Meilisearch messages', () => {
    expect(failure(true).message).toBe('Invalid syntax for the filter parameter: `expected String, Array, found: true`.');
    expect(failure(['a = 1', 3]).message).toBe('Invalid syntax for the filter parameter: `expected String, [String], found: 3`.');
    expect(failure([['a = 1', null]]).message).toBe('Invalid syntax for the filter parameter: `expected String, found: null`.');
    expect(failure([[['a = 1']]]).message).toBe('Invalid syntax for the filter parameter: `expected String, found: ["a = 1"]`.');
    expect(failure(true).span).toBeNull();
  });
});
