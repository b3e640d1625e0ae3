/**
 * Index settings as Meilisearch exposes them (GET /indexes/:uid/settings), with their defaults.
 * The stored form is always the full object (every key present); PATCH bodies are partial.
 */
export type RankingRule = string; // words|typo|proximity|attribute|sort|exactness|attributeRank|wordPosition|<field>:asc|desc

export interface FilterableAttributeRule {
  attributePatterns: string[];
  features?: {
    facetSearch?: boolean;
    filter?: { equality?: boolean; comparison?: boolean };
  };
}

export interface TypoTolerance {
  enabled: boolean;
  minWordSizeForTypos: { oneTypo: number; twoTypos: number };
  disableOnWords: string[];
  disableOnAttributes: string[];
  disableOnNumbers: boolean;
}

export interface Faceting {
  maxValuesPerFacet: number;
  sortFacetValuesBy: Record<string, 'alpha' | 'count'>;
}

export interface Pagination {
  maxTotalHits: number;
}

export interface LocalizedAttributeRule {
  attributePatterns: string[];
  locales: string[];
}

export interface Settings {
  displayedAttributes: string[];
  searchableAttributes: string[];
  filterableAttributes: Array<string | FilterableAttributeRule>;
  sortableAttributes: string[];
  rankingRules: RankingRule[];
  stopWords: string[];
  nonSeparatorTokens: string[];
  separatorTokens: string[];
  dictionary: string[];
  synonyms: Record<string, string[]>;
  distinctAttribute: string | null;
  proximityPrecision: 'byWord' | 'byAttribute';
  typoTolerance: TypoTolerance;
  faceting: Faceting;
  pagination: Pagination;
  embedders: Record<string, unknown>;
  searchCutoffMs: number | null;
  localizedAttributes: LocalizedAttributeRule[] | null;
  facetSearch: boolean;
  prefixSearch: 'indexingTime' | 'disabled';
}

export const DEFAULT_RANKING_RULES: readonly RankingRule[] = ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness'];

export function defaultSettings(): Settings {
  return {
    displayedAttributes: ['*'],
    searchableAttributes: ['*'],
    filterableAttributes: [],
    sortableAttributes: [],
    rankingRules: [...DEFAULT_RANKING_RULES],
    stopWords: [],
    nonSeparatorTokens: [],
    separatorTokens: [],
    dictionary: [],
    synonyms: {},
    distinctAttribute: null,
    proximityPrecision: 'byWord',
    typoTolerance: {
      enabled: true,
      minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 },
      disableOnWords: [],
      disableOnAttributes: [],
      disableOnNumbers: false,
    },
    faceting: { maxValuesPerFacet: 100, sortFacetValuesBy: { '*': 'alpha' } },
    pagination: { maxTotalHits: 1000 },
    embedders: {},
    searchCutoffMs: null,
    localizedAttributes: null,
    facetSearch: true,
    prefixSearch: 'indexingTime',
  };
}

export const SETTINGS_KEYS = Object.keys(defaultSettings()) as Array<keyof Settings>;

/** A PATCH body: any subset; `null` resets a key to its default. */
export type SettingsPatch = { [K in keyof Settings]?: Settings[K] | null };
