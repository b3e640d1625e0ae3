/** The filter language: parsing, attribute checks, reference evaluation and facet normalization. */
export type { ComparisonOperator, FilterNode, FilterValue } from './ast.ts';
export { parseFilter } from './parse.ts';
export { FilterSyntaxError, type SourceSpan } from './errors.ts';
export { GEO_ATTRIBUTE, checkFilterable, filterAttributes } from './attributes.ts';
export { filterableAttributeNames, isFilterableAttribute, matchingRule, type FilterableSetting } from './rules.ts';
export { checkFilterOperators } from './operators.ts';
export { matchesDocument } from './evaluate.ts';
export { facetValuesAt, type FacetValues } from './facets.ts';
export { MAX_FACET_VALUE_BYTES, compareFacetStrings, facetKey, normalizeFacetString } from './normalize.ts';
export { EARTH_RADIUS_METERS, documentGeoPoint, haversineDistance, type GeoPoint } from './geo.ts';
export { parseFiniteFloat } from './grammar.ts';
export { printFilter } from './print.ts';
export { spanOf } from './spans.ts';
