import { readFileSync } from 'node:fs';
import { defaultSettings } from '../../types/settings.ts';
import { createIndexCore } from '../index.ts';
const lines = readFileSync('/work/shared/datasets/debian-packages-63k.ndjson', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const core: any = createIndexCore({ ...defaultSettings(), searchableAttributes: ['package', 'summary', 'description', 'tags'], filterableAttributes: ['section', 'priority'], sortableAttributes: ['installedSize'] } as any, 'id');
const byId = new Map<string, any>();
for (const d of lines) { core.upsert(String(d.id), d); byId.set(String(d.id), d); }
core.seal();
const source = { get: (id: string) => byId.get(id) };
const qs = (process.argv[2] ?? 'python,image viewer,editor').split(',');
const gc = (globalThis as any).gc;
for (const q of qs) core.search({ q }, source);
let k = 0;
for (const mode of ['plain', 'gc-after-seal', 'plain', 'gc-after-seal']) {
  const row: string[] = [];
  for (const q of qs) {
    const t: number[] = []; const ts: number[] = [];
    for (let i = 0; i < 9; i++) {
      const d = lines[(k++ * 7919 + 13) % lines.length];
      core.upsert(String(d.id), d);
      const s0 = performance.now(); core.seal(); ts.push(performance.now() - s0);
      if (mode === 'gc-after-seal') gc();
      const s = performance.now(); core.search({ q }, source); t.push(performance.now() - s);
    }
    t.sort((a, b) => a - b); ts.sort((a, b) => a - b);
    row.push(`${q}=${t[4]!.toFixed(3)} (seal ${ts[4]!.toFixed(0)})`);
  }
  console.log(mode.padEnd(14), row.join(' '), core.prefixCache.carryStats);
}
