// The operator survives a kube-apiserver restart. On a PRIVATE cluster (restarting the shared
// one would break every other test file): an instance is Ready, the apiserver is stopped (by pid)
// and started again on the same port with the same certs and etcd; the operator must stay up the
// whole time, and afterwards its informers must be watching again and changes reconciled in
// bounded time. The engine is the harness's stub: what is tested is the operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Pod, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { eventually, isPodReady, usePrivateCluster } from '../harness/testing.ts';
import type { RestartTiming } from '../harness/private-cluster.ts';
import { isNotFound } from '../../operator/src/kube/errors.ts';
import { PODS, PVCS, SECRETS, SERVICES, STATEFULSETS, type ResourceType } from '../../operator/src/kube/resource.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import type { SearchInstance, SearchInstanceSpec } from '../../operator/src/api/search-instance.ts';
import type { KubeClient } from '../../operator/src/kube/client.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const NAMESPACES: ResourceType = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false };
const SERVICEACCOUNTS: ResourceType = { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true };
// The engine stub under the name the operator takes for its own engine: one small process per pod.
const STUB: Partial<SearchInstanceSpec> = { image: { repository: 'stub.invalid/searchkube/engine' } };
// Leader election as in production, with a renew deadline above the restart's downtime: a leader
// that cannot renew for that long exits on purpose (its supervisor restarts it), which is the
// Lease's safety rule, not a crash; the test checks that the downtime stayed below it.
const RENEW_DEADLINE_S = 20;
/** After the apiserver is back: every informer watching again, then each change done, within this. */
const BOUND_MS = 45_000;

const pc = usePrivateCluster('apiserver-restart');
const ns = 'restart';
let api: KubeClient;
let op: OperatorProcess;

function say(msg: string): void {
  process.stderr.write(`[apiserver-restart] ${msg}\n`);
}

async function readyPod(name: string, notUid?: string, timeoutMs = BOUND_MS): Promise<V1Pod> {
  return eventually(`pod ${name} Ready`, async () => {
    const p = await api.get<V1Pod>(PODS, ns, name).catch(() => undefined);
    return p && p.metadata?.uid !== notUid && isPodReady(p) ? p : undefined;
  }, timeoutMs);
}

const openWatches = () => op.sum('searchkube_operator_informer_watches');

/**
 * Restarts the apiserver while checking, every 250 ms, that the operator process lives and
 * answers /healthz; then waits until it has as many open watches as before.
 */
async function restartAndRecover(graceMs: number, holdDownMs: number): Promise<{ timing: RestartTiming; watchingMs: number }> {
  const watches0 = await openWatches();
  expect(watches0).toBeGreaterThanOrEqual(6); // instances, statefulsets, services, pvcs, pods, secrets (+ any other controller's)
  const errors0 = await op.sum('searchkube_operator_watch_errors_total');
  const problems: string[] = [];
  const timing = await pc.cluster.restartApiserver({
    graceMs,
    whileDown: async () => {
      const until = Date.now() + holdDownMs;
      while (Date.now() < until) {
        if (op.proc.exitCode !== null || op.proc.signalCode !== null) problems.push(`exited ${op.proc.exitCode ?? op.proc.signalCode}`);
        const health = await fetch(`http://127.0.0.1:${op.port}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
        if (health !== 200) problems.push(`healthz ${health}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  });
  expect(problems).toEqual([]);
  expect(timing.downMs).toBeLessThan(RENEW_DEADLINE_S * 1000);
  expect(await op.sum('searchkube_operator_watch_errors_total')).toBeGreaterThan(errors0);
  const back = Date.now();
  await eventually(`${watches0} informer watches open again`, async () => (await openWatches()) === watches0, BOUND_MS, 100);
  return { timing, watchingMs: Date.now() - back };
}

beforeAll(async () => {
  api = kubeApi(pc.cluster.kubeconfig);
  await installCrds(api);
  await api.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await eventually('ServiceAccount default', () => api.get(SERVICEACCOUNTS, ns, 'default'));
  op = await startOperator(ns, ['--lease-duration=30', `--renew-deadline=${RENEW_DEADLINE_S}`, '--retry-period=2'], 'restart', pc.cluster.kubeconfig);
  await createInstance(api, ns, 'before', STUB);
  await waitForPhase(api, ns, 'before', 'Ready', 60_000);
});

afterAll(async () => {
  await op?.stop();
});

describe('kube-apiserver restart', () => {
  it('graceful (SIGTERM): the operator stays up, resumes every watch, and reconciles a new instance, a spec change and a deleted Service', async () => {
    const podBefore = await readyPod('before-0');
    const { timing, watchingMs } = await restartAndRecover(10_000, 4000);
    const t0 = Date.now();
    await createInstance(api, ns, 'after', STUB);
    await waitForPhase(api, ns, 'after', 'Ready', BOUND_MS);
    const newMs = Date.now() - t0;
    await api.mergePatch(SEARCHINSTANCES, ns, 'before', { spec: { resources: { requests: { cpu: '50m' } } } });
    await readyPod('before-0', podBefore.metadata!.uid);
    const si = await waitForPhase(api, ns, 'before', 'Ready', BOUND_MS);
    expect(si.status?.observedGeneration).toBe(2);
    // An owned object deleted behind the operator's back comes back: its cache is live, not stale.
    await api.delete(SERVICES, ns, 'before');
    await eventually('Service before re-created', async () => {
      const svc = await api.get<V1Service>(SERVICES, ns, 'before').catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      return svc?.metadata?.deletionTimestamp ? undefined : svc;
    }, BOUND_MS);
    say(`SIGTERM: stop ${timing.stopMs} ms, down ${timing.downMs} ms; all watches open ${watchingMs} ms after /readyz; new instance Ready in ${newMs} ms; all changes done ${Date.now() - t0} ms after that`);
    expect(op.proc.exitCode).toBeNull();
    expect(await op.sum('searchkube_operator_leader')).toBe(1);
  });

  it('crash (SIGKILL): the operator stays up and, right after, writes what a new instance, a spec change and a deleted Service need', async () => {
    const { timing, watchingMs } = await restartAndRecover(0, 2000);
    const t0 = Date.now();
    // Only the operator's part is checked here: pods come from kube-controller-manager, whose
    // client-go reflectors are still backed off after a second outage within two minutes (its
    // StatefulSet controller took 40-90 s to create a pod, measured). The graceful case above
    // follows instances to Ready.
    await createInstance(api, ns, 'after-crash', STUB);
    await eventually('the objects and status of after-crash', async () => {
      for (const [type, name] of [[STATEFULSETS, 'after-crash'], [SERVICES, 'after-crash'], [PVCS, 'after-crash-data'], [PVCS, 'after-crash-dumps'], [SECRETS, 'after-crash-master-key']] as const) {
        if (!(await api.get(type, ns, name).catch(() => undefined))) return false;
      }
      const si = await api.get<SearchInstance>(SEARCHINSTANCES, ns, 'after-crash');
      return si.status?.observedGeneration === 1 && !!si.status.phase;
    }, BOUND_MS);
    const createdMs = Date.now() - t0;
    await api.mergePatch(SEARCHINSTANCES, ns, 'before', { spec: { resources: { requests: { cpu: '75m' } } } });
    await eventually('StatefulSet before with the new resources', async () => {
      const sts = await api.get<V1StatefulSet>(STATEFULSETS, ns, 'before');
      return sts.spec?.template.spec?.containers[0]?.resources?.requests?.cpu === '75m';
    }, BOUND_MS);
    await api.delete(SERVICES, ns, 'after');
    await eventually('Service after re-created', async () => {
      const svc = await api.get<V1Service>(SERVICES, ns, 'after').catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      return svc?.metadata?.deletionTimestamp ? undefined : svc;
    }, BOUND_MS);
    say(`SIGKILL: down ${timing.downMs} ms; all watches open ${watchingMs} ms after /readyz; new instance's objects and status in ${createdMs} ms; all three changes written ${Date.now() - t0} ms after`);
    expect(op.proc.exitCode).toBeNull();
  });
});
