// Conditions and status writes. A status is patched only when it differs from the live one, with
// the object's resourceVersion as a precondition (a 409 means someone wrote in between: the key
// is requeued and the next pass starts from fresh state).
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeApi } from './client.ts';
import type { ResourceType } from './resource.ts';
import { deepEqual, mergePatchFor } from './semantic.ts';

/** metav1.Condition's shape; times are RFC 3339 strings on the wire. */
export interface ConditionLike {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ConditionInput = Omit<ConditionLike, 'lastTransitionTime'>;

/**
 * Sets one condition, keeping lastTransitionTime when the status did not change (a new reason or
 * message is not a transition). Returns a new array.
 */
export function setCondition<C extends ConditionLike>(conditions: readonly C[] | undefined, next: ConditionInput, now: Date): C[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  const prev = i >= 0 ? list[i] : undefined;
  const lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : rfc3339(now);
  const c = { ...next, lastTransitionTime } as C;
  if (i >= 0) list[i] = c;
  else list.push(c);
  return list;
}

export function removeCondition<C extends ConditionLike>(conditions: readonly C[] | undefined, type: string): C[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

export function findCondition<C extends ConditionLike>(conditions: readonly C[] | undefined, type: string): C | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Seconds precision, as metav1.Time serializes. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Patches .status when it changed; returns the updated object, or undefined when nothing was sent. */
export async function patchStatusIfChanged<T extends KubernetesObject & { status?: unknown }>(api: KubeApi, type: ResourceType, obj: T, status: unknown): Promise<T | undefined> {
  if (deepEqual(obj.status ?? {}, status)) return undefined;
  const patch = { metadata: { resourceVersion: obj.metadata?.resourceVersion }, status: mergePatchFor(obj.status ?? {}, status) };
  return api.mergePatch<T>(type, obj.metadata?.namespace, obj.metadata!.name!, patch, 'status');
}
