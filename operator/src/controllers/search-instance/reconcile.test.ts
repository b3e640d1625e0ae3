// Pure-logic tests of the reconcile pass over a fake API and hand-fed caches (the real apiserver
// is exercised by test/cluster/operator-*.test.ts).
import type { KubernetesObject, V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { SearchInstance } from '../../api/search-instance.ts';
import { ApiError } from '../../kube/errors.ts';
import { EventRecorder } from '../../kube/events.ts';
import { PODS, STORAGECLASSES } from '../../kube/resource.ts';
import { FakeApi } from '../../testing/fake-api.ts';
import { instanceCaches } from '../../testing/store-cache.ts';
import { FakeClock } from '../../testing/fake-clock.ts';
import { makeInstance } from '../../testing/fixtures.ts';
import { Lookups, type InstanceDeps } from './deps.ts';
import { computeStatus } from './instance-status.ts';
import { reconcileInstance } from './reconcile.ts';
import { SEARCHINSTANCES } from './resource-types.ts';

function setup(si: SearchInstance) {
  const api = new FakeApi();
  const clock = new FakeClock();
  api.put(SEARCHINSTANCES, si);
  const cache = instanceCaches(api);
  const deps: InstanceDeps = {
    api,
    clock,
    events: new EventRecorder({ api, clock, component: 'test', instance: 't' }),
    cache,
    engineAccess: 'pod-ip',
    statsIntervalMs: 60_000,
    pendingRequeueMs: 10_000,
    lookups: new Lookups(api, clock),
    engineStats: async () => ({ indexes: 1, documents: 42, databaseSize: 1000 }),
    engineLatestWrite: async () => undefined,
    log: () => {},
  };
  return { api, deps };
}

/** What the StatefulSet controller and kubelet would do: a rolled-out set with a ready pod. */
function runPod(api: FakeApi) {
  const sts = api.store.get('statefulsets/shop/products') as V1StatefulSet;
  api.store.set('statefulsets/shop/products', { ...sts, status: { replicas: 1, observedGeneration: sts.metadata!.generation, currentRevision: 'r1', updateRevision: 'r1', updatedReplicas: 1 } } as V1StatefulSet);
  api.put<V1Pod>(PODS, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'products-0', namespace: 'shop', labels: { 'searchkube.io/instance': 'products' } },
    status: { phase: 'Running', podIP: '127.1.0.5', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

const nonEvents = (api: FakeApi) => api.writes().filter((c) => c.plural !== 'events');

describe('reconcileInstance', () => {
  it('creates Secret, PVCs, StatefulSet and Service, then reports Ready with stats, then writes nothing', async () => {
    const { api, deps } = setup(makeInstance('products'));
    await reconcileInstance(deps, 'shop/products');
    expect(nonEvents(api).map((c) => `${c.verb} ${c.plural}${c.subresource ? '/' + c.subresource : ''}`)).toEqual([
      'mergePatch searchinstances',
      'create secrets',
      'apply persistentvolumeclaims',
      'apply persistentvolumeclaims',
      'apply statefulsets',
      'apply services',
      'mergePatch searchinstances/status',
    ]);
    runPod(api);
    await reconcileInstance(deps, 'shop/products');
    const si = api.store.get('searchinstances/shop/products') as SearchInstance;
    expect(si.status).toMatchObject({ phase: 'Ready', currentVersion: '0.3.0', stats: { documents: 42 } });

    api.calls.length = 0;
    const result = await reconcileInstance(deps, 'shop/products');
    expect(api.writes()).toEqual([]);
    expect(result.requeueAfterMs).toBe(60_000);
  });

  it('records a Warning Event for a failed reconcile, but not when the apiserver did not answer at all', async () => {
    for (const [error, events] of [
      [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }), 0],
      [new ApiError(0, 'RequestTimeout', 'PATCH x: no answer within 30000 ms (request timeout)'), 0],
      [new ApiError(500, 'InternalError', 'PATCH x: 500 InternalError'), 1],
    ] as const) {
      const { api, deps } = setup(makeInstance());
      api.mergePatch = (async () => {
        throw error;
      }) as typeof api.mergePatch;
      await expect(reconcileInstance(deps, 'shop/products')).rejects.toBe(error);
      expect(api.calls.filter((c) => c.plural === 'events').length, error.message).toBe(events);
    }
  });

  it('blocks as Failed while the user Secret is missing, creating nothing', async () => {
    const { api, deps } = setup(makeInstance('products', { masterKey: { secretRef: { name: 'mine' } } }));
    await reconcileInstance(deps, 'shop/products');
    const si = api.store.get('searchinstances/shop/products') as SearchInstance;
    expect(si.status?.phase).toBe('Failed');
    expect(si.status?.conditions?.[0]).toMatchObject({ reason: 'MasterKeyMissing', message: 'Secret mine (spec.masterKey.secretRef) does not exist' });
    expect(nonEvents(api).map((c) => c.plural)).toEqual(['searchinstances', 'searchinstances']);
  });

  it('grows a PVC only where the StorageClass allows it, and says so otherwise', async () => {
    const { api, deps } = setup(makeInstance('products', { storage: { size: '10Gi', storageClassName: 'fixed' } }));
    api.put(STORAGECLASSES, { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fixed' }, provisioner: 'x', allowVolumeExpansion: false } as KubernetesObject);
    await reconcileInstance(deps, 'shop/products');
    await api.mergePatch(SEARCHINSTANCES, 'shop', 'products', { spec: { storage: { size: '20Gi', storageClassName: 'fixed' } } });
    await reconcileInstance(deps, 'shop/products');
    const si = api.store.get('searchinstances/shop/products') as SearchInstance;
    expect(si.status?.conditions?.find((c) => c.type === 'VolumeExpansion')).toMatchObject({ status: 'False', reason: 'ExpansionNotSupported' });
    const pvc = api.store.get('persistentvolumeclaims/shop/products-data') as { spec: { resources: { requests: { storage: string } } } };
    expect(pvc.spec.resources.requests.storage).toBe('10Gi');
  });
});

describe('computeStatus', () => {
  it('reports a crash-looping pod as Failed with its reason', () => {
    const si = makeInstance('products');
    const pod = { status: { phase: 'Running', containerStatuses: [{ name: 'engine', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } } }] } } as unknown as V1Pod;
    const s = computeStatus(si, { writes: [], pod, runningVersion: '0.3.0' }, new Date());
    expect(s.phase).toBe('Failed');
    expect(s.conditions?.[0]).toMatchObject({ status: 'False', reason: 'PodFailing', message: 'Pod products-0: CrashLoopBackOff: back-off 40s' });
  });

  it('is Provisioning during a roll even while the old pod is still ready', () => {
    const si = makeInstance('products');
    const pod = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } } as unknown as V1Pod;
    const sts = { metadata: { generation: 3 }, status: { observedGeneration: 3, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 0 } } as V1StatefulSet;
    expect(computeStatus(si, { writes: [], pod, statefulSet: sts, runningVersion: '0.3.0' }, new Date()).phase).toBe('Provisioning');
  });
});
