// Names, labels and owner references of what a SearchInstance owns. The names are public
// contract (DESIGN.md): users and tests find the pod, PVCs and Secret by them.
import type { V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';
import { API_VERSION, FIELD_MANAGER, INSTANCE_LABEL } from '../api/group.ts';
import { SEARCH_INSTANCE, type SearchInstance } from '../api/search-instance.ts';

export const ENGINE_PORT = 7700;

export interface InstanceNames {
  statefulSet: string;
  service: string;
  pod: string;
  dataPvc: string;
  dumpsPvc: string;
  generatedSecret: string;
}

export function instanceNames(name: string): InstanceNames {
  return {
    statefulSet: name,
    service: name,
    pod: `${name}-0`,
    dataPvc: `${name}-data`,
    dumpsPvc: `${name}-dumps`,
    generatedSecret: `${name}-master-key`,
  };
}

/** The selector label alone: it is immutable on a StatefulSet, so it must never grow. */
export function selectorLabels(si: SearchInstance): Record<string, string> {
  return { [INSTANCE_LABEL]: si.metadata.name! };
}

export function instanceLabels(si: SearchInstance): Record<string, string> {
  return {
    ...selectorLabels(si),
    'app.kubernetes.io/name': 'searchkube-engine',
    'app.kubernetes.io/instance': si.metadata.name!,
    'app.kubernetes.io/managed-by': FIELD_MANAGER,
  };
}

export function ownerReference(si: SearchInstance): V1OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: SEARCH_INSTANCE.kind,
    name: si.metadata.name!,
    uid: si.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Metadata of an owned object: same namespace, instance labels, the instance as controller. */
export function ownedMeta(si: SearchInstance, name: string): V1ObjectMeta {
  return { name, namespace: si.metadata.namespace!, labels: instanceLabels(si), ownerReferences: [ownerReference(si)] };
}

/** In-cluster URL of the engine, through its Service. */
export function serviceEndpoint(si: SearchInstance): string {
  return `http://${si.metadata.name}.${si.metadata.namespace}.svc:${ENGINE_PORT}`;
}
