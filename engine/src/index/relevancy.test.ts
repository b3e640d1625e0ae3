import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Document } from '../types/document.ts';
import type { Settings } from '../types/settings.ts';
import { MemoryIndex } from './test-support/memory-index.ts';
import type { SearchParams } from './types.ts';

/**
 * Relevancy tables on the shared Meilisearch datasets: "query (and settings) -> expected first
 * hits". Expectations are what Meilisearch returns for these queries on the same data (typos,
 * prefixes, phrases, negations, filters, sort, geo), checked on the leading hits only.
 */
const DATASETS = resolve(import.meta.dirname, '../../../../shared/datasets');

function load(file: string): Document[] {
  return JSON.parse(readFileSync(`${DATASETS}/${file}`, 'utf8')) as Document[];
}

interface Case {
  params: SearchParams;
  /** Leading hits, by title/name, in order. */
  first?: string[];
  /** Every hit satisfies this. */
  every?: (hit: Document) => boolean;
  /** No hit satisfies this. */
  none?: (hit: Document) => boolean;
  total?: number;
}

function runTable(name: string, index: () => MemoryIndex, label: string, cases: Case[]): void {
  describe(name, () => {
    let built: MemoryIndex | undefined;
    for (const c of cases) {
      it(JSON.stringify(c.params), () => {
        built ??= index();
        const r = built.search({ limit: 10, ...c.params });
        const labels = r.hits.map((h) => h[label]);
        if (c.first) expect(labels.slice(0, c.first.length)).toEqual(c.first);
        if (c.every) expect(r.hits.length > 0 && r.hits.every(c.every)).toBe(true);
        if (c.none) expect(r.hits.some(c.none)).toBe(false);
        if (c.total !== undefined) expect(r.estimatedTotalHits ?? r.totalHits).toBe(c.total);
      });
    }
  });
}

const title = (h: Document): string => String(h['title']);

runTable(
  'relevancy: movies (meili-movies-6000)',
  () =>
    new MemoryIndex(load('meili-movies-6000.json'), {
      searchableAttributes: ['title', 'overview'],
      filterableAttributes: ['genres', 'release_date'],
      sortableAttributes: ['release_date'],
    } satisfies Partial<Settings>),
  'title',
  [
    { params: { q: 'Batmna' }, first: ['Batman'] },
    { params: { q: 'batman returns' }, first: ['Batman Returns'] },
    { params: { q: 'star wa' }, first: ['Star Wars'] },
    { params: { q: 'jurasic park' }, first: ['Jurassic Park'] },
    { params: { q: 'shawshank' }, first: ['The Shawshank Redemption'] },
    { params: { q: 'titanik' }, first: ['Titanic'] },
    { params: { q: 'godfather' }, first: ['The Godfather', 'The Godfather: Part II', 'The Godfather: Part III'] },
    { params: { q: 'spiderman' }, first: ['Spider-Man', 'Spider-Man 2', 'Spider-Man 3'] },
    { params: { q: '"dark knight"' }, first: ['The Dark Knight'], every: (h) => /dark knight/i.test(`${title(h)} ${String(h['overview'])}`) },
    // A quoted phrase that is a whole title ranks it first (exactness counts a phrase as its words).
    { params: { q: '"up"' }, first: ['Up'] },
    { params: { q: 'matrix -reloaded' }, first: ['The Matrix'], none: (h) => /reloaded/i.test(`${title(h)} ${String(h['overview'])}`) },
    {
      params: { q: 'lord of the rings' },
      first: ['The Lord of the Rings: The Fellowship of the Ring', 'The Lord of the Rings: The Two Towers', 'The Lord of the Rings: The Return of the King'],
    },
    { params: { q: 'toy story', sort: ['release_date:asc'] }, first: ['Toy Story', 'Toy Story 2', 'Toy Story 3'] },
    {
      params: { q: 'harry potter', filter: 'release_date > 1104537600', limit: 5 },
      every: (h) => title(h).startsWith('Harry Potter') && (h['release_date'] as number) > 1104537600,
    },
    { params: { q: 'avengers', filter: 'genres = Animation' }, every: (h) => (h['genres'] as string[]).includes('Animation') },
    { params: { q: 'the dark kni' }, first: ['The Dark Knight'] },
    { params: { q: 'zzzzqqq' }, total: 0 },
  ],
);

runTable(
  'relevancy: world cities (meili-world-cities-4449)',
  () =>
    new MemoryIndex(
      load('meili-world-cities-4449.json'),
      {
        searchableAttributes: ['name', 'asciiname', 'country', 'alternatenames'],
        filterableAttributes: ['country', 'population', '_geo'],
        sortableAttributes: ['population', '_geo'],
      },
      'geonameid',
    ),
  'name',
  [
    { params: { q: 'londno' }, first: ['London'] },
    { params: { q: 'sao paulo' }, first: ['São Paulo'] },
    { params: { q: 'tokyo' }, first: ['Tokyo'] },
    { params: { q: '東京' }, first: ['Tokyo'] },
    { params: { q: 'münchen' }, first: ['Munich'] },
    { params: { filter: '_geoRadius(48.8566, 2.3522, 20000)', sort: ['_geoPoint(48.8566, 2.3522):asc'] }, first: ['Paris', 'Boulogne-Billancourt'] },
    { params: { filter: 'population > 10000000', sort: ['population:desc'], limit: 3 }, every: (h) => (h['population'] as number) > 10_000_000 },
    { params: { q: 'berlin', filter: 'country = Germany' }, first: ['Berlin'], every: (h) => h['country'] === 'Germany' },
  ],
);

runTable(
  'relevancy: books (meili-books-244)',
  () => new MemoryIndex(load('meili-books-244.json'), { filterableAttributes: ['language', 'details.rating', 'author'] }),
  'title',
  [
    {
      params: { q: 'harry' },
      first: ['Harry Potter and the Half-Blood Prince', 'Harry Potter and the Order of the Phoenix', 'Harry Potter and the Chamber of Secrets', 'Harry Potter and the Prisoner of Azkaban'],
    },
    { params: { q: 'tolkien' }, every: (h) => String(h['author']).includes('Tolkien') },
    { params: { q: 'rowling', filter: 'language = eng' }, every: (h) => String(h['author']).includes('Rowling') && h['language'] === 'eng' },
    // Ratings are strings in this dataset: comparisons fall back to byte order, as in Meilisearch.
    { params: { filter: 'details.rating >= 4.5', limit: 50 }, every: (h) => String((h['details'] as Document)['rating']) >= '4.5' },
  ],
);

describe('relevancy: facets on books', () => {
  it('counts languages over all documents', () => {
    const index = new MemoryIndex(load('meili-books-244.json'), { filterableAttributes: ['language'] });
    expect(index.search({ facets: ['language'], limit: 0 }).facetDistribution).toEqual({ language: { eng: 234, esp: 1, fre: 2, mul: 1, spa: 3 } });
  });
});
