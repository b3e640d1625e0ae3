/**
 * Random searches on a real dataset, answered with the prefix rows (prefix-rows.ts) and without
 * them (every word of the prefix derived): the results must be identical. Run:
 *   node_modules/.bin/node engine/src/index/bench/prefix-rows-check.ts [debian|geonames] [searches]
 * Queries: 1-3 random index words, the last cut to a 1-4 character prefix, random offset and one
 * of filter / sort / facets / score details / attributesToSearchOn / highlight / strategy all.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { defaultSettings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import { prefixRowPolicy } from '../prefix-rows.ts';
import { prefixCachePolicy } from '../search/prefix-cache.ts';
import { isDeepStrictEqual } from 'node:util';
const ds = process.argv[2] ?? 'debian';
const N = Number(process.argv[3] ?? 1000);
const file = ds === 'debian' ? 'debian-packages-63k.ndjson' : 'geonames-cities-171k.ndjson';
const settings: any = ds === 'debian' ? { searchableAttributes: ['package', 'summary', 'description', 'tags'], filterableAttributes: ['section', 'priority'], sortableAttributes: ['installedSize'] } : { searchableAttributes: ['name'], filterableAttributes: ['country', 'admin1', '_geo'], sortableAttributes: ['name', '_geo'] };
const docs = readFileSync(resolve(import.meta.dirname, '../../../../../shared/datasets', file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const store = new Map<string, any>(docs.map((d) => [String(d.id), d]));
const source = { get: (id: string) => store.get(id), entries: () => store.entries() };
const core = new SearchCore({ ...defaultSettings(), ...settings }, 'id');
for (const d of docs) core.upsert(String(d.id), d);
core.seal();
let seed = 12345;
const rnd = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
const vocab: string[] = [];
for (let t = 0; t < core.vocabulary.size; t++) if (!core.vocabulary.isReserved(t) && core.postings.docCount(t) > 0) vocab.push(core.vocabulary.term(t));
const extras: any[] = ds === 'debian'
  ? [{}, {}, { filter: 'section = "libs"' }, { sort: ['installedSize:desc'] }, { facets: ['section'] }, { showRankingScoreDetails: true }, { attributesToSearchOn: ['summary'] }, { attributesToHighlight: ['*'], showMatchesPosition: true }, { matchingStrategy: 'all' }]
  : [{}, {}, { filter: 'country = "US"' }, { sort: ['name:asc'] }, { facets: ['country'] }, { showRankingScoreDetails: true }, { attributesToHighlight: ['*'], showMatchesPosition: true }, { matchingStrategy: 'all' }];
const run = (params: any, rows: boolean) => { prefixRowPolicy.enabled = rows; core.dropReadCaches(); try { const { processingTimeMs: _x, ...rest } = core.search(params, source); return rest; } finally { prefixRowPolicy.enabled = true; } };
prefixCachePolicy.rankedWords = false;
let diff = 0, usedRow = 0;
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const n = 1 + rnd(3);
  const words: string[] = [];
  for (let k = 0; k < n; k++) { const w = vocab[rnd(vocab.length)]!; words.push(k === n - 1 ? w.slice(0, 1 + rnd(Math.min(4, w.length))) : w); }
  const params = { q: words.join(' '), limit: 20, offset: rnd(3) * 10, ...extras[rnd(extras.length)] };
  const a = run(params, true), b = run(params, false);
  if (core.prefixRows.lookup(words[n - 1]!) !== undefined) usedRow++;
  if (!isDeepStrictEqual(a, b)) { diff++; if (diff < 5) console.log('DIFF', JSON.stringify(params)); }
}
console.log(`${ds}: ${N} random searches (last word a 1-4 character prefix; ${usedRow} with a prefix row), ${diff} differences, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
