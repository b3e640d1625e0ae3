// Helpers for the Helm chart's cluster tests: the chart's objects as they run (operator pods,
// their metrics), RBAC questions asked of the apiserver (SubjectAccessReview), samples as objects,
// and the engine an instance runs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import { Meilisearch } from 'meilisearch';
import { parse } from 'yaml';
import { crdsDir } from '../../operator/src/api/generate-crds.ts';
import type { KubeClient } from '../../operator/src/kube/client.ts';
import { isNotFound } from '../../operator/src/kube/errors.ts';
import { PODS, SECRETS, type ResourceType } from '../../operator/src/kube/resource.ts';
import { HttpTransport } from '../../operator/src/kube/transport.ts';
import { eventually, isPodReady } from '../harness/testing.ts';

export const CRDS: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };
export const DEPLOYMENTS: ResourceType = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true };
export const SERVICEACCOUNTS: ResourceType = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };
export const ROLES: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', kind: 'Role', namespaced: true };
export const ROLEBINDINGS: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', kind: 'RoleBinding', namespaced: true };
export const CLUSTERROLES: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false };
export const CLUSTERROLEBINDINGS: ResourceType = { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false };
export const LEASES: ResourceType = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };

export interface SampleObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: Record<string, unknown>;
}

/** A file of crds/samples/ placed in `namespace`. */
export function sampleIn<T = SampleObject>(file: string, namespace: string): T {
  const o = parse(readFileSync(path.join(crdsDir, 'samples', file), 'utf8')) as SampleObject;
  return { ...o, metadata: { ...o.metadata, namespace } } as T;
}

export function transportFor(kubeconfig: string): HttpTransport {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return new HttpTransport(kc);
}

/** Does the ServiceAccount have this permission? Asked of the apiserver's authorizer. */
export async function saCan(kubeconfig: string, sa: { namespace: string; name: string }, verb: string, resource: string, namespace?: string, group = ''): Promise<boolean> {
  const review = await transportFor(kubeconfig).request<{ status: { allowed: boolean } }>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: `system:serviceaccount:${sa.namespace}:${sa.name}`,
        groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
        resourceAttributes: { verb, group, resource, ...(namespace ? { namespace } : {}) },
      },
    },
  });
  return review.status.allowed;
}

/** The Ready operator pods of a release (excluding `notUid`), exactly `count` of them. */
export async function operatorPods(api: KubeClient, namespace: string, release: string, count = 1, notUid?: string): Promise<V1Pod[]> {
  return eventually(`${count} Ready operator pod(s) of release ${release}`, async () => {
    const pods = (await api.list<V1Pod>(PODS, namespace, { labelSelector: `app.kubernetes.io/instance=${release},app.kubernetes.io/name=searchkube-operator` })).items;
    const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
    return live.length === count && pods.length === count && live.every((p) => isPodReady(p) && p.metadata?.uid !== notUid) ? live : undefined;
  }, 120_000, 500);
}

/**
 * The operator's leader-election identity is <hostname>-<pid>-<random>. Under the process kubelet
 * the hostname is the machine's, so a pod is recognised by its process id (containerID process://<pid>).
 */
export function holdsLease(pod: V1Pod, holderIdentity: string | undefined): boolean {
  const pid = /^process:\/\/(\d+)$/.exec(pod.status?.containerStatuses?.[0]?.containerID ?? '')?.[1];
  return !!pid && !!holderIdentity && holderIdentity.includes(`-${pid}-`);
}

/** Prometheus text of a pod's /metrics (the harness moves the operator's metrics port to the pod IP). */
export async function podMetrics(pod: V1Pod, port = 8080): Promise<Map<string, number>> {
  const text = await (await fetch(`http://${pod.status!.podIP}:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

export function sumMetric(m: Map<string, number>, name: string, filter: (labels: string) => boolean = () => true): number {
  let total = 0;
  for (const [k, v] of m) {
    const brace = k.indexOf('{');
    if ((brace < 0 ? k : k.slice(0, brace)) === name && filter(brace < 0 ? '' : k.slice(brace))) total += v;
  }
  return total;
}

/** A Meilisearch client on the instance's Ready pod, with the master key from its Secret. */
export async function engineClient(api: KubeClient, namespace: string, instance: string, secretName = `${instance}-master-key`): Promise<{ client: Meilisearch; url: string; key: string }> {
  const secret = await api.get<V1Secret>(SECRETS, namespace, secretName);
  const key = Buffer.from(secret.data!.masterKey!, 'base64').toString();
  const pod = await eventually(`pod ${instance}-0 Ready`, async () => {
    const p = await api.get<V1Pod>(PODS, namespace, `${instance}-0`).catch(() => undefined);
    return p && !p.metadata?.deletionTimestamp && isPodReady(p) ? p : undefined;
  }, 120_000);
  const url = `http://${pod.status!.podIP}:7700`;
  return { client: new Meilisearch({ host: url, apiKey: key }), url, key };
}

/** Drops every finalizer of the objects of `type` in `namespace` (after the operator is gone, so the namespace can go). */
export async function stripFinalizers(api: KubeClient, type: ResourceType, namespace: string): Promise<void> {
  let items: Array<{ metadata?: { name?: string; finalizers?: string[] } }>;
  try {
    items = (await api.list(type, namespace)).items;
  } catch (e) {
    if (isNotFound(e)) return;
    throw e;
  }
  for (const o of items) {
    if (o.metadata?.finalizers?.length) await api.mergePatch(type, namespace, o.metadata.name!, { metadata: { finalizers: null } }).catch(() => undefined);
  }
}
