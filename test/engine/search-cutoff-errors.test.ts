import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

/** searchCutoffMs, and the "Index `uid`: " prefix of errors raised inside an index. */

let engine: EngineProcess;
let api: Api;

const movies = [
  { id: 10, title: 'Batman and the long night of the bat', year: 1992 },
  { id: 11, title: 'Batman', year: 1989 },
  { id: 12, title: 'The Batman', year: 2022 },
  { id: 13, title: 'Amélie', year: 2001 },
];

beforeAll(async () => {
  engine = await startEngine();
  api = new Api(engine.url);
  await api.run(api.post('/indexes/movies/documents', movies));
  await api.run(api.patch('/indexes/movies/settings', { searchableAttributes: ['title'], filterableAttributes: ['year'], sortableAttributes: ['year'] }));
});
afterAll(async () => engine?.stop());

const ids = (body: { hits: Array<{ id: number }> }) => body.hits.map((hit) => hit.id);

describe('searchCutoffMs', () => {
  it('ranks fully within the budget; out of budget returns the documents unranked, in document order, with skipped rules', async () => {
    const ranked = await api.post('/indexes/movies/search', { q: 'batman', showRankingScore: true, showRankingScoreDetails: true });
    expect(ids(ranked.body)).toEqual([11, 10, 12]);
    expect(ranked.body.hits.every((hit: Record<string, unknown>) => !('skipped' in (hit['_rankingScoreDetails'] as object)))).toBe(true);

    // A budget of 0 ms is spent before the first bucket is split.
    await api.run(api.put('/indexes/movies/settings/search-cutoff-ms', 0));
    const cut = await api.post('/indexes/movies/search', { q: 'batman', showRankingScore: true, showRankingScoreDetails: true });
    expect(cut.status).toBe(200);
    expect(ids(cut.body)).toEqual([10, 11, 12]);
    expect(cut.body.estimatedTotalHits).toBe(3);
    for (const hit of cut.body.hits) {
      const details = hit._rankingScoreDetails;
      const skippedAt = details.skipped.order;
      // Every rule before the skipped one is reported, none after it.
      expect(Object.values(details).map((entry: any) => entry.order).sort()).toEqual(Array.from({ length: skippedAt + 1 }, (_, i) => i));
      expect(hit._rankingScore).toBeLessThan(1);
    }
    const sorted = await api.post('/indexes/movies/search', { q: '', sort: ['year:desc'], showRankingScoreDetails: true });
    expect(ids(sorted.body)).toEqual([10, 11, 12, 13]);
    expect(sorted.body.hits[0]._rankingScoreDetails).toEqual({ skipped: { order: 0 } });

    await api.run(api.put('/indexes/movies/settings/search-cutoff-ms', null));
    expect(ids((await api.post('/indexes/movies/search', { q: '', sort: ['year:desc'] })).body)).toEqual([12, 13, 10, 11]);
  });
});

describe('errors raised inside an index', () => {
  it('carry "Index `uid`: " (not filterable, not sortable, sort not in ranking rules, not searchable, distinct)', async () => {
    const filter = await api.post('/indexes/movies/search', { filter: 'title = x' });
    expect(filter.status).toBe(400);
    expect(filter.body.code).toBe('invalid_search_filter');
    expect(filter.body.message).toMatch(/^Index `movies`: Attribute `title` is not filterable\. Available filterable attributes are: `year`\.\n1:6 title = x$/);
    const sort = await api.post('/indexes/movies/search', { sort: ['title:asc'] });
    expect(sort.body).toMatchObject({ code: 'invalid_search_sort', message: 'Index `movies`: Attribute `title` is not sortable. Available sortable attributes are: `year`.' });
    const get = await api.get('/indexes/movies/search?sort=title:asc');
    expect(get.body.message).toBe('Index `movies`: Attribute `title` is not sortable. Available sortable attributes are: `year`.');
    const searchOn = await api.post('/indexes/movies/search', { q: 'x', attributesToSearchOn: ['nope'] });
    expect(searchOn.body).toMatchObject({ code: 'invalid_search_attributes_to_search_on' });
    expect(searchOn.body.message).toMatch(/^Index `movies`: Attribute `nope` is not searchable\./);
    const distinct = await api.post('/indexes/movies/search', { distinct: 'title' });
    expect(distinct.body).toMatchObject({ code: 'invalid_search_distinct' });
    expect(distinct.body.message).toMatch(/^Index `movies`: Attribute `title` is not filterable and thus, cannot be used as distinct attribute\./);

    await api.run(api.patch('/indexes/movies/settings', { rankingRules: ['words', 'typo'] }));
    const noSortRule = await api.post('/indexes/movies/search', { sort: ['year:asc'] });
    expect(noSortRule.body).toMatchObject({
      code: 'invalid_search_sort',
      message: 'Index `movies`: You must specify where `sort` is listed in the rankingRules setting to use the sort parameter at search time.',
    });
    await api.run(api.delete('/indexes/movies/settings/ranking-rules'));
  });

  it('not on errors found while reading the request (filter and sort syntax, reserved keywords)', async () => {
    const syntax = await api.post('/indexes/movies/search', { filter: 'year = 1 XOR year = 2' });
    expect(syntax.body.code).toBe('invalid_search_filter');
    expect(syntax.body.message).toMatch(/^Found unexpected characters at the end of the filter/);
    const geo = await api.post('/indexes/movies/search', { filter: '_geo = 1' });
    expect(geo.body.message).toMatch(/^`_geo` is a reserved keyword/);
    const sortSyntax = await api.post('/indexes/movies/search', { sort: ['title'] });
    expect(sortSyntax.body.message).toBe('Invalid syntax for the sort parameter: expected expression ending by `:asc` or `:desc`, found `title`.');
    const reserved = await api.post('/indexes/movies/search', { sort: ['_geoDistance:asc'] });
    expect(reserved.body.message).toBe('`_geoDistance` is a reserved keyword and thus can\'t be used as a sort expression.');
  });

  it('inside multi-search queries, federated or not, after "Inside `.queries[i]`: "', async () => {
    const multi = await api.post('/multi-search', { queries: [{ indexUid: 'movies', q: 'batman', sort: ['title:desc'] }] });
    expect(multi.status).toBe(400);
    expect(multi.body).toMatchObject({
      code: 'invalid_search_sort',
      message: 'Inside `.queries[0]`: Index `movies`: Attribute `title` is not sortable. Available sortable attributes are: `year`.',
    });
    const federated = await api.post('/multi-search', { federation: {}, queries: [{ indexUid: 'movies', q: 'a' }, { indexUid: 'movies', q: 'b', filter: ['title = toto'] }] });
    expect(federated.status).toBe(400);
    expect(federated.body.code).toBe('invalid_search_filter');
    expect(federated.body.message).toBe('Inside `.queries[1]`: Index `movies`: Attribute `title` is not filterable. Available filterable attributes are: `year`.\n1:6 title = toto');
  });
});
