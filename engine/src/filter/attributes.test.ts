import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import { checkFilterable, filterAttributes } from './attributes.ts';
import { parseFilter } from './parse.ts';

function failure(run: () => void): EngineError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(EngineError);
    return e as EngineError;
  }
  throw new Error('expected a failure');
}

describe('filterAttributes', () => {
  it('lists each attribute once, in order, with _geo for geo filters', () => {
    const node = parseFilter(['a = 1 AND NOT b IN [1]', ['_geoRadius(1, 2, 3)', 'a EXISTS', 'c.d 1 TO 2']]);
    expect(filterAttributes(node)).toEqual(['a', 'b', '_geo', 'c.d']);
    expect(filterAttributes(parseFilter(''))).toEqual([]);
  });
});

describe('checkFilterable', () => {
  it('accepts filters on filterable attributes', () => {
    expect(() => checkFilterable(parseFilter('genre = x AND _geoRadius(1, 2, 3)'), ['genre', '_geo'], 'invalid_search_filter')).not.toThrow();
    expect(() => checkFilterable(parseFilter(''), [], 'invalid_search_filter')).not.toThrow();
  });

  it('names the attribute, lists the filterable ones and points at the attribute', () => {
    const error = failure(() => checkFilterable(parseFilter('genre = x'), ['size', 'color'], 'invalid_search_filter'));
    expect(error.code).toBe('invalid_search_filter');
    expect(error.message).toBe('Attribute `genre` is not filterable. Available filterable attributes are: `color`, `size`.\n1:6 genre = x');
    const second = failure(() => checkFilterable(parseFilter('title = "test" AND name IN [12]'), ['title'], 'invalid_document_filter'));
    expect(second.code).toBe('invalid_document_filter');
    expect(second.message).toBe('Attribute `name` is not filterable. Available filterable attributes are: `title`.\n20:24 title = "test" AND name IN [12]');
  });

  it('says so when nothing is filterable', () => {
    const error = failure(() => checkFilterable(parseFilter('dog = "bernese mountain"'), [], 'invalid_search_filter'));
    expect(error.message).toBe('Attribute `dog` is not filterable. This index does not have configured filterable attributes.\n1:4 dog = "bernese mountain"');
  });

  it('checks geo filters against _geo after the other attributes, pointing at the latitude', () => {
    const geo = failure(() => checkFilterable(parseFilter('_geoRadius(-90, 150, 10)'), ['title'], 'invalid_search_filter'));
    expect(geo.message).toBe('Attribute `_geo` is not filterable. Available filterable attributes are: `title`.\n12:15 _geoRadius(-90, 150, 10)');
    const order = failure(() => checkFilterable(parseFilter('_geoRadius(1, 2, 3) AND name = 1'), ['title'], 'invalid_search_filter'));
    expect(order.message).toMatch(/^Attribute `name`/);
  });

  it('takes a predicate, with the list for the message given separately', () => {
    const filterable = (attribute: string) => attribute.startsWith('ok');
    expect(() => checkFilterable(parseFilter('ok1 = 1 AND ok2 > 3'), filterable, 'invalid_search_filter')).not.toThrow();
    const bare = failure(() => checkFilterable(parseFilter('bad = 1'), filterable, 'invalid_search_filter'));
    expect(bare.message).toBe('Attribute `bad` is not filterable.\n1:4 bad = 1');
    const listed = failure(() => checkFilterable(parseFilter('bad = 1'), filterable, 'invalid_search_filter', ['ok1', 'ok2']));
    expect(listed.message).toBe('Attribute `bad` is not filterable. Available filterable attributes are: `ok1`, `ok2`.\n1:4 bad = 1');
  });

  it('then checks the operators allowed by the matching rule', () => {
    const rules = [{ attributePatterns: ['price'] }, 'year'];
    expect(() => checkFilterable(parseFilter('price = 1 AND year > 2000'), rules, 'invalid_search_filter')).not.toThrow();
    const error = failure(() => checkFilterable(parseFilter('year > 2000 AND price > 1'), rules, 'invalid_search_filter'));
    expect(error.message).toMatch(/^Filter operator `>` is not allowed for the attribute `price`\./);
  });

  it('omits the position for hand-built nodes', () => {
    const error = failure(() => checkFilterable({ kind: 'exists', attribute: 'x' }, [], 'invalid_search_filter'));
    expect(error.message).toBe('Attribute `x` is not filterable. This index does not have configured filterable attributes.');
  });
});
