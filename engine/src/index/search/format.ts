import type { Document } from '../../types/document.ts';
import type { Settings } from '../../types/settings.ts';
import { pickAttributes } from '../fields.ts';
import { haversineMeters } from '../filter-eval.ts';
import type { Tokenizer } from '../tokenizer.ts';
import type { SearchParams } from '../types.ts';
import type { Vocabulary } from '../vocabulary.ts';
import { formatAttributes } from './highlight.ts';
import type { QueryWord } from './query-terms.ts';
import type { SortCriterion } from './sort-params.ts';

/**
 * Turns a stored document into a hit: the attributes to retrieve (always within
 * displayedAttributes), `_formatted` when highlighting or cropping is asked for,
 * `_matchesPosition`, and `_geoDistance` when sorting around a point.
 */
export interface FormatOptions {
  settings: Settings;
  params: SearchParams;
  tokenizer: Tokenizer;
  words: QueryWord[];
  vocabulary: Vocabulary;
  sort: SortCriterion[];
}

export function formatHit(stored: Document, options: FormatOptions): Document {
  const { settings, params } = options;
  const displayed = settings.displayedAttributes;
  const visible = displayed.includes('*') ? stored : pickAttributes(stored, displayed);
  const retrieve = params.attributesToRetrieve ?? ['*'];
  const hit = pickAttributes(visible, retrieve);
  const wantsFormatting =
    (params.attributesToHighlight?.length ?? 0) > 0 || (params.attributesToCrop?.length ?? 0) > 0 || params.showMatchesPosition === true;
  if (wantsFormatting) {
    const { formatted, matchesPosition } = formatAttributes(visible, hit, options);
    if ((params.attributesToHighlight?.length ?? 0) > 0 || (params.attributesToCrop?.length ?? 0) > 0) hit['_formatted'] = formatted;
    if (params.showMatchesPosition === true) hit['_matchesPosition'] = matchesPosition;
  }
  const geo = options.sort.find((c) => c.kind === 'geo');
  if (geo !== undefined && geo.kind === 'geo') {
    const point = stored['_geo'] as { lat?: unknown; lng?: unknown } | undefined;
    const lat = Number(point?.lat);
    const lng = Number(point?.lng);
    if (point !== undefined && Number.isFinite(lat) && Number.isFinite(lng)) hit['_geoDistance'] = Math.round(haversineMeters(geo.lat, geo.lng, lat, lng));
  }
  return hit;
}
