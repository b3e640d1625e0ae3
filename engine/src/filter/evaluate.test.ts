import { describe, expect, it } from 'vitest';
import { matchesDocument } from './evaluate.ts';
import { parseFilter } from './parse.ts';

const docs: Array<Record<string, unknown>> = [
  { id: 0, title: 'Alien', genre: 'Horror', year: 1979, tags: ['space', 'Classic'], rating: '8.5' },
  { id: 1, title: 'Amélie', genre: 'Comedy', year: '2001', tags: [], released: true },
  { id: 2, title: 'Heat', genre: ['Crime', 'Drama'], year: 1995, cast: [{ name: 'Pacino' }, { name: 'De Niro' }] },
  { id: 3, title: 'Untitled', genre: null, year: null, notes: '' },
  { id: 4, title: '10', genre: 'horror ', year: 10, meta: {}, released: false },
];

const ids = (filter: string | Array<string | string[]>): number[] =>
  docs.filter((doc) => matchesDocument(parseFilter(filter), doc)).map((doc) => doc.id as number);

describe('matchesDocument: equality', () => {
  it('compares strings case-insensitively after normalization', () => {
    expect(ids('genre = horror')).toEqual([0, 4]);
    expect(ids('genre = "HORROR"')).toEqual([0, 4]);
    expect(ids('title = "Ame\u0301lie"')).toEqual([1]);
    expect(ids('title = Amelie')).toEqual([]);
  });

  it('matches any element of an array, including nested objects', () => {
    expect(ids('genre = drama')).toEqual([2]);
    expect(ids('cast.name = "de niro"')).toEqual([2]);
    expect(ids('tags = classic')).toEqual([0]);
  });

  it('compares numbers numerically and keeps number and string facets apart', () => {
    expect(ids('year = 1979')).toEqual([0]);
    expect(ids('year = 1979.0')).toEqual([0]);
    expect(ids('year = 2001')).toEqual([1]);
    expect(ids('year = 2001.0')).toEqual([]);
    expect(ids('year = 10')).toEqual([4]);
    expect(ids('title = 10')).toEqual([4]);
  });

  it('sees booleans as the strings true and false', () => {
    expect(ids('released = true')).toEqual([1]);
    expect(ids('released = FALSE')).toEqual([4]);
  });

  it('matches documents lacking the field with != and NOT IN', () => {
    expect(ids('genre != horror')).toEqual([1, 2, 3]);
    expect(ids('genre NOT IN [horror, comedy]')).toEqual([2, 3]);
    expect(ids('genre IN [horror, comedy]')).toEqual([0, 1, 4]);
    expect(ids('NOT genre = horror')).toEqual([1, 2, 3]);
    expect(ids('genre IN []')).toEqual([]);
  });
});

describe('matchesDocument: comparisons', () => {
  it('compares numbers numerically, and string facets with the same bound as text', () => {
    // Document 1 has the string "2001": "2001" > "1979" as text (Meilisearch v1.15+ semantics).
    expect(ids('year > 1979')).toEqual([1, 2]);
    expect(ids('year >= 1979')).toEqual([0, 1, 2]);
    expect(ids('year < 1995')).toEqual([0, 4]);
    expect(ids('year <= 10')).toEqual([4]);
    expect(ids('year 10 TO 1979')).toEqual([0, 4]);
    expect(ids('year 1995 TO 10')).toEqual([]);
  });

  it('compares strings lexicographically on normalized values', () => {
    expect(ids('year > 2000')).toEqual([1]);
    expect(ids('title >= H AND title < B')).toEqual([]);
    expect(ids('title >= h')).toEqual([2, 3]);
    expect(ids('title A TO B')).toEqual([0, 1]);
    expect(ids('rating > 8')).toEqual([0]);
    expect(ids('rating < 9')).toEqual([0]);
  });
});

describe('matchesDocument: presence, emptiness and text operators', () => {
  it('EXISTS counts null and empty values', () => {
    expect(ids('genre EXISTS')).toEqual([0, 1, 2, 3, 4]);
    expect(ids('notes EXISTS')).toEqual([3]);
    expect(ids('cast.name NOT EXISTS')).toEqual([0, 1, 3, 4]);
  });

  it('IS NULL and IS EMPTY', () => {
    expect(ids('genre IS NULL')).toEqual([3]);
    expect(ids('genre IS NOT NULL')).toEqual([0, 1, 2, 4]);
    expect(ids('tags IS EMPTY OR notes IS EMPTY OR meta IS EMPTY')).toEqual([1, 3, 4]);
    expect(ids('title IS EMPTY')).toEqual([]);
  });

  it('CONTAINS and STARTS WITH on normalized strings', () => {
    expect(ids('title CONTAINS LIE')).toEqual([0, 1]);
    expect(ids('title CONTAINS Élie')).toEqual([1]);
    expect(ids('genre STARTS WITH hor')).toEqual([0, 4]);
    expect(ids('genre NOT STARTS WITH hor')).toEqual([1, 2, 3]);
    expect(ids('year CONTAINS 9')).toEqual([]);
    expect(ids('released CONTAINS ru')).toEqual([1]);
  });
});

describe('matchesDocument: combinations and geo', () => {
  it('combines with AND, OR, NOT and the array form', () => {
    expect(ids('genre = horror AND year < 100')).toEqual([4]);
    expect(ids(['genre = horror', ['year = 10', 'year = 1995']])).toEqual([4]);
    expect(ids('NOT (genre = horror OR genre = comedy)')).toEqual([2, 3]);
    expect(ids('')).toEqual([0, 1, 2, 3, 4]);
  });

  const places: Array<Record<string, unknown>> = [
    { id: 'milan', _geo: { lat: 45.4777599, lng: 9.1967508 } },
    { id: 'gelateria', _geo: { lat: '45.4632046', lng: '9.1719421' } },
    { id: 'fiji', _geo: { lat: -17.7, lng: 178.1 } },
    { id: 'samoa', _geo: { lat: -13.8, lng: -171.7 } },
    { id: 'nowhere' },
  ];
  const where = (filter: string): unknown[] => places.filter((p) => matchesDocument(parseFilter(filter), p)).map((p) => p.id);

  it('selects points within a radius', () => {
    expect(where('_geoRadius(45.4777599, 9.1967508, 0)')).toEqual(['milan']);
    expect(where('_geoRadius(45.4777599, 9.1967508, 2000)')).toEqual(['milan']);
    expect(where('_geoRadius(45.4777599, 9.1967508, 3000)')).toEqual(['milan', 'gelateria']);
    expect(where('NOT _geoRadius(45.4777599, 9.1967508, 3000)')).toEqual(['fiji', 'samoa', 'nowhere']);
  });

  it('selects points in a bounding box, wrapping around the antimeridian', () => {
    expect(where('_geoBoundingBox([46, 10], [45, 9])')).toEqual(['milan', 'gelateria']);
    expect(where('_geoBoundingBox([-10, -170], [-20, 175])')).toEqual(['fiji', 'samoa']);
    expect(where('_geoBoundingBox([-10, 179], [-20, 175])')).toEqual(['fiji']);
  });
});
