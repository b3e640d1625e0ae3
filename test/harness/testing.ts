// Helpers for cluster tests: API clients for the cluster under test, a namespace per test file,
// and polling.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, inject } from 'vitest';
import { startPrivateCluster, type PrivateCluster } from './private-cluster.ts';

export interface ClusterClients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  nodeName: string;
  stateDir: string;
}

export function clusterClients(): ClusterClients {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return { kc, core: kc.makeApiClient(CoreV1Api), apps: kc.makeApiClient(AppsV1Api), nodeName: inject('nodeName'), stateDir: inject('clusterStateDir') };
}

import { eventually } from './eventually.ts';

export { eventually };

/**
 * Creates a fresh namespace for the calling test file (beforeAll) and deletes it afterwards.
 * Waits for its `default` ServiceAccount, since pods are rejected until it exists.
 */
export function useNamespace(prefix: string): { readonly name: string; readonly clients: ClusterClients } {
  const state = { name: '', clients: undefined as unknown as ClusterClients };
  beforeAll(async () => {
    state.clients = clusterClients();
    state.name = `${prefix}-${randomBytes(3).toString('hex')}`;
    const { core } = state.clients;
    await core.createNamespace({ body: { metadata: { name: state.name, labels: { 'searchkube.test/owner': 'vitest' } } } });
    await eventually(`ServiceAccount default in ${state.name}`, () => core.readNamespacedServiceAccount({ name: 'default', namespace: state.name }));
  });
  afterAll(async () => {
    if (state.name) await state.clients.core.deleteNamespace({ name: state.name }).catch(() => undefined);
  });
  return {
    get name() {
      return state.name;
    },
    get clients() {
      return state.clients;
    },
  };
}

export function isPodReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** GET http://<ip>:<port><path> and parse JSON; rejects on connection errors. */
export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

/**
 * A private cluster for the calling test file (started in beforeAll, stopped in afterAll): its own
 * etcd/apiserver/controller-manager/kubelet, so the file may restart its apiserver without
 * disturbing other files. ~5 s to start. See private-cluster.ts.
 */
export function usePrivateCluster(name: string): { readonly cluster: PrivateCluster } {
  let cluster: PrivateCluster | undefined;
  beforeAll(async () => {
    cluster = await startPrivateCluster(name);
  });
  afterAll(async () => {
    const c = cluster;
    if (!c) return;
    const dead = c.deadComponents().map((p) => p.name);
    await c.stop();
    if (dead.length > 0) throw new Error(`private cluster ${name}: components died during the tests: ${dead.join(', ')} (logs in .cache/cluster-logs/private-${name})`);
  });
  return {
    get cluster() {
      if (!cluster) throw new Error('the private cluster is not started (use it inside tests or hooks)');
      return cluster;
    },
  };
}
