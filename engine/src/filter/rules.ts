/**
 * Matching attributes against the `filterableAttributes` setting (Meilisearch v1.14+): plain
 * names (legacy rules, every filter feature on) and `{attributePatterns, features}` rules whose
 * filter features default to equality on, comparison off. The first rule that matches decides.
 */
import type { FilterableAttributeRule } from '../types/settings.ts';

export type FilterableSetting = ReadonlyArray<string | FilterableAttributeRule>;

export interface FilterFeatures {
  equality: boolean;
  comparison: boolean;
}

export interface MatchedRule {
  /** Position of the rule in the setting, quoted in Meilisearch's messages as "rule #N". */
  index: number;
  features: FilterFeatures;
}

/** `*`, `prefix*`, `*suffix`, `*infix*` or an exact name; an exact name also covers its sub-fields. */
export function matchesPattern(pattern: string, attribute: string): boolean {
  if (pattern === '*') return true;
  const starts = pattern.startsWith('*');
  const ends = pattern.length > 1 && pattern.endsWith('*');
  if (starts && ends) return attribute.includes(pattern.slice(1, -1));
  if (starts) return attribute.endsWith(pattern.slice(1));
  if (ends) return attribute.startsWith(pattern.slice(0, -1));
  return attribute === pattern || (attribute.startsWith(pattern) && attribute[pattern.length] === '.');
}

function featuresOf(rule: string | FilterableAttributeRule): FilterFeatures {
  if (typeof rule === 'string') return { equality: true, comparison: true };
  const filter = rule.features?.filter;
  return { equality: filter?.equality ?? true, comparison: filter?.comparison ?? false };
}

function patternsOf(rule: string | FilterableAttributeRule): readonly string[] {
  return typeof rule === 'string' ? [rule] : rule.attributePatterns;
}

export function isFilterFeatureOn(features: FilterFeatures): boolean {
  return features.equality || features.comparison;
}

export function matchingRule(attribute: string, setting: FilterableSetting): MatchedRule | null {
  for (const [index, rule] of setting.entries()) {
    if (patternsOf(rule).some((pattern) => matchesPattern(pattern, attribute))) return { index, features: featuresOf(rule) };
  }
  return null;
}

/** Whether filters may use `attribute` at all under this setting. */
export function isFilterableAttribute(attribute: string, setting: FilterableSetting): boolean {
  const rule = matchingRule(attribute, setting);
  return rule !== null && isFilterFeatureOn(rule.features);
}

/** The names Meilisearch lists in "not filterable" errors: patterns of filterable rules, sorted. */
export function filterableAttributeNames(setting: FilterableSetting): string[] {
  const names = setting.filter((rule) => isFilterFeatureOn(featuresOf(rule))).flatMap(patternsOf);
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
