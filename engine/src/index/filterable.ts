import type { FilterableAttributeRule } from '../types/settings.ts';
import { matchesAttributePattern } from './fields.ts';

/**
 * Which attributes the `filterableAttributes` setting makes filterable, for facets, distinct and
 * facet search (the filter module checks filter expressions itself). Plain strings make the
 * field and its sub-fields filterable; for rule objects the first rule whose patterns match
 * decides, and it filters unless both `features.filter.equality` and `.comparison` are false.
 */
export type FilterableSetting = ReadonlyArray<string | FilterableAttributeRule>;

export function isFilterable(attribute: string, setting: FilterableSetting): boolean {
  for (const rule of setting) {
    if (typeof rule === 'string') {
      if (matchesAttributePattern(rule, attribute)) return true;
      continue;
    }
    if (!rule.attributePatterns.some((p) => matchesAttributePattern(p, attribute))) continue;
    const filter = rule.features?.filter;
    return (filter?.equality ?? true) || (filter?.comparison ?? false);
  }
  return false;
}

/** Whether facet search is enabled for the attribute (rule objects may turn it off). */
export function isFacetSearchable(attribute: string, setting: FilterableSetting): boolean {
  for (const rule of setting) {
    if (typeof rule === 'string') {
      if (matchesAttributePattern(rule, attribute)) return true;
      continue;
    }
    if (rule.attributePatterns.some((p) => matchesAttributePattern(p, attribute))) return rule.features?.facetSearch ?? false;
  }
  return false;
}

/** Every configured name or pattern, sorted, as Meilisearch lists them in error messages. */
export function filterableNames(setting: FilterableSetting): string[] {
  const names = setting.flatMap((rule) => (typeof rule === 'string' ? [rule] : rule.attributePatterns));
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The patterns of rules that allow facet search (strings always do), sorted. */
export function facetSearchableNames(setting: FilterableSetting): string[] {
  const names = setting.flatMap((rule) => (typeof rule === 'string' ? [rule] : rule.features?.facetSearch === true ? rule.attributePatterns : []));
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
