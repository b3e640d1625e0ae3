/**
 * npm run bench:search — search latency of the engine's core against Orama, MiniSearch and
 * FlexSearch on the same documents and the same fixed query set, then HTTP throughput and
 * latency of a running engine under a concurrent client (autocannon).
 *
 *   npm run bench:search [-- --dataset debian|geonames] [--rounds N] [--write-rounds N] [--cold-rounds N] [--cold-warmup N] [--engines ours,orama,...]
 *                        [--kinds plain,typo,...] [--no-http] [--http-only] [--detail]
 *
 * Every engine is built, measured and dropped in turn (one in memory at a time). One kind of query
 * after the other, the kind's queries run round-robin (`rounds` times, after two warm-up rounds),
 * so a kind's p50/p99 are over rounds × queries samples (a query slower than 3 s in total stops
 * at 3 samples). A kind is thus not measured right after the heavy kinds (geo, sorted) that only
 * some engines run: their memory traffic leaves the CPU caches cold for the next queries (the
 * core's warm prefix queries took 0.02 ms instead of 0.003 when geo queries ran in the same
 * rounds). Each search asks for the first 20 hits and materializes their documents. Peers are
 * configured as close to the core's defaults as they allow:
 *
 * - typo tolerance by Meilisearch's default word-length rule (0 below 5 letters, 1 from 5,
 *   2 from 9): MiniSearch per word (`fuzzy` function); Orama has one `tolerance` per query, the
 *   largest budget of its words; FlexSearch has no edit-distance tolerance (n/a for typo).
 * - prefix on the last word: MiniSearch per word; Orama and FlexSearch (`tokenize: forward`)
 *   prefix-match every word.
 * - documents matching only some of the words are returned (the core's `matchingStrategy:
 *   last`): MiniSearch OR, Orama `threshold: 1`, FlexSearch `suggest: true`.
 * - filters (equality) through MiniSearch's `filter` callback, Orama's `where`, FlexSearch's
 *   tags; facets, sort and geo (radius filter, distance order) only where supported (Orama).
 *   Phrases: no peer has phrase search.
 *
 * Three passes per engine, after a forced collection (for the memory figures) and a second of
 * idle (settle). Warm: the core's read caches (parsed queries, query-word
 * derivations, match data of common prefixes, the ranking of one-word queries) are warm after the
 * first round, as on a server between writes. After a write (`--write-rounds N`, default 5): before
 * every sample one document of the dataset (a fixed walk over it, the same for every engine) is
 * replaced with itself, as a sync job re-sending documents would, and merged outside the timed
 * section (the mean time of that is printed): the core does what the engine does when its task
 * queue is idle, `refreshKept` (seal, then bring the kept rankings of recent queries up to date:
 * carried over the write when it cannot have changed them, ranked again otherwise). After the
 * passes, 50 copies of dataset documents are added under new ids, one at a time, each merged the
 * same way, and the mean time of that is printed too (a replaced document frees room in the
 * rows it comes back to; a new one finds none). Cold
 * (`--cold-rounds N`, default 5): before every sample the engine's read caches are dropped
 * (`IndexCore.dropReadCaches`), so each sample is the query's first search ever. Peers get the
 * same treatment: Orama and MiniSearch keep no result caches, FlexSearch's `cache` option is off
 * (its default). Before the cold pass, every engine searches other queries of the same shapes
 * (`--cold-warmup N` per query, default 100, at most 5 s per engine), words drawn from the
 * documents and caches dropped before each: the code only a first search runs is then
 * JIT-compiled, as on a server that has answered varied queries. Without it the cold pass
 * measures V8's tiers as much as the engine (the core's first searches ran ~2x slower for their
 * first ~1000).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import MiniSearch from 'minisearch';
import FlexSearch from 'flexsearch';
import { create, insert, remove as oramaRemove, search as oramaSearch } from '@orama/orama';
import autocannon from 'autocannon';
import { defaultSettings, type Settings } from '../engine/src/types/settings.ts';
import type { Document } from '../engine/src/types/document.ts';
import { createIndexCore } from '../engine/src/index/index.ts';
import type { SearchParams } from '../engine/src/index/types.ts';
import { eventually } from '../test/harness/eventually.ts';
import { preparedRankingsLog, startEngine } from '../test/helpers/engine-process.ts';
import { Api } from '../test/helpers/http-client.ts';

const DATASETS = resolve(import.meta.dirname, '../../shared/datasets');
const KINDS = ['plain', 'typo', 'prefix', 'phrase', 'filtered', 'faceted', 'sorted', 'geo'] as const;
type Kind = (typeof KINDS)[number];
const LIMIT = 20;
/** Time after which a (very slow) query stops being repeated; it keeps at least 3 samples. */
const QUERY_BUDGET_MS = 3000;
/** Idle time after indexing and its forced collection, before the first timed search (settle). */
const SETTLE_MS = 1000;
/** Time an engine may spend on the searches that warm its first-search code up (warmColdPaths). */
const COLD_WARMUP_BUDGET_MS = 5000;

/** One query, described once; each engine translates it. */
interface BenchQuery {
  kind: Kind;
  q: string;
  /** Equality conditions, ANDed. */
  where?: Record<string, string>;
  facets?: string[];
  sort?: { field: string; order: 'asc' | 'desc' };
  geo?: { lat: number; lng: number; radiusM: number; sortByDistance: boolean };
}

interface Dataset {
  name: string;
  file: string;
  searchable: string[];
  settings: Partial<Settings>;
  queries: BenchQuery[];
}

const DEBIAN: Dataset = {
  name: 'debian-63k',
  file: 'debian-packages-63k.ndjson',
  searchable: ['package', 'summary', 'description', 'tags'],
  settings: {
    searchableAttributes: ['package', 'summary', 'description', 'tags'],
    filterableAttributes: ['section', 'priority'],
    sortableAttributes: ['installedSize'],
  },
  queries: [
    ...['python', 'web server', 'image viewer', 'database', 'network monitoring tool'].map((q) => ({ kind: 'plain' as const, q })),
    ...['pyhton', 'compresion library', 'javscript', 'databse server', 'grapical editor'].map((q) => ({ kind: 'typo' as const, q })),
    ...['lib', 'pyth', 'web serv', 'multim', 'gam'].map((q) => ({ kind: 'prefix' as const, q })),
    ...['"text editor"', '"command line"', '"web server"', '"python 3"'].map((q) => ({ kind: 'phrase' as const, q })),
    { kind: 'filtered', q: 'python', where: { section: 'python' } },
    { kind: 'filtered', q: 'library', where: { section: 'libs', priority: 'optional' } },
    { kind: 'filtered', q: 'editor', where: { section: 'editors' } },
    { kind: 'filtered', q: 'game', where: { section: 'games' } },
    { kind: 'faceted', q: 'game', facets: ['section', 'priority'] },
    { kind: 'faceted', q: 'editor', facets: ['section', 'priority'] },
    { kind: 'faceted', q: 'python', facets: ['section', 'priority'] },
    { kind: 'sorted', q: 'library', sort: { field: 'installedSize', order: 'desc' } },
    { kind: 'sorted', q: 'editor', sort: { field: 'installedSize', order: 'asc' } },
    { kind: 'sorted', q: 'server', sort: { field: 'installedSize', order: 'desc' } },
  ],
};

const GEONAMES: Dataset = {
  name: 'geonames-171k',
  file: 'geonames-cities-171k.ndjson',
  searchable: ['name'],
  settings: {
    searchableAttributes: ['name'],
    filterableAttributes: ['country', 'admin1', '_geo'],
    sortableAttributes: ['name', '_geo'],
  },
  queries: [
    ...['london', 'paris', 'new york', 'springfield', 'san francisco'].map((q) => ({ kind: 'plain' as const, q })),
    ...['londno', 'sant julia de loria', 'pariss', 'manchestre', 'frankfrut'].map((q) => ({ kind: 'typo' as const, q })),
    ...['sain', 'lon', 'new y', 'ber', 'st'].map((q) => ({ kind: 'prefix' as const, q })),
    ...['"new york"', '"san jose"', '"saint louis"'].map((q) => ({ kind: 'phrase' as const, q })),
    { kind: 'filtered', q: 'springfield', where: { country: 'US' } },
    { kind: 'filtered', q: 'san', where: { country: 'ES' } },
    { kind: 'filtered', q: 'saint', where: { country: 'FR' } },
    { kind: 'faceted', q: 'san', facets: ['country'] },
    { kind: 'faceted', q: 'saint', facets: ['country', 'admin1'] },
    { kind: 'faceted', q: 'springfield', facets: ['country'] },
    { kind: 'sorted', q: 'san', sort: { field: 'name', order: 'asc' } },
    { kind: 'sorted', q: 'saint', sort: { field: 'name', order: 'desc' } },
    { kind: 'geo', q: '', geo: { lat: 48.8566, lng: 2.3522, radiusM: 20_000, sortByDistance: true } },
    { kind: 'geo', q: '', geo: { lat: 40.7128, lng: -74.006, radiusM: 50_000, sortByDistance: true } },
    { kind: 'geo', q: 'saint', geo: { lat: 45.75, lng: 4.85, radiusM: 100_000, sortByDistance: false } },
  ],
};

/** Meilisearch's default typo budget of one word. */
function typoBudget(word: string): number {
  const n = [...word].length;
  return n >= 9 ? 2 : n >= 5 ? 1 : 0;
}

function queryWords(q: string): string[] {
  return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

interface Engine {
  name: string;
  /** Drops whatever the engine caches between searches (a no-op for engines without caches). */
  dropCaches(): void;
  /** Replaces a document with itself, as a sync job re-sending it would (the engine's own way). */
  rewrite(doc: Document): void;
  /** Adds a copy of `doc` under the new id `id` (merged as `rewrite` merges). */
  add(doc: Document, id: number): void;
  /** Undefined when the engine has no equivalent for this query. */
  prepare(query: BenchQuery): (() => number) | undefined;
  drop(): void;
}

type Docs = Document[];

function buildOurs(dataset: Dataset, docs: Docs): Engine {
  // The document source is keyed by the id strings the core is given (as a store would be).
  const ids = docs.map((d) => String(d['id']));
  const store = new Map<string, Document>(docs.map((d, i) => [ids[i]!, d]));
  const source = { get: (id: string) => store.get(id), entries: () => store.entries() };
  const core = createIndexCore({ ...defaultSettings(), ...dataset.settings }, 'id');
  for (let i = 0; i < docs.length; i++) core.upsert(ids[i]!, docs[i]!);
  core.search({ q: '', limit: 0 }, source); // seals the postings: part of indexing
  // What the engine does next while idle, also part of indexing: ranks the common one-word
  // queries (prepared-rankings.ts), as FlexSearch ranks every prefix while indexing.
  core.refreshKept(Infinity);
  return {
    name: 'searchkube',
    dropCaches() { core.dropReadCaches(); },
    rewrite(doc) {
      const id = String(doc['id']);
      store.set(id, doc);
      core.upsert(id, doc);
      // What the engine does as soon as its task queue is idle, before the next search: merge
      // the write, then bring the kept rankings of recent queries up to date.
      core.refreshKept(Infinity);
    },
    add(doc, id) {
      const copy = { ...doc, id };
      store.set(String(id), copy);
      core.upsert(String(id), copy);
      core.refreshKept(Infinity);
    },
    prepare(query) {
      const params = oursParams(query);
      return () => core.search(params, source).hits.length;
    },
    drop() { store.clear(); },
  };
}

function oursParams(query: BenchQuery): SearchParams {
  const params: SearchParams = { q: query.q, limit: LIMIT };
  const filters = Object.entries(query.where ?? {}).map(([field, value]) => `${field} = ${JSON.stringify(value)}`);
  if (query.geo) filters.push(`_geoRadius(${query.geo.lat}, ${query.geo.lng}, ${query.geo.radiusM})`);
  if (filters.length > 0) params.filter = filters.join(' AND ');
  if (query.facets) params.facets = query.facets;
  if (query.sort) params.sort = [`${query.sort.field}:${query.sort.order}`];
  if (query.geo?.sortByDistance) params.sort = [`_geoPoint(${query.geo.lat}, ${query.geo.lng}):asc`];
  return params;
}

function buildOrama(dataset: Dataset, docs: Docs): Engine {
  const geonames = dataset === GEONAMES;
  const schema = geonames
    ? ({ name: 'string', country: 'enum', admin1: 'enum', location: 'geopoint' } as const)
    : ({ package: 'string', summary: 'string', description: 'string', tags: 'string[]', section: 'enum', priority: 'enum', installedSize: 'number' } as const);
  const db = create({ schema: schema as any });
  const oramaDoc = (d: Document): Record<string, unknown> => {
    if (geonames) {
      const geo = d['_geo'] as { lat: number; lng: number };
      return { id: String(d['id']), name: d['name'], country: d['country'], admin1: d['admin1'] ?? '', location: { lat: geo.lat, lon: geo.lng } };
    }
    return {
      id: String(d['id']), package: d['package'], summary: d['summary'] ?? '', description: d['description'] ?? '', tags: d['tags'] ?? [],
      section: d['section'] ?? '', priority: d['priority'] ?? '', installedSize: d['installedSize'] ?? 0,
    };
  };
  for (const d of docs) insert(db as any, oramaDoc(d));
  return {
    name: 'orama',
    dropCaches() {}, // no result cache
    rewrite(doc) {
      oramaRemove(db as any, String(doc['id']));
      insert(db as any, oramaDoc(doc));
    },
    add(doc, id) {
      insert(db as any, oramaDoc({ ...doc, id }));
    },
    prepare(query) {
      if (query.kind === 'phrase') return undefined;
      const words = queryWords(query.q);
      const params: Record<string, unknown> = { term: query.q, properties: dataset.searchable, limit: LIMIT, threshold: 1, tolerance: Math.max(0, ...words.map(typoBudget)) };
      const where: Record<string, unknown> = {};
      for (const [field, value] of Object.entries(query.where ?? {})) where[field] = { eq: value };
      if (query.geo) {
        where['location'] = { radius: { coordinates: { lat: query.geo.lat, lon: query.geo.lng }, unit: 'm', value: query.geo.radiusM, inside: true } };
        // Orama orders a radius-only query by distance; with a term, by relevance (as ours).
        if (query.q === '') { delete params['term']; delete params['properties']; }
      }
      if (Object.keys(where).length > 0) params['where'] = where;
      if (query.facets) params['facets'] = Object.fromEntries(query.facets.map((f) => [f, { limit: 100 }]));
      if (query.sort) params['sortBy'] = { property: query.sort.field, order: query.sort.order === 'asc' ? 'ASC' : 'DESC' };
      return () => (oramaSearch(db as any, params as any) as { hits: unknown[] }).hits.length;
    },
    drop() {},
  };
}

function buildMiniSearch(dataset: Dataset, docs: Docs): Engine {
  const byId = new Map<number, Document>(docs.map((d) => [d['id'] as number, d]));
  const storeFields = dataset === GEONAMES ? ['country', 'admin1'] : ['section', 'priority'];
  const mini = new MiniSearch({ fields: dataset.searchable, storeFields });
  mini.addAll(docs);
  return {
    name: 'minisearch',
    dropCaches() {}, // no result cache
    rewrite(doc) { mini.replace(doc); },
    add(doc, id) { mini.add({ ...doc, id }); },
    prepare(query) {
      if (query.kind === 'phrase' || query.facets || query.sort || query.geo || query.q === '') return undefined;
      const where = Object.entries(query.where ?? {});
      const options = {
        prefix: (_term: string, i: number, terms: string[]) => i === terms.length - 1,
        fuzzy: (term: string) => typoBudget(term) || false,
        combineWith: 'OR',
        ...(where.length > 0 ? { filter: (r: Record<string, unknown>) => where.every(([f, v]) => r[f] === v) } : {}),
      };
      return () => {
        const results = mini.search(query.q, options as any);
        let n = 0;
        for (let i = 0; i < results.length && i < LIMIT; i++) if (byId.get(results[i]!.id as number) !== undefined) n++;
        return n;
      };
    },
    drop() { byId.clear(); mini.removeAll(); },
  };
}

function buildFlexSearch(dataset: Dataset, docs: Docs): Engine {
  const byId = new Map<number, Document>(docs.map((d) => [d['id'] as number, d]));
  const tags = dataset === GEONAMES ? ['country', 'admin1'] : ['section', 'priority'];
  const index = new (FlexSearch as any).Document({ tokenize: 'forward', document: { id: 'id', index: dataset.searchable, tag: tags } });
  for (const d of docs) index.add(d);
  return {
    name: 'flexsearch',
    dropCaches() {}, // the `cache` option is not set: off (FlexSearch 0.8: `options.cache || null`)
    rewrite(doc) { index.update(doc); },
    add(doc, id) { index.add({ ...doc, id }); },
    prepare(query) {
      if (query.kind === 'phrase' || query.kind === 'typo' || query.facets || query.sort || query.geo || query.q === '') return undefined;
      const options: Record<string, unknown> = { limit: LIMIT, suggest: true, merge: true };
      if (query.where) options['tag'] = query.where;
      return () => {
        const results = index.search(query.q, options) as Array<{ id: number }>;
        let n = 0;
        for (let i = 0; i < results.length && i < LIMIT; i++) if (byId.get(results[i]!.id) !== undefined) n++;
        return n;
      };
    },
    drop() { byId.clear(); },
  };
}

const BUILDERS: Record<string, (dataset: Dataset, docs: Docs) => Engine> = {
  ours: buildOurs,
  orama: buildOrama,
  minisearch: buildMiniSearch,
  flexsearch: buildFlexSearch,
};

// ---- measurement -----------------------------------------------------------------------------

interface KindStats { p50: number; p99: number; samples: number }
interface PassStats {
  kinds: Map<Kind, KindStats | null>;
  perQuery: Array<{ query: BenchQuery; p50: number; hits: number } | null>;
  /** Mean time of what ran before each search (a write and its merge, or dropping caches). */
  beforeMs: number;
}
type Pass = 'warm' | 'written' | 'cold';
interface EngineRun { name: string; indexMs: number; heapMB: number; rssMB: number; warm: PassStats; written: PassStats; cold: PassStats; addMs: number }

const gc = (globalThis as { gc?: () => void }).gc;

function percentile(sorted: number[], q: number): number {
  // (No samples: a pass given 0 rounds.)
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Distinct words of the documents' searchable fields (3 letters or more, none of the measured queries'), in a fixed order. */
function wordPool(dataset: Dataset, docs: Docs, size: number): string[] {
  const measured = new Set(dataset.queries.flatMap((q) => queryWords(q.q)));
  const pool = new Set<string>();
  for (let k = 0; pool.size < size && k < docs.length; k++) {
    const doc = docs[(k * 7919 + 101) % docs.length]!;
    const words = dataset.searchable.flatMap((field) => (typeof doc[field] === 'string' ? queryWords(doc[field]) : []));
    const word = words[(k * 31) % Math.max(1, words.length)];
    if (word !== undefined && word.length >= 3 && /^\p{L}+$/u.test(word) && !measured.has(word)) pool.add(word);
  }
  return [...pool];
}

/** A query of the same shape as `query` (kind, word count, filters, facets, sort, geo) with other words. */
function variantOf(query: BenchQuery, next: () => string): BenchQuery {
  const shape = queryWords(query.q);
  const words = shape.map((w, i) => {
    const word = next();
    // The same prefix length on the last word; a swapped pair of letters for a typo query.
    if (query.kind === 'prefix' && i === shape.length - 1) return word.slice(0, w.length);
    if (query.kind === 'typo' && word.length >= 5 && i === 0) return word[0]! + word[2]! + word[1]! + word.slice(3);
    return word;
  });
  const q = query.kind === 'phrase' ? `"${words.join(' ')}"` : words.join(' ');
  return { ...query, q };
}

/**
 * Searches `variants` other queries of the shape of each measured one (round-robin, caches
 * dropped before each, at most `budgetMs` in all), so that the cold pass finds the code of a
 * first search JIT-compiled.
 */
function warmColdPaths(dataset: Dataset, docs: Docs, engine: Engine, variants: number, budgetMs: number): void {
  const pool = wordPool(dataset, docs, 500);
  let cursor = 0;
  const next = (): string => pool[cursor++ % pool.length]!;
  const started = performance.now();
  for (let v = 0; v < variants; v++) {
    for (const query of dataset.queries) {
      if (query.q === '') continue;
      const run = engine.prepare(variantOf(query, next));
      if (run === undefined) continue;
      engine.dropCaches();
      run();
      if (performance.now() - started > budgetMs) return;
    }
  }
}

/** Documents added one at a time after the passes (the same copies, under the same new ids, for every engine). */
const ADDS = 50;

/**
 * Mean time to add one document under a new id and merge it: copies of a fixed walk over the
 * dataset. A replaced document frees room in the rows it comes back to; a new one finds none.
 */
function timeAdds(engine: Engine, docs: Docs, count: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const doc = docs[(i * 7919 + 29) % docs.length]!;
    const started = performance.now();
    engine.add(doc, 1_000_000_000 + i);
    total += performance.now() - started;
  }
  return total / count;
}

function measure(name: string, dataset: Dataset, docs: Docs, rounds: number, coldRounds: number, writeRounds: number, coldWarmup: number): EngineRun {
  gc?.();
  const heapBefore = process.memoryUsage();
  const started = performance.now();
  const engine = BUILDERS[name]!(dataset, docs);
  const indexMs = performance.now() - started;
  gc?.();
  const heapAfter = process.memoryUsage();
  const heapMB = (heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 2 ** 20;
  const rssMB = (heapAfter.rss - heapBefore.rss) / 2 ** 20;
  settle();
  const runners = dataset.queries.map((q) => engine.prepare(q));
  const warm = runPass(dataset, runners, rounds, 2, null);
  // The same documents in the same order for every engine: a fixed walk over the dataset.
  let writes = 0;
  const written = runPass(dataset, runners, writeRounds, 0, () => engine.rewrite(docs[(writes++ * 7919 + 13) % docs.length]!));
  warmColdPaths(dataset, docs, engine, coldWarmup, COLD_WARMUP_BUDGET_MS);
  const cold = runPass(dataset, runners, coldRounds, 0, () => engine.dropCaches());
  const addMs = timeAdds(engine, docs, ADDS);
  engine.drop();
  return { name: engine.name, indexMs, heapMB, rssMB, warm, written, cold, addMs };
}

/**
 * Blocks for SETTLE_MS so that V8's background threads finish with the heap the forced
 * collection left (sweeping hundreds of MB after indexing) before a search is timed: on two
 * cores they took the CPU from the searches, a few ms at a time, in the first rounds.
 */
function settle(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, SETTLE_MS);
}

/**
 * Per kind, `rounds` measured rounds of its queries after `warmup` unmeasured ones; `before`
 * runs before every search, outside the timed section (a write, or dropping the caches).
 */
function runPass(dataset: Dataset, runners: Array<(() => number) | undefined>, rounds: number, warmup: number, before: (() => void) | null): PassStats {
  const times: number[][] = dataset.queries.map(() => []);
  const hits: number[] = dataset.queries.map(() => 0);
  const spent: number[] = dataset.queries.map(() => 0);
  let beforeTotal = 0;
  let befores = 0;
  for (const kind of KINDS) for (let round = -warmup; round < rounds; round++) {
    for (let i = 0; i < runners.length; i++) {
      const run = runners[i];
      if (run === undefined || dataset.queries[i]!.kind !== kind) continue;
      // A query that has already taken QUERY_BUDGET_MS keeps only its first samples (at least 3).
      if (spent[i]! > QUERY_BUDGET_MS && times[i]!.length >= 3) continue;
      if (before !== null) {
        const b = performance.now();
        before();
        beforeTotal += performance.now() - b;
        befores++;
      }
      const t = performance.now();
      hits[i] = run();
      const elapsed = performance.now() - t;
      spent[i]! += elapsed;
      if (round >= 0) times[i]!.push(elapsed);
    }
  }
  const kinds = new Map<Kind, KindStats | null>();
  for (const kind of KINDS) {
    const all: number[] = [];
    let supported = false;
    let present = false;
    dataset.queries.forEach((q, i) => {
      if (q.kind !== kind) return;
      present = true;
      if (runners[i] !== undefined) { supported = true; all.push(...times[i]!); }
    });
    if (!present) continue;
    all.sort((a, b) => a - b);
    kinds.set(kind, supported ? { p50: percentile(all, 0.5), p99: percentile(all, 0.99), samples: all.length } : null);
  }
  const perQuery = dataset.queries.map((query, i) => {
    if (runners[i] === undefined) return null;
    const sorted = [...times[i]!].sort((a, b) => a - b);
    return { query, p50: percentile(sorted, 0.5), hits: hits[i]! };
  });
  return { kinds, perQuery, beforeMs: befores === 0 ? 0 : beforeTotal / befores };
}

function ms(n: number): string {
  return n < 0.1 ? n.toFixed(3) : n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0);
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  for (const row of rows) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '));
}

function report(dataset: Dataset, docs: Docs, runs: EngineRun[], detail: boolean): void {
  console.log(`\n## ${dataset.name}: ${docs.length} documents, ${dataset.queries.length} queries`);
  printTable([
    ['engine', 'indexing', 'docs/s', 'heap+buffers', 'RSS growth'],
    ...runs.map((r) => [r.name, `${(r.indexMs / 1000).toFixed(2)} s`, `${Math.round(docs.length / (r.indexMs / 1000))}`, `${r.heapMB.toFixed(0)} MB`, `${r.rssMB.toFixed(0)} MB`]),
  ]);
  const titles: Record<Pass, string> = {
    warm: 'WARM (queries repeated, read caches kept): latency per query kind, p50 / p99 in ms (n/a: the engine has no equivalent)',
    written: 'AFTER A WRITE (one document replaced before every search, queries repeated): p50 / p99 in ms',
    cold: 'COLD (read caches dropped before every search: each query as if never searched): p50 / p99 in ms',
  };
  for (const pass of ['warm', 'written', 'cold'] as const) {
    console.log(`\n${titles[pass]}`);
    latencyTable(runs, pass);
    if (pass === 'written') {
      console.log(`write and merge, mean ms (not in the figures above): ${runs.map((r) => `${r.name} ${ms(r.written.beforeMs)}`).join(', ')}`);
      console.log(`add and merge (a copy under a new id, ${ADDS} after the passes), mean ms: ${runs.map((r) => `${r.name} ${ms(r.addMs)}`).join(', ')}`);
    }
  }
  if (detail) {
    console.log('\nper query: p50 ms warm / after a write / cold (hits returned, at most 20)');
    printTable([
      ['query', ...runs.map((r) => r.name)],
      ...dataset.queries.map((q, i) => [
        `${q.kind}: ${q.q === '' ? '(placeholder)' : q.q}${q.where ? ` [${Object.entries(q.where).map(([k, v]) => `${k}=${v}`).join(',')}]` : ''}${q.geo ? ' [geo]' : ''}${q.sort ? ` [sort ${q.sort.field}]` : ''}${q.facets ? ' [facets]' : ''}`,
        ...runs.map((r) => {
          const [w, a, c] = [r.warm.perQuery[i], r.written.perQuery[i], r.cold.perQuery[i]];
          return w && a && c ? `${ms(w.p50)} / ${ms(a.p50)} / ${ms(c.p50)} (${w.hits})` : 'n/a';
        }),
      ]),
    ]);
  }
}

function latencyTable(runs: EngineRun[], pass: Pass): void {
  const ours = runs.find((r) => r.name === 'searchkube');
  const peers = runs.filter((r) => r !== ours);
  const header = ['kind', ...runs.map((r) => r.name), ...(ours ? ['ours / fastest peer (p50, p99)'] : [])];
  const rows: string[][] = [header];
  for (const kind of KINDS) {
    if (!runs.some((r) => r[pass].kinds.has(kind))) continue;
    const row = [kind, ...runs.map((r) => { const s = r[pass].kinds.get(kind); return s ? `${ms(s.p50)} / ${ms(s.p99)}` : 'n/a'; })];
    if (ours) {
      const mine = ours[pass].kinds.get(kind);
      const supported = peers.filter((p) => p[pass].kinds.get(kind));
      if (!mine || supported.length === 0) row.push('n/a (no peer)');
      else {
        // The ratio of each percentile to the best peer figure for that percentile.
        const best50 = supported.reduce((a, b) => (b[pass].kinds.get(kind)!.p50 < a[pass].kinds.get(kind)!.p50 ? b : a));
        const best99 = supported.reduce((a, b) => (b[pass].kinds.get(kind)!.p99 < a[pass].kinds.get(kind)!.p99 ? b : a));
        row.push(`${(mine.p50 / best50[pass].kinds.get(kind)!.p50).toFixed(2)}x vs ${best50.name}, ${(mine.p99 / best99[pass].kinds.get(kind)!.p99).toFixed(2)}x vs ${best99.name}`);
      }
    }
    rows.push(row);
  }
  printTable(rows);
}

function loadDocs(file: string): Docs {
  return readFileSync(`${DATASETS}/${file}`, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Document);
}

// ---- HTTP ------------------------------------------------------------------------------------

async function httpBench(seconds: number, connections: number): Promise<void> {
  // (At debug level the engine logs when it has prepared an index's rankings: see below.)
  const engine = await startEngine({ env: { MEILI_LOG_LEVEL: 'debug' } });
  try {
    const api = new Api(engine.url);
    await api.run(api.post('/indexes', { uid: 'packages', primaryKey: 'id' }));
    await api.run(api.patch('/indexes/packages/settings', DEBIAN.settings));
    const started = performance.now();
    const text = readFileSync(`${DATASETS}/${DEBIAN.file}`, 'utf8');
    const task = await api.run(api.post('/indexes/packages/documents', text, { 'content-type': 'application/x-ndjson' }));
    if (task.status !== 'succeeded') throw new Error(`indexing failed: ${JSON.stringify(task.error)}`);
    const indexedS = (performance.now() - started) / 1000;
    // Once its queue is idle the engine prepares the rankings of common one-word queries, in
    // slices between searches; measured during that work, the first kind's throughput halved
    // (plain 2459 req/s, 4515 after it). The figures below are the engine's steady state.
    const prepared = await eventually('the prepared rankings', async () => preparedRankingsLog(engine, 'packages')[0], 300_000, 50);
    console.log(`\n## HTTP: engine process with debian-63k (indexed over HTTP in ${indexedS.toFixed(1)} s, then ${prepared.preparedRankings} rankings prepared while idle in ${(prepared.durationMs / 1000).toFixed(1)} s), autocannon ${connections} connections x ${seconds} s per kind after a 3 s warm-up, POST /indexes/packages/search`);
    const kinds: Kind[] = ['plain', 'typo', 'prefix', 'filtered', 'faceted'];
    const request = (q: BenchQuery) => ({ method: 'POST' as const, path: '/indexes/packages/search', headers: { 'content-type': 'application/json' }, body: JSON.stringify(oursParams(q)) });
    // Warm-up (not measured): the first searches after indexing seal the postings and build the
    // term tree, and the JIT has not seen the search path yet.
    await autocannon({ url: engine.url, connections, duration: 3, requests: DEBIAN.queries.filter((q) => kinds.includes(q.kind)).map(request) });
    const rows: string[][] = [['kind', 'req/s', 'p50 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'non-2xx', 'errors']];
    for (const kind of kinds) {
      const requests = DEBIAN.queries.filter((q) => q.kind === kind).map(request);
      const result = await autocannon({ url: engine.url, connections, duration: seconds, requests });
      rows.push([kind, result.requests.average.toFixed(0), String(result.latency.p50), String(result.latency.p97_5), String(result.latency.p99), String(result.latency.max), String(result.non2xx), String(result.errors)]);
    }
    printTable(rows);
  } finally {
    await engine.stop();
  }
}

// ---- main ------------------------------------------------------------------------------------

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const rounds = Number(arg('rounds') ?? 20);
const coldRounds = Number(arg('cold-rounds') ?? 5);
const coldWarmup = Number(arg('cold-warmup') ?? 100);
const writeRounds = Number(arg('write-rounds') ?? 5);
const engines = (arg('engines') ?? 'ours,orama,minisearch,flexsearch').split(',');
const onlyKinds = arg('kinds')?.split(',');
const datasets = (arg('dataset') ?? 'debian,geonames').split(',').map((d) => (d === 'geonames' ? GEONAMES : DEBIAN));
if (onlyKinds) for (const d of datasets) d.queries = d.queries.filter((q) => onlyKinds.includes(q.kind));
console.log(`# bench:search — node ${process.version}, warm: ${rounds} rounds (+2 warm-up), after a write: ${writeRounds} rounds with one document replaced before each search, cold: ${coldRounds} rounds with read caches dropped before each search (after ${coldWarmup} searches of other queries per query); first ${LIMIT} hits`);
if (!flag('http-only')) {
  for (const dataset of datasets) {
    const docs = loadDocs(dataset.file);
    const runs = engines.map((name) => measure(name, dataset, docs, rounds, coldRounds, writeRounds, coldWarmup));
    report(dataset, docs, runs, flag('detail'));
  }
}
if (!flag('no-http')) await httpBench(Number(arg('seconds') ?? 10), Number(arg('connections') ?? 20));
