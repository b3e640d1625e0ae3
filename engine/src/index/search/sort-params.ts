import { EngineError } from '../../errors/engine-error.ts';
import { inIndex } from '../index-error.ts';
import { matchesAttributePattern } from '../fields.ts';

/** One criterion of the `sort` search parameter. */
export type SortCriterion =
  | { kind: 'field'; attribute: string; ascending: boolean }
  | { kind: 'geo'; lat: number; lng: number; ascending: boolean };

const GEO_POINT_RE = /^_geoPoint\(\s*([^,()\s]+)\s*,\s*([^,()\s]+)\s*\)$/;

function sortError(message: string): EngineError {
  return new EngineError('invalid_search_sort', message);
}

/**
 * Parses and validates the `sort` parameter against the sortable attributes and the ranking
 * rules, with Meilisearch's messages.
 */
export function parseSort(sort: readonly string[], sortableAttributes: readonly string[], rankingRules: readonly string[]): SortCriterion[] {
  const criteria: SortCriterion[] = [];
  for (const raw of sort) {
    const text = raw.trim();
    const colon = text.lastIndexOf(':');
    const direction = colon === -1 ? '' : text.slice(colon + 1);
    if (direction !== 'asc' && direction !== 'desc') {
      throw sortError(`Invalid syntax for the sort parameter: expected expression ending by \`:asc\` or \`:desc\`, found \`${text}\`.`);
    }
    const ascending = direction === 'asc';
    const expression = text.slice(0, colon);
    if (expression.startsWith('_geoPoint(')) {
      const m = GEO_POINT_RE.exec(expression);
      const lat = m === null ? NaN : Number(m[1]);
      const lng = m === null ? NaN : Number(m[2]);
      if (!Number.isFinite(lat) || !Number.isFinite(lng)) {
        throw sortError(`Invalid syntax for the sort parameter: \`${expression}\` must be of the form \`_geoPoint(latitude, longitude)\`.`);
      }
      if (lat < -90 || lat > 90) throw sortError(`Bad latitude \`${m![1]}\`. Latitude must be contained between -90 and 90 degrees.`);
      if (lng < -180 || lng > 180) throw sortError(`Bad longitude \`${m![2]}\`. Longitude must be contained between -180 and 180 degrees.`);
      checkSortable('_geo', sortableAttributes);
      criteria.push({ kind: 'geo', lat, lng, ascending });
      continue;
    }
    if (expression === '_geoDistance') throw sortError('`_geoDistance` is a reserved keyword and thus can\'t be used as a sort expression.');
    if (expression === '_geo' || expression.startsWith('_geoRadius') || expression.startsWith('_geoBoundingBox')) {
      const keyword = expression.startsWith('_geoRadius') ? '_geoRadius' : expression.startsWith('_geoBoundingBox') ? '_geoBoundingBox' : '_geo';
      throw sortError(`\`${keyword}\` is a reserved keyword and thus can't be used as a sort expression. Use the _geoPoint(latitude, longitude) built-in rule to sort on _geo field coordinates.`);
    }
    checkSortable(expression, sortableAttributes);
    criteria.push({ kind: 'field', attribute: expression, ascending });
  }
  if (criteria.length > 0 && !rankingRules.includes('sort')) {
    throw inIndex(sortError('You must specify where `sort` is listed in the rankingRules setting to use the sort parameter at search time.'));
  }
  return criteria;
}

function checkSortable(attribute: string, sortable: readonly string[]): void {
  if (sortable.some((p) => matchesAttributePattern(p, attribute))) return;
  if (sortable.length === 0) throw inIndex(sortError(`Attribute \`${attribute}\` is not sortable. This index does not have configured sortable attributes.`));
  throw inIndex(sortError(`Attribute \`${attribute}\` is not sortable. Available sortable attributes are: \`${[...sortable].sort().join(', ')}\`.`));
}
