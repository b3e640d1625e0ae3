// Server-side apply, only when needed. An object is applied when it does not exist, when what we
// want changed since the last apply (a hash of the desired object, kept in an annotation: the only
// way to notice a field we stopped setting), or when someone changed a field we own (subset
// check). Otherwise nothing is sent: a reconcile that finds nothing to change writes nothing.
import { createHash } from 'node:crypto';
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeApi } from './client.ts';
import type { ResourceType } from './resource.ts';
import { isSubset, stableStringify } from './semantic.ts';

export function hashOf(obj: unknown): string {
  return createHash('sha256').update(stableStringify(obj)).digest('hex').slice(0, 16);
}

export function withHashAnnotation<T extends KubernetesObject>(desired: T, annotation: string): T {
  const hash = hashOf(desired);
  return { ...desired, metadata: { ...desired.metadata, annotations: { ...desired.metadata?.annotations, [annotation]: hash } } };
}

export function needsApply<T extends KubernetesObject>(desired: T, live: T | undefined, annotation: string): boolean {
  if (!live) return true;
  if (live.metadata?.annotations?.[annotation] !== desired.metadata?.annotations?.[annotation]) return true;
  return !isSubset(desired, live);
}

export interface ApplyOptions {
  fieldManager: string;
  hashAnnotation: string;
}

/** Returns the object after apply, or undefined when nothing had to be sent. */
export async function applyIfChanged<T extends KubernetesObject>(api: KubeApi, type: ResourceType, desired: T, live: T | undefined, o: ApplyOptions): Promise<T | undefined> {
  const stamped = withHashAnnotation(desired, o.hashAnnotation);
  if (!needsApply(stamped, live, o.hashAnnotation)) return undefined;
  return api.apply(type, stamped, o.fieldManager);
}
