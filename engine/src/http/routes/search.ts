import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors/engine-error.ts';
import { jsonBody, queryOf } from '../body.ts';
import { validateIndexUid } from '../index-uid.ts';
import { parseFacetSearchParams, parseSearchParams } from '../../index/search/params.ts';
import type { FacetSearchParams, FacetsResult, FilterInput, MatchedDocuments, SearchOptions, SearchParams, SearchResult } from '../../index/types.ts';
import { withIndexPrefix } from '../../index/index-error.ts';
import { DEFAULT_LIMIT } from '../../index/search/search.ts';
import type { Document } from '../../types/document.ts';
import type { ErrorCode } from '../../errors/codes.ts';
import { isPlainObject, stringArray, typeError, unknownField, valueError } from '../../settings/value-checks.ts';
import { fuseFilters } from '../../auth/tenant-token.ts';
import { WorkSlices } from '../work-slices.ts';

type Deps = { engine: () => Engine };
type IndexParams = { Params: { uid: string } };

/** A tenant token's rule filter is ANDed with the query's own filter, as Meilisearch fuses them. */
function withRuleFilter(filter: FilterInput | null | undefined, rule: unknown): FilterInput | null {
  if (rule === undefined || rule === null) return filter ?? null;
  return fuseFilters(filter ?? null, rule) as FilterInput | null;
}

/** An error about a query of a multi-search: 400 even when its code usually answers 404. */
class QueryError extends EngineError {
  override get status(): number {
    return 400;
  }
}

function insideQuery(error: unknown, position: number): unknown {
  if (!(error instanceof EngineError)) return error;
  const message = `Inside \`.queries[${position}]\`: ${error.message}`;
  return error.code === 'index_not_found' ? new QueryError(error.code, message) : Object.assign(error, { message });
}

function runSearch(engine: Engine, request: FastifyRequest, uid: string, params: SearchParams, options?: SearchOptions): SearchResult {
  request.auth.assertIndex(uid);
  const handle = engine.registry.require(uid);
  const filter = withRuleFilter(params.filter, request.auth.ruleFilter(uid));
  try {
    return handle.core.search({ ...params, filter }, handle.source, options);
  } catch (error) {
    throw withIndexPrefix(error, uid);
  }
}

interface ParsedQuery {
  uid: string;
  params: SearchParams;
  weight: number;
}

/** Splits `.queries[i]` into index, search parameters and federation options. */
function parseQuery(query: unknown, position: number, federated: boolean): ParsedQuery {
  if (!isPlainObject(query)) throw typeError('bad_request', `.queries[${position}]`, 'an object', query);
  const { indexUid, federationOptions, ...rest } = query;
  if (indexUid === undefined) throw new EngineError('missing_index_uid', `Missing field \`indexUid\` inside \`.queries[${position}]\``);
  let weight = 1;
  if (federationOptions !== undefined && federationOptions !== null) {
    if (!federated) {
      throw new EngineError(
        'invalid_multi_search_federation_options',
        `Using \`federationOptions\` is not allowed in a non-federated search.\n - Hint: remove \`federationOptions\` from query #${position} or add \`federation\` to the request.`,
      );
    }
    weight = parseFederationOptions(federationOptions, `.queries[${position}].federationOptions`);
  }
  let uid: string;
  let params: SearchParams;
  try {
    uid = validateIndexUid(indexUid);
    params = parseSearchParams(rest, 'json');
  } catch (error) {
    throw insideQuery(error, position);
  }
  return { uid, params, weight };
}

function parseFederationOptions(value: unknown, path: string): number {
  if (!isPlainObject(value)) throw typeError('bad_request', path, 'an object', value);
  let weight = 1;
  for (const [field, v] of Object.entries(value)) {
    if (field === 'weight') {
      if (typeof v !== 'number') throw typeError('invalid_multi_search_weight', `${path}.weight`, 'a number', v);
      if (!(v >= 0)) throw valueError('invalid_multi_search_weight', `${path}.weight`, 'the value of `weight` is invalid, expected a positive float (>= 0.0).');
      weight = v;
    } else if (field === 'remote' || field === 'queryPosition') {
      if (v !== null && v !== undefined) {
        throw new EngineError('feature_not_enabled', `Using \`federationOptions.${field}\` requires enabling the \`network\` experimental feature, which Searchkube does not support.`);
      }
    } else {
      throw unknownField('bad_request', path, field, ['weight', 'remote', 'queryPosition']);
    }
  }
  return weight;
}

interface Federation {
  limit: number;
  offset: number;
  page: number | null;
  hitsPerPage: number | null;
  /** Index uid -> facets (null: none for that index). */
  facetsByIndex: Map<string, string[] | null>;
  /** null: facets stay per index; else merged, cut at maxValuesPerFacet when given. */
  mergeFacets: { maxValuesPerFacet: number | null } | null;
}

const FEDERATION_FIELDS = ['limit', 'offset', 'page', 'hitsPerPage', 'facetsByIndex', 'mergeFacets'];

function parseFederation(value: unknown): Federation {
  if (!isPlainObject(value)) throw typeError('bad_request', '.federation', 'an object', value);
  const out: Federation = { limit: DEFAULT_LIMIT, offset: 0, page: null, hitsPerPage: null, facetsByIndex: new Map(), mergeFacets: null };
  const uint = (v: unknown, code: ErrorCode, field: string): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw typeError(code, `.federation.${field}`, 'a positive integer', v);
    return v;
  };
  for (const [field, v] of Object.entries(value)) {
    switch (field) {
      case 'limit':
        out.limit = uint(v, 'invalid_search_limit', field);
        break;
      case 'offset':
        out.offset = uint(v, 'invalid_search_offset', field);
        break;
      case 'page':
        if (v !== null) out.page = uint(v, 'invalid_search_page', field);
        break;
      case 'hitsPerPage':
        if (v !== null) out.hitsPerPage = uint(v, 'invalid_search_hits_per_page', field);
        break;
      case 'facetsByIndex': {
        if (v === null) break;
        if (!isPlainObject(v)) throw typeError('invalid_multi_search_facets_by_index', '.federation.facetsByIndex', 'an object', v);
        for (const [uid, facets] of Object.entries(v)) {
          const at = `.federation.facetsByIndex.${uid}`;
          try {
            validateIndexUid(uid);
          } catch (error) {
            if (error instanceof EngineError) throw new EngineError('invalid_multi_search_facets_by_index', `Invalid value at \`${at}\`: ${error.message}`);
            throw error;
          }
          out.facetsByIndex.set(uid, facets === null ? null : stringArray(facets, 'invalid_multi_search_facets_by_index', at));
        }
        break;
      }
      case 'mergeFacets': {
        if (v === null) break;
        if (!isPlainObject(v)) throw typeError('invalid_multi_search_merge_facets', '.federation.mergeFacets', 'an object', v);
        out.mergeFacets = { maxValuesPerFacet: null };
        for (const [key, max] of Object.entries(v)) {
          if (key !== 'maxValuesPerFacet') throw unknownField('invalid_multi_search_merge_facets', '.federation.mergeFacets', key, ['maxValuesPerFacet']);
          if (max !== null) out.mergeFacets.maxValuesPerFacet = uint(max, 'invalid_multi_search_max_values_per_facet', 'mergeFacets.maxValuesPerFacet');
        }
        break;
      }
      default:
        throw unknownField('bad_request', '.federation', field, FEDERATION_FIELDS);
    }
  }
  return out;
}

/** Rust's `{:?}` of a list of strings, as Meilisearch quotes it in hints. */
function debugList(items: readonly string[]): string {
  return `[${items.map((item) => JSON.stringify(item)).join(', ')}]`;
}

interface RankedHit {
  hit: Document;
  score: number;
  position: number;
  /** Order within its query's own results. */
  rank: number;
}

/**
 * Federated multi-search, as Meilisearch does it: every query runs for `offset + limit` hits
 * with its ranking scores; hits are merged by score × the query's weight (ties: the earlier
 * query first); a document found by several queries of the same index appears once, with its
 * best weighted score; estimatedTotalHits adds up, per index, the documents any of its queries
 * matched; facets are computed per index over those documents (facetsByIndex), merged when
 * asked (mergeFacets).
 */
function federatedSearch(engine: Engine, request: FastifyRequest, queries: ParsedQuery[], federation: Federation): Record<string, unknown> {
  const started = performance.now();
  queries.forEach((query, position) => {
    const p = query.params;
    const pagination = p.offset !== undefined ? 'offset' : p.limit !== undefined ? 'limit' : p.page !== undefined ? 'page' : p.hitsPerPage !== undefined ? 'hitsPerPage' : null;
    if (pagination !== null) {
      throw new EngineError(
        'invalid_multi_search_query_pagination',
        `Inside \`.queries[${position}]\`: Using pagination options is not allowed in federated queries.\n - Hint: remove \`${pagination}\` from query #${position} or remove \`federation\` from the request\n - Hint: pass \`federation.limit\` and \`federation.offset\` for pagination in federated search`,
      );
    }
    if (p.facets !== undefined && p.facets !== null && p.facets.length > 0) {
      throw new EngineError(
        'invalid_multi_search_query_facets',
        `Inside \`.queries[${position}]\`: Using facet options is not allowed in federated queries.\n - Hint: remove \`facets\` from query #${position} or remove \`federation\` from the request\n - Hint: pass \`federation.facetsByIndex.${query.uid}: ${debugList(p.facets)}\` for facets in federated search`,
      );
    }
  });
  const paged = federation.page !== null || federation.hitsPerPage !== null;
  const hitsPerPage = federation.hitsPerPage ?? DEFAULT_LIMIT;
  const page = federation.page ?? 1;
  const skip = paged ? (page === 0 ? 0 : (page - 1) * hitsPerPage) : federation.offset;
  const take = paged ? (page === 0 ? 0 : hitsPerPage) : federation.limit;

  // Per index, in order of first use: its queries' hits (best weighted score per document) and
  // matched documents.
  const byIndex = new Map<string, { firstPosition: number; hits: Map<string, RankedHit>; matched: MatchedDocuments[] }>();
  queries.forEach((query, position) => {
    let result: SearchResult;
    try {
      result = runSearch(engine, request, query.uid, { ...query.params, offset: 0, limit: skip + take }, { federation: true });
    } catch (error) {
      throw insideQuery(error, position);
    }
    let entry = byIndex.get(query.uid);
    if (entry === undefined) {
      entry = { firstPosition: position, hits: new Map(), matched: [] };
      byIndex.set(query.uid, entry);
    }
    entry.matched.push(result.matched!);
    result.hits.forEach((hit, rank) => {
      const id = result.hitIds![rank]!;
      const weighted = result.hitScores![rank]! * query.weight;
      const seen = entry.hits.get(id);
      if (seen !== undefined && (seen.score > weighted || (seen.score === weighted && seen.position < position))) return;
      entry.hits.set(id, { hit: { ...hit, _federation: { indexUid: query.uid, queriesPosition: position, weightedRankingScore: weighted } }, score: weighted, position, rank });
    });
  });

  const merged = [...byIndex.values()].flatMap((entry) => [...entry.hits.values()]);
  merged.sort((a, b) => b.score - a.score || a.position - b.position || a.rank - b.rank);
  const hits = merged.slice(skip, skip + take).map((ranked) => ranked.hit);

  let total = 0;
  const facetsByIndex: Record<string, FacetsResult> = {};
  for (const [uid, entry] of byIndex) {
    const handle = engine.registry.require(uid);
    total += handle.core.countMatched(entry.matched);
    const facets = federation.facetsByIndex.get(uid);
    if (facets === undefined || facets === null) continue;
    try {
      facetsByIndex[uid] = handle.core.facetsOf(facets, entry.matched);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      const code: ErrorCode = error.code === 'invalid_search_facets' ? 'invalid_multi_search_facets' : error.code;
      throw new EngineError(code, `Inside \`.federation.facetsByIndex.${uid}\`: ${error.message}\n - Note: index \`${uid}\` used in \`.queries[${entry.firstPosition}]\``);
    }
  }
  for (const uid of federation.facetsByIndex.keys()) {
    if (byIndex.has(uid)) continue;
    // Not used by any query: still checked, as Meilisearch does.
    const facets = federation.facetsByIndex.get(uid);
    request.auth.assertIndex(uid);
    try {
      const handle = engine.registry.require(uid);
      if (facets !== null && facets !== undefined) handle.core.facetsOf(facets, []);
    } catch (error) {
      if (!(error instanceof EngineError)) throw error;
      const code: ErrorCode = error.code === 'invalid_search_facets' ? 'invalid_multi_search_facets' : error.code;
      throw new QueryError(code, `Inside \`.federation.facetsByIndex.${uid}\`: ${error.message}\n - Note: index \`${uid}\` is not used in queries`);
    }
  }

  const out: Record<string, unknown> = { hits, processingTimeMs: 0 };
  if (paged) {
    Object.assign(out, { hitsPerPage, page, totalPages: hitsPerPage === 0 ? 0 : Math.ceil(total / hitsPerPage), totalHits: total });
  } else {
    Object.assign(out, { limit: federation.limit, offset: federation.offset, estimatedTotalHits: total });
  }
  if (federation.mergeFacets !== null) {
    const merged = mergeFacets(engine, facetsByIndex, federation.mergeFacets.maxValuesPerFacet);
    if (merged !== null) Object.assign(out, merged);
  } else if (Object.keys(facetsByIndex).length > 0) {
    out['facetsByIndex'] = Object.fromEntries(Object.entries(facetsByIndex).map(([uid, f]) => [uid, { distribution: f.facetDistribution, stats: f.facetStats }]));
  }
  out['processingTimeMs'] = Math.floor(performance.now() - started);
  return out;
}

/**
 * mergeFacets: counts of the same value add up across indexes, stats take the widest range;
 * values are ordered as the first index ordering the facet does (alphabetically or by count),
 * and cut at maxValuesPerFacet when given. Indexes that order a facet differently are an error.
 */
function mergeFacets(engine: Engine, facetsByIndex: Record<string, FacetsResult>, maxValues: number | null): FacetsResult | null {
  const uids = Object.keys(facetsByIndex);
  if (uids.length === 0) return null;
  const distribution: Record<string, Record<string, number>> = {};
  const stats: Record<string, { min: number; max: number }> = {};
  const order = new Map<string, { uid: string; by: 'alpha' | 'count' }>();
  for (const uid of uids) {
    const facets = facetsByIndex[uid]!;
    const sortBy = engine.registry.require(uid).record.settings.faceting.sortFacetValuesBy;
    for (const [facet, values] of Object.entries(facets.facetDistribution)) {
      const by = sortBy[facet] ?? sortBy['*'] ?? 'alpha';
      const previous = order.get(facet);
      if (previous === undefined) order.set(facet, { uid, by });
      else if (previous.by !== by) {
        const name = (o: 'alpha' | 'count'): string => (o === 'alpha' ? 'alphabetically' : 'by count');
        throw new EngineError(
          'invalid_multi_search_facet_order',
          `Inconsistent order for values in facet \`${facet}\`: index \`${previous.uid}\` orders ${name(previous.by)}, but index \`${uid}\` orders ${name(by)}.\n - Hint: Remove \`federation.mergeFacets\` or change \`faceting.sortFacetValuesBy\` to be consistent in settings.`,
        );
      }
      const target = (distribution[facet] ??= {});
      for (const [value, count] of Object.entries(values)) target[value] = (target[value] ?? 0) + count;
    }
    for (const [facet, s] of Object.entries(facets.facetStats)) {
      const current = stats[facet];
      stats[facet] = current === undefined ? { ...s } : { min: Math.min(current.min, s.min), max: Math.max(current.max, s.max) };
    }
  }
  for (const [facet, values] of Object.entries(distribution)) {
    const by = order.get(facet)?.by ?? 'alpha';
    let entries = Object.entries(values);
    entries.sort(by === 'count' ? (a, b) => b[1] - a[1] : (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    if (maxValues !== null) entries = entries.slice(0, maxValues);
    distribution[facet] = Object.fromEntries(entries);
  }
  return { facetDistribution: distribution, facetStats: stats };
}

export async function searchRoutes(app: FastifyInstance, { engine }: Deps): Promise<void> {
  const config = { action: 'search', index: 'param' as const, tenantToken: true };
  // Searches run in slices of the event loop (work-slices.ts), parsed and checked first.
  const slices = new WorkSlices();
  app.get<IndexParams>('/indexes/:uid/search', { config }, async (request) => {
    const uid = validateIndexUid(request.params.uid);
    const params = parseSearchParams(queryOf(request), 'query');
    return slices.run(() => runSearch(engine(), request, uid, params));
  });
  app.post<IndexParams>('/indexes/:uid/search', { config }, async (request) => {
    const uid = validateIndexUid(request.params.uid);
    const params = parseSearchParams(jsonBody(request, { optional: true, fallback: {} }), 'json');
    return slices.run(() => runSearch(engine(), request, uid, params));
  });

  app.post('/multi-search', { config: { action: 'search', index: 'none', tenantToken: true } }, async (request) => {
    const body = jsonBody(request);
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    for (const field of Object.keys(body)) if (field !== 'queries' && field !== 'federation') throw unknownField('bad_request', '', field, ['queries', 'federation']);
    const queries = body['queries'];
    if (!Array.isArray(queries)) throw typeError('bad_request', '.queries', 'an array', queries);
    const federated = body['federation'] !== undefined && body['federation'] !== null;
    const federation = federated ? parseFederation(body['federation']) : null;
    const parsed = queries.map((query, position) => parseQuery(query, position, federated));
    if (federation !== null) return slices.run(() => federatedSearch(engine(), request, parsed, federation));
    return slices.run(() => {
      const results = parsed.map(({ uid, params }, position) => {
        try {
          return { indexUid: uid, ...runSearch(engine(), request, uid, params) };
        } catch (error) {
          throw insideQuery(error, position);
        }
      });
      return { results };
    });
  });

  app.post<IndexParams>('/indexes/:uid/facet-search', { config }, async (request) => {
    const uid = validateIndexUid(request.params.uid);
    request.auth.assertIndex(uid);
    const parsed = parseFacetSearchParams(jsonBody(request));
    const handle = engine().registry.require(uid);
    const params: FacetSearchParams = { ...parsed, filter: withRuleFilter(parsed.filter, request.auth.ruleFilter(uid)) };
    return slices.run(() => handle.core.facetSearch(params, handle.source));
  });
}
