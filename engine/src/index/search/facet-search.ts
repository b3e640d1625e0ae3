import { EngineError } from '../../errors/engine-error.ts';
import { filterableNames as filterableAttributeNames, isFacetSearchable, isFilterable as isFilterableAttribute } from '../filterable.ts';
import { evaluateFilterInput } from '../filter-input.ts';
import type { DocumentSource, FacetSearchParams, FacetSearchResult } from '../types.ts';
import { facetValueCounts } from './facet-distribution.ts';
import { matchQuery, type IndexState } from './search.ts';

/**
 * POST /indexes/:uid/facet-search: the values of one filterable attribute among the documents
 * matching `q` and `filter`, whose folded text starts with the folded `facetQuery` (lowercase,
 * diacritics removed), with their counts; ordered by `faceting.sortFacetValuesBy` and cut at
 * `maxValuesPerFacet`.
 */
function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

export function executeFacetSearch(state: IndexState, params: FacetSearchParams, _source: DocumentSource): FacetSearchResult {
  const started = performance.now();
  const settings = state.settings;
  if (!settings.facetSearch) throw new EngineError('facet_search_disabled', 'The facet search is disabled for this index');
  const name = params.facetName;
  if (!isFilterableAttribute(name, settings.filterableAttributes) || !isFacetSearchable(name, settings.filterableAttributes)) {
    const available = filterableAttributeNames(settings.filterableAttributes);
    const tail = available.length === 0 ? 'This index does not have configured filterable attributes.' : `Available filterable attributes patterns are: \`${available.join(', ')}\`.`;
    throw new EngineError('invalid_facet_search_facet_name', `Attribute \`${name}\` is not filterable. ${tail}`);
  }
  const filtered = evaluateFilterInput(state, params.filter, 'invalid_search_filter');
  const universe = filtered ?? state.alive;
  let candidates = universe;
  if (params.q !== undefined && params.q !== null && params.q.trim() !== '') {
    const matching = matchQuery(state, params.q, universe, params.matchingStrategy ?? 'last', params.attributesToSearchOn, { proximity: false, exactness: false });
    candidates = new Uint32Array(universe.length);
    for (const d of matching.docs) candidates[d >>> 5]! |= 1 << (d & 31);
  }
  const field = state.facets.field(name);
  const query = fold(params.facetQuery ?? '');
  let hits: Array<{ value: string; count: number }> = [];
  if (field !== undefined) {
    for (const v of facetValueCounts(field, candidates)) {
      if (query === '' || fold(v.value).startsWith(query)) hits.push({ value: v.value, count: v.count });
    }
  }
  const by = settings.faceting.sortFacetValuesBy;
  if ((by[name] ?? by['*'] ?? 'alpha') === 'count') hits.sort((a, b) => b.count - a.count);
  hits = hits.slice(0, settings.faceting.maxValuesPerFacet);
  return { facetHits: hits, facetQuery: params.facetQuery ?? null, processingTimeMs: Math.floor(performance.now() - started) };
}
