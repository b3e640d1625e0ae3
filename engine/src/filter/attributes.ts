/**
 * Which attributes a filter uses, and Meilisearch's "not filterable" check. Geo filters use the
 * attribute `_geo`. As in Meilisearch, plain attributes are checked first (in filter order) and
 * geo filters after them, and the error points at the attribute in the filter string.
 */
import type { ErrorCode } from '../errors/codes.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { FilterableAttributeRule } from '../types/settings.ts';
import type { FilterNode } from './ast.ts';
import { withPosition } from './errors.ts';
import { spanOf } from './spans.ts';

export const GEO_ATTRIBUTE = '_geo';

type Leaf = Exclude<FilterNode, { kind: 'and' | 'or' | 'not' | 'true' }>;

function leaves(node: FilterNode, out: Leaf[] = []): Leaf[] {
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const child of node.children) leaves(child, out);
      break;
    case 'not':
      leaves(node.child, out);
      break;
    case 'true':
      break;
    default:
      out.push(node);
  }
  return out;
}

function isGeo(leaf: Leaf): boolean {
  return leaf.kind === 'geoRadius' || leaf.kind === 'geoBoundingBox';
}

function attributeOf(leaf: Leaf): string {
  return leaf.kind === 'geoRadius' || leaf.kind === 'geoBoundingBox' ? GEO_ATTRIBUTE : leaf.attribute;
}

/** The distinct attributes a filter reads, in order of first use; `_geo` for geo filters. */
export function filterAttributes(node: FilterNode): string[] {
  return [...new Set(leaves(node).map(attributeOf))];
}

export type FilterableSetting = ReadonlyArray<string | FilterableAttributeRule>;

/** `*`, `prefix*`, `*suffix`, `*infix*` or an exact name; an exact name also covers its sub-fields. */
function matchesPattern(pattern: string, attribute: string): boolean {
  if (pattern === '*') return true;
  const starts = pattern.startsWith('*');
  const ends = pattern.length > 1 && pattern.endsWith('*');
  if (starts && ends) return attribute.includes(pattern.slice(1, -1));
  if (starts) return attribute.endsWith(pattern.slice(1));
  if (ends) return attribute.startsWith(pattern.slice(0, -1));
  return attribute === pattern || (attribute.startsWith(pattern) && attribute[pattern.length] === '.');
}

/**
 * Whether `attribute` is filterable under a `filterableAttributes` setting. Plain strings make the
 * field and its sub-fields filterable; for rule objects the first rule whose patterns match
 * decides, and it filters unless both `features.filter.equality` and `.comparison` are false.
 */
export function isFilterableAttribute(attribute: string, setting: FilterableSetting): boolean {
  for (const rule of setting) {
    if (typeof rule === 'string') {
      if (matchesPattern(rule, attribute)) return true;
      continue;
    }
    if (!rule.attributePatterns.some((pattern) => matchesPattern(pattern, attribute))) continue;
    const filter = rule.features?.filter;
    return (filter?.equality ?? true) || (filter?.comparison ?? false);
  }
  return false;
}

/** The names Meilisearch lists in the error: every configured name or pattern, sorted. */
export function filterableAttributeNames(setting: FilterableSetting): string[] {
  const names = setting.flatMap((rule) => (typeof rule === 'string' ? [rule] : rule.attributePatterns));
  return [...new Set(names)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function notFilterableMessage(attribute: string, available: readonly string[] | null): string {
  const head = `Attribute \`${attribute}\` is not filterable.`;
  if (available === null) return head;
  if (available.length === 0) return `${head} This index does not have configured filterable attributes.`;
  return `${head} Available filterable attributes are: ${available.map((name) => `\`${name}\``).join(', ')}.`;
}

/**
 * Throws EngineError(code, …) for the first attribute the filter uses that is not filterable.
 * `filterable` is either the index's `filterableAttributes` setting (which also provides the list
 * quoted in the message) or a predicate; with a predicate pass `available` to get the list in the
 * message, otherwise the message stops after "is not filterable.".
 */
export function checkFilterable(
  node: FilterNode,
  filterable: ((attribute: string) => boolean) | FilterableSetting,
  code: ErrorCode,
  available?: readonly string[],
): void {
  const accepts = typeof filterable === 'function' ? filterable : (a: string) => isFilterableAttribute(a, filterable);
  const listed = available ?? (typeof filterable === 'function' ? null : filterableAttributeNames(filterable));
  const all = leaves(node);
  const ordered = [...all.filter((leaf) => !isGeo(leaf)), ...all.filter(isGeo)];
  for (const leaf of ordered) {
    const attribute = attributeOf(leaf);
    if (accepts(attribute)) continue;
    throw new EngineError(code, withPosition(notFilterableMessage(attribute, listed), spanOf(leaf)));
  }
}
