/**
 * Geo helpers shared by the filter evaluator and the search core (`_geoDistance`, geo sort).
 * Meilisearch measures with the `geoutils` crate: haversine on a sphere of radius 6 371 000 m,
 * rounded to the millimetre, and keeps points whose distance is <= radius + f64::EPSILON.
 */
import { parseFiniteFloat } from './grammar.ts';

export const EARTH_RADIUS_METERS = 6_371_000;

export interface GeoPoint {
  lat: number;
  lng: number;
}

function toRadians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

/** Great-circle distance in meters between two points given in degrees. */
export function haversineDistance(a: GeoPoint, b: GeoPoint): number {
  const hav = (theta: number): number => (1 - Math.cos(theta)) / 2;
  const phi1 = toRadians(a.lat);
  const phi2 = toRadians(b.lat);
  const total = hav(phi2 - phi1) + Math.cos(phi1) * Math.cos(phi2) * hav(toRadians(b.lng) - toRadians(a.lng));
  return Math.round(2 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(total)) * 1000) / 1000;
}

function coordinate(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return parseFiniteFloat(value.trim());
  return null;
}

/**
 * The `_geo` point of a document: `{lat, lng}` as numbers or numeric strings, or null when absent
 * or unusable (Meilisearch refuses such documents at indexing; here they simply never match).
 */
export function documentGeoPoint(document: Record<string, unknown>): GeoPoint | null {
  const geo = document['_geo'];
  if (typeof geo !== 'object' || geo === null || Array.isArray(geo)) return null;
  const record = geo as Record<string, unknown>;
  const lat = coordinate(record['lat']);
  const lng = coordinate(record['lng']);
  return lat === null || lng === null ? null : { lat, lng };
}
