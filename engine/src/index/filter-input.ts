import type { ErrorCode } from '../errors/codes.ts';
import { markInIndex } from './index-error.ts';
import { checkFilterable, parseFilter } from '../filter/index.ts';
import type { DocSet } from './doc-set.ts';
import type { FacetIndex } from './facets.ts';
import { FilterEvaluator } from './filter-eval.ts';
import type { FilterInput } from './types.ts';
import type { Settings } from '../types/settings.ts';

export interface FilterContext {
  settings: Settings;
  facets: FacetIndex;
  alive: DocSet;
  capacity: number;
}

/**
 * Parses a `filter` (string or array form) with the filter module, checks its attributes against
 * `filterableAttributes`, and evaluates it on the facet index. Null when the filter keeps every
 * document (nothing but blanks), so callers can skip the intersection.
 */
export function evaluateFilterInput(ctx: FilterContext, filter: FilterInput | null | undefined, code: ErrorCode): DocSet | null {
  if (filter === null || filter === undefined) return null;
  const node = parseFilter(filter, code);
  if (node.kind === 'true') return null;
  markInIndex(() => checkFilterable(node, ctx.settings.filterableAttributes, code));
  // Sets share the length of the live-documents bitset so they combine word for word.
  return new FilterEvaluator(ctx.facets, ctx.alive, ctx.alive.length * 32).evaluate(node);
}
