// Types and schema fragments shared by the three kinds.
import type { V1ObjectMeta } from '@kubernetes/client-node';
import { arr, int, obj, str, timestamp, type Schema } from './schema.ts';
import type { ConditionLike } from '../kube/status.ts';

/** A status condition, shaped like metav1.Condition (the runtime's generic type). */
export type Condition = ConditionLike;

export interface LocalObjectReference {
  name: string;
}

/**
 * A custom object as it comes over the wire (JSON, not the client's deserialized classes):
 * timestamps in metadata are strings here even though V1ObjectMeta types them as Date.
 */
export interface CustomObject<Spec, Status> {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta;
  spec: Spec;
  status?: Status;
}

export const conditionsSchema: Schema = arr(
  obj(
    {
      type: str('Kind of condition, e.g. Ready.', { maxLength: 316 }),
      status: str('True, False or Unknown.', { enum: ['True', 'False', 'Unknown'] }),
      reason: str('One-word CamelCase reason for the last transition.', { maxLength: 1024 }),
      message: str('Human-readable details.', { maxLength: 32768 }),
      lastTransitionTime: timestamp('When status last changed.'),
      observedGeneration: int('The .metadata.generation the condition was computed from.', { minimum: 0 }),
    },
    { required: ['type', 'status', 'reason', 'lastTransitionTime'] },
  ),
  'Latest observations of the object\'s state.',
  { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
);

export function localRefSchema(description: string): Schema {
  return obj({ name: str('Name of the object in the same namespace.', { minLength: 1, maxLength: 253 }) }, { description, required: ['name'] });
}
