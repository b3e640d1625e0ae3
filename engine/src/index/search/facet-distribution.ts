import { EngineError } from '../../errors/engine-error.ts';
import { filterableNames as filterableAttributeNames, isFilterable as isFilterableAttribute } from '../filterable.ts';
import type { Settings } from '../../types/settings.ts';
import type { DocSet } from '../doc-set.ts';
import type { FacetField, FacetIndex } from '../facets.ts';
import { matchesAttributePattern } from '../fields.ts';

/**
 * facetDistribution and facetStats over the candidate documents. Values are counted by walking
 * each value's document list against the candidate bitset. Numbers are keyed by their JSON
 * spelling, strings by the first original spelling met; `faceting.sortFacetValuesBy` orders
 * values alphabetically (the default) or by descending count, and `maxValuesPerFacet` cuts.
 */

function countIn(list: { data: Uint32Array; length: number }, candidates: DocSet): number {
  let n = 0;
  const d = list.data;
  for (let i = 0; i < list.length; i++) {
    const id = d[i]!;
    if ((candidates[id >>> 5]! & (1 << (id & 31))) !== 0) n++;
  }
  return n;
}

/** Expands `*` and checks that each requested facet is filterable (invalid_search_facets). */
export function resolveFacetNames(requested: readonly string[], settings: Settings, facets: FacetIndex): string[] {
  const setting = settings.filterableAttributes;
  if (requested.includes('*')) {
    const patterns = filterableAttributeNames(setting);
    const names = new Set<string>();
    for (const path of facets.fields.keys()) {
      if (isFilterableAttribute(path, setting) && patterns.some((p) => matchesAttributePattern(p, path))) names.add(path);
    }
    for (const r of requested) if (r !== '*') names.add(r);
    return [...names];
  }
  const bad = requested.filter((name) => !isFilterableAttribute(name, setting));
  if (bad.length > 0) {
    const available = filterableAttributeNames(setting);
    const head = bad.length === 1 ? `Attribute \`${bad[0]}\` is not filterable.` : `Attributes \`${bad.join(', ')}\` are not filterable.`;
    const tail = available.length === 0 ? 'This index does not have configured filterable attributes.' : `Available filterable attributes patterns are: \`${available.join(', ')}\`.`;
    throw new EngineError('invalid_search_facets', `Invalid facet distribution: ${head} ${tail}`);
  }
  return [...new Set(requested)];
}

function sortOrder(settings: Settings, name: string): 'alpha' | 'count' {
  const by = settings.faceting.sortFacetValuesBy;
  return by[name] ?? by['*'] ?? 'alpha';
}

export interface FacetCount {
  /** As shown: the number's JSON spelling or the first original spelling of the string. */
  value: string;
  /** Normalized key. */
  key: string;
  count: number;
  /** Set for numeric values. */
  number?: number;
}

/** Below this ratio of candidates to field entries, counting walks the candidates' values. */
const WALK_CANDIDATES_RATIO = 0.25;
/** Tests force either path. */
export const facetCountingPaths = { candidatesRatio: WALK_CANDIDATES_RATIO };

export function facetValueCounts(
  field: FacetField,
  candidates: DocSet,
  candidateList?: Uint32Array,
  capacity?: number,
): FacetCount[] {
  const out: FacetCount[] = [];
  if (candidateList !== undefined && capacity !== undefined && candidateList.length < facetCountingPaths.candidatesRatio * field.entryCount()) {
    // Few candidates: count their values instead of walking every value's document list.
    const { start, values, numbers, strings } = field.docValues(capacity);
    const counts = new Uint32Array(numbers.length + strings.length);
    for (let k = 0; k < candidateList.length; k++) {
      const d = candidateList[k]!;
      for (let i = start[d]!, e = start[d + 1]!; i < e; i++) counts[values[i]!]!++;
    }
    for (let v = 0; v < counts.length; v++) {
      if (counts[v] === 0) continue;
      if (v < numbers.length) out.push({ value: String(numbers[v]), key: String(numbers[v]), count: counts[v]!, number: numbers[v]! });
      else {
        const key = strings[v - numbers.length]!;
        out.push({ value: field.strings.get(key)!.original, key, count: counts[v]! });
      }
    }
    return out;
  }
  for (const n of field.sortedNumbers()) {
    const count = countIn(field.numbers.get(n)!, candidates);
    if (count > 0) out.push({ value: String(n), key: String(n), count, number: n });
  }
  for (const key of field.sortedStrings()) {
    const entry = field.strings.get(key)!;
    const count = countIn(entry.docs, candidates);
    if (count > 0) out.push({ value: entry.original, key, count });
  }
  return out;
}

export function computeFacets(
  names: readonly string[],
  settings: Settings,
  facets: FacetIndex,
  candidates: DocSet,
  candidateList?: Uint32Array,
  capacity?: number,
): { facetDistribution: Record<string, Record<string, number>>; facetStats: Record<string, { min: number; max: number }> } {
  const facetDistribution: Record<string, Record<string, number>> = {};
  const facetStats: Record<string, { min: number; max: number }> = {};
  for (const name of names) {
    const field = facets.field(name);
    const dist: Record<string, number> = {};
    facetDistribution[name] = dist;
    if (field === undefined) continue;
    // Alphabetical order is the index order: numbers ascending, then strings.
    const values = facetValueCounts(field, candidates, candidateList, capacity);
    if (sortOrder(settings, name) === 'count') values.sort((a, b) => b.count - a.count);
    for (const v of values.slice(0, settings.faceting.maxValuesPerFacet)) dist[v.value] = v.count;
    // Stats: the smallest and largest numbers present among the candidates (numbers come
    // first, in ascending order, in the counted values).
    let min: number | undefined;
    let max: number | undefined;
    for (const v of values) {
      if (v.number === undefined) continue;
      if (min === undefined || v.number < min) min = v.number;
      if (max === undefined || v.number > max) max = v.number;
    }
    if (min !== undefined && max !== undefined) facetStats[name] = { min, max };
  }
  return { facetDistribution, facetStats };
}
