// Helpers for the operator's cluster tests: install the CRDs through the API, run the real
// operator program (node operator/src/main.ts) as a child process against the test cluster,
// read its metrics, and work with SearchInstances.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { inject } from 'vitest';
import { buildCrds } from '../../operator/src/api/crds.ts';
import type { SearchInstance, SearchInstanceSpec } from '../../operator/src/api/search-instance.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { KubeClient } from '../../operator/src/kube/client.ts';
import { isAlreadyExists } from '../../operator/src/kube/errors.ts';
import type { ResourceType } from '../../operator/src/kube/resource.ts';
import { HttpTransport } from '../../operator/src/kube/transport.ts';
import { crdsDir } from '../../operator/src/api/generate-crds.ts';
import { eventually } from '../harness/testing.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const CRDS: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };

/** A client for the run's cluster, or for the cluster of `kubeconfig` (a private one). */
export function kubeApi(kubeconfig = inject('kubeconfig')): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new KubeClient(new HttpTransport(kc));
}

/** `kubectl apply --server-side -f crds/` through the API, then waits until they are Established. */
export async function installCrds(api: KubeClient): Promise<void> {
  for (const file of buildCrds().keys()) {
    const crd = parse(readFileSync(path.join(crdsDir, file), 'utf8'));
    await api.apply(CRDS, crd, 'searchkube-tests');
    await eventually(`CRD ${crd.metadata.name} Established`, async () => {
      const live = await api.get<{ status?: { conditions?: Array<{ type: string; status: string }> } } & { metadata: object }>(CRDS, undefined, crd.metadata.name);
      return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    }, 30_000);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface OperatorProcess {
  proc: ChildProcess;
  port: number;
  logFile: string;
  metrics(): Promise<Map<string, number>>;
  /** Sum of a counter over all its label sets matching `filter`. */
  sum(name: string, filter?: (labels: string) => boolean): Promise<number>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Runs the operator program; leader election on a Lease in `namespace` with short timings (flags in
 * `extra` come later and win). `kubeconfig`: another cluster than the run's (a private one).
 */
export async function startOperator(namespace: string, extra: string[] = [], tag = 'op', kubeconfig = inject('kubeconfig')): Promise<OperatorProcess> {
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `searchkube-operator-${namespace}-${tag}-${port}.log`);
  const out = createWriteStream(logFile);
  const args = [
    path.join(repoRoot, 'operator', 'src', 'main.ts'),
    `--namespaces=${namespace}`,
    `--metrics-addr=127.0.0.1:${port}`,
    `--leader-election-namespace=${namespace}`,
    '--lease-duration=4',
    '--renew-deadline=3',
    '--retry-period=1',
    '--stats-interval=2',
    ...extra,
  ];
  const proc = spawn(path.join(repoRoot, 'node_modules', '.bin', 'node'), args, {
    env: { ...process.env, KUBECONFIG: kubeconfig, SEARCHKUBE_ENGINE_ACCESS: 'pod-ip' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const metrics = async (): Promise<Map<string, number>> => {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) })).text();
    const m = new Map<string, number>();
    for (const line of text.split('\n')) {
      if (!line || line.startsWith('#')) continue;
      const i = line.lastIndexOf(' ');
      m.set(line.slice(0, i), Number(line.slice(i + 1)));
    }
    return m;
  };
  await eventually(`operator /healthz on ${port} (log ${logFile})`, async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, 30_000);
  return {
    proc,
    port,
    logFile,
    metrics,
    async sum(name, filter = () => true) {
      let total = 0;
      for (const [k, v] of await metrics()) {
        const brace = k.indexOf('{');
        const metric = brace < 0 ? k : k.slice(0, brace);
        if (metric === name && filter(brace < 0 ? '' : k.slice(brace))) total += v;
      }
      return total;
    },
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

export async function createInstance(api: KubeClient, namespace: string, name: string, spec: Partial<SearchInstanceSpec> = {}): Promise<SearchInstance> {
  const body = { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchInstance', metadata: { name, namespace }, spec: { version: '0.1.0', storage: { size: '1Gi' }, dumps: { size: '1Gi' }, ...spec } };
  try {
    return await api.create<SearchInstance>(SEARCHINSTANCES, body as SearchInstance);
  } catch (e) {
    if (isAlreadyExists(e)) return api.get<SearchInstance>(SEARCHINSTANCES, namespace, name);
    throw e;
  }
}

export function getInstance(api: KubeClient, namespace: string, name: string): Promise<SearchInstance> {
  return api.get<SearchInstance>(SEARCHINSTANCES, namespace, name);
}

export async function waitForPhase(api: KubeClient, namespace: string, name: string, phase = 'Ready', timeoutMs = 90_000, extra: (si: SearchInstance) => boolean = () => true): Promise<SearchInstance> {
  return eventually(`SearchInstance ${namespace}/${name} ${phase}`, async () => {
    const si = await getInstance(api, namespace, name);
    return si.status?.phase === phase && si.status.observedGeneration === si.metadata.generation && extra(si) ? si : false;
  }, timeoutMs, 300);
}
