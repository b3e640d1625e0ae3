import { EngineError } from '../../errors/engine-error.ts';
import type { ErrorCode } from '../../errors/codes.ts';
import type { FacetSearchParams, FilterInput, SearchParams } from '../types.ts';

/**
 * Type-checks a search request, POST body (`json`) or GET query string (`query`), with
 * Meilisearch's error codes and messages (its deserr wording: "Invalid value type at `.limit`:
 * expected a positive integer, but found a string: `\"x\"`" for JSON, "Invalid value in
 * parameter `limit`: could not parse `x` as a positive integer" for query strings). Values are
 * only checked here; what they mean for an index (sortable attributes...) is checked by search.
 */

/** Accepted fields, in Meilisearch's declaration order (its "expected one of" lists them so). */
const SEARCH_FIELDS = [
  'q', 'offset', 'limit', 'page', 'hitsPerPage', 'attributesToRetrieve', 'attributesToCrop', 'cropLength', 'cropMarker',
  'attributesToHighlight', 'highlightPreTag', 'highlightPostTag', 'showMatchesPosition', 'filter', 'sort', 'distinct',
  'facets', 'matchingStrategy', 'attributesToSearchOn', 'rankingScoreThreshold', 'locales', 'hybrid', 'vector',
  'retrieveVectors', 'media', 'personalize', 'useNetwork', 'showRankingScore', 'showRankingScoreDetails', 'showPerformanceDetails',
] as const;

/** GET search accepts the same names, with hybrid split in two (Meilisearch's SearchQueryGet). */
const GET_FIELDS = [
  'q', 'vector', 'offset', 'limit', 'page', 'hitsPerPage', 'attributesToRetrieve', 'retrieveVectors', 'attributesToCrop',
  'cropLength', 'attributesToHighlight', 'filter', 'sort', 'distinct', 'showMatchesPosition', 'showRankingScore',
  'showRankingScoreDetails', 'showPerformanceDetails', 'facets', 'highlightPreTag', 'highlightPostTag', 'cropMarker',
  'matchingStrategy', 'attributesToSearchOn', 'hybridEmbedder', 'hybridSemanticRatio', 'rankingScoreThreshold', 'locales',
  'personalizeUserContext', 'useNetwork',
] as const;

const FACET_SEARCH_FIELDS = [
  'facetQuery', 'facetName', 'q', 'vector', 'media', 'hybrid', 'filter', 'matchingStrategy', 'attributesToSearchOn',
  'rankingScoreThreshold', 'locales', 'exhaustiveFacetCount', 'useNetwork',
] as const;

const CODES: Record<string, ErrorCode> = {
  q: 'invalid_search_q',
  offset: 'invalid_search_offset',
  limit: 'invalid_search_limit',
  page: 'invalid_search_page',
  hitsPerPage: 'invalid_search_hits_per_page',
  attributesToRetrieve: 'invalid_search_attributes_to_retrieve',
  attributesToCrop: 'invalid_search_attributes_to_crop',
  cropLength: 'invalid_search_crop_length',
  cropMarker: 'invalid_search_crop_marker',
  attributesToHighlight: 'invalid_search_attributes_to_highlight',
  highlightPreTag: 'invalid_search_highlight_pre_tag',
  highlightPostTag: 'invalid_search_highlight_post_tag',
  showMatchesPosition: 'invalid_search_show_matches_position',
  filter: 'invalid_search_filter',
  sort: 'invalid_search_sort',
  distinct: 'invalid_search_distinct',
  facets: 'invalid_search_facets',
  matchingStrategy: 'invalid_search_matching_strategy',
  attributesToSearchOn: 'invalid_search_attributes_to_search_on',
  rankingScoreThreshold: 'invalid_search_ranking_score_threshold',
  locales: 'invalid_search_locales',
  hybrid: 'invalid_search_hybrid_query',
  hybridEmbedder: 'invalid_search_hybrid_query',
  hybridSemanticRatio: 'invalid_search_hybrid_query',
  vector: 'invalid_search_vector',
  retrieveVectors: 'invalid_search_retrieve_vectors',
  media: 'bad_request',
  personalize: 'bad_request',
  personalizeUserContext: 'bad_request',
  useNetwork: 'bad_request',
  showRankingScore: 'invalid_search_show_ranking_score',
  showRankingScoreDetails: 'invalid_search_show_ranking_score_details',
  showPerformanceDetails: 'bad_request',
  facetName: 'invalid_facet_search_facet_name',
  facetQuery: 'invalid_facet_search_facet_query',
  exhaustiveFacetCount: 'bad_request',
};

const MATCHING_STRATEGIES = ['last', 'all', 'frequency'] as const;

/** deserr's description of a JSON value: "a string: `\"x\"`". */
function describe(value: unknown): string {
  const json = JSON.stringify(value);
  if (value === null) return 'null';
  if (typeof value === 'string') return `a string: \`${json}\``;
  if (typeof value === 'boolean') return `a boolean: \`${json}\``;
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return value >= 0 ? `a positive integer: \`${json}\`` : `a negative integer: \`${json}\``;
    return `a number: \`${json}\``;
  }
  if (Array.isArray(value)) return `an array: \`${json}\``;
  return `an object: \`${json}\``;
}

function typeError(field: string, expected: string, value: unknown): EngineError {
  return new EngineError(CODES[field] ?? 'bad_request', `Invalid value type at \`.${field}\`: expected ${expected}, but found ${describe(value)}`);
}

function unknownField(field: string, fields: readonly string[], kind: 'field' | 'parameter'): EngineError {
  return new EngineError('bad_request', `Unknown ${kind} \`${field}\`: expected one of ${fields.map((f) => `\`${f}\``).join(', ')}`);
}

function checkObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new EngineError('bad_request', `Invalid value type: expected an object, but found ${describe(body)}`);
  }
  return body as Record<string, unknown>;
}

// ---- JSON readers -------------------------------------------------------------------------

function jsonString(field: string, v: unknown, nullable: boolean): string | null {
  if (v === null && nullable) return null;
  if (typeof v !== 'string') throw typeError(field, 'a string', v);
  return v;
}

function jsonUint(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw typeError(field, 'a positive integer', v);
  return v;
}

function jsonBool(field: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw typeError(field, 'a boolean', v);
  return v;
}

function jsonStringArray(field: string, v: unknown): string[] | null {
  if (v === null) return null;
  if (!Array.isArray(v)) throw typeError(field, 'an array', v);
  return v.map((item, i) => {
    if (typeof item !== 'string') {
      throw new EngineError(CODES[field] ?? 'bad_request', `Invalid value type at \`.${field}[${i}]\`: expected a string, but found ${describe(item)}`);
    }
    return item;
  });
}

function matchingStrategy(field: string, v: string, where: 'json' | 'query'): SearchParams['matchingStrategy'] {
  if ((MATCHING_STRATEGIES as readonly string[]).includes(v)) return v as SearchParams['matchingStrategy'];
  const list = MATCHING_STRATEGIES.map((s) => `\`${s}\``).join(', ');
  throw new EngineError(
    'invalid_search_matching_strategy',
    where === 'json' ? `Unknown value \`${v}\` at \`.${field}\`: expected one of ${list}` : `Unknown value \`${v}\` for parameter \`${field}\`: expected one of ${list}`,
  );
}

function threshold(field: string, n: number): number {
  if (!(n >= 0 && n <= 1)) {
    throw new EngineError(
      'invalid_search_ranking_score_threshold',
      `Invalid value at \`.${field}\`: the value of \`rankingScoreThreshold\` is invalid, expected a float between \`0.0\` and \`1.0\`.`,
    );
  }
  return n;
}

function checkFilterShape(v: unknown): FilterInput | null {
  if (v === null) return null;
  const ok = typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string' || (Array.isArray(x) && x.every((y) => typeof y === 'string'))));
  if (!ok) {
    const found = Array.isArray(v) ? JSON.stringify(v) : typeof v === 'object' ? JSON.stringify(v) : String(v);
    throw new EngineError('invalid_search_filter', `Invalid syntax for the filter parameter: \`expected String, Array, found: ${found}\`.`);
  }
  return v as FilterInput;
}

function fromJson(body: Record<string, unknown>): SearchParams {
  const out: SearchParams = {};
  for (const [field, v] of Object.entries(body)) {
    switch (field) {
      case 'q':
        out.q = jsonString(field, v, true);
        break;
      case 'offset':
      case 'limit':
        out[field] = jsonUint(field, v);
        break;
      case 'page':
      case 'hitsPerPage':
        if (v !== null) out[field] = jsonUint(field, v);
        break;
      case 'cropLength':
        out.cropLength = jsonUint(field, v);
        break;
      case 'attributesToRetrieve':
      case 'attributesToCrop':
      case 'attributesToHighlight':
      case 'facets':
      case 'sort':
      case 'attributesToSearchOn':
      case 'locales':
        out[field] = jsonStringArray(field, v);
        break;
      case 'cropMarker':
      case 'highlightPreTag':
      case 'highlightPostTag':
        out[field] = jsonString(field, v, false)!;
        break;
      case 'showMatchesPosition':
      case 'showRankingScore':
      case 'showRankingScoreDetails':
        out[field] = jsonBool(field, v);
        break;
      case 'retrieveVectors':
      case 'showPerformanceDetails':
        jsonBool(field, v);
        break;
      case 'useNetwork':
        if (v !== null) jsonBool(field, v);
        break;
      case 'filter':
        out.filter = checkFilterShape(v);
        break;
      case 'distinct':
        out.distinct = jsonString(field, v, true);
        break;
      case 'matchingStrategy':
        out.matchingStrategy = matchingStrategy(field, jsonString(field, v, false)!, 'json');
        break;
      case 'rankingScoreThreshold':
        if (v === null) out.rankingScoreThreshold = null;
        else if (typeof v !== 'number') throw typeError(field, 'a number', v);
        else out.rankingScoreThreshold = threshold(field, v);
        break;
      case 'vector':
        if (v !== null && (!Array.isArray(v) || !v.every((x) => typeof x === 'number'))) throw typeError(field, 'an array', v);
        break;
      case 'hybrid':
      case 'media':
      case 'personalize':
        if (v !== null && (typeof v !== 'object' || Array.isArray(v))) throw typeError(field, 'an object', v);
        break;
      default:
        throw unknownField(field, SEARCH_FIELDS, 'field');
    }
  }
  return out;
}

// ---- query-string readers -----------------------------------------------------------------

function queryError(field: string, raw: string, what: string): EngineError {
  return new EngineError(CODES[field] ?? 'bad_request', `Invalid value in parameter \`${field}\`: could not parse \`${raw}\` as ${what}`);
}

function queryUint(field: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw queryError(field, raw, 'a positive integer');
  return Number(raw);
}

function queryBool(field: string, raw: string): boolean {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw queryError(field, raw, 'a boolean, expected either `true` or `false`');
}

function queryFloat(field: string, raw: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw queryError(field, raw, 'a float');
  return n;
}

/** Comma-separated list; commas inside parentheses (`_geoPoint(1,2):asc`) do not split. */
export function splitCommaList(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(raw.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(raw.slice(start).trim());
  return out.filter((s) => s.length > 0);
}

function fromQuery(query: Record<string, unknown>): SearchParams {
  const out: SearchParams = {};
  for (const [field, value] of Object.entries(query)) {
    // Repeated parameters: the last one wins.
    const raw = Array.isArray(value) ? String(value[value.length - 1] ?? '') : String(value ?? '');
    switch (field) {
      case 'q':
        out.q = raw;
        break;
      case 'offset':
      case 'limit':
      case 'page':
      case 'hitsPerPage':
      case 'cropLength':
        out[field] = queryUint(field, raw);
        break;
      case 'attributesToRetrieve':
      case 'attributesToCrop':
      case 'attributesToHighlight':
      case 'facets':
      case 'sort':
      case 'attributesToSearchOn':
      case 'locales':
        out[field] = splitCommaList(raw);
        break;
      case 'cropMarker':
      case 'highlightPreTag':
      case 'highlightPostTag':
        out[field] = raw;
        break;
      case 'showMatchesPosition':
      case 'showRankingScore':
      case 'showRankingScoreDetails':
        out[field] = queryBool(field, raw);
        break;
      case 'retrieveVectors':
      case 'showPerformanceDetails':
      case 'useNetwork':
        queryBool(field, raw);
        break;
      case 'filter':
        out.filter = raw;
        break;
      case 'distinct':
        out.distinct = raw;
        break;
      case 'matchingStrategy':
        out.matchingStrategy = matchingStrategy(field, raw, 'query');
        break;
      case 'rankingScoreThreshold':
        out.rankingScoreThreshold = threshold(field, queryFloat(field, raw));
        break;
      case 'hybridSemanticRatio':
        queryFloat(field, raw);
        break;
      case 'vector':
        for (const x of splitCommaList(raw)) queryFloat(field, x);
        break;
      case 'hybridEmbedder':
      case 'personalizeUserContext':
        break;
      default:
        throw unknownField(field, GET_FIELDS, 'parameter');
    }
  }
  return out;
}

/** Validates a search request body (`json`) or query string (`query`). */
export function parseSearchParams(body: unknown, from: 'json' | 'query'): SearchParams {
  const object = body === undefined || body === null ? {} : checkObject(body);
  return from === 'json' ? fromJson(object) : fromQuery(object);
}

/** Validates a facet-search request body. */
export function parseFacetSearchParams(body: unknown): FacetSearchParams {
  const object = checkObject(body ?? {});
  let facetName: string | undefined;
  const out: Partial<FacetSearchParams> = {};
  for (const [field, v] of Object.entries(object)) {
    switch (field) {
      case 'facetName':
        facetName = jsonString(field, v, false)!;
        break;
      case 'facetQuery':
        out.facetQuery = jsonString(field, v, true);
        break;
      case 'q':
        out.q = jsonString(field, v, true);
        break;
      case 'filter':
        out.filter = checkFilterShape(v);
        break;
      case 'matchingStrategy':
        out.matchingStrategy = matchingStrategy(field, jsonString(field, v, false)!, 'json');
        break;
      case 'attributesToSearchOn':
        out.attributesToSearchOn = jsonStringArray(field, v);
        break;
      case 'exhaustiveFacetCount':
        if (v !== null) out.exhaustiveFacetCount = jsonBool(field, v);
        break;
      case 'rankingScoreThreshold':
        if (v !== null) {
          if (typeof v !== 'number') throw typeError(field, 'a number', v);
          threshold(field, v);
        }
        break;
      case 'locales':
        jsonStringArray(field, v);
        break;
      case 'useNetwork':
        if (v !== null) jsonBool(field, v);
        break;
      case 'vector':
      case 'media':
      case 'hybrid':
        break;
      default:
        throw unknownField(field, FACET_SEARCH_FIELDS, 'field');
    }
  }
  if (facetName === undefined) throw new EngineError('missing_facet_search_facet_name', 'Missing field `facetName`');
  return { ...out, facetName };
}
