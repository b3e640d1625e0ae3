/**
 * Load: 200 concurrent search clients (each its own keep-alive loop of searches: plain, typo,
 * prefix, filtered, faceted, sorted) against a real engine while a writer keeps adding
 * documents in batches (up to 300 000), and a health probe on a new connection every 250 ms,
 * as the kubelet sends them. Asserted: every search and every probe answers 200, every
 * addition succeeds, the engine's RSS stays bounded. p50/p99, throughput and the probes'
 * latency are printed (no timing asserts: the machine is shared).
 */
import { readFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { count, report } from './scale.ts';

const CLIENTS = 200;
const SECONDS = count('load_seconds', 60, 10);
const RSS_LIMIT_MB = 1_536;
/**
 * The writer stops after this many documents: how many it gets in depends on the machine's
 * speed, and the RSS limit is meant for a known index size, not for the fastest machine.
 */
const MAX_ADDED = 300_000;
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima', 'mike', 'november', 'oscar', 'papa'];

const documents = (from: number, n: number) => Array.from({ length: n }, (_, i) => {
  const id = from + i;
  return { id, title: `${WORDS[id % 16]} ${WORDS[(id * 7) % 16]} item ${id}`, body: `${WORDS[(id * 3) % 16]} ${WORDS[(id * 5) % 16]} `.repeat(6), price: id % 1000, category: `c${id % 12}` };
});

const QUERIES: Array<Record<string, unknown>> = [
  { q: 'alpha bravo' }, { q: 'charly' }, { q: 'nov' }, { q: 'echo', filter: 'price > 500' },
  { q: 'golf', facets: ['category'] }, { q: 'hotel', sort: ['price:desc'] }, { q: '' }, { q: 'kilo lima mike', limit: 50 },
];

/** The q-quantile of `values` in ms, rounded (q = 1: the largest). */
function quantile(values: number[], q: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  return (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0).toFixed(0);
}

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

describe('load', () => {
  it(`serves ${CLIENTS} concurrent search clients while indexing, without errors`, async () => {
    const engine = await startEngine();
    try {
      const api = new Api(engine.url);
      await api.run(api.patch('/indexes/load/settings', { filterableAttributes: ['price', 'category'], sortableAttributes: ['price'] }));
      await api.run(api.post('/indexes/load/documents', documents(0, 20_000)));
      const rss: number[] = [rssMb(engine.child.pid!)];
      const sampler = setInterval(() => rss.push(rssMb(engine.child.pid!)), 250);
      const deadline = Date.now() + SECONDS * 1000;
      const latencies: number[] = [];
      const errors: string[] = [];
      // The writer: batches of 2 000 documents, back to back, every task tracked.
      const tasks: number[] = [];
      let next = 20_000;
      const writer = (async () => {
        while (Date.now() < deadline && next - 20_000 < MAX_ADDED) {
          const response = await api.post('/indexes/load/documents', documents(next, 2_000));
          if (response.status !== 202) errors.push(`addition: ${response.status}`);
          else tasks.push(response.body.taskUid);
          next += 2_000;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      const client = async (id: number): Promise<void> => {
        for (let i = id; Date.now() < deadline; i += 1) {
          const started = performance.now();
          try {
            const response = await fetch(`${engine.url}/indexes/load/search`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(QUERIES[i % QUERIES.length]), signal: AbortSignal.timeout(30_000) });
            await response.arrayBuffer();
            if (response.status !== 200) errors.push(`search: ${response.status}`);
          } catch (error) {
            errors.push(`search: ${(error as Error).message}`);
          }
          latencies.push(performance.now() - started);
        }
      };
      // A health probe as the kubelet sends it: a new connection each time, every 250 ms.
      const probes: number[] = [];
      const prober = (async () => {
        while (Date.now() < deadline) {
          const started = performance.now();
          const status = await new Promise<number>((resolve) => {
            const req = httpGet(`${engine.url}/health`, { agent: false, headers: { connection: 'close' } }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            });
            req.on('error', () => resolve(0));
          });
          if (status !== 200) errors.push(`health probe: ${status}`);
          probes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
      })();
      await Promise.all([writer, prober, ...Array.from({ length: CLIENTS }, (_, id) => client(id))]);
      for (const uid of tasks) expect((await api.waitTask(uid, 300_000)).status, `addition task ${uid}`).toBe('succeeded');
      clearInterval(sampler);
      const indexed = (await api.get('/indexes/load/stats')).body.numberOfDocuments;
      expect(errors.slice(0, 10)).toEqual([]);
      expect(indexed).toBe(next);
      const peak = Math.max(...rss);
      expect(peak).toBeLessThan(RSS_LIMIT_MB);
      const at = (q: number) => quantile(latencies, q);
      report(`load: ${CLIENTS} search clients for ${SECONDS} s while indexing ${next - 20_000} documents in ${tasks.length} batches (all succeeded, ${indexed} in the index): ${latencies.length} searches, ${(latencies.length / SECONDS).toFixed(0)}/s, 0 errors, p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms; engine RSS start ${rss[0]!.toFixed(0)} MB, peak ${peak.toFixed(0)} MB; ${probes.length} health probes on new connections, p50 ${quantile(probes, 0.5)} ms, max ${quantile(probes, 1)} ms`);
    } finally {
      await engine.stop();
    }
  });
});
