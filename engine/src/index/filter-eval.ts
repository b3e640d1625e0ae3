import type { FilterNode, FilterValue } from '../filter/ast.ts';
import { addAll, copySet, emptySet, intersectInPlace, subtractInPlace, unionInPlace, type DocSet } from './doc-set.ts';
import type { FacetField, FacetIndex } from './facets.ts';
import { normalizeFacetString as normalizeFacetValue } from '../filter/index.ts';

/**
 * Evaluates a filter tree against the facet index, as document sets. The tree is assumed to
 * be checked already (attributes filterable); unknown attributes simply match nothing.
 *
 * Semantics (Meilisearch): `=`/`IN` match the number when the value parses as one and the
 * normalized string in any case; `!=` and `NOT ...` are complements within the live documents,
 * so they also match documents without the attribute; `>`, `>=`, `<`, `<=`, `TO` compare
 * numbers, or strings lexicographically when the bound is not a number.
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
      case 'range': {
        const from = this.#compare(node.attribute, '>=', node.from);
        return intersectInPlace(from, this.#compare(node.attribute, '<=', node.to));
      }
      case 'in': {
        const acc = this.#empty();
        for (const v of node.values) this.#addEqual(acc, node.attribute, v);
        return acc;
      }
      case 'exists':
        return this.#list(node.attribute, (f) => f.exists);
      case 'isNull':
        return this.#list(node.attribute, (f) => f.nulls);
      case 'isEmpty':
        return this.#list(node.attribute, (f) => f.empties);
      case 'contains':
        return this.#strings(node.attribute, (s) => s.includes(normalizeFacetValue(node.value.raw)));
      case 'startsWith':
        return this.#strings(node.attribute, (s) => s.startsWith(normalizeFacetValue(node.value.raw)));
      case 'geoRadius':
        return this.#geo((lat, lng) => haversineMeters(node.lat, node.lng, lat, lng) <= node.radius);
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
    const out = this.#empty();
    const field = this.#facets.field(attribute);
    if (field === undefined) return out;
    if (value.number !== null) {
      const keys = field.sortedNumbers();
      const [from, to] = numericRange(keys, operator, value.number);
      for (let i = from; i < to; i++) {
        const docs = field.numbers.get(keys[i]!)!;
        addAll(out, docs.data, 0, docs.length);
      }
      return out;
    }
    const bound = normalizeFacetValue(value.raw);
    for (const key of field.sortedStrings()) {
      const ok = operator === '>' ? key > bound : operator === '>=' ? key >= bound : operator === '<' ? key < bound : key <= bound;
      if (ok) {
        const entry = field.strings.get(key)!;
        addAll(out, entry.docs.data, 0, entry.docs.length);
      }
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

/** Index range [from, to) of the sorted keys satisfying `key <op> bound`. */
function numericRange(keys: Float64Array, op: '>' | '>=' | '<' | '<=', bound: number): [number, number] {
  const lower = (strict: boolean): number => {
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? keys[mid]! <= bound : keys[mid]! < bound) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  switch (op) {
    case '>':
      return [lower(true), keys.length];
    case '>=':
      return [lower(false), keys.length];
    case '<':
      return [0, lower(false)];
    case '<=':
      return [0, lower(true)];
  }
}

/** Mean Earth radius in meters, the value Meilisearch's haversine uses. */
export const EARTH_RADIUS_METERS = 6_371_000;

export function haversineMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const toRad = Math.PI / 180;
  const dLat = (lat2 - lat1) * toRad;
  const dLng = (lng2 - lng1) * toRad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
}
