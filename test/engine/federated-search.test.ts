import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

/** Federated multi-search over HTTP: merged hits, weights, pagination, facets and errors. */

let engine: EngineProcess;
let api: Api;

const movies = [
  { id: 1, title: 'Batman Begins', genre: 'action', year: 2005 },
  { id: 2, title: 'The Dark Knight', genre: 'action', year: 2008 },
  { id: 3, title: 'Batman Returns and the long night of the bat', genre: 'fantasy', year: 1992 },
  { id: 4, title: 'Amélie', genre: 'comedy', year: 2001 },
];
const comics = [
  { id: 'c1', title: 'Batman', genre: 'superhero', year: 1940 },
  { id: 'c2', title: 'Batman: Year One', genre: 'superhero', year: 1987 },
  { id: 'c3', title: 'Watchmen', genre: 'drama', year: 1986 },
];

beforeAll(async () => {
  engine = await startEngine();
  api = new Api(engine.url);
  await api.run(api.post('/indexes/movies/documents', movies));
  await api.run(api.patch('/indexes/movies/settings', { filterableAttributes: ['genre', 'year'], sortableAttributes: ['year'] }));
  await api.run(api.post('/indexes/comics/documents', comics));
  await api.run(api.patch('/indexes/comics/settings', { filterableAttributes: ['genre', 'year'], faceting: { sortFacetValuesBy: { '*': 'alpha' } } }));
});
afterAll(async () => engine?.stop());

type Hit = { id: number | string; _federation: { indexUid: string; queriesPosition: number; weightedRankingScore: number } };
const multi = (body: unknown) => api.post('/multi-search', body);
const ids = (hits: Hit[]) => hits.map((hit) => `${hit._federation.indexUid}:${hit.id}`);

describe('federated multi-search', () => {
  it('merges hits of every query by ranking score, with _federation on each hit', async () => {
    const response = await multi({ federation: {}, queries: [{ indexUid: 'movies', q: 'batman' }, { indexUid: 'comics', q: 'batman' }] });
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['estimatedTotalHits', 'hits', 'limit', 'offset', 'processingTimeMs']);
    expect(response.body).toMatchObject({ limit: 20, offset: 0, estimatedTotalHits: 4 });
    const hits: Hit[] = response.body.hits;
    const scores = hits.map((hit) => hit._federation.weightedRankingScore);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // "Batman" alone in a title beats a longer title (exactness), whichever index it comes from.
    expect(ids(hits)[0]).toBe('comics:c1');
    expect(new Set(ids(hits))).toEqual(new Set(['movies:1', 'movies:3', 'comics:c1', 'comics:c2']));
    const single = await api.post('/indexes/movies/search', { q: 'batman', showRankingScore: true });
    const score1 = single.body.hits.find((hit: { id: number }) => hit.id === 1)._rankingScore;
    expect(hits.find((hit) => hit.id === 1)!._federation).toEqual({ indexUid: 'movies', queriesPosition: 0, weightedRankingScore: score1 });
    expect(hits.every((hit) => !('_rankingScore' in hit))).toBe(true);
  });

  it('multiplies scores by each query\'s weight', async () => {
    const response = await multi({
      federation: {},
      queries: [{ indexUid: 'movies', q: 'batman', federationOptions: { weight: 2.5 } }, { indexUid: 'comics', q: 'batman', federationOptions: { weight: 0.5 } }],
    });
    const hits: Hit[] = response.body.hits;
    expect(ids(hits).slice(0, 2).every((id) => id.startsWith('movies:'))).toBe(true);
    const single = await api.post('/indexes/comics/search', { q: 'batman', showRankingScore: true });
    const c1 = single.body.hits.find((hit: { id: string }) => hit.id === 'c1')._rankingScore;
    expect(hits.find((hit) => hit.id === 'c1')!._federation.weightedRankingScore).toBeCloseTo(c1 * 0.5, 12);
    // Equal scores: the earlier query first.
    const tie = await multi({ federation: {}, queries: [{ indexUid: 'comics', q: '' }, { indexUid: 'movies', q: '' }] });
    expect(ids(tie.body.hits)).toEqual(['comics:c1', 'comics:c2', 'comics:c3', 'movies:1', 'movies:2', 'movies:3', 'movies:4']);
  });

  it('paginates the merged list with federation.offset/limit (or page/hitsPerPage)', async () => {
    const queries = [{ indexUid: 'comics', q: '' }, { indexUid: 'movies', q: '' }];
    const page = await multi({ federation: { offset: 2, limit: 3 }, queries });
    expect(page.body).toMatchObject({ offset: 2, limit: 3, estimatedTotalHits: 7 });
    expect(ids(page.body.hits)).toEqual(['comics:c3', 'movies:1', 'movies:2']);
    const paged = await multi({ federation: { page: 2, hitsPerPage: 3 }, queries });
    expect(paged.body).toMatchObject({ page: 2, hitsPerPage: 3, totalPages: 3, totalHits: 7 });
    expect(ids(paged.body.hits)).toEqual(['movies:1', 'movies:2', 'movies:3']);
  });

  it('returns a document found by several queries of one index once, with its best score', async () => {
    const response = await multi({
      federation: {},
      queries: [{ indexUid: 'movies', q: 'batman' }, { indexUid: 'movies', q: 'night', federationOptions: { weight: 3 } }],
    });
    const hits: Hit[] = response.body.hits;
    // Movie 3 matches both queries: once, from the heavier one.
    expect(ids(hits)).toEqual(['movies:3', 'movies:1']);
    expect(hits[0]!._federation.queriesPosition).toBe(1);
    expect(response.body.estimatedTotalHits).toBe(2);
  });

  it('computes facets per index (facetsByIndex) or merged (mergeFacets)', async () => {
    const queries = [{ indexUid: 'movies', q: 'batman' }, { indexUid: 'comics', q: 'batman' }];
    const byIndex = await multi({ federation: { facetsByIndex: { movies: ['genre', 'year'], comics: ['genre'] } }, queries });
    expect(byIndex.status).toBe(200);
    expect(byIndex.body.facetsByIndex).toEqual({
      movies: { distribution: { genre: { action: 1, fantasy: 1 }, year: { '1992': 1, '2005': 1 } }, stats: { year: { min: 1992, max: 2005 } } },
      comics: { distribution: { genre: { superhero: 2 } }, stats: {} },
    });
    const merged = await multi({ federation: { facetsByIndex: { movies: ['genre', 'year'], comics: ['genre', 'year'] }, mergeFacets: { maxValuesPerFacet: 2 } }, queries });
    expect(merged.body.facetsByIndex).toBeUndefined();
    expect(merged.body.facetDistribution).toEqual({ genre: { action: 1, fantasy: 1 }, year: { '1940': 1, '1987': 1 } });
    expect(merged.body.facetStats).toEqual({ year: { min: 1940, max: 2005 } });
    const notFilterable = await multi({ federation: { facetsByIndex: { movies: ['title'] } }, queries });
    expect(notFilterable.status).toBe(400);
    expect(notFilterable.body.code).toBe('invalid_multi_search_facets');
    expect(notFilterable.body.message).toBe(
      'Inside `.federation.facetsByIndex.movies`: Invalid facet distribution: Attribute `title` is not filterable. Available filterable attributes patterns are: `genre, year`.\n - Note: index `movies` used in `.queries[0]`',
    );
  });

  it('answers Meilisearch\'s errors for invalid combinations', async () => {
    const pagination = await multi({ federation: {}, queries: [{ indexUid: 'movies', q: 'a' }, { indexUid: 'comics', q: 'b', limit: 5 }] });
    expect(pagination.status).toBe(400);
    expect(pagination.body).toMatchObject({
      code: 'invalid_multi_search_query_pagination',
      message:
        'Inside `.queries[1]`: Using pagination options is not allowed in federated queries.\n - Hint: remove `limit` from query #1 or remove `federation` from the request\n - Hint: pass `federation.limit` and `federation.offset` for pagination in federated search',
    });
    for (const field of ['offset', 'page', 'hitsPerPage']) {
      const response = await multi({ federation: {}, queries: [{ indexUid: 'movies', [field]: 1 }] });
      expect(response.body.code).toBe('invalid_multi_search_query_pagination');
      expect(response.body.message).toContain(`remove \`${field}\` from query #0`);
    }
    const facets = await multi({ federation: {}, queries: [{ indexUid: 'movies', facets: ['genre', 'year'] }] });
    expect(facets.body).toMatchObject({
      code: 'invalid_multi_search_query_facets',
      message:
        'Inside `.queries[0]`: Using facet options is not allowed in federated queries.\n - Hint: remove `facets` from query #0 or remove `federation` from the request\n - Hint: pass `federation.facetsByIndex.movies: ["genre", "year"]` for facets in federated search',
    });
    const options = await multi({ queries: [{ indexUid: 'movies', federationOptions: { weight: 2 } }] });
    expect(options.status).toBe(400);
    expect(options.body).toMatchObject({
      code: 'invalid_multi_search_federation_options',
      message: 'Using `federationOptions` is not allowed in a non-federated search.\n - Hint: remove `federationOptions` from query #0 or add `federation` to the request.',
    });
    const weight = await multi({ federation: {}, queries: [{ indexUid: 'movies', federationOptions: { weight: -1 } }] });
    expect(weight.body).toMatchObject({
      code: 'invalid_multi_search_weight',
      message: 'Invalid value at `.queries[0].federationOptions.weight`: the value of `weight` is invalid, expected a positive float (>= 0.0).',
    });
    const unknown = await multi({ federation: { limit: 2, size: 3 }, queries: [] });
    expect(unknown.body).toMatchObject({ code: 'bad_request' });
    expect(unknown.body.message).toMatch(/^Unknown field `size` inside `\.federation`: expected one of `limit`, `offset`/);
    const limit = await multi({ federation: { limit: -1 }, queries: [] });
    expect(limit.body).toMatchObject({ code: 'invalid_search_limit', message: 'Invalid value type at `.federation.limit`: expected a positive integer, but found a negative integer: `-1`' });
    const missing = await multi({ federation: {}, queries: [{ indexUid: 'movies', q: 'a' }, { indexUid: 'nope', q: 'b' }] });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'index_not_found', message: 'Inside `.queries[1]`: Index `nope` not found.' });
    const empty = await multi({ federation: {}, queries: [] });
    expect(empty.body).toMatchObject({ hits: [], estimatedTotalHits: 0, limit: 20, offset: 0 });
  });
});
