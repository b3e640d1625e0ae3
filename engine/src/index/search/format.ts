import type { Document } from '../../types/document.ts';
import type { Settings } from '../../types/settings.ts';
import { pickAttributes } from '../fields.ts';
import { documentGeoPoint, haversineDistance } from '../../filter/index.ts';
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
  /** The caller adds fields to hits (ranking scores): they must be copies. */
  addsFields?: boolean;
}

/**
 * True when hits are whole stored documents, unchanged (every attribute displayed and
 * retrieved, no formatting, no _geoDistance): formatHit then returns the stored object itself.
 */
export function isWholeDocument(settings: Settings, params: SearchParams, sort: readonly SortCriterion[]): boolean {
  const wantsFormatting =
    (params.attributesToHighlight?.length ?? 0) > 0 || (params.attributesToCrop?.length ?? 0) > 0 || params.showMatchesPosition === true;
  return !wantsFormatting && !sort.some((c) => c.kind === 'geo') && settings.displayedAttributes.includes('*') && (params.attributesToRetrieve ?? ['*']).includes('*');
}

export function formatHit(stored: Document, options: FormatOptions): Document {
  const { settings, params } = options;
  const displayed = settings.displayedAttributes;
  const retrieve = params.attributesToRetrieve ?? ['*'];
  const wantsFormatting =
    (params.attributesToHighlight?.length ?? 0) > 0 || (params.attributesToCrop?.length ?? 0) > 0 || params.showMatchesPosition === true;
  // The whole document, unchanged: the stored object itself (see SearchResult.hits).
  const geo = options.sort.find((c) => c.kind === 'geo');
  if (options.addsFields !== true && isWholeDocument(settings, params, options.sort)) return stored;
  const visible = displayed.includes('*') ? stored : pickAttributes(stored, displayed);
  const hit = pickAttributes(visible, retrieve);
  if (wantsFormatting) {
    // _formatted covers the retrieved attributes and those to highlight or crop.
    const cropped = (params.attributesToCrop ?? []).map((a) => a.replace(/:\d+$/, ''));
    const source = pickAttributes(visible, [...retrieve, ...(params.attributesToHighlight ?? []), ...cropped]);
    const { formatted, matchesPosition } = formatAttributes(visible, source, options);
    if ((params.attributesToHighlight?.length ?? 0) > 0 || (params.attributesToCrop?.length ?? 0) > 0) hit['_formatted'] = formatted;
    if (params.showMatchesPosition === true) hit['_matchesPosition'] = matchesPosition;
  }
  if (geo !== undefined && geo.kind === 'geo') {
    const point = documentGeoPoint(stored);
    if (point !== null) hit['_geoDistance'] = Math.round(haversineDistance({ lat: geo.lat, lng: geo.lng }, point));
  }
  return hit;
}
