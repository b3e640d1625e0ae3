import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors/engine-error.ts';
import { jsonBody, queryOf } from '../body.ts';
import { validateIndexUid } from '../index-uid.ts';
import { parseFacetSearchParams, parseSearchParams } from '../../index/search/params.ts';
import type { FacetSearchParams, FilterInput, SearchParams } from '../../index/types.ts';
import { isPlainObject, typeError, unknownField } from '../../settings/value-checks.ts';
import { fuseFilters } from '../../auth/tenant-token.ts';

type Deps = { engine: () => Engine };
type IndexParams = { Params: { uid: string } };

/** A tenant token's rule filter is ANDed with the query's own filter, as Meilisearch fuses them. */
function withRuleFilter(filter: FilterInput | null | undefined, rule: unknown): FilterInput | null {
  if (rule === undefined || rule === null) return filter ?? null;
  return fuseFilters(filter ?? null, rule) as FilterInput | null;
}

function runSearch(engine: Engine, request: FastifyRequest, uid: string, params: SearchParams) {
  request.auth.assertIndex(uid);
  const handle = engine.registry.require(uid);
  const filter = withRuleFilter(params.filter, request.auth.ruleFilter(uid));
  return handle.core.search({ ...params, filter }, handle.source);
}

export async function searchRoutes(app: FastifyInstance, { engine }: Deps): Promise<void> {
  const config = { action: 'search', index: 'param' as const, tenantToken: true };
  app.get<IndexParams>('/indexes/:uid/search', { config }, async (request) => {
    return runSearch(engine(), request, validateIndexUid(request.params.uid), parseSearchParams(queryOf(request), 'query'));
  });
  app.post<IndexParams>('/indexes/:uid/search', { config }, async (request) => {
    return runSearch(engine(), request, validateIndexUid(request.params.uid), parseSearchParams(jsonBody(request, { optional: true, fallback: {} }), 'json'));
  });

  app.post('/multi-search', { config: { action: 'search', index: 'none', tenantToken: true } }, async (request) => {
    const body = jsonBody(request);
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    for (const field of Object.keys(body)) if (field !== 'queries' && field !== 'federation') throw unknownField('bad_request', '', field, ['queries', 'federation']);
    const queries = body['queries'];
    if (!Array.isArray(queries)) throw typeError('bad_request', '.queries', 'an array', queries);
    if (body['federation'] !== undefined && body['federation'] !== null) {
      throw new EngineError('feature_not_enabled', 'Federated multi-search is not supported by this version of Searchkube yet.');
    }
    const results = queries.map((query, position) => {
      if (!isPlainObject(query)) throw typeError('bad_request', `.queries[${position}]`, 'an object', query);
      const { indexUid, ...rest } = query;
      if (indexUid === undefined) throw new EngineError('missing_index_uid', `Missing field \`indexUid\` inside \`.queries[${position}]\``);
      const uid = validateIndexUid(indexUid);
      try {
        return { indexUid: uid, ...runSearch(engine(), request, uid, parseSearchParams(rest, 'json')) };
      } catch (error) {
        if (error instanceof EngineError) error.message = `Inside \`.queries[${position}]\`: ${error.message}`;
        throw error;
      }
    });
    return { results };
  });

  app.post<IndexParams>('/indexes/:uid/facet-search', { config }, async (request) => {
    const uid = validateIndexUid(request.params.uid);
    request.auth.assertIndex(uid);
    const parsed = parseFacetSearchParams(jsonBody(request));
    const handle = engine().registry.require(uid);
    const params: FacetSearchParams = { ...parsed, filter: withRuleFilter(parsed.filter, request.auth.ruleFilter(uid)) };
    return handle.core.facetSearch(params, handle.source);
  });
}
