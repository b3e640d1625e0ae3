import type { FilterNode, FilterValue } from '../filter/ast.ts';
import { addAll, copySet, emptySet, intersectInPlace, subtractInPlace, unionInPlace, type DocSet } from './doc-set.ts';
import type { FacetField, FacetIndex } from './facets.ts';
import { EARTH_RADIUS_METERS, compareFacetStrings, haversineDistance, normalizeFacetString as normalizeFacetValue } from '../filter/index.ts';

/**
 * Evaluates a filter tree against the facet index, as document sets. The tree is assumed to
 * be checked already (attributes filterable); unknown attributes simply match nothing.
 *
 * Semantics are the filter module's reference ones (evaluate.ts, Meilisearch v1.15+): `=`/`IN`
 * match the number when the value parses as one and the normalized string in any case; `!=`
 * and `NOT ...` are complements within the live documents, so they also match documents
 * without the attribute; `>`, `>=`, `<`, `<=`, `TO` compare numbers when the bounds are
 * numbers, and strings lexicographically (byte order) in every case. A property test checks
 * this evaluator against the reference one.
 */
export class FilterEvaluator {
  readonly #facets: FacetIndex;
  readonly #universe: DocSet;
  readonly #capacity: number;

  constructor(facets: FacetIndex, universe: DocSet, capacity: number) {
    this.#facets = facets;
    this.#universe = universe;
    this.#capacity = capacity;
  }

  evaluate(node: FilterNode): DocSet {
    const out = this.#eval(node);
    return intersectInPlace(out, this.#universe);
  }

  #empty(): DocSet {
    return emptySet(this.#capacity);
  }

  #eval(node: FilterNode): DocSet {
    switch (node.kind) {
      case 'true':
        return copySet(this.#universe);
      case 'and': {
        let acc: DocSet | null = null;
        for (const child of node.children) {
          const s = this.#eval(child);
          acc = acc === null ? s : intersectInPlace(acc, s);
        }
        return acc ?? copySet(this.#universe);
      }
      case 'or': {
        const acc = this.#empty();
        for (const child of node.children) unionInPlace(acc, this.#eval(child));
        return acc;
      }
      case 'not':
        return subtractInPlace(copySet(this.#universe), this.#eval(node.child));
      case 'compare':
        return this.#compare(node.attribute, node.operator, node.value);
      case 'range':
        return this.#range(node.attribute, node.from, node.to);
      case 'in': {
        const acc = this.#empty();
        for (const v of node.values) this.#addEqual(acc, node.attribute, v);
        return acc;
      }
      case 'exists': {
        const coords = this.#geoCoordinate(node.attribute);
        return coords === null ? this.#list(node.attribute, (f) => f.exists) : this.#coordinates(coords, () => true);
      }
      case 'isNull':
        return this.#list(node.attribute, (f) => f.nulls);
      case 'isEmpty':
        return this.#list(node.attribute, (f) => f.empties);
      case 'contains':
        return this.#strings(node.attribute, (s) => s.includes(normalizeFacetValue(node.value.raw)));
      case 'startsWith':
        return this.#strings(node.attribute, (s) => s.startsWith(normalizeFacetValue(node.value.raw)));
      case 'geoRadius': {
        const center = { lat: node.lat, lng: node.lng };
        // A point farther in latitude than the radius cannot be inside: skip the haversine.
        const latSpan = ((node.radius + 1) / EARTH_RADIUS_METERS) * (180 / Math.PI);
        return this.#geo((lat, lng) => Math.abs(lat - node.lat) <= latSpan && haversineDistance(center, { lat, lng }) <= node.radius + Number.EPSILON);
      }
      case 'geoBoundingBox': {
        const [top, right] = node.topRight;
        const [bottom, left] = node.bottomLeft;
        return this.#geo((lat, lng) => {
          if (lat > top || lat < bottom) return false;
          // A box whose right edge is west of its left edge crosses the antimeridian.
          return left <= right ? lng >= left && lng <= right : lng >= left || lng <= right;
        });
      }
    }
  }

  /** `_geo.lat` / `_geo.lng`: the geo point's numbers (the filter module's facets for them). */
  #geoCoordinate(attribute: string): Float64Array | null {
    if (attribute === '_geo.lat') return this.#facets.lat;
    if (attribute === '_geo.lng') return this.#facets.lng;
    return null;
  }

  #coordinates(values: Float64Array, keep: (v: number) => boolean): DocSet {
    const out = this.#empty();
    for (let d = 0; d < values.length; d++) {
      const v = values[d]!;
      if (v === v && keep(v)) out[d >>> 5]! |= 1 << (d & 31);
    }
    return out;
  }

  #list(attribute: string, pick: (f: FacetField) => { data: Uint32Array; length: number }): DocSet {
    const out = this.#empty();
    const field = this.#facets.field(attribute);
    if (field === undefined) return out;
    const list = pick(field);
    return addAll(out, list.data, 0, list.length);
  }

  #strings(attribute: string, keep: (normalized: string) => boolean): DocSet {
    const out = this.#empty();
    const field = this.#facets.field(attribute);
    if (field === undefined) return out;
    for (const [key, entry] of field.strings) if (keep(key)) addAll(out, entry.docs.data, 0, entry.docs.length);
    return out;
  }

  #addEqual(out: DocSet, attribute: string, value: FilterValue): void {
    const coords = this.#geoCoordinate(attribute);
    if (coords !== null) {
      if (value.number !== null) unionInPlace(out, this.#coordinates(coords, (v) => v === value.number));
      return;
    }
    const field = this.#facets.field(attribute);
    if (field === undefined) return;
    if (value.number !== null) {
      const docs = field.numbers.get(value.number);
      if (docs !== undefined) addAll(out, docs.data, 0, docs.length);
    }
    const entry = field.strings.get(normalizeFacetValue(value.raw));
    if (entry !== undefined) addAll(out, entry.docs.data, 0, entry.docs.length);
  }

  #compare(attribute: string, operator: '=' | '!=' | '>' | '>=' | '<' | '<=', value: FilterValue): DocSet {
    if (operator === '=') {
      const out = this.#empty();
      this.#addEqual(out, attribute, value);
      return out;
    }
    if (operator === '!=') {
      const eq = this.#empty();
      this.#addEqual(eq, attribute, value);
      return subtractInPlace(copySet(this.#universe), eq);
    }
    const inclusive = operator === '>=' || operator === '<=';
    const lower = operator === '>' || operator === '>=';
    const n = value.number;
    const key = normalizeFacetValue(value.raw);
    return this.#collect(
      attribute,
      n === null ? null : lower ? { lower: n, lowerInclusive: inclusive, upper: null, upperInclusive: false } : { lower: null, lowerInclusive: false, upper: n, upperInclusive: inclusive },
      lower ? { lower: key, lowerInclusive: inclusive, upper: null, upperInclusive: false } : { lower: null, lowerInclusive: false, upper: key, upperInclusive: inclusive },
    );
  }

  #range(attribute: string, from: FilterValue, to: FilterValue): DocSet {
    const numbers = from.number === null || to.number === null ? null : { lower: from.number, lowerInclusive: true, upper: to.number, upperInclusive: true };
    const strings = { lower: normalizeFacetValue(from.raw), lowerInclusive: true, upper: normalizeFacetValue(to.raw), upperInclusive: true };
    return this.#collect(attribute, numbers, strings);
  }

  /** Documents with a number in `numbers` or a string in `strings` (null range = none). */
  #collect(attribute: string, numbers: Range<number> | null, strings: Range<string>): DocSet {
    const coords = this.#geoCoordinate(attribute);
    if (coords !== null) return numbers === null ? this.#empty() : this.#coordinates(coords, (v) => inRange(v, numbers));
    const out = this.#empty();
    const field = this.#facets.field(attribute);
    if (field === undefined) return out;
    if (numbers !== null) {
      const keys = field.sortedNumbers();
      for (let i = lowerIndex(keys, numbers), end = upperIndex(keys, numbers); i < end; i++) {
        const docs = field.numbers.get(keys[i]!)!;
        addAll(out, docs.data, 0, docs.length);
      }
    }
    for (const key of field.sortedStrings()) {
      if (strings.lower !== null) {
        const c = compareFacetStrings(key, strings.lower);
        if (c < 0 || (c === 0 && !strings.lowerInclusive)) continue;
      }
      if (strings.upper !== null) {
        const c = compareFacetStrings(key, strings.upper);
        // Keys are sorted: nothing further can be in range.
        if (c > 0 || (c === 0 && !strings.upperInclusive)) break;
      }
      const entry = field.strings.get(key)!;
      addAll(out, entry.docs.data, 0, entry.docs.length);
    }
    return out;
  }

  #geo(inside: (lat: number, lng: number) => boolean): DocSet {
    const out = this.#empty();
    const { lat, lng } = this.#facets;
    for (let d = 0; d < lat.length; d++) {
      const a = lat[d]!;
      if (a === a && inside(a, lng[d]!)) out[d >>> 5]! |= 1 << (d & 31);
    }
    return out;
  }
}

interface Range<T> {
  lower: T | null;
  lowerInclusive: boolean;
  upper: T | null;
  upperInclusive: boolean;
}

function inRange(v: number, r: Range<number>): boolean {
  if (r.lower !== null && (r.lowerInclusive ? v < r.lower : v <= r.lower)) return false;
  if (r.upper !== null && (r.upperInclusive ? v > r.upper : v >= r.upper)) return false;
  return true;
}

/** First index of the sorted keys inside the range's lower bound. */
function lowerIndex(keys: Float64Array, r: Range<number>): number {
  if (r.lower === null) return 0;
  const bound = r.lower;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r.lowerInclusive ? keys[mid]! < bound : keys[mid]! <= bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One past the last index of the sorted keys inside the range's upper bound. */
function upperIndex(keys: Float64Array, r: Range<number>): number {
  if (r.upper === null) return keys.length;
  const bound = r.upper;
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (r.upperInclusive ? keys[mid]! <= bound : keys[mid]! < bound) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
