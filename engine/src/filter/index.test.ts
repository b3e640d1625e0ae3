import { describe, expect, it } from 'vitest';
import * as filter from './index.ts';

describe('filter module public API', () => {
  it('parses, checks and evaluates a filter end to end', () => {
    const node = filter.parseFilter(['genre = "Science Fiction"', ['year >= 2000', 'classic = true']]);
    expect(filter.filterAttributes(node)).toEqual(['genre', 'year', 'classic']);
    expect(() => filter.checkFilterable(node, ['genre', 'year', 'classic'], 'invalid_search_filter')).not.toThrow();
    expect(() => filter.checkFilterable(node, (a) => a !== 'classic', 'invalid_search_filter')).toThrow(/Attribute `classic`/);
    expect(filter.matchesDocument(node, { genre: ['science fiction'], year: 2011 })).toBe(true);
    expect(filter.matchesDocument(node, { genre: 'Science  Fiction', year: 2011 })).toBe(false);
    expect(filter.matchesDocument(node, { genre: 'SCIENCE FICTION', year: 1968, classic: true })).toBe(true);
    expect(filter.normalizeFacetString(' Science Fiction ')).toBe('science fiction');
    expect(filter.printFilter(node)).toBe('genre = "Science Fiction" AND (year >= 2000 OR classic = true)');
  });

  it('raises FilterSyntaxError, an EngineError carrying the requested code', () => {
    expect(() => filter.parseFilter('title', 'invalid_document_filter')).toThrow(filter.FilterSyntaxError);
    try {
      filter.parseFilter('title', 'invalid_document_filter');
    } catch (error) {
      expect((error as filter.FilterSyntaxError).toJSON()).toEqual({
        message: expect.stringMatching(/^Was expecting an operation .* at `title`\.\n1:6 title$/),
        code: 'invalid_document_filter',
        type: 'invalid_request',
        link: 'https://docs.meilisearch.com/errors#invalid_document_filter',
      });
    }
  });
});
