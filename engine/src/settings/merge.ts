/** PATCH semantics for settings: absent = unchanged, null = default; nested objects merge. */
import { EngineError } from '../errors/engine-error.ts';
import { defaultSettings, type Settings, type SettingsPatch } from '../types/settings.ts';

const NESTED: ReadonlyArray<keyof Settings> = ['typoTolerance', 'faceting', 'pagination'];

export function mergeSettings(current: Settings, patch: SettingsPatch): Settings {
  const defaults = defaultSettings();
  const next = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch) as Array<[keyof Settings, unknown]>) {
    if (value === undefined) continue;
    if (value === null) { next[key] = defaults[key]; continue; }
    if (NESTED.includes(key)) next[key] = mergeNested(next[key] as Record<string, unknown>, value as Record<string, unknown>, defaults[key] as unknown as Record<string, unknown>);
    else next[key] = structuredClone(value);
  }
  const merged = next as unknown as Settings;
  checkCombination(merged);
  return merged;
}

function mergeNested(current: Record<string, unknown>, patch: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const out = { ...current };
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (value === null) out[field] = structuredClone(defaults[field]);
    else if (field === 'minWordSizeForTypos') out[field] = mergeNested(current[field] as Record<string, unknown>, value as Record<string, unknown>, defaults[field] as Record<string, unknown>);
    else out[field] = structuredClone(value);
  }
  return out;
}

function checkCombination(settings: Settings): void {
  const { oneTypo, twoTypos } = settings.typoTolerance.minWordSizeForTypos;
  if (oneTypo > twoTypos) {
    throw new EngineError('invalid_settings_typo_tolerance', '`minWordSizeForTypos` setting is invalid. `oneTypo` and `twoTypos` fields should be between `0` and `255`, and `twoTypos` should be greater or equals to `oneTypo` but found `oneTypo: ' + oneTypo + '` and twoTypos: `' + twoTypos + '`.');
  }
}
