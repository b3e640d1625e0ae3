import { EngineError } from '../../errors/engine-error.ts';
import type { FacetField } from '../facets.ts';
import { evaluateFilterInput } from '../filter-input.ts';
import { facetSearchableNames, isFacetSearchable, isFilterable } from '../filterable.ts';
import { normalizeWord } from '../tokenizer.ts';
import type { DocumentSource, FacetSearchParams, FacetSearchResult } from '../types.ts';
import { matchQuery, type IndexState } from './search.ts';

/**
 * POST /indexes/:uid/facet-search, as milli's SearchForFacetValues: the string values of one
 * facet-searchable attribute among the documents matching `q` and `filter`. With a
 * `facetQuery`, values whose folded form (lowercase, no diacritics) starts with the folded
 * query, allowing typos by query length (oneTypo / twoTypos, counted in UTF-8 bytes as milli
 * does) unless typo tolerance is off, the attribute disables typos or the query is in
 * `disableOnWords`. Values come in alphabetical order of their folded form, or by descending
 * count (`sortFacetValuesBy`), cut at `maxValuesPerFacet`.
 */

function countIn(list: { data: Uint32Array; length: number }, candidates: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < list.length; i++) {
    const d = list.data[i]!;
    if ((candidates[d >>> 5]! & (1 << (d & 31))) !== 0) n++;
  }
  return n;
}

/** Normalized keys of the values matching `query`, in folded alphabetical order. */
function matchingKeys(field: FacetField, query: string, state: IndexState, name: string): string[] {
  const tree = field.searchTree();
  const keys: string[] = [];
  const tt = state.settings.typoTolerance;
  const typos =
    tt.enabled && !tt.disableOnAttributes.includes(name) && !tt.disableOnWords.some((w) => normalizeWord(w) === query)
      ? Buffer.byteLength(query) >= tt.minWordSizeForTypos.twoTypos
        ? 2
        : Buffer.byteLength(query) >= tt.minWordSizeForTypos.oneTypo
          ? 1
          : 0
      : 0;
  if (typos === 0) tree.forEachWithPrefix(query, (_folded, ks) => void keys.push(...ks));
  else tree.forEachFuzzy(query, typos, (_folded, ks) => void keys.push(...ks), { prefix: true });
  return keys;
}

export function executeFacetSearch(state: IndexState, params: FacetSearchParams, _source: DocumentSource): FacetSearchResult {
  const started = performance.now();
  const settings = state.settings;
  if (!settings.facetSearch) throw new EngineError('facet_search_disabled', 'The facet search is disabled for this index');
  const name = params.facetName;
  const setting = settings.filterableAttributes;
  if (!isFilterable(name, setting) || !isFacetSearchable(name, setting)) {
    const available = facetSearchableNames(setting);
    const hint = 'To make it facet-searchable add it to the `filterableAttributes` index settings.';
    const tail =
      available.length === 0
        ? `This index does not have configured facet-searchable attributes. ${hint}`
        : `Available facet-searchable attributes patterns are: \`${available.join(', ')}\`. ${hint}`;
    throw new EngineError('invalid_facet_search_facet_name', `Attribute \`${name}\` is not facet-searchable. ${tail}`);
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
  const hits: Array<{ value: string; count: number }> = [];
  if (field !== undefined) {
    const query = params.facetQuery === undefined || params.facetQuery === null ? null : normalizeWord(params.facetQuery.trim());
    const keys = query === null || query === '' ? field.sortedStrings() : matchingKeys(field, query, state, name);
    for (const key of keys) {
      const entry = field.strings.get(key)!;
      const count = countIn(entry.docs, candidates);
      if (count > 0) hits.push({ value: entry.original, count });
    }
  }
  const by = settings.faceting.sortFacetValuesBy;
  // Count order: descending count, ties by descending value (milli's max-heap order).
  if ((by[name] ?? by['*'] ?? 'alpha') === 'count') hits.sort((a, b) => b.count - a.count || (a.value < b.value ? 1 : a.value > b.value ? -1 : 0));
  return {
    facetHits: hits.slice(0, settings.faceting.maxValuesPerFacet),
    facetQuery: params.facetQuery ?? null,
    processingTimeMs: Math.floor(performance.now() - started),
  };
}
