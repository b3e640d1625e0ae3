import { defaultSettings, type Settings } from '../../types/settings.ts';

/** The settings the property tests vary; the others are Meilisearch's defaults (or `extra`). */
export interface SettingsKnobs {
  rules: string[];
  oneTypo: number;
  /** At least `oneTypo` (raised to it). */
  twoTypos: number;
  maxTotalHits: number;
  typos?: boolean;
  searchable?: string[];
  synonyms?: Record<string, string[]>;
  /** Attributes where typos are disabled. */
  noTypoOn?: string[];
}

export function settingsOf(knobs: SettingsKnobs, extra: Partial<Settings> = {}): Settings {
  const base = defaultSettings();
  return {
    ...base,
    rankingRules: knobs.rules,
    searchableAttributes: knobs.searchable ?? base.searchableAttributes,
    synonyms: knobs.synonyms ?? {},
    pagination: { maxTotalHits: knobs.maxTotalHits },
    typoTolerance: {
      ...base.typoTolerance,
      enabled: knobs.typos ?? base.typoTolerance.enabled,
      minWordSizeForTypos: { oneTypo: knobs.oneTypo, twoTypos: Math.max(knobs.oneTypo, knobs.twoTypos) },
      disableOnAttributes: knobs.noTypoOn ?? [],
    },
    ...extra,
  };
}
