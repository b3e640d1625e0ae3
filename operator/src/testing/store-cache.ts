import type { KubernetesObject } from '@kubernetes/client-node';
import type { InstanceCaches } from '../controllers/search-instance/deps.ts';
import { SEARCHINSTANCES } from '../controllers/search-instance/resource-types.ts';
import type { InformerSet } from '../kube/informer-set.ts';
import { PODS, PVCS, SECRETS, SERVICES, STATEFULSETS, type ResourceType } from '../kube/resource.ts';
import type { FakeApi } from './fake-api.ts';

/** A cache that reads through to the fake store, as a synced informer would. */
export function storeCache<T extends KubernetesObject>(api: FakeApi, type: ResourceType): InformerSet<T> {
  return {
    get: (ns: string, name: string) => api.store.get(`${type.plural}/${ns}/${name}`) as T | undefined,
    list: (ns?: string) => [...api.store.entries()].filter(([k]) => k.startsWith(`${type.plural}/${ns ?? ''}`)).map(([, v]) => v as T),
  } as unknown as InformerSet<T>;
}

/** Every cache the SearchInstance reconcile reads, over the fake store. */
export function instanceCaches(api: FakeApi): InstanceCaches {
  return {
    instances: storeCache(api, SEARCHINSTANCES),
    statefulSets: storeCache(api, STATEFULSETS),
    services: storeCache(api, SERVICES),
    pvcs: storeCache(api, PVCS),
    pods: storeCache(api, PODS),
    secrets: storeCache(api, SECRETS),
  };
}
