// Finalizers, written with the object's resourceVersion as a precondition so that a stale cache
// never drops somebody else's finalizer.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeApi } from './client.ts';
import type { ResourceType } from './resource.ts';

export function hasFinalizer(obj: KubernetesObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

export function isBeingDeleted(obj: KubernetesObject): boolean {
  return !!obj.metadata?.deletionTimestamp;
}

async function setFinalizers<T extends KubernetesObject>(api: KubeApi, type: ResourceType, obj: T, finalizers: string[]): Promise<T> {
  return api.mergePatch<T>(type, obj.metadata?.namespace, obj.metadata!.name!, { metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion } });
}

export function addFinalizer<T extends KubernetesObject>(api: KubeApi, type: ResourceType, obj: T, finalizer: string): Promise<T> {
  return setFinalizers(api, type, obj, [...(obj.metadata?.finalizers ?? []), finalizer]);
}

export function removeFinalizer<T extends KubernetesObject>(api: KubeApi, type: ResourceType, obj: T, finalizer: string): Promise<T> {
  return setFinalizers(api, type, obj, (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer));
}
