// Step 2: the data and dumps PVCs. A claim never shrinks, and grows only where its StorageClass
// allows volume expansion; otherwise the instance says why its size is not the one asked for.
import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../../api/group.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import { applyIfChanged } from '../../kube/apply.ts';
import { PVCS } from '../../kube/resource.ts';
import { parseQuantity } from '../../kube/semantic.ts';
import type { ConditionInput } from '../../kube/status.ts';
import { buildPvc, pvcName, volumeSpec, type VolumeRole } from '../../resources/pvcs.ts';
import type { InstanceDeps } from './deps.ts';
import type { Observations } from './observations.ts';
import { HASH_ANNOTATION } from './hash.ts';

export const EXPANSION_CONDITION = 'VolumeExpansion';

async function sizeToRequest(deps: InstanceDeps, si: SearchInstance, role: VolumeRole, live: V1PersistentVolumeClaim | undefined, notes: ConditionInput[]): Promise<string> {
  const want = volumeSpec(si, role).size;
  const current = live?.spec?.resources?.requests?.storage;
  if (!live || current === undefined) return want;
  const w = parseQuantity(want) ?? 0;
  const c = parseQuantity(current) ?? 0;
  const name = live.metadata!.name!;
  const capacity = parseQuantity(live.status?.capacity?.storage ?? '0') ?? 0;
  if (w < c) {
    notes.push({ type: EXPANSION_CONDITION, status: 'False', reason: 'ShrinkNotSupported', message: `PVC ${name} cannot shrink from ${current} to ${want}; it keeps ${current}` });
    return current;
  }
  if (w > c) {
    const className = live.spec?.storageClassName;
    const sc = className ? await deps.lookups.storageClass(className) : undefined;
    if (!sc?.allowVolumeExpansion) {
      notes.push({
        type: EXPANSION_CONDITION,
        status: 'False',
        reason: 'ExpansionNotSupported',
        message: `PVC ${name} stays at ${current}: StorageClass ${className ?? '(none)'} does not allow volume expansion`,
      });
      return current;
    }
    await deps.events.record(si, 'Normal', 'ExpandingVolume', `Requesting ${want} for PVC ${name} (was ${current})`);
    notes.push({ type: EXPANSION_CONDITION, status: 'True', reason: 'Expanding', message: `PVC ${name} requested ${want}; waiting for the storage driver` });
    return want;
  }
  if (capacity > 0 && capacity < c) notes.push({ type: EXPANSION_CONDITION, status: 'True', reason: 'Expanding', message: `PVC ${name} requested ${current}, has ${live.status!.capacity!.storage}; waiting for the storage driver` });
  return current;
}

export async function ensureVolumes(deps: InstanceDeps, si: SearchInstance, obs: Observations): Promise<void> {
  const ns = si.metadata.namespace!;
  const notes: ConditionInput[] = [];
  for (const role of ['data', 'dumps'] as const) {
    const name = pvcName(si, role);
    const live = deps.cache.pvcs.get(ns, name);
    const size = await sizeToRequest(deps, si, role, live, notes);
    const applied = await applyIfChanged(deps.api, PVCS, buildPvc(si, role, size), live, { fieldManager: FIELD_MANAGER, hashAnnotation: HASH_ANNOTATION });
    if (applied) {
      obs.writes.push(`apply PersistentVolumeClaim ${name}`);
      if (!live) await deps.events.record(si, 'Normal', 'Created', `Created PersistentVolumeClaim ${name} (${size})`);
    }
  }
  // Refusals first: they need the user; an expansion in progress only needs time.
  obs.volumeExpansion = notes.find((n) => n.status === 'False') ?? notes[0];
  if (obs.volumeExpansion?.status === 'False') await deps.events.record(si, 'Warning', obs.volumeExpansion.reason, obs.volumeExpansion.message);
}
