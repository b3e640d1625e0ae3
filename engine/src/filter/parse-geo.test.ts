import { describe, expect, it } from 'vitest';
import { FilterSyntaxError } from './errors.ts';
import { parseGeoBoundingBox, parseGeoRadius } from './parse-geo.ts';
import type { ParseContext } from './parse-value.ts';
import { spanOf } from './spans.ts';

const ctx = (input: string): ParseContext => ({ input, code: 'invalid_search_filter' });

function error(parse: () => unknown): string {
  try {
    parse();
  } catch (e) {
    expect(e).toBeInstanceOf(FilterSyntaxError);
    return (e as Error).message;
  }
  throw new Error('expected a failure');
}

describe('_geoRadius', () => {
  it('parses three floats, with or without spaces', () => {
    expect(parseGeoRadius(ctx('_geoRadius(12, 13, 14)'), 0)).toMatchObject({ node: { kind: 'geoRadius', lat: 12, lng: 13, radius: 14 }, next: 22 });
    expect(parseGeoRadius(ctx(' _geoRadius(-1.5e1,+2.,.5) AND'), 0)).toMatchObject({ node: { lat: -15, lng: 2, radius: 0.5 }, next: 26 });
  });

  it('leaves other words to other productions', () => {
    expect(parseGeoRadius(ctx('_geoRadiusX(1, 2, 3)'), 0)).toBeNull();
    expect(parseGeoRadius(ctx('title = 1'), 0)).toBeNull();
  });

  it('points the node at its latitude', () => {
    const result = parseGeoRadius(ctx('_geoRadius(42, 150, 10)'), 0);
    expect(result && spanOf(result.node)).toEqual({ source: '_geoRadius(42, 150, 10)', start: 11, end: 13 });
  });

  it('rejects malformed calls and bad coordinates like Meilisearch', () => {
    const usage = 'The `_geoRadius` filter expects three arguments: `_geoRadius(latitude, longitude, radius)`.';
    expect(error(() => parseGeoRadius(ctx('_geoRadius (1, 2, 3)'), 0))).toBe(`${usage}\n1:21 _geoRadius (1, 2, 3)`);
    expect(error(() => parseGeoRadius(ctx('_geoRadius(1, 2)'), 0))).toBe(`${usage}\n17:17 _geoRadius(1, 2)`);
    expect(error(() => parseGeoRadius(ctx('_geoRadius(1, x, 2)'), 0))).toBe(`${usage}\n1:20 _geoRadius(1, x, 2)`);
    expect(error(() => parseGeoRadius(ctx('_geoRadius(-100, 150, 10)'), 0))).toBe(
      'Bad latitude `-100`. Latitude must be contained between -90 and 90 degrees.\n12:16 _geoRadius(-100, 150, 10)',
    );
    expect(error(() => parseGeoRadius(ctx('_geoRadius(-90.0000001, 150, 10)'), 0))).toBe(
      'Bad latitude `-90.0000001`. Latitude must be contained between -90 and 90 degrees.\n12:23 _geoRadius(-90.0000001, 150, 10)',
    );
    expect(error(() => parseGeoRadius(ctx('_geoRadius(-10, 250, 10)'), 0))).toBe(
      'Bad longitude `250`. Longitude must be contained between -180 and 180 degrees. Hint: try using `-110` instead.\n17:20 _geoRadius(-10, 250, 10)',
    );
    expect(error(() => parseGeoRadius(ctx('_geoRadius(1, 2, 1e999)'), 0))).toBe('Non finite floats are not supported\n18:23 _geoRadius(1, 2, 1e999)');
  });
});

describe('_geoBoundingBox', () => {
  it('parses the top-right then the bottom-left point', () => {
    expect(parseGeoBoundingBox(ctx('_geoBoundingBox([12, 13], [11, 15])'), 0)).toMatchObject({
      node: { kind: 'geoBoundingBox', topRight: [12, 13], bottomLeft: [11, 15] },
      next: 35,
    });
    expect(parseGeoBoundingBox(ctx('_geoBoundingBox( [1,2] , [0,3] )'), 0)).toMatchObject({ node: { topRight: [1, 2], bottomLeft: [0, 3] } });
  });

  it('rejects malformed boxes and bad coordinates like Meilisearch', () => {
    const usage =
      'The `_geoBoundingBox` filter expects two pairs of arguments: `_geoBoundingBox([latitude, longitude], [latitude, longitude])`.';
    expect(error(() => parseGeoBoundingBox(ctx('_geoBoundingBox(1.0, 1.0)'), 0))).toBe(`${usage}\n1:26 _geoBoundingBox(1.0, 1.0)`);
    expect(error(() => parseGeoBoundingBox(ctx('_geoBoundingBox([1, 2, 3], [1, 2])'), 0))).toBe(`${usage}\n35:35 _geoBoundingBox([1, 2, 3], [1, 2])`);
    expect(error(() => parseGeoBoundingBox(ctx('_geoBoundingBox([90.0000001, 150], [30, 10])'), 0))).toBe(
      'Bad latitude `90.0000001`. Latitude must be contained between -90 and 90 degrees.\n18:28 _geoBoundingBox([90.0000001, 150], [30, 10])',
    );
    expect(error(() => parseGeoBoundingBox(ctx('_geoBoundingBox([-10, 180.000001], [30, 10])'), 0))).toBe(
      'Bad longitude `180.000001`. Longitude must be contained between -180 and 180 degrees. Hint: try using `-179.999999` instead.\n23:33 _geoBoundingBox([-10, 180.000001], [30, 10])',
    );
    expect(error(() => parseGeoBoundingBox(ctx('_geoBoundingBox([30, 10], [-90.0000001, 150])'), 0))).toBe(
      'Bad latitude `-90.0000001`. Latitude must be contained between -90 and 90 degrees.\n28:39 _geoBoundingBox([30, 10], [-90.0000001, 150])',
    );
    expect(error(() => parseGeoBoundingBox(ctx('_geoBoundingBox([1, 10], [2, 5])'), 0))).toBe(
      'The top latitude `1` is below the bottom latitude `2`.\n30:31 _geoBoundingBox([1, 10], [2, 5])',
    );
  });
});
