/**
 * Index settings from a dump -> our full Settings object. Dumps from older Meilisearch versions
 * lack newer keys (v1.3 has no `proximityPrecision`, V2..V5 no `faceting.sortFacetValuesBy`...):
 * a missing key, or `null` for a key that cannot be null, means "not set" and takes our default,
 * exactly as Meilisearch treats them on import. Nested objects (typoTolerance, faceting,
 * pagination) are merged field by field. Keys we do not know are dropped with a warning.
 */
import { defaultSettings, type Settings } from '../types/settings.ts';
import { invalidContent } from './errors.ts';
import { isObject } from './jsonl.ts';

const STRING_LISTS = ['displayedAttributes', 'searchableAttributes', 'sortableAttributes', 'rankingRules', 'stopWords',
  'nonSeparatorTokens', 'separatorTokens', 'dictionary'] as const;

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export interface SettingsOptions {
  /** The dump predates Meilisearch v1.14: Hugging Face embedders without `pooling` get `forceMean`. */
  legacyEmbedderPooling?: boolean;
}

export function settingsFromDump(raw: unknown, rel: string, warnings: string[], options: SettingsOptions = {}): Settings {
  const bad = (key: string, expected: string) => invalidContent(rel, `settings.${key}: expected ${expected}`);
  if (!isObject(raw)) throw invalidContent(rel, 'settings must be a JSON object');
  const out = defaultSettings();
  const given = (key: string): unknown => raw[key] ?? undefined; // null and missing both mean "not set"

  for (const key of STRING_LISTS) {
    const value = given(key);
    if (value === undefined) continue;
    if (!isStringArray(value)) throw bad(key, 'an array of strings');
    out[key] = [...value];
  }

  const filterable = given('filterableAttributes');
  if (filterable !== undefined) {
    if (!Array.isArray(filterable) || !filterable.every((v) => typeof v === 'string' || isObject(v))) {
      throw bad('filterableAttributes', 'an array of attribute names or rules');
    }
    out.filterableAttributes = filterable as Settings['filterableAttributes'];
  }

  const synonyms = given('synonyms');
  if (synonyms !== undefined) {
    if (!isObject(synonyms) || !Object.values(synonyms).every(isStringArray)) throw bad('synonyms', 'an object of string arrays');
    out.synonyms = synonyms as Record<string, string[]>;
  }

  const distinct = raw.distinctAttribute;
  if (distinct !== undefined && distinct !== null && typeof distinct !== 'string') throw bad('distinctAttribute', 'a string or null');
  out.distinctAttribute = distinct ?? null;

  const proximity = given('proximityPrecision');
  if (proximity !== undefined) {
    if (proximity !== 'byWord' && proximity !== 'byAttribute') throw bad('proximityPrecision', '"byWord" or "byAttribute"');
    out.proximityPrecision = proximity;
  }

  const typo = given('typoTolerance');
  if (typo !== undefined) {
    if (!isObject(typo)) throw bad('typoTolerance', 'an object');
    const t = out.typoTolerance;
    if (typo.enabled != null) {
      if (typeof typo.enabled !== 'boolean') throw bad('typoTolerance.enabled', 'a boolean');
      t.enabled = typo.enabled;
    }
    const sizes = typo.minWordSizeForTypos;
    if (sizes != null) {
      if (!isObject(sizes)) throw bad('typoTolerance.minWordSizeForTypos', 'an object');
      if (sizes.oneTypo != null) {
        if (!isNumber(sizes.oneTypo)) throw bad('typoTolerance.minWordSizeForTypos.oneTypo', 'a number');
        t.minWordSizeForTypos.oneTypo = sizes.oneTypo;
      }
      if (sizes.twoTypos != null) {
        if (!isNumber(sizes.twoTypos)) throw bad('typoTolerance.minWordSizeForTypos.twoTypos', 'a number');
        t.minWordSizeForTypos.twoTypos = sizes.twoTypos;
      }
    }
    for (const key of ['disableOnWords', 'disableOnAttributes'] as const) {
      if (typo[key] == null) continue;
      if (!isStringArray(typo[key])) throw bad(`typoTolerance.${key}`, 'an array of strings');
      t[key] = [...typo[key]];
    }
    if (typo.disableOnNumbers != null) {
      if (typeof typo.disableOnNumbers !== 'boolean') throw bad('typoTolerance.disableOnNumbers', 'a boolean');
      t.disableOnNumbers = typo.disableOnNumbers;
    }
  }

  const faceting = given('faceting');
  if (faceting !== undefined) {
    if (!isObject(faceting)) throw bad('faceting', 'an object');
    if (faceting.maxValuesPerFacet != null) {
      if (!isNumber(faceting.maxValuesPerFacet)) throw bad('faceting.maxValuesPerFacet', 'a number');
      out.faceting.maxValuesPerFacet = faceting.maxValuesPerFacet;
    }
    const sortBy = faceting.sortFacetValuesBy;
    if (sortBy != null) {
      if (!isObject(sortBy) || !Object.values(sortBy).every((v) => v === 'alpha' || v === 'count')) {
        throw bad('faceting.sortFacetValuesBy', 'an object of "alpha"/"count"');
      }
      out.faceting.sortFacetValuesBy = sortBy as Record<string, 'alpha' | 'count'>;
    }
  }

  const pagination = given('pagination');
  if (pagination !== undefined) {
    if (!isObject(pagination)) throw bad('pagination', 'an object');
    if (pagination.maxTotalHits != null) {
      if (!isNumber(pagination.maxTotalHits)) throw bad('pagination.maxTotalHits', 'a number');
      out.pagination.maxTotalHits = pagination.maxTotalHits;
    }
  }

  const embedders = given('embedders');
  if (embedders !== undefined) {
    if (!isObject(embedders) || !Object.values(embedders).every(isObject)) throw bad('embedders', 'an object of embedder objects');
    const list = embedders as Record<string, Record<string, unknown>>;
    out.embedders = options.legacyEmbedderPooling ? withHuggingFacePooling(list) : list;
  }

  const cutoff = raw.searchCutoffMs;
  if (cutoff !== undefined && cutoff !== null && !isNumber(cutoff)) throw bad('searchCutoffMs', 'a number or null');
  out.searchCutoffMs = cutoff ?? null;

  const localized = raw.localizedAttributes;
  if (localized !== undefined && localized !== null) {
    if (!Array.isArray(localized) || !localized.every(isObject)) throw bad('localizedAttributes', 'an array of rules or null');
    out.localizedAttributes = localized as unknown as Settings['localizedAttributes'];
  }

  const facetSearch = given('facetSearch');
  if (facetSearch !== undefined) {
    if (typeof facetSearch !== 'boolean') throw bad('facetSearch', 'a boolean');
    out.facetSearch = facetSearch;
  }

  const prefixSearch = given('prefixSearch');
  if (prefixSearch !== undefined) {
    if (prefixSearch !== 'indexingTime' && prefixSearch !== 'disabled') throw bad('prefixSearch', '"indexingTime" or "disabled"');
    out.prefixSearch = prefixSearch;
  }

  const known = new Set<string>(Object.keys(out));
  for (const key of Object.keys(raw)) {
    if (!known.has(key) && raw[key] !== null) warnings.push(`${rel}: setting \`${key}\` is not supported by this engine and was ignored`);
  }
  return out;
}

/**
 * Meilisearch v1.14 changed the default pooling of Hugging Face embedders; embedders dumped
 * before that (no `pooling` key) keep their old behaviour by being imported as `forceMean`.
 */
function withHuggingFacePooling(embedders: Record<string, Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, embedder] of Object.entries(embedders)) {
    out[name] = embedder.source === 'huggingFace' && embedder.pooling === undefined ? { ...embedder, pooling: 'forceMean' } : embedder;
  }
  return out;
}
