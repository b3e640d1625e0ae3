import { describe, expect, it } from 'vitest';
import { EngineError } from '../../errors/engine-error.ts';
import type { Document } from '../../types/document.ts';
import { MemoryIndex } from '../test-support/memory-index.ts';
import { matchPolicy } from './search.ts';

function engineError(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof EngineError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an EngineError');
}

const BOOKS: Document[] = [
  { id: 1, title: 'The Hobbit', author: 'Tolkien', genre: 'fantasy', year: 1937, price: 10, tags: ['dragon', 'quest'] },
  { id: 2, title: 'The Silmarillion', author: 'Tolkien', genre: 'fantasy', year: 1977, price: 15, tags: ['myth'] },
  { id: 3, title: 'Dune', author: 'Herbert', genre: 'science fiction', year: 1965, price: 12, tags: ['desert', 'quest'] },
  { id: 4, title: 'Neuromancer', author: 'Gibson', genre: 'science fiction', year: 1984, price: 9 },
  { id: 5, title: 'A Wizard of Earthsea', author: 'Le Guin', genre: 'fantasy', year: 1968, price: 'cheap' },
  { id: 6, title: 'Dragon Quest Guide', author: 'Unknown', genre: 'games', year: 1986 },
];

describe('typo tolerance settings', () => {
  it('allows no typo under oneTypo characters, one under twoTypos, then two', () => {
    const index = new MemoryIndex([{ id: 1, title: 'dune' }, { id: 2, title: 'neuromancer' }, { id: 3, title: 'earthsea' }]);
    expect(index.ids({ q: 'dume' })).toEqual([]);
    expect(index.ids({ q: 'earthsae' })).toEqual([3]);
    expect(index.ids({ q: 'neuromamcre' })).toEqual([2]);
    expect(index.ids({ q: 'neuxomamcre' })).toEqual([]);
  });
  it('honours enabled, minWordSizeForTypos, disableOnWords, disableOnNumbers, disableOnAttributes', () => {
    const docs = [
      { id: 1, title: 'earthsea', code: 'earthsea' },
      { id: 2, title: 'x', code: '123456' },
    ];
    const base = new MemoryIndex(docs).settings.typoTolerance;
    expect(new MemoryIndex(docs, { typoTolerance: { ...base, enabled: false } }).ids({ q: 'earthsae' })).toEqual([]);
    expect(new MemoryIndex(docs, { typoTolerance: { ...base, minWordSizeForTypos: { oneTypo: 9, twoTypos: 10 } } }).ids({ q: 'earthsae' })).toEqual([]);
    expect(new MemoryIndex(docs, { typoTolerance: { ...base, disableOnWords: ['earthsae'] } }).ids({ q: 'earthsae' })).toEqual([]);
    expect(new MemoryIndex(docs).ids({ q: '123457' })).toEqual([2]);
    expect(new MemoryIndex(docs, { typoTolerance: { ...base, disableOnNumbers: true } }).ids({ q: '123457' })).toEqual([]);
    const onTitle = new MemoryIndex(docs, { searchableAttributes: ['title'], typoTolerance: { ...base, disableOnAttributes: ['title'] } });
    expect(onTitle.ids({ q: 'earthsae' })).toEqual([]);
    expect(onTitle.ids({ q: 'earthsea' })).toEqual([1]);
  });
});

describe('ranking rules', () => {
  it('ranks a typo bucket by the terms of its typo count only, as rules after typo see them', () => {
    // Both documents hold `multimedia` (the prefix, no typo); document 1 also holds `multiple`
    // (a prefix one typo from `multim`) earlier. In the no-typo bucket, positions come from
    // `multimedia` only: document 2's comes first. Read in every document, `multiple` would
    // put document 1 first.
    const docs = [
      { id: 1, title: 'multiple formats for multimedia' },
      { id: 2, title: 'great multimedia player' },
      { id: 3, title: 'multiple players' },
    ];
    const index = new MemoryIndex(docs);
    expect(index.ids({ q: 'multim' })).toEqual([2, 1, 3]);
    // A word matched with a typo first (`color`) and then without (`hue`, a synonym matched
    // last): its details start again from the match without.
    const synonyms = new MemoryIndex([
      { id: 6, title: 'color chart with hue' },
      { id: 7, title: 'the bright hue' },
    ], { synonyms: { colour: ['hue'] } });
    expect(synonyms.ids({ q: 'colour' })).toEqual([7, 6]);
    // Proximity too, whether details are filled for every candidate or for those ranked only:
    // `new` is 3 words from `multimedia` in document 5, 4 in document 4 (1 from `multiple`).
    const pairs = new MemoryIndex([
      { id: 4, title: 'new multiple formats for multimedia' },
      { id: 5, title: 'new and great multimedia' },
    ]);
    try {
      for (const mode of ['never', 'always'] as const) {
        matchPolicy.twoPhase = mode;
        expect(pairs.ids({ q: 'new multim' })).toEqual([5, 4]);
      }
    } finally {
      matchPolicy.twoPhase = 'auto';
    }
    // Positions before the typo rule read every term, as Meilisearch's rules before typo do.
    const positionFirst = new MemoryIndex(docs, { rankingRules: ['words', 'attribute', 'typo', 'proximity', 'sort', 'exactness'] });
    expect(positionFirst.ids({ q: 'multim' })).toEqual([1, 3, 2]);
  });
  it('ranks fewer typos first, then closer words, then better attributes', () => {
    const index = new MemoryIndex([
      { id: 1, title: 'quest far away for the dragon', body: '' },
      { id: 2, title: 'dragon quest', body: '' },
      { id: 3, title: 'dragonn quest', body: '' },
      { id: 4, title: 'nothing', body: 'dragon quest' },
    ]);
    expect(index.ids({ q: 'dragon quest' })).toEqual([2, 4, 1, 3]);
  });
  it('follows searchableAttributes order for the attribute rule', () => {
    const docs = [
      { id: 1, title: 'other', body: 'dune' },
      { id: 2, title: 'dune', body: 'other' },
    ];
    expect(new MemoryIndex(docs, { searchableAttributes: ['title', 'body'] }).ids({ q: 'dune' })).toEqual([2, 1]);
    expect(new MemoryIndex(docs, { searchableAttributes: ['body', 'title'] }).ids({ q: 'dune' })).toEqual([1, 2]);
  });
  it('puts exact attribute matches first with the exactness rule', () => {
    const index = new MemoryIndex([
      { id: 1, title: 'Dune Messiah' },
      { id: 2, title: 'Dune' },
      { id: 3, title: 'Dunes of Arrakis' },
    ]);
    expect(index.ids({ q: 'dune ' })).toEqual([2, 1]); // 'dunes' is another word (no typo under 5 letters)
  });
  it('applies custom field:asc|desc rules and the sort parameter', () => {
    const index = new MemoryIndex(BOOKS, { rankingRules: ['year:desc', 'words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'], sortableAttributes: ['price', 'year'] });
    expect(index.ids({ q: 'quest' })).toEqual([6, 3, 1]);
    const sorted = new MemoryIndex(BOOKS, { sortableAttributes: ['price'], rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'] });
    // Numbers first (ascending), then strings, then documents without the field.
    expect(sorted.ids({ sort: ['price:asc'] })).toEqual([4, 1, 3, 2, 5, 6]);
    expect(sorted.ids({ sort: ['price:desc'] })).toEqual([2, 3, 1, 4, 5, 6]);
  });
  it('validates sort with Meilisearch messages', () => {
    const index = new MemoryIndex(BOOKS, { sortableAttributes: ['price', 'year'] });
    expect(engineError(() => index.search({ sort: ['title:asc'] }))).toEqual({
      code: 'invalid_search_sort',
      message: 'Attribute `title` is not sortable. Available sortable attributes are: `price, year`.',
    });
    expect(engineError(() => index.search({ sort: ['price'] })).message).toBe(
      'Invalid syntax for the sort parameter: expected expression ending by `:asc` or `:desc`, found `price`.',
    );
    expect(engineError(() => new MemoryIndex(BOOKS).search({ sort: ['price:asc'] })).message).toBe(
      'Attribute `price` is not sortable. This index does not have configured sortable attributes.',
    );
    const noSortRule = new MemoryIndex(BOOKS, { sortableAttributes: ['price'], rankingRules: ['words'] });
    expect(engineError(() => noSortRule.search({ sort: ['price:asc'] })).message).toBe(
      'You must specify where `sort` is listed in the rankingRules setting to use the sort parameter at search time.',
    );
    expect(engineError(() => index.search({ sort: ['_geoDistance:asc'] })).message).toMatch(/reserved keyword/);
  });
  it('reports ranking scores, details and applies rankingScoreThreshold', () => {
    const index = new MemoryIndex(BOOKS);
    const r = index.search({ q: 'dragon quest', showRankingScore: true, showRankingScoreDetails: true });
    const scores = r.hits.map((h) => h['_rankingScore'] as number);
    expect(scores[0]).toBeGreaterThan(0.9);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(r.hits[0]!['_rankingScoreDetails']).toMatchObject({
      words: { order: 0, matchingWords: 2, maxMatchingWords: 2 },
      typo: { order: 1, typoCount: 0 },
      exactness: { order: 4, matchType: 'matchesStart' }, // `sort` has no criteria: not listed
    });
    const above = index.search({ q: 'dragon quest', rankingScoreThreshold: scores[0]! - 1e-9 });
    expect(above.hits.map((h) => h['id'])).toEqual([6]);
    expect(above.estimatedTotalHits).toBe(1);
    expect(index.search({ showRankingScore: true, limit: 1 }).hits[0]!['_rankingScore']).toBe(1);
  });
});

describe('query features', () => {
  it('applies one-way, multi-word and multi-word-key synonyms', () => {
    const index = new MemoryIndex(
      [
        { id: 1, title: 'a trip to san francisco' },
        { id: 2, title: 'sf bay area' },
        { id: 3, title: 'big apple diaries' },
        { id: 4, title: 'new york nights' },
      ],
      { synonyms: { sf: ['san francisco'], 'san francisco': ['sf'], 'new york': ['big apple', 'nyc'] } },
    );
    expect(index.ids({ q: 'sf' }).sort()).toEqual([1, 2]);
    expect(index.ids({ q: 'san francisco' }).sort()).toEqual([1, 2]);
    expect(index.ids({ q: 'new york' }).sort()).toEqual([3, 4]);
  });
  it('ignores stop words in documents and queries', () => {
    const index = new MemoryIndex([{ id: 1, title: 'the hobbit' }, { id: 2, title: 'the end' }], { stopWords: ['the'] });
    expect(index.ids({ q: 'the hobbit' })).toEqual([1]);
    expect(index.ids({ q: 'the' })).toEqual([]);
  });
  it('finds split and concatenated words', () => {
    const index = new MemoryIndex([{ id: 1, title: 'sun flower field' }, { id: 2, title: 'sunflower oil' }]);
    expect(index.ids({ q: 'sunflower' })).toEqual([2, 1]);
    expect(index.ids({ q: 'sun flower' }).sort()).toEqual([1, 2]);
  });
  it('expands prefixes as milli: all words of a prefix database entry, else the first 1000 live words', () => {
    // Four-letter suffixes in lexicographic order: aaaa, aaab, ...
    const suffix = (i: number): string => Array.from({ length: 4 }, (_, k) => String.fromCharCode(97 + (Math.floor(i / 26 ** (3 - k)) % 26))).join('');
    const docs: Document[] = [];
    const words = (prefix: string, count: number): void => {
      for (let i = 0; i < count; i++) docs.push({ id: docs.length, title: prefix + suffix(i) });
    };
    words('xyz', 1200); // 3 bytes, 100 words or more: every word
    words('mnopq', 1001); // 5 bytes: the first 1000 live words
    words('ü', 150); // 2 bytes
    const index = new MemoryIndex(docs, { pagination: { maxTotalHits: 5000 }, typoTolerance: { ...new MemoryIndex([]).settings.typoTolerance, enabled: false } });
    expect(index.search({ q: 'xyz', limit: 0 }).estimatedTotalHits).toBe(1200);
    expect(index.search({ q: 'ü', limit: 0 }).estimatedTotalHits).toBe(150);
    const first = index.search({ q: 'mnopq', limit: 2000, attributesToRetrieve: ['title'] });
    expect(first.estimatedTotalHits).toBe(1000);
    expect(first.hits.map((h) => h['title'])).not.toContain(`mnopq${suffix(1000)}`);
    // A word no document holds any more does not take one of the 1000 places.
    index.remove('1200');
    const live = index.search({ q: 'mnopq', limit: 2000, attributesToRetrieve: ['title'] });
    expect(live.estimatedTotalHits).toBe(1000);
    expect(live.hits.map((h) => h['title'])).toContain(`mnopq${suffix(1000)}`);
  });
  it('restricts the searched attributes with attributesToSearchOn', () => {
    const index = new MemoryIndex(BOOKS, { searchableAttributes: ['title', 'author', 'tags'] });
    expect(index.ids({ q: 'tolkien' })).toEqual([1, 2]);
    expect(index.ids({ q: 'tolkien', attributesToSearchOn: ['title'] })).toEqual([]);
    expect(engineError(() => index.search({ q: 'x', attributesToSearchOn: ['genre'] })).code).toBe('invalid_search_attributes_to_search_on');
  });
  it('drops the most frequent words first with matchingStrategy frequency', () => {
    const index = new MemoryIndex([
      { id: 1, title: 'common rare' },
      { id: 2, title: 'common' },
      { id: 3, title: 'common' },
      { id: 4, title: 'rare' },
    ]);
    expect(index.ids({ q: 'common rare', matchingStrategy: 'frequency' })).toEqual([1, 4]);
    expect(index.ids({ q: 'common rare', matchingStrategy: 'last' })).toEqual([1, 2, 3]);
  });
});

describe('distinct, facets and facet search', () => {
  it('keeps one document per distinct value (setting and parameter)', () => {
    const index = new MemoryIndex(BOOKS, { filterableAttributes: ['genre', 'author'], distinctAttribute: 'genre' });
    const r = index.search({});
    expect(r.hits.map((h) => h['id'])).toEqual([1, 3, 6]);
    expect(r.estimatedTotalHits).toBe(3);
    expect(index.ids({ distinct: 'author' })).toEqual([1, 3, 4, 5, 6]);
    expect(engineError(() => index.search({ distinct: 'title' })).code).toBe('invalid_search_distinct');
  });
  it('computes facet distributions and stats over the candidates', () => {
    const index = new MemoryIndex(BOOKS, { filterableAttributes: ['genre', 'price', 'tags'] });
    const r = index.search({ q: 'quest', facets: ['genre', 'price', 'tags'] });
    expect(r.facetDistribution).toEqual({
      genre: { fantasy: 1, games: 1, 'science fiction': 1 },
      price: { '10': 1, '12': 1 },
      tags: { desert: 1, dragon: 1, quest: 2 },
    });
    expect(r.facetStats).toEqual({ price: { min: 10, max: 12 } });
    expect(engineError(() => index.search({ facets: ['title'] })).message).toBe(
      'Invalid facet distribution: Attribute `title` is not filterable. Available filterable attributes patterns are: `genre, price, tags`.',
    );
  });
  it('honours maxValuesPerFacet and sortFacetValuesBy', () => {
    const index = new MemoryIndex(BOOKS, { filterableAttributes: ['genre'], faceting: { maxValuesPerFacet: 2, sortFacetValuesBy: { genre: 'count' } } });
    expect(index.search({ facets: ['genre'] }).facetDistribution).toEqual({ genre: { fantasy: 3, 'science fiction': 2 } });
    expect(index.search({ facets: ['*'] }).facetDistribution).toEqual({ genre: { fantasy: 3, 'science fiction': 2 } });
  });
  it('searches facet values', () => {
    const index = new MemoryIndex(BOOKS, { filterableAttributes: ['genre'] });
    const r = index.core.facetSearch({ facetName: 'genre', facetQuery: 'SCI' }, index);
    expect(r.facetHits).toEqual([{ value: 'science fiction', count: 2 }]);
    expect(index.core.facetSearch({ facetName: 'genre', q: 'dragon' }, index).facetHits).toEqual([
      { value: 'fantasy', count: 1 },
      { value: 'games', count: 1 },
    ]);
    expect(index.core.facetSearch({ facetName: 'genre', facetQuery: 'scince' }, index).facetHits).toEqual([{ value: 'science fiction', count: 2 }]);
    expect(engineError(() => index.core.facetSearch({ facetName: 'author' }, index))).toEqual({
      code: 'invalid_facet_search_facet_name',
      message:
        'Attribute `author` is not facet-searchable. Available facet-searchable attributes patterns are: `genre`. To make it facet-searchable add it to the `filterableAttributes` index settings.',
    });
  });
});

describe('formatting', () => {
  const index = new MemoryIndex([
    { id: 1, title: 'Ariel', overview: 'Taisto Kasurinen is a Finnish coal miner whose father has just committed suicide and who is framed for a crime he did not commit.', n: 42 },
  ]);
  it('highlights matches (also in attributes not retrieved), prefixes only on the typed part', () => {
    const hit = index.search({ q: 'kasurinen ari', attributesToHighlight: ['title', 'overview'], attributesToRetrieve: ['title'] }).hits[0]!;
    expect(hit).toEqual({ title: 'Ariel', _formatted: { title: '<em>Ari</em>el', overview: expect.stringContaining('Taisto <em>Kasurinen</em> is') } });
  });
  it('crops around matches with the marker, with custom lengths', () => {
    const hit = index.search({ q: 'crime', attributesToCrop: ['overview:4'], cropMarker: '[…]', highlightPreTag: '*', highlightPostTag: '*', attributesToHighlight: ['overview'] }).hits[0]!;
    expect((hit['_formatted'] as Document)['overview']).toBe('[…]for a *crime* he[…]');
  });
  it('reports match positions in bytes', () => {
    const hit = index.search({ q: 'finnish', showMatchesPosition: true }).hits[0]!;
    expect(hit['_matchesPosition']).toEqual({ overview: [{ start: 22, length: 7 }] });
  });
  it('never modifies stored documents (whole-document hits are the stored objects themselves)', () => {
    const original = { id: 1, title: 'Ariel', _geo: { lat: 1, lng: 2 } };
    const places = new MemoryIndex([structuredClone(original)], { sortableAttributes: ['_geo'], filterableAttributes: ['_geo'] });
    places.search({ q: 'ariel', showRankingScore: true, showRankingScoreDetails: true });
    places.search({ q: 'ariel', sort: ['_geoPoint(0, 0):asc'] });
    places.search({ q: 'ariel', attributesToHighlight: ['*'], showMatchesPosition: true });
    expect(places.search({ q: 'ariel' }).hits).toEqual([original]);
    expect(places.get('1')).toEqual(original);
  });
  it('stringifies numbers in _formatted', () => {
    const hit = index.search({ q: '42', attributesToHighlight: ['*'] }).hits[0]!;
    expect((hit['_formatted'] as Document)['n']).toBe('<em>42</em>');
  });
});

describe('geo', () => {
  const places = [
    { id: 1, name: 'Paris', _geo: { lat: 48.8566, lng: 2.3522 } },
    { id: 2, name: 'Lyon', _geo: { lat: 45.764, lng: 4.8357 } },
    { id: 3, name: 'London', _geo: { lat: 51.5072, lng: -0.1276 } },
    { id: 4, name: 'Nowhere' },
  ];
  it('filters by radius and box, sorts by distance and reports _geoDistance', () => {
    const index = new MemoryIndex(places, { filterableAttributes: ['_geo'], sortableAttributes: ['_geo'] });
    expect(index.ids({ filter: '_geoRadius(48.8566, 2.3522, 360000)' })).toEqual([1, 3]);
    expect(index.ids({ filter: '_geoBoundingBox([52, 5], [45, -1])' })).toEqual([1, 2, 3]);
    const r = index.search({ sort: ['_geoPoint(45.75, 4.85):asc'] });
    expect(r.hits.map((h) => h['id'])).toEqual([2, 1, 3, 4]);
    expect(r.hits[0]!['_geoDistance']).toBe(1912);
    expect(r.hits[3]!['_geoDistance']).toBeUndefined();
  });
});

describe('settings changes', () => {
  it('re-indexes text when searchable attributes or stop words change', () => {
    const index = new MemoryIndex(BOOKS);
    expect(index.ids({ q: 'herbert' })).toEqual([3]);
    index.update({ searchableAttributes: ['title'] });
    expect(index.ids({ q: 'herbert' })).toEqual([]);
    expect(index.ids({ q: 'dune' })).toEqual([3]);
    index.update({ searchableAttributes: ['*'], stopWords: ['dune'] });
    expect(index.ids({ q: 'dune' })).toEqual([]);
    expect(index.ids({})).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('rebuilds facets when filterable attributes change', () => {
    const index = new MemoryIndex(BOOKS);
    expect(() => index.search({ filter: 'genre = fantasy' })).toThrow(EngineError);
    index.update({ filterableAttributes: ['genre'] });
    expect(index.ids({ filter: 'genre = fantasy' })).toEqual([1, 2, 5]);
    index.add([{ id: 7, title: 'New', genre: 'fantasy' }]);
    expect(index.ids({ filter: 'genre = fantasy' })).toEqual([1, 2, 5, 7]);
  });
});
