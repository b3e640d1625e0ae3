// Deletion policies, an operator killed mid-reconcile, and two operators of which only the
// leader acts. Each test runs the real operator program as a child process.
import { afterEach, describe, expect, it } from 'vitest';
import type { V1Lease, V1PersistentVolumeClaim, V1Secret, V1StatefulSet } from '@kubernetes/client-node';
import { eventually, useNamespace } from '../harness/testing.ts';
import { LEASES, PVCS, SECRETS, STATEFULSETS, type ResourceType } from '../../operator/src/kube/resource.ts';
import { isNotFound } from '../../operator/src/kube/errors.ts';
import { SEARCHINSTANCES } from '../../operator/src/controllers/search-instance/resource-types.ts';
import { createInstance, installCrds, kubeApi, startOperator, waitForPhase, type OperatorProcess } from './operator-support.ts';

const ns = useNamespace('op-lifecycle');
const api = kubeApi();
const running: OperatorProcess[] = [];

async function operator(extra: string[] = [], tag = 'op'): Promise<OperatorProcess> {
  await installCrds(api);
  const op = await startOperator(ns.name, extra, tag);
  running.push(op);
  return op;
}

afterEach(async () => {
  for (const op of running.splice(0)) await op.stop('SIGKILL');
});

async function gone(type: ResourceType, name: string): Promise<boolean> {
  return api.get(type, ns.name, name).then(() => false, (e: unknown) => isNotFound(e));
}

async function deleteInstance(name: string): Promise<void> {
  await api.delete(SEARCHINSTANCES, ns.name, name);
  await eventually(`SearchInstance ${name} gone`, () => gone(SEARCHINSTANCES, name), 60_000);
}

describe('deletionPolicy', () => {
  it('Retain (the default) keeps the PVCs and the generated Secret, unowned; a new instance of the same name adopts them', async () => {
    await operator();
    await createInstance(api, ns.name, 'keep');
    await waitForPhase(api, ns.name, 'keep');
    const key = (await api.get<V1Secret>(SECRETS, ns.name, 'keep-master-key')).data!.masterKey;
    await deleteInstance('keep');
    // The garbage collector may take its time (it learns new CRDs by periodic discovery); what
    // matters is that it has nothing to collect: the kept objects no longer name an owner.
    await new Promise((r) => setTimeout(r, 3000));
    for (const pvc of ['keep-data', 'keep-dumps']) {
      const live = await api.get<V1PersistentVolumeClaim>(PVCS, ns.name, pvc);
      expect(live.metadata?.deletionTimestamp).toBeUndefined();
      expect(live.metadata?.ownerReferences ?? []).toEqual([]);
    }
    expect((await api.get<V1Secret>(SECRETS, ns.name, 'keep-master-key')).metadata?.ownerReferences ?? []).toEqual([]);

    const again = await createInstance(api, ns.name, 'keep');
    await waitForPhase(api, ns.name, 'keep');
    const pvc = await api.get<V1PersistentVolumeClaim>(PVCS, ns.name, 'keep-data');
    expect(pvc.metadata?.ownerReferences?.map((r) => r.uid)).toEqual([again.metadata.uid]);
    expect((await api.get<V1Secret>(SECRETS, ns.name, 'keep-master-key')).data!.masterKey).toBe(key);
  });

  it('Delete removes the PVCs and the generated Secret with the instance', async () => {
    await operator();
    await createInstance(api, ns.name, 'drop', { deletionPolicy: 'Delete' });
    await waitForPhase(api, ns.name, 'drop');
    await deleteInstance('drop');
    for (const [type, name] of [[PVCS, 'drop-data'], [PVCS, 'drop-dumps'], [SECRETS, 'drop-master-key'], [STATEFULSETS, 'drop']] as const) {
      await eventually(`${type.kind} ${name} deleted`, () => gone(type, name), 60_000);
    }
  });
});

describe('operator restarts', () => {
  it('converges after being killed in the middle of a reconcile, without rotating the master key', async () => {
    const first = await operator([], 'first');
    await createInstance(api, ns.name, 'crash');
    // Kill it as soon as the first object of the pass exists: the rest of the pass never ran.
    const secret = await eventually('Secret crash-master-key', () => api.get<V1Secret>(SECRETS, ns.name, 'crash-master-key').catch(() => undefined), 30_000, 20);
    await first.stop('SIGKILL');
    const sts = await api.get<V1StatefulSet>(STATEFULSETS, ns.name, 'crash').catch(() => undefined);
    const second = await operator([], 'second');
    await waitForPhase(api, ns.name, 'crash');
    expect((await api.get<V1Secret>(SECRETS, ns.name, 'crash-master-key')).data).toEqual(secret.data);
    expect(await second.sum('searchkube_operator_api_writes_total', (l) => l.includes('"secrets"'))).toBe(0);
    // Informative: whether the kill landed before the StatefulSet was created.
    console.log(`killed with the StatefulSet ${sts ? 'already' : 'not yet'} created`);
  });
});

describe('leader election', () => {
  it('lets only the leader act; the standby takes over when the leader dies', async () => {
    const a = await operator(['--leader-election-id=le-test'], 'a');
    await eventually('a leads', async () => (await a.sum('searchkube_operator_leader')) === 1, 30_000);
    const b = await operator(['--leader-election-id=le-test'], 'b');
    await createInstance(api, ns.name, 'led');
    await waitForPhase(api, ns.name, 'led');
    expect(await b.sum('searchkube_operator_leader')).toBe(0);
    expect(await b.sum('searchkube_operator_reconcile_total')).toBe(0);
    expect(await b.sum('searchkube_operator_api_writes_total', (l) => !l.includes('leases'))).toBe(0);
    expect(await a.sum('searchkube_operator_reconcile_total')).toBeGreaterThan(0);

    await a.stop('SIGKILL'); // no release: b must wait for the lease to expire
    await eventually('b leads', async () => (await b.sum('searchkube_operator_leader')) === 1, 30_000);
    const lease = await api.get<V1Lease>(LEASES, ns.name, 'le-test');
    expect(lease.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
    await api.mergePatch(SEARCHINSTANCES, ns.name, 'led', { spec: { env: [{ name: 'MEILI_LOG_LEVEL', value: 'WARN' }] } });
    await waitForPhase(api, ns.name, 'led', 'Ready', 60_000, (si) => si.metadata.generation === 2);
    expect(await b.sum('searchkube_operator_reconcile_total')).toBeGreaterThan(0);
  });
});
