// The data and dumps PVCs. They are separate objects, not StatefulSet volumeClaimTemplates: a
// template is immutable, while these must grow on request and outlive the instance on Retain.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { INSTANCE_DEFAULTS, type SearchInstance, type VolumeSpec } from '../api/search-instance.ts';
import { instanceNames, ownedMeta } from './names.ts';

export type VolumeRole = 'data' | 'dumps';

export function volumeSpec(si: SearchInstance, role: VolumeRole): VolumeSpec {
  const given = role === 'data' ? si.spec.storage : si.spec.dumps;
  return { size: given?.size ?? (role === 'data' ? INSTANCE_DEFAULTS.storageSize : INSTANCE_DEFAULTS.dumpsSize), ...(given?.storageClassName ? { storageClassName: given.storageClassName } : {}) };
}

export function pvcName(si: SearchInstance, role: VolumeRole): string {
  const n = instanceNames(si.metadata.name!);
  return role === 'data' ? n.dataPvc : n.dumpsPvc;
}

/** `size` is the size to request, which the caller may hold at the current one (never shrink). */
export function buildPvc(si: SearchInstance, role: VolumeRole, size: string): V1PersistentVolumeClaim {
  const { storageClassName } = volumeSpec(si, role);
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: ownedMeta(si, pvcName(si, role)),
    spec: {
      accessModes: ['ReadWriteOnce'],
      volumeMode: 'Filesystem',
      resources: { requests: { storage: size } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  };
}
