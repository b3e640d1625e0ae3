/**
 * Reference semantics of a filter on one document, following Meilisearch (milli `filter.rs`,
 * v1.15+), so that the search core's facet index can be checked against it:
 *
 * - `=` / `IN`: a string facet equal to the normalized value, or — when the value parses as a
 *   finite float — a number facet equal to it. `"10"` in a document equals `10` in a filter (the
 *   string facet "10"), but `"10.0"` does not.
 * - `!=`, `NOT …`: the complement over all documents, so documents lacking the field match.
 * - `>`, `>=`, `<`, `<=`, `TO`: number facets compared numerically when the bound(s) parse as
 *   numbers, and string facets compared lexicographically (byte order) with the normalized bound(s).
 *   `TO` is inclusive and empty when from > to.
 * - `CONTAINS` / `STARTS WITH`: on string facets (booleans included), normalized.
 * - `EXISTS`, `IS NULL`, `IS EMPTY`: see facets.ts.
 * - geo: `_geo` point within the radius (haversine) or inside the box; a box whose right longitude
 *   is smaller than its left one wraps around the antimeridian.
 */
import type { FilterNode, FilterValue } from './ast.ts';
import { facetValuesAt, type FacetValues } from './facets.ts';
import { documentGeoPoint, haversineDistance } from './geo.ts';
import { compareFacetStrings, normalizeFacetString } from './normalize.ts';

interface Bound<T> {
  value: T;
  inclusive: boolean;
}

interface Range<T> {
  lower: Bound<T> | null;
  upper: Bound<T> | null;
}

function equals(values: FacetValues, value: FilterValue): boolean {
  const key = normalizeFacetString(value.raw);
  if (values.strings.includes(key)) return true;
  return value.number !== null && values.numbers.includes(value.number);
}

function isEmptyRange<T>(range: Range<T>, compare: (a: T, b: T) => number): boolean {
  const { lower, upper } = range;
  if (lower === null || upper === null) return false;
  const order = compare(lower.value, upper.value);
  return lower.inclusive && upper.inclusive ? order > 0 : order >= 0;
}

function inRange<T>(value: T, range: Range<T>, compare: (a: T, b: T) => number): boolean {
  const { lower, upper } = range;
  if (lower !== null) {
    const order = compare(value, lower.value);
    if (order < 0 || (order === 0 && !lower.inclusive)) return false;
  }
  if (upper !== null) {
    const order = compare(value, upper.value);
    if (order > 0 || (order === 0 && !upper.inclusive)) return false;
  }
  return true;
}

function anyInRange<T>(values: T[], range: Range<T> | null, compare: (a: T, b: T) => number): boolean {
  if (range === null || isEmptyRange(range, compare)) return false;
  return values.some((value) => inRange(value, range, compare));
}

const byNumber = (a: number, b: number): number => a - b;

function matchesRange(values: FacetValues, numbers: Range<number> | null, strings: Range<string>): boolean {
  return anyInRange(values.numbers, numbers, byNumber) || anyInRange(values.strings, strings, compareFacetStrings);
}

function bound<T>(value: T, inclusive: boolean): Bound<T> {
  return { value, inclusive };
}

function comparison(values: FacetValues, operator: '>' | '>=' | '<' | '<=', value: FilterValue): boolean {
  const inclusive = operator === '>=' || operator === '<=';
  const lower = operator === '>' || operator === '>=';
  const key = normalizeFacetString(value.raw);
  const strings: Range<string> = lower ? { lower: bound(key, inclusive), upper: null } : { lower: null, upper: bound(key, inclusive) };
  const n = value.number;
  const numbers: Range<number> | null =
    n === null ? null : lower ? { lower: bound(n, inclusive), upper: null } : { lower: null, upper: bound(n, inclusive) };
  return matchesRange(values, numbers, strings);
}

function between(values: FacetValues, from: FilterValue, to: FilterValue): boolean {
  const strings: Range<string> = {
    lower: bound(normalizeFacetString(from.raw), true),
    upper: bound(normalizeFacetString(to.raw), true),
  };
  const numbers: Range<number> | null =
    from.number === null || to.number === null ? null : { lower: bound(from.number, true), upper: bound(to.number, true) };
  return matchesRange(values, numbers, strings);
}

function matchesGeo(node: Extract<FilterNode, { kind: 'geoRadius' | 'geoBoundingBox' }>, document: Record<string, unknown>): boolean {
  const point = documentGeoPoint(document);
  if (point === null) return false;
  if (node.kind === 'geoRadius') {
    return haversineDistance({ lat: node.lat, lng: node.lng }, point) <= node.radius + Number.EPSILON;
  }
  const [top, right] = node.topRight;
  const [bottom, left] = node.bottomLeft;
  if (point.lat < bottom || point.lat > top) return false;
  return right < left ? point.lng >= left || point.lng <= right : point.lng >= left && point.lng <= right;
}

/** Whether `document` (as stored, any JSON object) is selected by `node`. */
export function matchesDocument(node: FilterNode, document: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'true':
      return true;
    case 'and':
      return node.children.every((child) => matchesDocument(child, document));
    case 'or':
      return node.children.some((child) => matchesDocument(child, document));
    case 'not':
      return !matchesDocument(node.child, document);
    case 'geoRadius':
    case 'geoBoundingBox':
      return matchesGeo(node, document);
    default:
      return matchesAttribute(node, facetValuesAt(document, node.attribute));
  }
}

type AttributeNode = Exclude<FilterNode, { kind: 'true' | 'and' | 'or' | 'not' | 'geoRadius' | 'geoBoundingBox' }>;

function matchesAttribute(node: AttributeNode, values: FacetValues): boolean {
  switch (node.kind) {
    case 'compare':
      switch (node.operator) {
        case '=':
          return equals(values, node.value);
        case '!=':
          return !equals(values, node.value);
        default:
          return comparison(values, node.operator, node.value);
      }
    case 'range':
      return between(values, node.from, node.to);
    case 'in':
      return node.values.some((value) => equals(values, value));
    case 'exists':
      return values.exists;
    case 'isNull':
      return values.isNull;
    case 'isEmpty':
      return values.isEmpty;
    case 'contains': {
      const needle = normalizeFacetString(node.value.raw);
      return values.strings.some((s) => s.includes(needle));
    }
    case 'startsWith': {
      const prefix = normalizeFacetString(node.value.raw);
      return values.strings.some((s) => s.startsWith(prefix));
    }
  }
}
