/**
 * The search core (≈ Meilisearch's milli): tokenizer, term dictionary, postings, facet index,
 * filter evaluation, ranking and formatting. The engine creates one core per index and feeds it
 * every stored document at startup; see core.ts for the data layout.
 */
import type { Settings } from '../types/settings.ts';
import { SearchCore } from './core.ts';
import type { IndexCore } from './types.ts';

export function createIndexCore(settings: Settings, primaryKey: string | null): IndexCore {
  return new SearchCore(settings, primaryKey);
}

export { parseSearchParams, parseFacetSearchParams, splitCommaList } from './search/params.ts';
export type { IndexCore } from './types.ts';
