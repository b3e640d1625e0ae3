/**
 * `_geoRadius(lat, lng, meters)` and `_geoBoundingBox([lat, lng], [lat, lng])` (top-right point
 * first, then bottom-left). Once the keyword is read every mistake is final, and the coordinates
 * are checked here (Meilisearch checks them when evaluating, with the same messages and spans).
 */
import type { FilterNode } from './ast.ts';
import { messages } from './errors.ts';
import { floatEnd, parseFiniteFloat, skipMultispace, wordAt } from './grammar.ts';
import { hardError, restError, span, type ParseContext } from './parse-value.ts';
import { recordSpan } from './spans.ts';

interface FloatToken {
  text: string;
  start: number;
  end: number;
}

interface GeoResult {
  soft?: undefined;
  node: FilterNode;
  next: number;
}

class Malformed {}

/** `WS* float WS*` items separated by commas; stops before the first non-comma. */
function floatList(input: string, from: number): { items: FloatToken[]; next: number } {
  const items: FloatToken[] = [];
  let pos = from;
  for (;;) {
    const start = skipMultispace(input, pos);
    const end = floatEnd(input, start);
    if (end < 0) throw new Malformed();
    items.push({ text: input.slice(start, end), start, end });
    const after = skipMultispace(input, end);
    if (input[after] !== ',') return { items, next: after };
    pos = after + 1;
  }
}

function expect(input: string, pos: number, char: string): number {
  if (input[pos] !== char) throw new Malformed();
  return pos + 1;
}

function finite(ctx: ParseContext, token: FloatToken): number {
  const value = parseFiniteFloat(token.text);
  if (value === null) throw hardError(ctx, messages.nonFiniteFloat(), token.start, token.end);
  return value;
}

function checkLatitude(ctx: ParseContext, token: FloatToken, lat: number): void {
  if (!(lat >= -90 && lat <= 90)) throw hardError(ctx, messages.badLatitude(lat), token.start, token.end);
}

function checkLongitude(ctx: ParseContext, token: FloatToken, lng: number): void {
  if (!(lng >= -180 && lng <= 180)) throw hardError(ctx, messages.badLongitude(lng), token.start, token.end);
}

/** Returns null when the input at `pos` is not `_geoRadius` (so another production may apply). */
export function parseGeoRadius(ctx: ParseContext, pos: number): GeoResult | null {
  const { input } = ctx;
  const at = skipMultispace(input, pos);
  if (wordAt(input, at) !== '_geoRadius') return null;
  let args: FloatToken[];
  let next: number;
  try {
    const list = floatList(input, expect(input, at + '_geoRadius'.length, '('));
    args = list.items;
    next = expect(input, list.next, ')');
  } catch (error) {
    if (error instanceof Malformed) throw restError(ctx, messages.geoRadius, pos);
    throw error;
  }
  const [latToken, lngToken, radiusToken] = args;
  if (args.length !== 3 || latToken === undefined || lngToken === undefined || radiusToken === undefined) {
    throw restError(ctx, messages.geoRadius, next);
  }
  const lat = finite(ctx, latToken);
  const lng = finite(ctx, lngToken);
  checkLatitude(ctx, latToken, lat);
  checkLongitude(ctx, lngToken, lng);
  const radius = finite(ctx, radiusToken);
  const node: FilterNode = { kind: 'geoRadius', lat, lng, radius };
  return { node: recordSpan(node, span(ctx, latToken.start, latToken.end)), next };
}

/** Returns null when the input at `pos` is not `_geoBoundingBox`. */
export function parseGeoBoundingBox(ctx: ParseContext, pos: number): GeoResult | null {
  const { input } = ctx;
  const at = skipMultispace(input, pos);
  if (wordAt(input, at) !== '_geoBoundingBox') return null;
  const points: FloatToken[][] = [];
  let next: number;
  try {
    let p = expect(input, at + '_geoBoundingBox'.length, '(');
    for (;;) {
      const list = floatList(input, expect(input, skipMultispace(input, p), '['));
      points.push(list.items);
      const after = skipMultispace(input, expect(input, list.next, ']'));
      if (input[after] !== ',') {
        next = expect(input, after, ')');
        break;
      }
      p = after + 1;
    }
  } catch (error) {
    if (error instanceof Malformed) throw restError(ctx, messages.geoBoundingBox, pos);
    throw error;
  }
  const [topRight, bottomLeft] = points;
  const [trLat, trLng] = topRight ?? [];
  const [blLat, blLng] = bottomLeft ?? [];
  if (points.length !== 2 || topRight?.length !== 2 || bottomLeft?.length !== 2 || !trLat || !trLng || !blLat || !blLng) {
    throw restError(ctx, messages.geoBoundingBox, next);
  }
  const top = finite(ctx, trLat);
  const right = finite(ctx, trLng);
  const bottom = finite(ctx, blLat);
  const left = finite(ctx, blLng);
  checkLatitude(ctx, trLat, top);
  checkLongitude(ctx, trLng, right);
  checkLatitude(ctx, blLat, bottom);
  checkLongitude(ctx, blLng, left);
  // Meilisearch points this one at the bottom-left longitude.
  if (top < bottom) throw hardError(ctx, messages.topBelowBottom(top, bottom), blLng.start, blLng.end);
  const node: FilterNode = { kind: 'geoBoundingBox', topRight: [top, right], bottomLeft: [bottom, left] };
  return { node: recordSpan(node, span(ctx, trLat.start, trLat.end)), next };
}
