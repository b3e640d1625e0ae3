/**
 * npm run bench:upgrade — a SearchInstance holding debian-packages-63k is upgraded by the real
 * operator on a private control plane (real apiserver, StatefulSet controller, process kubelet,
 * engine pods; this checkout's engine under two version tags), once with Recreate and once with
 * BlueGreen. Measured, each in the same run:
 * - the upgrade's total time (spec.version patched -> status.upgrade finished), per step;
 * - the time the instance did not serve, reads and writes separately: a reader searches and a
 *   writer adds a document every 50 ms on the pod the Service selects; a window of failures
 *   (503 or no answer) lasts from the first failed request to the next success;
 * - the floors: a dump of the same data (the engine task's own duration) and an import of that
 *   dump (`--import-dump` until /health is 200, a local engine), and the ratio
 *   total / (dump + import): what the orchestration costs on top of the work it cannot avoid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { eventually } from '../test/harness/eventually.ts';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type V1PersistentVolume, type V1PersistentVolumeClaim, type V1Pod, type V1Secret, type V1Service } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { buildCrds } from '../operator/src/api/crds.ts';
import { crdsDir } from '../operator/src/api/generate-crds.ts';
import type { SearchInstance } from '../operator/src/api/search-instance.ts';
import { SEARCHINSTANCES } from '../operator/src/controllers/search-instance/resource-types.ts';
import { KubeClient } from '../operator/src/kube/client.ts';
import { PODS, PVCS, SECRETS, SERVICES, type ResourceType } from '../operator/src/kube/resource.ts';
import { HttpTransport } from '../operator/src/kube/transport.ts';
import { startPrivateCluster } from '../test/harness/private-cluster.ts';
import { startEngine, tempDir } from '../test/helpers/engine-process.ts';
import { Api } from '../test/helpers/http-client.ts';
import { printRows } from './process-stats.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const DEBIAN = path.resolve(repoRoot, '../shared/datasets/debian-packages-63k.ndjson');
const NS = 'bench';
const CRDS: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };
const NAMESPACES: ResourceType = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
const SERVICEACCOUNTS: ResourceType = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };
const PVS: ResourceType = { group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false };
const PROBE_MS = 50;

const until = <T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 600_000, everyMs = 100): Promise<T> => eventually(what, fn, timeoutMs, everyMs);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function startOperator(kubeconfig: string): ChildProcess {
  const log = path.join(os.tmpdir(), `searchkube-upgrade-bench-operator-${process.pid}.log`);
  const out = createWriteStream(log);
  const proc = spawn(path.join(repoRoot, 'node_modules', '.bin', 'node'), [path.join(repoRoot, 'operator', 'src', 'main.ts'), `--namespaces=${NS}`, '--metrics-addr=127.0.0.1:0', `--leader-election-namespace=${NS}`, '--stats-interval=5'], {
    env: { ...process.env, KUBECONFIG: kubeconfig, SEARCHKUBE_ENGINE_ACCESS: 'pod-ip' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  console.log(`operator log: ${log}`);
  return proc;
}

/** The pod the Service selects (the harness has no Service proxy: this is what kube-proxy would do). */
async function servedPodIP(api: KubeClient, name: string): Promise<string | undefined> {
  const svc = await api.get<V1Service>(SERVICES, NS, name);
  const selector = Object.entries(svc.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = (await api.list<V1Pod>(PODS, NS, { labelSelector: selector })).items;
  return pods.find((p) => !p.metadata?.deletionTimestamp && p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))?.status?.podIP;
}

interface Probe {
  ok: number;
  failed: number;
  windows: Array<[number, number]>;
  stop(): Promise<void>;
  /** Total time inside failure windows that overlap [from, to]. */
  downMs(): number;
}

/** Sends one request every PROBE_MS to the served pod; records failure windows. */
function probe(api: KubeClient, name: string, key: string, request: (e: Api, n: number) => Promise<boolean>): Probe {
  let on = true;
  let ip: string | undefined;
  let refreshed = 0;
  let failingSince: number | undefined;
  const state = { ok: 0, failed: 0, windows: [] as Array<[number, number]> };
  const done = (async () => {
    for (let n = 0; on; n++) {
      const t = Date.now();
      let good = false;
      try {
        if (!ip || t - refreshed > 1000) {
          ip = (await servedPodIP(api, name)) ?? ip;
          refreshed = t;
        }
        if (ip) good = await request(new Api(`http://${ip}:7700`, key), n);
      } catch {
        good = false;
      }
      if (good) {
        state.ok++;
        if (failingSince !== undefined) state.windows.push([failingSince, Date.now()]);
        failingSince = undefined;
      } else {
        state.failed++;
        failingSince ??= t;
        ip = undefined; // look the pod up again
      }
      await sleep(Math.max(0, PROBE_MS - (Date.now() - t)));
    }
    if (failingSince !== undefined) state.windows.push([failingSince, Date.now()]);
  })();
  return Object.assign(state, {
    stop: async () => {
      on = false;
      await done;
    },
    downMs: () => state.windows.reduce((n, [a, b]) => n + (b - a), 0),
  });
}

async function masterKey(api: KubeClient, name: string): Promise<string> {
  const secret = await api.get<V1Secret>(SECRETS, NS, `${name}-master-key`);
  return Buffer.from(secret.data!['masterKey']!, 'base64').toString();
}

async function upgrade(api: KubeClient, name: string, to: string, strategy: 'Recreate' | 'BlueGreen', key: string): Promise<void> {
  const reader = probe(api, name, key, async (e) => {
    const r = await e.post('/indexes/packages/search', { q: 'game', limit: 1 });
    return r.status === 200;
  });
  const writer = probe(api, name, key, async (e, n) => {
    const r = await e.post('/indexes/writes/documents', [{ id: n, note: `during the ${strategy} upgrade` }]);
    return r.status === 202;
  });
  await sleep(1000);
  const steps: Array<[string, number]> = [];
  const t0 = Date.now();
  await api.mergePatch(SEARCHINSTANCES, NS, name, { spec: { version: to, upgrade: { strategy } } });
  const si = await until(`upgrade to ${to}`, async () => {
    const si = await api.get<SearchInstance>(SEARCHINSTANCES, NS, name);
    const u = si.status?.upgrade;
    if (u?.to === to && u.step && steps.at(-1)?.[0] !== u.step) steps.push([u.step, Date.now()]);
    return u?.to === to && u.finishedAt ? si : false;
  }, 1_800_000, 50);
  const total = Date.now() - t0;
  await sleep(1000);
  await reader.stop();
  await writer.stop();
  const u = si.status!.upgrade!;
  if (u.result !== 'Succeeded') throw new Error(`the upgrade failed: ${JSON.stringify(u.failure)}`);
  console.log(`\n## ${strategy} upgrade ${u.from} -> ${to} (${u.before?.documents} documents in ${u.before?.indexes} indexes, verified ${u.after?.documents})`);
  const rows: Array<[string, string]> = [['total (spec.version patched -> finished)', s(total)]];
  steps.forEach(([step, at], i) => rows.push([`  step ${step}`, s((steps[i + 1]?.[1] ?? t0 + total) - at)]));
  rows.push(
    ['reads not served', `${s(reader.downMs())} (${reader.failed} of ${reader.ok + reader.failed} searches failed, ${reader.windows.length} windows)`],
    ['writes not served', `${s(writer.downMs())} (${writer.failed} of ${writer.ok + writer.failed} writes refused or failed, ${writer.windows.length} windows)`],
  );
  printRows(rows);
  results.push({ strategy, total });
}

const results: Array<{ strategy: string; total: number }> = [];

const cluster = await startPrivateCluster('upgrade-bench');
const operators: ChildProcess[] = [];
try {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfig);
  const api = new KubeClient(new HttpTransport(kc));
  for (const file of buildCrds().keys()) await api.apply(CRDS, parse(readFileSync(path.join(crdsDir, file), 'utf8')), 'bench');
  await sleep(2000);
  await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  await until('ServiceAccount default', () => api.get(SERVICEACCOUNTS, NS, 'default'));
  operators.push(startOperator(cluster.kubeconfig));
  const name = 'packages';
  await api.create<SearchInstance>(SEARCHINSTANCES, { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchInstance', metadata: { name, namespace: NS }, spec: { version: '1.0.0', storage: { size: '5Gi' }, dumps: { size: '5Gi' } } } as SearchInstance);
  await until('instance Ready', async () => (await api.get<SearchInstance>(SEARCHINSTANCES, NS, name)).status?.phase === 'Ready');
  const key = await masterKey(api, name);
  const engine = new Api(`http://${await servedPodIP(api, name)}:7700`, key);
  const ndjson = readFileSync(DEBIAN, 'utf8');
  const t = Date.now();
  const add = await engine.post('/indexes/packages/documents', ndjson, { 'content-type': 'application/x-ndjson' });
  const task = await engine.waitTask(add.body.taskUid, 1_800_000);
  if (task.status !== 'succeeded') throw new Error(`indexing failed: ${JSON.stringify(task.error)}`);
  const docs = (await engine.get('/indexes/packages/stats')).body.numberOfDocuments as number;
  console.log(`instance ${NS}/${name} holds debian-packages-63k: ${docs} documents, indexed in ${s(Date.now() - t)}`);

  // The floors, on the same data in the same run: one dump (the engine task's own duration) and
  // its import into a fresh local engine (--import-dump until /health 200).
  const dumpTask = await engine.run(engine.post('/dumps'));
  const dumpMs = Date.parse(dumpTask.finishedAt) - Date.parse(dumpTask.startedAt);
  const pvc = await api.get<V1PersistentVolumeClaim>(PVCS, NS, `${name}-dumps`);
  const pv = await api.get<V1PersistentVolume>(PVS, undefined, pvc.spec!.volumeName!);
  const dumpFile = path.join(pv.spec!.hostPath!.path, `${dumpTask.details.dumpUid}.dump`);
  const dir = tempDir('bench-upgrade-import');
  const i0 = Date.now();
  const imported = await startEngine({ dbPath: path.join(dir, 'db'), dumpDir: path.join(dir, 'dumps'), args: ['--import-dump', dumpFile] });
  const importMs = Date.now() - i0;
  await imported.stop();
  await engine.delete(`/dumps/${dumpTask.details.dumpUid}`);
  console.log('\n## floors (same data, same run)');
  printRows([
    ['dump (engine task duration)', s(dumpMs)],
    ['import (--import-dump until /health 200)', s(importMs)],
    ['dump + import', s(dumpMs + importMs)],
  ]);

  await upgrade(api, name, '1.1.0', 'Recreate', key);
  await upgrade(api, name, '1.2.0', 'BlueGreen', key);

  console.log('\n## ratio total / (dump + import)');
  printRows(results.map((r) => [r.strategy, `${(r.total / (dumpMs + importMs)).toFixed(2)}x`]));
} finally {
  for (const p of operators) p.kill('SIGTERM');
  await sleep(1000);
  await cluster.stop();
}
