// Deletion. The finalizer holds the SearchInstance until its deletionPolicy is carried out:
//   Retain (default): the PVCs (database and dump files) and the generated Secret lose their
//     owner reference, so the garbage collector leaves them; a new instance of the same name
//     adopts them again and finds its data and its key.
//   Delete: the PVCs and the generated Secret are deleted now (the dump files live on the dumps
//     PVC and go with it).
// The StatefulSet and Service always go, through their owner references.
import type { KubernetesObject } from '@kubernetes/client-node';
import { INSTANCE_DEFAULTS, type SearchInstance } from '../../api/search-instance.ts';
import { INSTANCE_FINALIZER } from '../../api/group.ts';
import { isNotFound } from '../../kube/errors.ts';
import { hasFinalizer, removeFinalizer } from '../../kube/finalizers.ts';
import { PVCS, SECRETS, type ResourceType } from '../../kube/resource.ts';
import { instanceNames } from '../../resources/names.ts';
import { masterKeyRef } from '../../resources/secret.ts';
import type { InstanceDeps } from './deps.ts';
import { SEARCHINSTANCES } from './resource-types.ts';

interface Kept {
  type: ResourceType;
  name: string;
}

function keptObjects(si: SearchInstance): Kept[] {
  const n = instanceNames(si.metadata.name!);
  const kept: Kept[] = [
    { type: PVCS, name: n.dataPvc },
    { type: PVCS, name: n.dumpsPvc },
  ];
  if (masterKeyRef(si).generated) kept.push({ type: SECRETS, name: n.generatedSecret });
  return kept;
}

async function orphan(deps: InstanceDeps, si: SearchInstance, k: Kept): Promise<boolean> {
  let obj: KubernetesObject;
  try {
    obj = await deps.api.get(k.type, si.metadata.namespace, k.name);
  } catch (e) {
    if (isNotFound(e)) return false;
    throw e;
  }
  const refs = obj.metadata?.ownerReferences ?? [];
  const rest = refs.filter((r) => r.uid !== si.metadata.uid);
  if (rest.length === refs.length) return true;
  await deps.api.mergePatch(k.type, si.metadata.namespace, k.name, { metadata: { ownerReferences: rest, resourceVersion: obj.metadata?.resourceVersion } });
  return true;
}

export async function finalize(deps: InstanceDeps, si: SearchInstance): Promise<void> {
  if (!hasFinalizer(si, INSTANCE_FINALIZER)) return;
  const policy = si.spec.deletionPolicy ?? INSTANCE_DEFAULTS.deletionPolicy;
  const done: string[] = [];
  for (const k of keptObjects(si)) {
    if (policy === 'Retain') {
      if (await orphan(deps, si, k)) done.push(`${k.type.kind} ${k.name}`);
    } else {
      try {
        await deps.api.delete(k.type, si.metadata.namespace, k.name);
        done.push(`${k.type.kind} ${k.name}`);
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }
  if (done.length > 0) {
    const what = policy === 'Retain' ? 'Kept (deletionPolicy Retain)' : 'Deleted (deletionPolicy Delete)';
    await deps.events.record(si, 'Normal', policy === 'Retain' ? 'Retained' : 'Deleted', `${what}: ${done.join(', ')}`);
  }
  try {
    await removeFinalizer(deps.api, SEARCHINSTANCES, si, INSTANCE_FINALIZER);
  } catch (e) {
    // A second pass from a cache that had not seen the first pass's removal: already gone.
    if (!isNotFound(e)) throw e;
  }
}
