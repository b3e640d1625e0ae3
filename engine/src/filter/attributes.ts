/**
 * Which attributes a filter uses, and Meilisearch's "not filterable" check. Geo filters use the
 * attribute `_geo`. As in Meilisearch, plain attributes are checked first (in filter order) and
 * geo filters after them, and the error points at the attribute in the filter string.
 */
import type { ErrorCode } from '../errors/codes.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { FilterNode } from './ast.ts';
import { withPosition } from './errors.ts';
import { checkFilterOperators } from './operators.ts';
import { filterableAttributeNames, isFilterableAttribute, type FilterableSetting } from './rules.ts';
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

export function notFilterableMessage(attribute: string, available: readonly string[] | null): string {
  const head = `Attribute \`${attribute}\` is not filterable.`;
  if (available === null) return head;
  if (available.length === 0) return `${head} This index does not have configured filterable attributes.`;
  return `${head} Available filterable attributes are: ${available.map((name) => `\`${name}\``).join(', ')}.`;
}

/**
 * Throws EngineError(code, …) for the first attribute the filter uses that is not filterable.
 * `filterable` is either the index's `filterableAttributes` setting — which also provides the list
 * quoted in the message and the per-rule operator features, checked next — or a predicate; with a
 * predicate pass `available` to get the list in the message, otherwise the message stops after
 * "is not filterable.".
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
  if (typeof filterable !== 'function') checkFilterOperators(node, filterable, code);
}
