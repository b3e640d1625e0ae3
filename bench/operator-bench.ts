/**
 * npm run bench:operator — the operator at scale, on a PRIVATE cluster of the harness (etcd,
 * kube-apiserver, kube-controller-manager, process kubelet), one fresh cluster and one fresh
 * operator process per size (so peak RSS is that size's):
 *   - time from the first create until every SearchInstance is Ready (and until all were created);
 *   - operator peak RSS (/proc/<pid>/status VmHWM);
 *   - API requests the operator made (its own counter, searchkube_operator_api_requests_total),
 *     per reconcile and per instance, against the minimum an instance needs to become Ready;
 *   - writes during an idle window after all are Ready that spans a full re-list of every informer
 *     and a stats refresh of every instance (goal: 0; Lease renewals are not counted).
 * Pods run the harness's engine stub (`stub.invalid/searchkube/engine`: /health and /stats, one
 * ~16 MB process per pod, no sidecar), not the engine: what is measured is the operator.
 *
 * Sizes: BENCH_OPERATOR_SIZES=100,500 (default). Numbers only; nothing here asserts timings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../test/harness/eventually.ts';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { buildCrds } from '../operator/src/api/crds.ts';
import { crdsDir } from '../operator/src/api/generate-crds.ts';
import type { SearchInstance } from '../operator/src/api/search-instance.ts';
import { SEARCHINSTANCES } from '../operator/src/controllers/search-instance/resource-types.ts';
import { KubeClient } from '../operator/src/kube/client.ts';
import type { ResourceType } from '../operator/src/kube/resource.ts';
import { HttpTransport } from '../operator/src/kube/transport.ts';
import { freePort } from '../test/harness/control-plane/ports.ts';
import { nodeBinary, repoRoot } from '../test/harness/control-plane/paths.ts';
import { startPrivateCluster, type PrivateCluster } from '../test/harness/private-cluster.ts';
import { mib, printRows, rssBytes } from './process-stats.ts';

const SIZES = (process.env['BENCH_OPERATOR_SIZES'] ?? '100,500').split(',').map(Number).filter((n) => n > 0);
const NAMESPACE = 'bench';
const STUB_REPOSITORY = 'stub.invalid/searchkube/engine';
/** The idle window must hold one full re-list of every informer and one stats refresh of every instance. */
const RESYNC_S = 30;
const STATS_S = 20;
const IDLE_WINDOW_MS = (RESYNC_S + 8) * 1000;
const CREATE_CONCURRENCY = 8;
/** Give up on a size when the number of Ready instances has not moved for this long. */
const STALL_MS = 5 * 60_000;
/**
 * The fewest API requests that take one instance from nothing to Ready with this design (reads come
 * from informer caches): add the finalizer, create the master-key Secret, apply the two PVCs, the
 * StatefulSet and the Service, write the status once (Ready). 7; anything above is extra status
 * writes (Provisioning first), Events, conflicts and retries.
 */
const MIN_REQUESTS_PER_INSTANCE = 7;

const CRDS: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };
const NAMESPACES: ResourceType = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
const SERVICEACCOUNTS: ResourceType = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };

function say(msg: string): void {
  process.stderr.write(`[bench:operator] ${msg}\n`);
}

class Stalled extends Error {}

/** Polls until `fn` gives a value; a Stalled error ends the wait at once. */
const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number, intervalMs = 500): Promise<T> =>
  eventually(what, fn, timeoutMs, intervalMs, (e) => e instanceof Stalled);

/** Prometheus text -> series ("name{labels}") -> value. */
type Metrics = Map<string, number>;

interface Operator {
  proc: ChildProcess;
  pid: number;
  logFile: string;
  metrics(): Promise<Metrics>;
  stop(): Promise<void>;
}

async function startOperator(kubeconfig: string, tag: string): Promise<Operator> {
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `searchkube-operator-bench-${tag}.log`);
  const out = createWriteStream(logFile);
  const args = [
    path.join(repoRoot, 'operator', 'src', 'main.ts'),
    `--namespaces=${NAMESPACE}`,
    `--metrics-addr=127.0.0.1:${port}`,
    `--leader-election-namespace=${NAMESPACE}`,
    `--resync-period=${RESYNC_S}`,
    `--stats-interval=${STATS_S}`,
    '--log-level=warn',
  ];
  // Node 24 itself (not a wrapper), so /proc/<pid> is the operator's.
  const proc = spawn(nodeBinary(), args, { env: { ...process.env, KUBECONFIG: kubeconfig, SEARCHKUBE_ENGINE_ACCESS: 'pod-ip' }, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  const metrics = async (): Promise<Metrics> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    const m: Metrics = new Map();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      m.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return m;
  };
  await until(`operator /readyz (log ${logFile})`, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 60_000);
  return {
    proc,
    pid: proc.pid!,
    logFile,
    metrics,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** Sum of a metric's series whose labels pass `filter`. */
function sum(m: Metrics, name: string, filter: (labels: string) => boolean = () => true): number {
  let total = 0;
  for (const [k, v] of m) {
    const brace = k.indexOf('{');
    if ((brace < 0 ? k : k.slice(0, brace)) === name && filter(brace < 0 ? '' : k.slice(brace))) total += v;
  }
  return total;
}

/** Difference of two snapshots of api_requests_total, grouped by "METHOD resource" (leases apart). */
function requestDelta(a: Metrics, b: Metrics): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of b) {
    if (!k.startsWith('searchkube_operator_api_requests_total{')) continue;
    const d = v - (a.get(k) ?? 0);
    if (d === 0) continue;
    const method = /method="([^"]*)"/.exec(k)![1]!;
    const resource = /resource="([^"]*)"/.exec(k)![1]!;
    const code = /code="([^"]*)"/.exec(k)![1]!;
    const key = `${method} ${resource}${code.startsWith('2') ? '' : code === '0' ? ' (no response: watch ended by a re-list)' : ` (${code})`}`;
    out.set(key, (out.get(key) ?? 0) + d);
  }
  return new Map([...out].sort((x, y) => y[1] - x[1]));
}

const notLease = (labels: string) => !labels.includes('resource="leases"');
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** utime + stime of a process, in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

function kubeApi(kubeconfig: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new KubeClient(new HttpTransport(kc));
}

async function installCrds(api: KubeClient): Promise<void> {
  for (const file of buildCrds().keys()) {
    const crd = parse(readFileSync(path.join(crdsDir, file), 'utf8'));
    await api.apply(CRDS, crd, 'searchkube-bench');
    await until(`CRD ${crd.metadata.name} Established`, async () => {
      const live = await api.get<{ metadata: object; status?: { conditions?: Array<{ type: string; status: string }> } }>(CRDS, undefined, crd.metadata.name);
      return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    }, 30_000);
  }
}

function isReady(si: SearchInstance): boolean {
  return si.status?.phase === 'Ready' && si.status.observedGeneration === si.metadata.generation;
}

interface Result {
  n: number;
  createdMs: number;
  /** Until every instance had a status: the operator's first pass over all of them. */
  allSeenMs: number;
  readyMs: number;
  heapUsed: number;
  peakRss: number;
  rssAfter: number;
  /** Operator CPU (user + system) from the first create until all Ready, and for its whole life. */
  cpuMs: number;
  cpuTotalMs: number;
  reconcileSeconds: number;
  reconciles: number;
  reconcileErrors: number;
  requests: number;
  writes: number;
  breakdown: Map<string, number>;
  idle: { windowMs: number; writes: number; writeBreakdown: Map<string, number>; requests: number; lists: number; reconciles: number };
}

/** What to stop when interrupted (Ctrl-C): the private cluster's processes are detached. */
const running: { cluster?: PrivateCluster; op?: Operator } = {};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    say(`${sig}: stopping the operator and the private cluster`);
    void (async () => {
      await running.op?.stop();
      await running.cluster?.stop();
      process.exit(130);
    })();
  });
}

async function runSize(n: number): Promise<Result> {
  say(`--- ${n} SearchInstances: starting a private cluster`);
  const cluster: PrivateCluster = await startPrivateCluster(`bench-operator-${n}`);
  running.cluster = cluster;
  let op: Operator | undefined;
  try {
    const api = kubeApi(cluster.kubeconfig);
    await installCrds(api);
    await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
    await until('ServiceAccount default', () => api.get(SERVICEACCOUNTS, NAMESPACE, 'default'), 60_000);
    op = await startOperator(cluster.kubeconfig, String(n));
    running.op = op;
    await sleep(1000);
    const m0 = await op.metrics();
    const cpu0 = cpuMs(op.pid);

    const t0 = Date.now();
    let next = 0;
    const createOne = async (i: number) => {
      const body = {
        apiVersion: 'searchkube.io/v1alpha1',
        kind: 'SearchInstance',
        metadata: { name: `si-${String(i).padStart(4, '0')}`, namespace: NAMESPACE },
        spec: { version: '0.1.0', image: { repository: STUB_REPOSITORY }, storage: { size: '1Gi' }, dumps: { size: '1Gi' } },
      } as unknown as SearchInstance;
      for (let attempt = 0; ; attempt++) {
        try {
          return await api.create(SEARCHINSTANCES, body);
        } catch (e) {
          if (attempt >= 5) throw e;
          await sleep(500 * (attempt + 1));
        }
      }
    };
    await Promise.all(Array.from({ length: CREATE_CONCURRENCY }, async () => {
      while (next < n) await createOne(next++);
    }));
    const createdMs = Date.now() - t0;
    say(`created ${n} in ${(createdMs / 1000).toFixed(1)} s; waiting until all are Ready`);

    let lastReport = 0;
    let progress = { ready: -1, at: Date.now() };
    let allSeenMs = 0;
    const readyMs = await until(`all ${n} Ready`, async () => {
      const list = await api.list<SearchInstance>(SEARCHINSTANCES, NAMESPACE);
      const ready = list.items.filter(isReady).length;
      if (!allSeenMs && list.items.length === n && list.items.every((si) => si.status?.phase)) allSeenMs = Date.now() - t0;
      if (ready !== progress.ready) progress = { ready, at: Date.now() };
      else if (Date.now() - progress.at > STALL_MS) {
        const errors = [...requestDelta(m0, await op!.metrics())].filter(([k]) => k.includes('(')).map(([k, v]) => `${k} ${v}`);
        throw new Stalled(`stalled: ${ready}/${n} Ready and no progress for ${STALL_MS / 1000} s; failed requests: ${errors.join(', ') || 'none'}`);
      }
      if (Date.now() - lastReport > 15_000) {
        lastReport = Date.now();
        const phases = new Map<string, number>();
        for (const si of list.items) phases.set(si.status?.phase ?? '(none)', (phases.get(si.status?.phase ?? '(none)') ?? 0) + 1);
        say(`  ${((Date.now() - t0) / 1000).toFixed(0)} s: ${ready}/${n} Ready (${[...phases].map(([p, c]) => `${p} ${c}`).join(', ')}), operator RSS ${mib(rssBytes(op!.pid))}`);
      }
      return ready === n ? Date.now() - t0 : undefined;
    }, 40 * 60_000, 1000);
    const m1 = await op.metrics();
    const cpu1 = cpuMs(op.pid);
    const peakRss = rssBytes(op.pid, 'VmHWM');
    say(`all Ready after ${(readyMs / 1000).toFixed(1)} s; idle window of ${IDLE_WINDOW_MS / 1000} s (re-list every ${RESYNC_S} s, stats every ${STATS_S} s)`);

    // Idle: let the last status writes land, then count writes over a window with a full re-list.
    await sleep(5000);
    const i0 = await op.metrics();
    await sleep(IDLE_WINDOW_MS);
    const i1 = await op.metrics();
    const idleDelta = requestDelta(i0, i1);
    const writeBreakdown = new Map([...idleDelta].filter(([k]) => WRITE.has(k.split(' ')[0]!) && !k.includes('leases')));
    const rssAfter = rssBytes(op.pid);
    const result: Result = {
      n,
      createdMs,
      allSeenMs: allSeenMs || readyMs,
      readyMs,
      heapUsed: sum(i1, 'searchkube_operator_nodejs_heap_size_used_bytes'),
      peakRss: Math.max(peakRss, rssBytes(op.pid, 'VmHWM')),
      rssAfter,
      cpuMs: cpu1 - cpu0,
      cpuTotalMs: cpuMs(op.pid),
      reconcileSeconds: sum(m1, 'searchkube_operator_reconcile_duration_seconds_sum') - sum(m0, 'searchkube_operator_reconcile_duration_seconds_sum'),
      reconciles: sum(m1, 'searchkube_operator_reconcile_total') - sum(m0, 'searchkube_operator_reconcile_total'),
      reconcileErrors: sum(m1, 'searchkube_operator_reconcile_errors_total') - sum(m0, 'searchkube_operator_reconcile_errors_total'),
      requests: sum(m1, 'searchkube_operator_api_requests_total', notLease) - sum(m0, 'searchkube_operator_api_requests_total', notLease),
      writes: sum(m1, 'searchkube_operator_api_writes_total', notLease) - sum(m0, 'searchkube_operator_api_writes_total', notLease),
      breakdown: new Map([...requestDelta(m0, m1)].filter(([k]) => !k.includes('leases'))),
      idle: {
        windowMs: IDLE_WINDOW_MS,
        writes: [...writeBreakdown.values()].reduce((a, b) => a + b, 0),
        writeBreakdown,
        requests: sum(i1, 'searchkube_operator_api_requests_total', notLease) - sum(i0, 'searchkube_operator_api_requests_total', notLease),
        lists: sum(i1, 'searchkube_operator_informer_lists_total') - sum(i0, 'searchkube_operator_informer_lists_total'),
        reconciles: sum(i1, 'searchkube_operator_reconcile_total') - sum(i0, 'searchkube_operator_reconcile_total'),
      },
    };
    report(result);
    return result;
  } finally {
    await op?.stop();
    const down = await cluster.stop();
    delete running.op;
    delete running.cluster;
    say(`cluster stopped (${down[down.length - 1]})`);
  }
}

function eventRequests(r: Result): number {
  return [...r.breakdown].filter(([k]) => k.split(' ')[1] === 'events').reduce((a, [, v]) => a + v, 0);
}

function report(r: Result): void {
  const perReconcile = r.requests / r.reconciles;
  const perInstance = r.requests / r.n;
  console.log(`\n== ${r.n} SearchInstances (engine stub pods, ${os.cpus().length} cores) ==`);
  printRows([
    ['all created (8 concurrent creates)', `${(r.createdMs / 1000).toFixed(1)} s`],
    ['first create -> every instance has a status', `${(r.allSeenMs / 1000).toFixed(1)} s (the operator's first pass over all)`],
    ['first create -> all Ready', `${(r.readyMs / 1000).toFixed(1)} s (${((r.readyMs / r.n)).toFixed(0)} ms per instance)`],
    ['operator peak RSS (VmHWM)', `${mib(r.peakRss)} (${mib(r.rssAfter)} after the idle window, V8 heap used ${mib(r.heapUsed)})`],
    ['operator CPU until all Ready', `${(r.cpuMs / 1000).toFixed(1)} s (${(r.cpuMs / r.readyMs * 100).toFixed(0)}% of one core; ${(r.cpuTotalMs / 1000).toFixed(1)} s in its whole life)`],
    ['reconciles until all Ready', `${r.reconciles} (${(r.reconciles / r.n).toFixed(2)} per instance, ${((r.reconcileSeconds / r.reconciles) * 1000).toFixed(1)} ms mean, ${r.reconcileErrors} failed)`],
    ['API requests until all Ready (no Lease)', `${r.requests} (${r.writes} writes)`],
    ['  per reconcile', `${perReconcile.toFixed(2)}`],
    ['  per instance', `${perInstance.toFixed(2)} = ${(perInstance / MIN_REQUESTS_PER_INSTANCE).toFixed(2)}x the minimum of ${MIN_REQUESTS_PER_INSTANCE}`],
    ['  per instance without Events', `${((r.requests - eventRequests(r)) / r.n).toFixed(2)} = ${((r.requests - eventRequests(r)) / r.n / MIN_REQUESTS_PER_INSTANCE).toFixed(2)}x the minimum (Events are ${((eventRequests(r) / r.requests) * 100).toFixed(0)}% of all requests)`],
    ['  writes per instance', `${(r.writes / r.n).toFixed(2)} = ${(r.writes / r.n / MIN_REQUESTS_PER_INSTANCE).toFixed(2)}x the minimum of ${MIN_REQUESTS_PER_INSTANCE}`],
    [`idle window ${r.idle.windowMs / 1000} s: writes (no Lease; goal 0)`, `${r.idle.writes}${r.idle.writes ? ` (${[...r.idle.writeBreakdown].map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}`],
    ['  meanwhile: informer lists, reconciles, requests', `${r.idle.lists}, ${r.idle.reconciles} (${(r.idle.reconciles / r.n).toFixed(2)} per instance), ${r.idle.requests} (all reads)`],
  ]);
  console.log('  requests by verb and resource until all Ready (per instance):');
  for (const [k, v] of r.breakdown) console.log(`    ${k.padEnd(44)} ${String(v).padStart(6)}  ${(v / r.n).toFixed(2)}`);
}

const results: Result[] = [];
for (const n of SIZES) {
  try {
    results.push(await runSize(n));
  } catch (e) {
    console.log(`\n== ${n} SearchInstances: FAILED: ${(e as Error).message} ==`);
  }
}
if (results.length > 1) {
  const [a, b] = [results[0]!, results[results.length - 1]!];
  console.log(`\n== ${b.n} vs ${a.n} (x${(b.n / a.n).toFixed(1)} instances) ==`);
  printRows([
    ['time until all Ready', `x${(b.readyMs / a.readyMs).toFixed(2)}`],
    ['operator peak RSS', `x${(b.peakRss / a.peakRss).toFixed(2)} (+${mib(b.peakRss - a.peakRss)}, ${((b.peakRss - a.peakRss) / (b.n - a.n) / 1024).toFixed(0)} KiB per extra instance)`],
    ['API requests per instance', `x${(b.requests / b.n / (a.requests / a.n)).toFixed(2)}`],
  ]);
}
process.exit(0);
