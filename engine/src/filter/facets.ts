/**
 * The facet values one document has for one attribute (a dot path), computed the way Meilisearch
 * extracts facets at indexing time (milli `extract_document_facets` + `perm_json_p`):
 *
 * - every value reached by the path makes the attribute exist, including null, [] and {};
 * - objects are walked key by key (`a.b`), arrays are flattened, also through arrays of objects
 *   (`{a: [{b: 1}, {b: 2}]}` has `a.b` = 1 and 2);
 * - numbers are number facets; non-empty strings are string facets (normalized, see facetKey);
 *   booleans are the string facets "true"/"false" — numbers and strings never mix;
 * - null, "", [] and {} count for IS NULL / IS EMPTY only when they are the value of the key
 *   itself, not an element of an array (`[null]` is not null, `[[]]` is not empty);
 * - `_geo.lat` / `_geo.lng` are the numbers of the document's geo point (Meilisearch indexes
 *   them as such, even when the document gives them as strings).
 */
import { documentGeoPoint } from './geo.ts';
import { facetKey } from './normalize.ts';

export interface FacetValues {
  exists: boolean;
  isNull: boolean;
  isEmpty: boolean;
  numbers: number[];
  /** Facet keys (normalized, truncated) of the string and boolean values. */
  strings: string[];
}

type Depth = 'onKey' | 'inArray';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function geoCoordinate(document: Record<string, unknown>, attribute: '_geo.lat' | '_geo.lng'): FacetValues {
  const point = documentGeoPoint(document);
  const numbers = point === null ? [] : [attribute === '_geo.lat' ? point.lat : point.lng];
  return { exists: point !== null, isNull: false, isEmpty: false, numbers, strings: [] };
}

export function facetValuesAt(document: Record<string, unknown>, attribute: string): FacetValues {
  if (attribute === '_geo.lat' || attribute === '_geo.lng') return geoCoordinate(document, attribute);
  const out: FacetValues = { exists: false, isNull: false, isEmpty: false, numbers: [], strings: [] };
  /** Only paths equal to the attribute or leading to it can contribute. */
  const leadsTo = (path: string): boolean =>
    path === attribute || (attribute.startsWith(path) && attribute[path.length] === '.');

  const emit = (path: string, depth: Depth, value: unknown): void => {
    if (path !== attribute || value === undefined) return;
    out.exists = true;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) out.numbers.push(value);
    } else if (typeof value === 'string') {
      if (value !== '') out.strings.push(facetKey(value));
      else if (depth === 'onKey') out.isEmpty = true;
    } else if (typeof value === 'boolean') {
      out.strings.push(value ? 'true' : 'false');
    } else if (value === null) {
      if (depth === 'onKey') out.isNull = true;
    } else if (Array.isArray(value)) {
      if (value.length === 0 && depth === 'onKey') out.isEmpty = true;
    } else if (isObject(value)) {
      if (Object.keys(value).length === 0 && depth === 'onKey') out.isEmpty = true;
    }
  };

  const walkObject = (object: Record<string, unknown>, base: string, depth: Depth): void => {
    const entries = Object.entries(object);
    if (entries.length === 0) emit(base, depth, object);
    for (const [key, value] of entries) {
      const path = `${base}.${key}`;
      if (!leadsTo(path)) continue;
      walkField(path, value);
    }
  };

  const walkArray = (array: unknown[], base: string, depth: Depth): void => {
    if (array.length === 0) emit(base, depth, array);
    for (const value of array) {
      if (isObject(value)) walkObject(value, base, 'inArray');
      else if (Array.isArray(value)) walkArray(value, base, 'inArray');
      else emit(base, 'inArray', value);
    }
  };

  /** A key's own value is seen whole (exists, null, empty) and then walked into. */
  const walkField = (path: string, value: unknown): void => {
    emit(path, 'onKey', value);
    if (isObject(value)) walkObject(value, path, 'onKey');
    else if (Array.isArray(value)) walkArray(value, path, 'onKey');
  };

  for (const [key, value] of Object.entries(document)) {
    if (leadsTo(key)) walkField(key, value);
  }
  return out;
}
