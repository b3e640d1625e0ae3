/**
 * Quick benchmark of the search core alone (no HTTP, no LMDB): indexing throughput and memory,
 * then search latency per query kind. Run:
 *   node_modules/.bin/node --expose-gc engine/src/index/bench/core-bench.ts [debian|geonames] [repetitions]
 * Reports the idle work after loading (word tree packed, rankings prepared: time, memory), wall-clock p50/p99 and mean
 * CPU time per query (CPU time is the steadier number on a shared machine), the time of a
 * one-document write, its seal and the idle work it leaves (prepared rankings carried or made
 * again), and each query's first search after such a write (with how often its one-word
 * ranking was kept over the write).
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { defaultSettings, type Settings } from '../../types/settings.ts';
import type { Document } from '../../types/document.ts';
import { SearchCore } from '../core.ts';
import type { SearchParams } from '../types.ts';

const DATASETS = resolve(import.meta.dirname, '../../../../../shared/datasets');

interface Workload {
  file: string;
  settings: Partial<Settings>;
  queries: Array<[kind: string, params: SearchParams]>;
}

const WORKLOADS: Record<string, Workload> = {
  debian: {
    file: 'debian-packages-63k.ndjson',
    settings: {
      searchableAttributes: ['package', 'summary', 'description', 'tags'],
      filterableAttributes: ['section', 'priority', 'tags'],
      sortableAttributes: ['installedSize'],
    },
    queries: [
      ['plain', { q: 'python' }],
      ['plain', { q: 'web server' }],
      ['plain (stop-word-like)', { q: 'the' }],
      ['typo', { q: 'pyhton' }],
      ['typo', { q: 'compresion library' }],
      ['prefix', { q: 'lib' }],
      ['prefix', { q: 't' }],
      ['phrase', { q: '"text editor"' }],
      ['filtered', { q: 'python', filter: 'section = python' }],
      ['faceted', { q: 'game', facets: ['section', 'priority'] }],
      ['sorted', { q: 'library', sort: ['installedSize:desc'] }],
      ['placeholder', { q: '' }],
    ],
  },
  geonames: {
    file: 'geonames-cities-171k.ndjson',
    settings: {
      searchableAttributes: ['name'],
      filterableAttributes: ['country', '_geo'],
      sortableAttributes: ['_geo'],
    },
    queries: [
      ['plain', { q: 'london' }],
      ['typo', { q: 'londno' }],
      ['typo', { q: 'sant julia de loria' }],
      ['prefix', { q: 'sain' }],
      ['filtered', { q: 'springfield', filter: 'country = US' }],
      ['faceted', { q: 'san', facets: ['country'] }],
      ['geo', { filter: '_geoRadius(48.8566, 2.3522, 20000)', sort: ['_geoPoint(48.8566, 2.3522):asc'] }],
      ['geo sort', { q: 'paris', sort: ['_geoPoint(45.75, 4.85):asc'] }],
    ],
  },
};

function cpuMs(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
}

const name = process.argv[2] ?? 'debian';
const repetitions = Number(process.argv[3] ?? 50);
const workload = WORKLOADS[name];
if (workload === undefined) throw new Error(`unknown workload ${name}`);
const docs = readFileSync(`${DATASETS}/${workload.file}`, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l) as Document);
const store = new Map<string, Document>(docs.map((d) => [String(d['id']), d]));
const source = { get: (id: string) => store.get(id), entries: () => store.entries() };

const gc = (globalThis as { gc?: () => void }).gc;
/** Memory once collected garbage is gone (array buffers are freed a while after their collection). */
async function settledMemory(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
}
gc?.();
const heapBefore = process.memoryUsage();
const core = new SearchCore({ ...defaultSettings(), ...workload.settings }, 'id');
let wall = performance.now();
let cpu = process.cpuUsage();
for (const d of docs) core.upsert(String(d['id']), d);
const indexWall = performance.now() - wall;
const indexCpu = cpuMs(cpu);
wall = performance.now();
cpu = process.cpuUsage();
core.search({ q: 'warm' }, source); // seals the postings and builds the term tree
const sealWall = performance.now() - wall;
const sealCpu = cpuMs(cpu);
gc?.();
const heapAfter = process.memoryUsage();
const mb = (n: number): string => `${(n / 1048576).toFixed(0)} MB`;
const signedMb = (n: number): string => `${n >= 0 ? '+' : '-'}${mb(Math.abs(n))}`;
console.log(
  `${name}: ${docs.length} docs; index ${indexWall.toFixed(0)} ms wall / ${indexCpu.toFixed(0)} ms cpu = ${(docs.length / (indexCpu / 1000)).toFixed(0)} docs/s (cpu); ` +
    `first search (seal) ${sealWall.toFixed(0)} ms wall / ${sealCpu.toFixed(0)} ms cpu; ` +
    `core memory: heap +${mb(heapAfter.heapUsed - heapBefore.heapUsed)}, array buffers +${mb(heapAfter.arrayBuffers - heapBefore.arrayBuffers)}`,
);
// What the engine does next while idle: the word tree packed (term-tree.ts), the rankings of
// common one-word queries prepared.
{
  const before = await settledMemory();
  wall = performance.now();
  cpu = process.cpuUsage();
  core.refreshKept(Infinity);
  const prepareWall = performance.now() - wall;
  const prepareCpu = cpuMs(cpu);
  const after = await settledMemory();
  console.log(
    `idle work (word tree packed, ${core.preparedRankings} rankings prepared): ${prepareWall.toFixed(0)} ms wall / ${prepareCpu.toFixed(0)} ms cpu; ` +
      `heap ${signedMb(after.heapUsed - before.heapUsed)}, array buffers ${signedMb(after.arrayBuffers - before.arrayBuffers)}`,
  );
}
// A one-document write (a document replaced with itself) and its seal, as the engine merges it
// when its task queue is idle, then the idle work on the prepared rankings the write set aside.
{
  const times: number[] = [];
  const idle: number[] = [];
  const setAside: number[] = [];
  const { made, carried } = core.prepared.stats;
  const start = process.cpuUsage();
  for (let i = 0; i < 21; i++) {
    const d = docs[(i * 7919 + 13) % docs.length]!;
    const prepared = core.preparedRankings;
    let t = performance.now();
    core.upsert(String(d['id']), d);
    core.seal();
    times.push(performance.now() - t);
    setAside.push(prepared - core.preparedRankings);
    t = performance.now();
    core.refreshKept(Infinity);
    idle.push(performance.now() - t);
  }
  const p50 = (a: number[]): string => [...a].sort((x, y) => x - y)[10]!.toFixed(0);
  console.log(
    `one-document write + seal: p50 ${p50(times)} ms wall, cpu ${(cpuMs(start) / 21).toFixed(0)} ms (mean of 21, with the idle work); ` +
      `prepared rankings set aside p50 ${p50(setAside)}, idle work p50 ${p50(idle)} ms ` +
      `(${core.prepared.stats.carried - carried} carried, ${core.prepared.stats.made - made} made again)`,
  );
}
let rewrites = 0;
const rewrite = (): void => {
  const d = docs[(rewrites++ * 7919 + 13) % docs.length]!;
  core.upsert(String(d['id']), d);
  core.seal();
};
for (const [kind, params] of workload.queries) {
  for (let i = 0; i < 5; i++) core.search(params, source);
  const times: number[] = [];
  let hits = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < repetitions; i++) {
    const t = performance.now();
    const r = core.search(params, source);
    times.push(performance.now() - t);
    hits = r.estimatedTotalHits ?? 0;
  }
  const meanCpu = cpuMs(start) / repetitions;
  // The first search after a one-document write (write and seal untimed), 21 times.
  const after: number[] = [];
  const carried = core.prefixCache.carryStats.carried;
  for (let i = 0; i < 21; i++) {
    rewrite();
    const t = performance.now();
    core.search(params, source);
    after.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  after.sort((a, b) => a - b);
  const p = (q: number): string => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
  console.log(
    `${kind.padEnd(24)} ${JSON.stringify(params).padEnd(90)} p50 ${p(0.5)} ms  p99 ${p(0.99)} ms  cpu ${meanCpu.toFixed(2)} ms  hits ${hits}  ` +
      `after a write: p50 ${after[10]!.toFixed(2)} ms (ranking kept over ${core.prefixCache.carryStats.carried - carried} of 21 writes)`,
  );
}
