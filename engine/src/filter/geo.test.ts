import { describe, expect, it } from 'vitest';
import { documentGeoPoint, haversineDistance } from './geo.ts';

describe('haversineDistance', () => {
  it('measures on a 6371 km sphere, to the millimetre', () => {
    expect(haversineDistance({ lat: 0, lng: 0 }, { lat: 0, lng: 1 })).toBeCloseTo(111194.927, 3);
    expect(haversineDistance({ lat: 45.4777599, lng: 9.1967508 }, { lat: 45.4777599, lng: 9.1967508 })).toBe(0);
    const milan = { lat: 45.4777599, lng: 9.1967508 };
    const gelateria = { lat: 45.4632046, lng: 9.1719421 };
    expect(haversineDistance(milan, gelateria)).toBe(haversineDistance(gelateria, milan));
    expect(haversineDistance(milan, gelateria)).toBeGreaterThan(2500);
    expect(haversineDistance(milan, gelateria)).toBeLessThan(2600);
  });
});

describe('documentGeoPoint', () => {
  it('reads numbers and numeric strings', () => {
    expect(documentGeoPoint({ _geo: { lat: 1.5, lng: -2 } })).toEqual({ lat: 1.5, lng: -2 });
    expect(documentGeoPoint({ _geo: { lat: '1.5', lng: ' -2 ' } })).toEqual({ lat: 1.5, lng: -2 });
  });

  it('ignores missing or unusable points', () => {
    expect(documentGeoPoint({})).toBeNull();
    expect(documentGeoPoint({ _geo: null })).toBeNull();
    expect(documentGeoPoint({ _geo: [1, 2] })).toBeNull();
    expect(documentGeoPoint({ _geo: { lat: 'north', lng: 2 } })).toBeNull();
    expect(documentGeoPoint({ _geo: { lat: 1 } })).toBeNull();
  });
});
