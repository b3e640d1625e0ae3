import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

const MASTER = 'search-suite-master-key-0123456789';
let engine: EngineProcess;
let api: Api;

const movies = [
  { id: 1, title: 'Batman Begins', genres: ['Action', 'Crime'], year: 2005, rating: 8.2, owner: 'alice' },
  { id: 2, title: 'The Dark Knight', genres: ['Action', 'Crime', 'Drama'], year: 2008, rating: 9.0, owner: 'bob' },
  { id: 3, title: 'Batman Returns', genres: ['Action', 'Fantasy'], year: 1992, rating: 7.1, owner: 'alice' },
  { id: 4, title: 'The Lego Batman Movie', genres: ['Animation', 'Comedy'], year: 2017, rating: 7.3, owner: 'bob' },
  { id: 5, title: 'Amélie', genres: ['Comedy', 'Romance'], year: 2001, rating: 8.3, owner: 'carol' },
];

beforeAll(async () => {
  engine = await startEngine({ masterKey: MASTER });
  api = new Api(engine.url, MASTER);
  await api.run(api.post('/indexes/movies/documents', movies));
  await api.run(api.patch('/indexes/movies/settings', { filterableAttributes: ['genres', 'year', 'owner'], sortableAttributes: ['year', 'rating'] }));
  await api.run(api.post('/indexes/other/documents', [{ id: 1, title: 'Batman elsewhere' }]));
});
afterAll(async () => engine?.stop());

const ids = (body: { hits: Array<{ id: number }> }) => body.hits.map((hit) => hit.id);

describe('search over HTTP', () => {
  it('tolerates typos, filters, sorts, facets and highlights', async () => {
    expect(ids((await api.post('/indexes/movies/search', { q: 'Batmna' })).body).sort()).toEqual([1, 3, 4]);
    const filtered = await api.post('/indexes/movies/search', { q: 'batman', filter: 'year > 2000 AND genres = action', sort: ['year:desc'] });
    expect(ids(filtered.body)).toEqual([1]);
    const sorted = await api.get('/indexes/movies/search?sort=rating:desc&limit=2');
    expect(ids(sorted.body)).toEqual([2, 5]);
    const faceted = await api.post('/indexes/movies/search', { q: '', facets: ['genres', 'year'] });
    expect(faceted.body.facetDistribution.genres).toMatchObject({ Action: 3, Comedy: 2 });
    expect(faceted.body.facetStats.year).toEqual({ min: 1992, max: 2017 });
    const highlighted = await api.post('/indexes/movies/search', { q: 'dark', attributesToHighlight: ['title'] });
    expect(highlighted.body.hits[0]._formatted.title).toBe('The <em>Dark</em> Knight');
    const accent = await api.post('/indexes/movies/search', { q: 'amelie' });
    expect(ids(accent.body)).toEqual([5]);
    const paged = await api.post('/indexes/movies/search', { q: 'batman', hitsPerPage: 2, page: 1 });
    expect(paged.body).toMatchObject({ totalHits: 3, totalPages: 2, page: 1, hitsPerPage: 2 });
  });

  it('answers filter and sort mistakes with Meilisearch errors', async () => {
    const notFilterable = await api.post('/indexes/movies/search', { q: '', filter: 'title = x' });
    expect(notFilterable.status).toBe(400);
    expect(notFilterable.body.code).toBe('invalid_search_filter');
    const badSyntax = await api.post('/indexes/movies/search', { filter: 'year >' });
    expect(badSyntax.body.code).toBe('invalid_search_filter');
    const notSortable = await api.post('/indexes/movies/search', { sort: ['title:asc'] });
    expect(notSortable.body.code).toBe('invalid_search_sort');
  });

  it('searches facet values and several indexes at once', async () => {
    const facets = await api.post('/indexes/movies/facet-search', { facetName: 'genres', facetQuery: 'com' });
    expect(facets.status).toBe(200);
    expect(facets.body.facetHits).toEqual([{ value: 'Comedy', count: 2 }]);
    const missingName = await api.post('/indexes/movies/facet-search', { facetQuery: 'x' });
    expect(missingName.body.code).toBe('missing_facet_search_facet_name');
    const multi = await api.post('/multi-search', { queries: [{ indexUid: 'movies', q: 'knight' }, { indexUid: 'other', q: 'batman' }] });
    expect(multi.status).toBe(200);
    expect(multi.body.results.map((result: { indexUid: string; hits: unknown[] }) => [result.indexUid, result.hits.length])).toEqual([['movies', 1], ['other', 1]]);
  });

  it('applies a tenant token\'s index rules and filter', async () => {
    const keys = (await api.get('/keys')).body.results;
    const searchKey = keys.find((key: { name: string }) => key.name === 'Default Search API Key');
    const token = await new SignJWT({ apiKeyUid: searchKey.uid, searchRules: { movies: { filter: 'owner = alice' } } })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(searchKey.key));
    const tenant = api.withKey(token);
    const result = await tenant.post('/indexes/movies/search', { q: 'batman' });
    expect(result.status).toBe(200);
    expect(ids(result.body).sort()).toEqual([1, 3]);
    expect((await tenant.post('/indexes/other/search', { q: 'batman' })).status).toBe(403);
    expect((await tenant.get('/indexes/movies/documents')).status).toBe(403);
    const multi = await tenant.post('/multi-search', { queries: [{ indexUid: 'other', q: 'batman' }] });
    expect(multi.status).toBe(403);
  });

  it('reflects every write in the next search, including results it keeps between writes', async () => {
    // The engine keeps one-word rankings, parsed queries and facet orders over writes that
    // cannot change them (engine/src/index/search/ranked-carry.ts): each step searches again.
    const put = (docs: object[]) => api.run(api.post('/indexes/live/documents', docs));
    await put([{ id: 1, title: 'red apple', shop: 'b' }, { id: 2, title: 'green apple', shop: 'a' }, { id: 3, title: 'red car', shop: 'c' }]);
    await api.run(api.patch('/indexes/live/settings', { filterableAttributes: ['shop'], sortableAttributes: ['shop'] }));
    const search = async (body: object) => (await api.post('/indexes/live/search', body)).body;
    const apple = async () => {
      const first = await search({ q: 'apple' });
      // Searched twice: the second answer is read from what the first kept.
      expect(await search({ q: 'apple' })).toEqual({ ...first, processingTimeMs: expect.any(Number) });
      return { ids: ids(first), total: first.estimatedTotalHits };
    };
    expect(await apple()).toEqual({ ids: [1, 2], total: 2 });
    await put([{ id: 4, title: 'blue car', shop: 'a' }]);
    expect(await apple()).toEqual({ ids: [1, 2], total: 2 });
    await put([{ id: 2, title: 'green pear', shop: 'a' }]);
    expect(await apple()).toEqual({ ids: [1], total: 1 });
    await api.run(api.delete('/indexes/live/documents/1'));
    expect(await apple()).toEqual({ ids: [], total: 0 });
    await put([{ id: 5, title: 'apple pie', shop: 'd' }, { id: 6, title: 'apples', shop: 'a' }]);
    expect(await apple()).toEqual({ ids: [5, 6], total: 2 });
    expect(ids(await search({ q: 'appl' }))).toEqual([5, 6]);
    // Sort and facets read the new documents' values (ties in the order documents were last
    // written: 4, then 2 replaced, then 6).
    expect(ids(await search({ q: '', sort: ['shop:desc'] }))).toEqual([5, 3, 4, 2, 6]);
    await put([{ id: 7, title: 'red apple', shop: 'z' }]);
    expect(ids(await search({ q: '', sort: ['shop:desc'] }))).toEqual([7, 5, 3, 4, 2, 6]);
    expect((await search({ q: '', facets: ['shop'] })).facetDistribution.shop).toEqual({ a: 3, c: 1, d: 1, z: 1 });
  });
});
