/**
 * Validates settings request bodies (the whole object, or one sub-route's value) into a
 * SettingsPatch, with Meilisearch's `invalid_settings_*` codes and messages.
 */
import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { SETTINGS_KEYS, type FilterableAttributeRule, type Settings, type SettingsPatch } from '../types/settings.ts';
import { booleanValue, isPlainObject, nonNegativeInteger, stringArray, typeError, unknownField, valueError } from './value-checks.ts';

const BUILTIN_RULES = ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'attributeRank', 'wordPosition'];

export function settingsCode(key: keyof Settings): ErrorCode {
  return `invalid_settings_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}` as ErrorCode;
}

export function parseSettingsPatch(body: unknown): SettingsPatch {
  if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
  const patch: SettingsPatch = {};
  for (const [field, value] of Object.entries(body)) {
    if (!(SETTINGS_KEYS as string[]).includes(field)) throw unknownField('bad_request', '', field, SETTINGS_KEYS);
    const key = field as keyof Settings;
    (patch as Record<string, unknown>)[key] = parseSettingValue(key, value, `.${key}`);
  }
  return patch;
}

/** One setting's value; `null` resets it. `path` is where errors point (`.key` or `` for sub-routes). */
export function parseSettingValue(key: keyof Settings, value: unknown, path = ''): unknown {
  if (value === null) return null;
  const code = settingsCode(key);
  switch (key) {
    case 'displayedAttributes':
    case 'searchableAttributes':
    case 'sortableAttributes':
    case 'stopWords':
    case 'nonSeparatorTokens':
    case 'separatorTokens':
    case 'dictionary':
      return stringArray(value, code, path);
    case 'filterableAttributes':
      return parseFilterable(value, path);
    case 'rankingRules':
      return stringArray(value, code, path).map((rule, index) => {
        if (BUILTIN_RULES.includes(rule) || /^[^:\s]+:(asc|desc)$/.test(rule)) return rule;
        throw valueError(code, `${path}[${index}]`, `\`${rule}\` ranking rule is invalid. Valid ranking rules are words, typo, sort, proximity, attribute, exactness and custom ranking rules.`);
      });
    case 'synonyms': {
      if (!isPlainObject(value)) throw typeError(code, path, 'an object', value);
      return Object.fromEntries(Object.entries(value).map(([word, synonyms]) => [word, stringArray(synonyms, code, `${path}.${word}`)]));
    }
    case 'distinctAttribute':
      if (typeof value !== 'string') throw typeError(code, path, 'a string', value);
      return value;
    case 'proximityPrecision':
      if (value !== 'byWord' && value !== 'byAttribute') throw valueError(code, path, `expected one of \`byWord\`, \`byAttribute\`, found \`${String(value)}\``);
      return value;
    case 'typoTolerance':
      return parseTypoTolerance(value, path);
    case 'faceting': {
      if (!isPlainObject(value)) throw typeError(code, path, 'an object', value);
      const out: Record<string, unknown> = {};
      for (const [field, inner] of Object.entries(value)) {
        if (field === 'maxValuesPerFacet') out[field] = inner === null ? null : nonNegativeInteger(inner, code, `${path}.${field}`);
        else if (field === 'sortFacetValuesBy') {
          if (inner === null) { out[field] = null; continue; }
          if (!isPlainObject(inner)) throw typeError(code, `${path}.${field}`, 'an object', inner);
          for (const [attribute, order] of Object.entries(inner)) {
            if (order !== 'alpha' && order !== 'count') throw valueError(code, `${path}.${field}.${attribute}`, `expected one of \`alpha\`, \`count\`, found \`${String(order)}\``);
          }
          out[field] = inner;
        } else throw unknownField(code, path, field, ['maxValuesPerFacet', 'sortFacetValuesBy']);
      }
      return out;
    }
    case 'pagination': {
      if (!isPlainObject(value)) throw typeError(code, path, 'an object', value);
      const out: Record<string, unknown> = {};
      for (const [field, inner] of Object.entries(value)) {
        if (field !== 'maxTotalHits') throw unknownField(code, path, field, ['maxTotalHits']);
        out[field] = inner === null ? null : nonNegativeInteger(inner, code, `${path}.${field}`);
      }
      return out;
    }
    case 'embedders':
      if (!isPlainObject(value)) throw typeError(code, path, 'an object', value);
      if (Object.values(value).some((embedder) => embedder !== null)) {
        throw new EngineError(code, 'Searchkube does not compute embeddings: `embedders` can only be reset or set to `{}`.');
      }
      return {};
    case 'searchCutoffMs':
      return nonNegativeInteger(value, code, path);
    case 'localizedAttributes': {
      if (!Array.isArray(value)) throw typeError(code, path, 'an array', value);
      return value.map((rule, index) => {
        if (!isPlainObject(rule)) throw typeError(code, `${path}[${index}]`, 'an object', rule);
        return { attributePatterns: stringArray(rule['attributePatterns'], code, `${path}[${index}].attributePatterns`), locales: stringArray(rule['locales'] ?? [], code, `${path}[${index}].locales`) };
      });
    }
    case 'facetSearch':
      return booleanValue(value, code, path);
    case 'prefixSearch':
      if (value !== 'indexingTime' && value !== 'disabled') throw valueError(code, path, `expected one of \`indexingTime\`, \`disabled\`, found \`${String(value)}\``);
      return value;
  }
}

function parseFilterable(value: unknown, path: string): Array<string | FilterableAttributeRule> {
  const code: ErrorCode = 'invalid_settings_filterable_attributes';
  if (!Array.isArray(value)) throw typeError(code, path, 'an array', value);
  return value.map((item, index) => {
    if (typeof item === 'string') return item;
    if (!isPlainObject(item)) throw typeError(code, `${path}[${index}]`, 'a string or an object', item);
    for (const field of Object.keys(item)) {
      if (field !== 'attributePatterns' && field !== 'features') throw unknownField(code, `${path}[${index}]`, field, ['attributePatterns', 'features']);
    }
    const rule: FilterableAttributeRule = { attributePatterns: stringArray(item['attributePatterns'], code, `${path}[${index}].attributePatterns`) };
    if (item['features'] !== undefined) {
      if (!isPlainObject(item['features'])) throw typeError(code, `${path}[${index}].features`, 'an object', item['features']);
      rule.features = item['features'] as FilterableAttributeRule['features'] & object;
    }
    return rule;
  });
}

const TYPO_FIELDS = ['enabled', 'minWordSizeForTypos', 'disableOnWords', 'disableOnAttributes', 'disableOnNumbers'];

function parseTypoTolerance(value: unknown, path: string): Record<string, unknown> {
  const code: ErrorCode = 'invalid_settings_typo_tolerance';
  if (!isPlainObject(value)) throw typeError(code, path, 'an object', value);
  const out: Record<string, unknown> = {};
  for (const [field, inner] of Object.entries(value)) {
    const at = `${path}.${field}`;
    if (inner === null) { out[field] = null; continue; }
    switch (field) {
      case 'enabled': case 'disableOnNumbers': out[field] = booleanValue(inner, code, at); break;
      case 'disableOnWords': case 'disableOnAttributes': out[field] = stringArray(inner, code, at); break;
      case 'minWordSizeForTypos': {
        if (!isPlainObject(inner)) throw typeError(code, at, 'an object', inner);
        const sizes: Record<string, number | null> = {};
        for (const [name, size] of Object.entries(inner)) {
          if (name !== 'oneTypo' && name !== 'twoTypos') throw unknownField(code, at, name, ['oneTypo', 'twoTypos']);
          sizes[name] = size === null ? null : nonNegativeInteger(size, code, `${at}.${name}`);
          if (typeof sizes[name] === 'number' && (sizes[name] as number) > 255) throw typeError(code, `${at}.${name}`, 'an integer between 0 and 255', size);
        }
        out[field] = sizes;
        break;
      }
      default: throw unknownField(code, path, field, TYPO_FIELDS);
    }
  }
  return out;
}
