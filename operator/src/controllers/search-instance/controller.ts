// Wiring: informers over SearchInstances and everything they own, mapped to instance keys
// ("namespace/name") on one work queue. Owned objects find their instance by the instance label.
import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod, V1Secret, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { INSTANCE_LABEL } from '../../api/group.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { BackoffOptions } from '../../kube/backoff.ts';
import type { Clock } from '../../kube/clock.ts';
import type { KubeApi } from '../../kube/client.ts';
import { Controller, type ControllerObserver } from '../../kube/controller.ts';
import { InformerSet } from '../../kube/informer-set.ts';
import type { InformerObserver } from '../../kube/informer.ts';
import { PODS, PVCS, SECRETS, SERVICES, STATEFULSETS, type ResourceType } from '../../kube/resource.ts';
import type { InstanceCaches, InstanceDeps } from './deps.ts';
import { reconcileInstance } from './reconcile.ts';
import { SEARCHINSTANCES } from './resource-types.ts';

export interface InformerSettings {
  api: KubeApi;
  clock: Clock;
  namespaces: readonly string[];
  resyncMs: number;
  observer?: InformerObserver;
  log?: (msg: string) => void;
}

export function makeInstanceCaches(s: InformerSettings): InstanceCaches {
  const base = { api: s.api, clock: s.clock, resyncMs: s.resyncMs, ...(s.observer ? { observer: s.observer } : {}), ...(s.log ? { log: s.log } : {}) };
  const owned = <T extends KubernetesObject>(type: ResourceType) => new InformerSet<T>(s.namespaces, { ...base, type, labelSelector: INSTANCE_LABEL });
  return {
    instances: new InformerSet<SearchInstance>(s.namespaces, { ...base, type: SEARCHINSTANCES }),
    statefulSets: owned<V1StatefulSet>(STATEFULSETS),
    services: owned<V1Service>(SERVICES),
    pvcs: owned<V1PersistentVolumeClaim>(PVCS),
    pods: owned<V1Pod>(PODS),
    secrets: owned<V1Secret>(SECRETS),
  };
}

export function allInformers(c: InstanceCaches): Array<InformerSet<KubernetesObject>> {
  return [c.instances, c.statefulSets, c.services, c.pvcs, c.pods, c.secrets] as unknown as Array<InformerSet<KubernetesObject>>;
}

export function makeInstanceController(deps: InstanceDeps, o: { workers: number; observer?: ControllerObserver; backoff?: BackoffOptions }): Controller {
  const controller = new Controller({
    name: 'searchinstance',
    clock: deps.clock,
    workers: o.workers,
    reconcile: (key) => reconcileInstance(deps, key),
    ...(o.observer ? { observer: o.observer } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
    log: deps.log,
  });
  const c = deps.cache;
  // Every event of an instance, resyncs included: the periodic pass re-checks drift and stats.
  c.instances.on((_e, si) => controller.enqueue(`${si.metadata.namespace}/${si.metadata.name}`));
  // Owned objects: real changes only; their resyncs would only duplicate the instance's.
  for (const set of [c.statefulSets, c.services, c.pvcs, c.pods, c.secrets] as Array<InformerSet<KubernetesObject>>) {
    set.on((e, obj) => {
      const owner = obj.metadata?.labels?.[INSTANCE_LABEL];
      if (e !== 'resync' && owner && obj.metadata?.namespace) controller.enqueue(`${obj.metadata.namespace}/${owner}`);
    });
  }
  return controller;
}
