// Chaos (issue 10): the operator under many SearchInstances while kube-apiserver goes away. On a
// PRIVATE cluster (the shared one must not be disturbed): N instances (engine stub pods: what is
// tested is the operator) and a SearchDumpSchedule on every tenth are created at once; during the
// operator's first pass (some Ready, many not) kube-apiserver is
//   1. crashed (SIGKILL) and started again,
//   2. hung (SIGSTOP for longer than the operator's request timeout, then SIGCONT),
//   3. stopped gracefully (SIGTERM) and started again.
// The operator must never exit, and in the end every instance is Ready with exactly its own
// StatefulSet, Service, master-key Secret and two PVCs (none twice, none left over), no generated
// master key has changed, the work queues are empty and no reconcile keeps failing, and its memory
// stayed bounded. Every figure is printed as a `[chaos]` line; durations are never asserted.
//
// N: CHAOS_OPERATOR_SCALE (500 under CHAOS_FULL=1 (`npm run test:chaos`), 40 otherwise).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubernetesObject, V1Pod, V1Secret } from '@kubernetes/client-node';
import { count, FULL, report } from '../chaos/scale.ts';
import { eventually, isPodReady, usePrivateCluster } from '../harness/testing.ts';
import type { SearchInstance, SearchInstanceSpec } from '../../operator/src/api/search-instance.ts';
import type { SearchDumpSchedule } from '../../operator/src/api/search-dump-schedule.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { SEARCHDUMPS, SEARCHDUMPSCHEDULES } from '../../operator/src/controllers/search-dump/resource-types.ts';
import type { KubeClient } from '../../operator/src/kube/client.ts';
import { PODS, PVCS, SECRETS, SERVICES, STATEFULSETS, type ResourceType } from '../../operator/src/kube/resource.ts';
import { instanceNames } from '../../operator/src/resources/names.ts';
import { createInstance, installCrds, kubeApi, startOperator, type OperatorProcess } from './operator-support.ts';

const N = count('operator_scale', 500, 40);
const SCHEDULE_EVERY = 10;
const NAMESPACES: ResourceType = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
const SERVICEACCOUNTS: ResourceType = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };
const STUB: Partial<SearchInstanceSpec> = { image: { repository: 'stub.invalid/searchkube/engine' } };
// A renew deadline above every outage below, as in operator-apiserver-restart.test.ts: a leader
// that cannot renew for that long exits on purpose, which this test must not provoke. 40 s: with
// 500 instances a crashed apiserver took 18 s to be ready again on 2 shared cores (measured).
const RENEW_DEADLINE_S = 40;
// Short, so the hang below outlasts it: requests to the stopped apiserver fail and are retried.
const REQUEST_TIMEOUT_S = 5;
const HANG_MS = 12_000;
const CRASH_DOWN_MS = 3000;
const GRACEFUL_DOWN_MS = 3000;
/** Bounds that only a leak or a stuck operator would cross (durations are printed, not asserted). */
const ALL_READY_MS = FULL ? 30 * 60_000 : 8 * 60_000;
const PEAK_RSS_BOUND = (300 + 1.5 * N) * 2 ** 20;

const pc = usePrivateCluster('chaos-op-scale');
const ns = 'scale';
const names = Array.from({ length: N }, (_, i) => `si-${String(i).padStart(4, '0')}`);
const scheduled = names.filter((_, i) => i % SCHEDULE_EVERY === 0);
let api: KubeClient;
let op: OperatorProcess;
const exits: string[] = [];

const say = (line: string) => report(`operator-scale: ${line}`);
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

function rss(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${op.proc.pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

type Metrics = Map<string, number>;
function sumOf(m: Metrics, name: string, filter: (labels: string) => boolean = () => true): number {
  let total = 0;
  for (const [k, v] of m) {
    const brace = k.indexOf('{');
    if ((brace < 0 ? k : k.slice(0, brace)) === name && filter(brace < 0 ? '' : k.slice(brace))) total += v;
  }
  return total;
}
const notLease = (labels: string) => !labels.includes('resource="leases"');
/** API requests without a 2xx answer between two snapshots, by "code method resource". */
function failedRequests(a: Metrics, b: Metrics): string {
  const out = new Map<string, number>();
  for (const [k, v] of b) {
    if (!k.startsWith('searchkube_operator_api_requests_total{')) continue;
    const code = /code="([^"]*)"/.exec(k)![1]!;
    if (code.startsWith('2')) continue;
    const d = v - (a.get(k) ?? 0);
    if (d === 0) continue;
    const key = `${code === '0' ? 'no answer' : code} ${/method="([^"]*)"/.exec(k)![1]} ${/resource="([^"]*)"/.exec(k)![1]}`;
    out.set(key, (out.get(key) ?? 0) + d);
  }
  return [...out].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
}

const openWatches = () => op.sum('searchkube_operator_informer_watches');
const leaseRenewals = () => op.sum('searchkube_operator_api_requests_total', (l) => l.includes('method="PUT"') && l.includes('resource="leases"') && l.includes('code="200"'));

async function readyCount(): Promise<{ ready: number; phases: string }> {
  const list = await api.list<SearchInstance>(SEARCHINSTANCES, ns);
  const phases = new Map<string, number>();
  let ready = 0;
  for (const si of list.items) {
    const p = si.status?.phase ?? '(none)';
    phases.set(p, (phases.get(p) ?? 0) + 1);
    if (si.status?.phase === 'Ready' && si.status.observedGeneration === si.metadata.generation) ready++;
  }
  return { ready, phases: [...phases].map(([p, c]) => `${p} ${c}`).join(', ') };
}

/** The first few instances not Ready, with what their status and their pod say (for a failure message). */
async function notReady(): Promise<string> {
  const out: string[] = [];
  for (const si of (await api.list<SearchInstance>(SEARCHINSTANCES, ns)).items) {
    if (si.status?.phase === 'Ready' || out.length >= 5) continue;
    const pod = await api.get<V1Pod>(PODS, ns, instanceNames(si.metadata.name!).pod).catch(() => undefined);
    const podSays = pod ? `pod ${pod.status?.phase} ${(pod.status?.conditions ?? []).map((c) => `${c.type}=${c.status}`).join(' ')}` : 'no pod';
    out.push(`${si.metadata.name}: ${si.status?.phase ?? 'no status'} (${si.status?.conditions?.find((c) => c.type === 'Ready')?.message ?? ''}; ${podSays})`);
  }
  return out.join('; ');
}

/** uid and a digest of the data of every generated master-key Secret that exists now. */
async function masterKeys(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const sec of (await api.list<V1Secret>(SECRETS, ns)).items) {
    if (!sec.metadata?.name?.endsWith('-master-key')) continue;
    out.set(sec.metadata.name, `${sec.metadata.uid} ${createHash('sha256').update(JSON.stringify(sec.data ?? {})).digest('hex')}`);
  }
  return out;
}

/** Every 250 ms while `during` runs: the operator process lives and answers /healthz. */
async function watchOperator<T>(during: () => Promise<T>): Promise<{ value: T; problems: string[] }> {
  const problems: string[] = [];
  let running = true;
  const watcher = (async () => {
    while (running) {
      if (op.proc.exitCode !== null || op.proc.signalCode !== null) problems.push(`exited ${op.proc.exitCode ?? op.proc.signalCode}`);
      const health = await fetch(`http://127.0.0.1:${op.port}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
      if (health !== 200) problems.push(`healthz ${health}`);
      await sleep(250);
    }
  })();
  try {
    return { value: await during(), problems };
  } finally {
    running = false;
    await watcher;
  }
}

interface Disruption {
  what: string;
  readyBefore: number;
  downMs: number;
  /** From the apiserver answering again until the operator had all its watches open again. */
  watchesMs: number;
  /** From the apiserver answering again until the operator had renewed its Lease. */
  leaseMs: number;
  failed: string;
}

async function disrupt(kind: 'crash' | 'hang' | 'graceful', readyBefore: number, keys: Map<string, string>[]): Promise<Disruption> {
  keys.push(await masterKeys());
  const watches0 = await openWatches();
  const m0 = await op.metrics();
  const { value: downMs, problems } = await watchOperator(async () => {
    if (kind === 'hang') return pc.cluster.pauseApiserver({ pausedMs: HANG_MS });
    const t = await pc.cluster.restartApiserver({ graceMs: kind === 'crash' ? 0 : 10_000, downMs: kind === 'crash' ? CRASH_DOWN_MS : GRACEFUL_DOWN_MS });
    return t.downMs;
  });
  expect(problems).toEqual([]);
  expect(downMs).toBeLessThan(RENEW_DEADLINE_S * 1000);
  const back = Date.now();
  const renewals0 = await leaseRenewals();
  await eventually(`${watches0} informer watches open again after the ${kind}`, async () => (await openWatches()) === watches0, 120_000, 100);
  const watchesMs = Date.now() - back;
  // Recovered also means the Lease renewed: the renew deadline counts from the last renewal, so
  // two outages back to back add up (measured: a hang then a graceful restart with no renewal in
  // between passed the 20 s deadline, and the operator exited on purpose).
  await eventually(`the Lease renewed after the ${kind}`, async () => (await leaseRenewals()) > renewals0, 60_000, 100);
  const leaseMs = Date.now() - back;
  const m1 = await op.metrics();
  const d: Disruption = { what: kind, readyBefore, downMs, watchesMs, leaseMs, failed: failedRequests(m0, m1) };
  if (kind === 'hang') {
    // Requests sent to the stopped apiserver ended by the request timeout (no answer), not by waiting.
    expect(sumOf(m1, 'searchkube_operator_api_requests_total', (l) => l.includes('code="0"')) - sumOf(m0, 'searchkube_operator_api_requests_total', (l) => l.includes('code="0"'))).toBeGreaterThan(0);
  }
  say(`${kind}: ${readyBefore}/${N} Ready before; apiserver ${kind === 'hang' ? 'stopped (SIGSTOP)' : 'down'} ${s(downMs)}; all ${watches0} watches open ${s(watchesMs)} after, Lease renewed ${s(leaseMs)} after; requests without a 2xx meanwhile: ${d.failed}`);
  return d;
}

function byName<T extends KubernetesObject>(items: T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const o of items) out.set(o.metadata!.name!, [...(out.get(o.metadata!.name!) ?? []), o]);
  return out;
}

beforeAll(async () => {
  api = kubeApi(pc.cluster.kubeconfig);
  await installCrds(api);
  await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await eventually('ServiceAccount default', () => api.get(SERVICEACCOUNTS, ns, 'default'));
  op = await startOperator(
    ns,
    ['--lease-duration=60', `--renew-deadline=${RENEW_DEADLINE_S}`, '--retry-period=2', `--request-timeout=${REQUEST_TIMEOUT_S}`, '--stats-interval=60', '--log-level=warn'],
    'chaos-scale',
    pc.cluster.kubeconfig,
  );
  op.proc.once('exit', (code, signal) => exits.push(`exit ${code ?? signal}`));
});

afterAll(async () => {
  await op?.stop();
});

describe(`the operator with ${N} SearchInstances while kube-apiserver crashes, hangs and restarts`, () => {
  it('never exits; every instance ends Ready with exactly its own objects and its first master key', async () => {
    const m0 = await op.metrics();
    const t0 = Date.now();
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next < N) {
        const name = names[next++]!;
        await createInstance(api, ns, name, STUB);
        if (scheduled.includes(name)) {
          await api.create<SearchDumpSchedule>(SEARCHDUMPSCHEDULES, {
            apiVersion: 'searchkube.io/v1alpha1',
            kind: 'SearchDumpSchedule',
            metadata: { name: `${name}-nightly`, namespace: ns },
            // Yearly: its next slot is months away, so the schedule is reconciled (status, next
            // time) but creates no dump that the stub engine could not serve.
            spec: { instanceRef: { name }, schedule: '@yearly' },
          } as SearchDumpSchedule);
        }
      }
    }));
    say(`${N} SearchInstances and ${scheduled.length} SearchDumpSchedules created in ${s(Date.now() - t0)}`);

    // The disruptions, at three stages of the first pass: the crash as soon as one is Ready, the
    // hang at a tenth, the graceful restart at two fifths, each after the operator has recovered
    // from the one before.
    const plan: Array<'crash' | 'hang' | 'graceful'> = ['crash', 'hang', 'graceful'];
    const at = { crash: 1, hang: Math.ceil(N / 10), graceful: Math.ceil((2 * N) / 5) };
    const done: Disruption[] = [];
    const keys: Map<string, string>[] = [];
    let lastSay = 0;
    let allReadyMs = 0;
    const deadline = t0 + ALL_READY_MS;
    for (;;) {
      const { ready, phases } = await readyCount().catch(() => ({ ready: -1, phases: 'list failed' }));
      if (Date.now() - lastSay > 15_000) {
        lastSay = Date.now();
        say(`  ${s(Date.now() - t0)}: ${ready}/${N} Ready (${phases}), operator RSS ${mib(rss('VmRSS'))}`);
      }
      if (plan.length > 0 && ready >= at[plan[0]!]) {
        done.push(await disrupt(plan.shift()!, ready, keys));
        continue;
      }
      if (plan.length === 0 && ready === N) {
        allReadyMs = Date.now() - t0;
        break;
      }
      if (Date.now() > deadline) throw new Error(`only ${ready}/${N} Ready after ${s(ALL_READY_MS)} (${phases}); ${await notReady()}; operator log ${op.logFile}`);
      await sleep(1000);
    }
    expect(done.map((d) => d.what)).toEqual(['crash', 'hang', 'graceful']);
    say(`all ${N} Ready ${s(allReadyMs)} after the first create (disruptions at ${done.map((d) => `${d.what} ${d.readyBefore}`).join(', ')} Ready)`);

    // No reconcile stuck: the queues drain and failures stop.
    const quiet = await eventually('empty work queues and no new reconcile errors', async () => {
      const a = await op.metrics();
      await sleep(3000);
      const b = await op.metrics();
      const depth = sumOf(b, 'searchkube_operator_workqueue_depth');
      const newErrors = sumOf(b, 'searchkube_operator_reconcile_errors_total') - sumOf(a, 'searchkube_operator_reconcile_errors_total');
      return depth === 0 && newErrors === 0 ? b : undefined;
    }, 120_000, 0);

    // Exactly one of each object per instance, owned by it, and nothing else.
    const instances = byName((await api.list<SearchInstance>(SEARCHINSTANCES, ns)).items);
    expect(instances.size).toBe(N);
    const expected: Array<[ResourceType, keyof ReturnType<typeof instanceNames>]> = [[STATEFULSETS, 'statefulSet'], [SERVICES, 'service'], [SECRETS, 'generatedSecret'], [PVCS, 'dataPvc'], [PVCS, 'dumpsPvc'], [PODS, 'pod']];
    for (const type of [STATEFULSETS, SERVICES, SECRETS, PVCS, PODS]) {
      const live = (await api.list<KubernetesObject & { type?: string }>(type, ns)).items.filter((o) => o.type !== 'kubernetes.io/service-account-token');
      const want = new Set<string>();
      for (const name of names) for (const [t, k] of expected) if (t === type) want.add(instanceNames(name)[k]);
      const have = byName(live);
      expect([...have].filter(([, v]) => v.length > 1).map(([k]) => k), `${type.plural} twice`).toEqual([]);
      expect([...have.keys()].filter((k) => !want.has(k)), `${type.plural} left over`).toEqual([]);
      expect([...want].filter((k) => !have.has(k)), `${type.plural} missing`).toEqual([]);
      if (type === PODS) {
        expect(live.filter((p) => !isPodReady(p as V1Pod)).map((p) => p.metadata!.name), 'pods not Ready').toEqual([]);
        continue;
      }
      // Owned by the instance of the same name (the pod is the StatefulSet's).
      const wrongOwner = live.filter((o) => {
        const owner = o.metadata?.ownerReferences?.find((r) => r.controller);
        return !owner || owner.kind !== 'SearchInstance' || instances.get(owner.name)?.[0]?.metadata?.uid !== owner.uid;
      });
      expect(wrongOwner.map((o) => o.metadata!.name), `${type.plural} without their instance as controller`).toEqual([]);
    }
    // The key generated first is the key kept: no Secret re-created or rewritten across the outages.
    const finalKeys = await masterKeys();
    for (const [i, before] of keys.entries()) {
      const changed = [...before].filter(([name, v]) => finalKeys.get(name) !== v).map(([name]) => name);
      expect(changed, `master keys changed since before the ${done[i]!.what}`).toEqual([]);
    }
    // Each schedule reconciled, at most one dump per schedule and slot.
    const schedules = (await api.list<SearchDumpSchedule>(SEARCHDUMPSCHEDULES, ns)).items;
    expect(schedules.length).toBe(scheduled.length);
    expect(schedules.filter((x) => !x.status?.nextScheduleTime || !x.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((x) => x.metadata.name)).toEqual([]);
    const dumps = byName((await api.list(SEARCHDUMPS, ns)).items);
    expect([...dumps].filter(([, v]) => v.length > 1).map(([k]) => k)).toEqual([]);

    // The operator: alive throughout, still the leader, memory bounded.
    expect(exits).toEqual([]);
    expect(op.proc.exitCode).toBeNull();
    expect(await op.sum('searchkube_operator_leader')).toBe(1);
    const peak = rss('VmHWM');
    const requests = sumOf(quiet, 'searchkube_operator_api_requests_total', notLease) - sumOf(m0, 'searchkube_operator_api_requests_total', notLease);
    const writes = sumOf(quiet, 'searchkube_operator_api_writes_total', notLease) - sumOf(m0, 'searchkube_operator_api_writes_total', notLease);
    const reconciles = sumOf(quiet, 'searchkube_operator_reconcile_total') - sumOf(m0, 'searchkube_operator_reconcile_total');
    const reconcileErrors = sumOf(quiet, 'searchkube_operator_reconcile_errors_total') - sumOf(m0, 'searchkube_operator_reconcile_errors_total');
    const secretsCreated = sumOf(quiet, 'searchkube_operator_api_requests_total', (l) => l.includes('method="POST"') && l.includes('resource="secrets"') && l.includes('code="201"'));
    say(`operator: never exited; peak RSS ${mib(peak)} (now ${mib(rss('VmRSS'))}, bound ${mib(PEAK_RSS_BOUND)})`);
    say(`operator: ${requests} API requests (${writes} writes, ${(requests / N).toFixed(1)} per instance, Lease apart), ${reconciles} reconciles (${(reconciles / N).toFixed(1)} per instance), ${reconcileErrors} failed and retried`);
    say(`operator: ${sumOf(quiet, 'searchkube_operator_watch_errors_total')} watches ended by an error, ${sumOf(quiet, 'searchkube_operator_informer_lists_total')} informer lists; master-key Secrets created ${secretsCreated} (instances ${N})`);
    say(`operator: requests without a 2xx over the whole run: ${failedRequests(m0, quiet)}`);
    expect(peak).toBeLessThan(PEAK_RSS_BOUND);
  }, ALL_READY_MS + 5 * 60_000);
});
