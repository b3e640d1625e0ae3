import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import type { Document } from '../types/document.ts';
import { defaultSettings, type Settings } from '../types/settings.ts';
import { createIndexCore } from './index.ts';
import type { DocumentSource, IndexCore, SearchParams } from './types.ts';

class MemorySource implements DocumentSource {
  readonly docs = new Map<string, Document>();
  get(id: string): Document | undefined {
    return this.docs.get(id);
  }
  entries(): Iterable<[string, Document]> {
    return this.docs.entries();
  }
}

function setup(docs: Document[], patch: Partial<Settings> = {}): { core: IndexCore; source: MemorySource; search: (p: SearchParams) => ReturnType<IndexCore['search']>; ids: (p: SearchParams) => unknown[] } {
  const settings = { ...defaultSettings(), ...patch };
  const core = createIndexCore(settings, 'id');
  const source = new MemorySource();
  for (const d of docs) {
    source.docs.set(String(d['id']), d);
    core.upsert(String(d['id']), d);
  }
  const search = (p: SearchParams) => core.search(p, source);
  return { core, source, search, ids: (p) => search(p).hits.map((h) => h['id']) };
}

const MOVIES: Document[] = [
  { id: 1, title: 'Batman Returns', genres: ['Action'], year: 1992 },
  { id: 2, title: 'Batman', genres: ['Action', 'Crime'], year: 1989 },
  { id: 3, title: 'The Dark Knight', genres: ['Action', 'Drama'], year: 2008 },
  { id: 4, title: 'Return of the Jedi', genres: ['Science Fiction'], year: 1983 },
  { id: 5, title: 'Amélie', genres: ['Comedy', 'Romance'], year: 2001 },
];

describe('search core: documents', () => {
  it('counts, replaces and removes documents', () => {
    const { core, source, ids } = setup(MOVIES);
    expect(core.documentCount).toBe(5);
    const replaced = { id: 2, title: 'Robin' };
    source.docs.set('2', replaced);
    core.upsert('2', replaced);
    expect(core.documentCount).toBe(5);
    expect(ids({ q: 'batman' })).toEqual([1]);
    expect(ids({ q: 'robin' })).toEqual([2]);
    core.remove('1');
    source.docs.delete('1');
    expect(core.documentCount).toBe(4);
    expect(ids({ q: 'batman' })).toEqual([]);
    core.clear();
    expect(core.documentCount).toBe(0);
    expect(ids({ q: '' })).toEqual([]);
  });
});

describe('search core: query', () => {
  it('returns every document for a placeholder search, in insertion order', () => {
    const { ids, search } = setup(MOVIES);
    expect(ids({})).toEqual([1, 2, 3, 4, 5]);
    expect(ids({ q: null })).toEqual([1, 2, 3, 4, 5]);
    expect(search({ q: '' })).toMatchObject({ query: '', limit: 20, offset: 0, estimatedTotalHits: 5 });
  });
  it('matches the last word as a prefix unless the query ends with a space', () => {
    const { ids } = setup(MOVIES);
    expect(ids({ q: 'bat' })).toEqual([1, 2]); // prefix matches are not exact: id order decides
    expect(ids({ q: 'bat ' })).toEqual([]);
  });
  it('folds case and diacritics', () => {
    const { ids } = setup(MOVIES);
    expect(ids({ q: 'AMELIE' })).toEqual([5]);
  });
  it('drops words from the end until documents match (matchingStrategy last)', () => {
    const { ids, search } = setup(MOVIES);
    expect(ids({ q: 'batman returns' })).toEqual([1, 2]);
    expect(ids({ q: 'batman zzzzzz' })).toEqual([2, 1]);
    expect(ids({ q: 'batman zzzzzz', matchingStrategy: 'all' })).toEqual([]);
    expect(search({ q: 'zzzzzz batman' }).estimatedTotalHits).toBe(0);
  });
  it('tolerates typos with Meilisearch budgets', () => {
    const { ids } = setup(MOVIES);
    expect(ids({ q: 'Batmna' })).toEqual([1, 2]);
    expect(ids({ q: 'knigt' })).toEqual([3]);
    expect(ids({ q: 'vatman' })).toEqual([]); // first-letter typo costs 2, only 1 allowed at 6 letters
  });
  it('supports phrases and negative words', () => {
    const { ids } = setup(MOVIES);
    expect(ids({ q: '"dark knight"' })).toEqual([3]);
    expect(ids({ q: '"knight dark"' })).toEqual([]);
    expect(ids({ q: 'batman -returns' })).toEqual([2]);
  });
});

describe('search core: pagination', () => {
  it('applies offset and limit', () => {
    const { search } = setup(MOVIES);
    const r = search({ offset: 1, limit: 2 });
    expect(r.hits.map((h) => h['id'])).toEqual([2, 3]);
    expect(r).toMatchObject({ offset: 1, limit: 2, estimatedTotalHits: 5 });
  });
  it('applies page and hitsPerPage', () => {
    const { search } = setup(MOVIES);
    const r = search({ page: 2, hitsPerPage: 2 });
    expect(r.hits.map((h) => h['id'])).toEqual([3, 4]);
    expect(r).toMatchObject({ page: 2, hitsPerPage: 2, totalHits: 5, totalPages: 3 });
    expect(r.limit).toBeUndefined();
    expect(r.estimatedTotalHits).toBeUndefined();
  });
  it('caps totals and hits at pagination.maxTotalHits', () => {
    const { search } = setup(MOVIES, { pagination: { maxTotalHits: 3 } });
    const r = search({ limit: 10 });
    expect(r.hits).toHaveLength(3);
    expect(r.estimatedTotalHits).toBe(3);
    expect(search({ offset: 3 }).hits).toEqual([]);
  });
});

describe('search core: attributes and filters', () => {
  it('limits retrieved attributes to displayedAttributes', () => {
    const { search } = setup(MOVIES, { displayedAttributes: ['id', 'title'] });
    expect(search({ q: 'amelie' }).hits).toEqual([{ id: 5, title: 'Amélie' }]);
    expect(search({ q: 'amelie', attributesToRetrieve: ['title', 'year'] }).hits).toEqual([{ title: 'Amélie' }]);
  });
  it('filters with the filter language on filterable attributes', () => {
    const { ids, core } = setup(MOVIES, { filterableAttributes: ['genres', 'year'] });
    expect(ids({ filter: 'genres = action AND year < 2000' })).toEqual([1, 2]);
    expect(ids({ filter: ['year 1990 TO 2010', ['genres = Drama', 'genres = comedy']] })).toEqual([3, 5]);
    expect(ids({ q: 'batman', filter: 'NOT genres = crime' })).toEqual([1]);
    expect(core.filterDocuments('genres IN [romance, "science fiction"]', 'invalid_document_filter')).toEqual(['4', '5']);
  });
  it('rejects filters on attributes that are not filterable', () => {
    const { core } = setup(MOVIES, { filterableAttributes: ['genres'] });
    expect(() => core.filterDocuments('year > 1', 'invalid_document_filter')).toThrow(EngineError);
    try {
      core.filterDocuments('year > 1', 'invalid_document_filter');
    } catch (e) {
      expect((e as EngineError).code).toBe('invalid_document_filter');
    }
  });
  it('reports processing time and echoes the query', () => {
    const { search } = setup(MOVIES);
    const r = search({ q: 'Batman' });
    expect(r.query).toBe('Batman');
    expect(typeof r.processingTimeMs).toBe('number');
  });
});
