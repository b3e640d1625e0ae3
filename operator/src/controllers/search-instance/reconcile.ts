// The outer shell of a SearchInstance reconcile: read the instance from the cache, take the
// deletion path or make sure the finalizer is there, run the ensure-steps in order, then write
// the status if it changed. Every step observes before it acts, so a pass interrupted anywhere
// (an operator killed mid-way) is finished by the next one.
import { INSTANCE_FINALIZER } from '../../api/group.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { ReconcileResult } from '../../kube/controller.ts';
import { engineBaseUrl } from '../../engine-client/client.ts';
import { errMessage, isConflict, isUnreachable } from '../../kube/errors.ts';
import { addFinalizer, hasFinalizer, isBeingDeleted } from '../../kube/finalizers.ts';
import { findCondition, patchStatusIfChanged } from '../../kube/status.ts';
import type { Condition } from '../../api/common.ts';
import { ENGINE_PORT, instanceNames, serviceEndpoint } from '../../resources/names.ts';
import type { InstanceDeps } from './deps.ts';
import { ensureMasterKey } from './ensure-secret.ts';
import { ensureVolumes } from './ensure-volumes.ts';
import { ensureService, ensureStatefulSet } from './ensure-workload.ts';
import { finalize } from './finalize.ts';
import { computeStatus, isPodReady } from './instance-status.ts';
import type { Observations } from './observations.ts';
import { STORAGE_FULL_CONDITION, storageFullCondition } from './storage-full.ts';
import { SEARCHINSTANCES } from './resource-types.ts';
import { ensureWorkloads, reconcileUpgrade, servingStatefulSet } from './upgrade/run.ts';

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export async function reconcileInstance(deps: InstanceDeps, key: string): Promise<ReconcileResult & { observations?: Observations }> {
  const { namespace, name } = splitKey(key);
  let si = deps.cache.instances.get(namespace, name);
  if (!si) return {}; // deleted; owned objects go with their owner references
  try {
    if (isBeingDeleted(si)) {
      await finalize(deps, si);
      return {};
    }
    if (!hasFinalizer(si, INSTANCE_FINALIZER)) si = await addFinalizer(deps.api, SEARCHINSTANCES, si, INSTANCE_FINALIZER);
    return await reconcileLive(deps, si);
  } catch (e) {
    // A conflict only means our cache was behind; the retry starts from fresh state. No event.
    if (!isConflict(e) && !isUnreachable(e)) await deps.events.record(si, 'Warning', 'ReconcileError', errMessage(e));
    throw e;
  }
}

async function reconcileLive(deps: InstanceDeps, si: SearchInstance): Promise<ReconcileResult & { observations: Observations }> {
  const obs: Observations = { writes: [] };
  const masterKey = await ensureMasterKey(deps, si, obs);
  if (!obs.blocked) await ensureVolumes(deps, si, obs);
  // Version changes: the upgrade state machine (it may write status.upgrade before acting).
  if (!obs.blocked && masterKey) ({ si, upgrade: obs.upgrade } = await reconcileUpgrade(deps, si, masterKey, obs));
  const workloads = obs.upgrade?.workloads;
  if (!obs.blocked) await (workloads ? ensureWorkloads(deps, si, obs, workloads) : ensureStatefulSet(deps, si, obs));
  if (!obs.blocked) await ensureService(deps, si, obs);
  if (!obs.blocked) {
    obs.pod = deps.cache.pods.get(si.metadata.namespace!, `${workloads?.serving ?? servingStatefulSet(si)}-0`);
    if (masterKey && isPodReady(obs.pod)) await readStats(deps, si, obs, masterKey);
  }

  const status = computeStatus(si, obs, new Date(deps.clock.now()));
  const before = si.status?.phase;
  const patched = await patchStatusIfChanged(deps.api, SEARCHINSTANCES, si, status);
  if (patched) {
    obs.writes.push('patch status');
    await recordStorageFullChange(deps, si, findCondition(si.status?.conditions, STORAGE_FULL_CONDITION), findCondition(status.conditions, STORAGE_FULL_CONDITION));
    if (before !== status.phase) {
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      await deps.events.record(si, status.phase === 'Failed' ? 'Warning' : 'Normal', status.phase ?? 'Unknown', ready?.message ?? '');
    }
  }
  if (obs.writes.length > 0) deps.log(`${si.metadata.namespace}/${si.metadata.name}: ${obs.writes.join(', ')}`);
  // Ready: come back for fresh stats. Not ready: owned-object events wake us, but a blocked
  // instance (missing Secret, dump not ready) depends on objects we do not watch.
  const requeueAfterMs = obs.upgrade?.requeueMs ?? (status.phase === 'Ready' ? deps.statsIntervalMs : deps.pendingRequeueMs);
  return { requeueAfterMs, observations: obs };
}

async function readStats(deps: InstanceDeps, si: SearchInstance, obs: Observations, masterKey: string): Promise<void> {
  const url = engineBaseUrl(deps.engineAccess, serviceEndpoint(si), obs.pod?.status?.podIP, ENGINE_PORT);
  if (!url) return;
  try {
    obs.stats = await deps.engineStats(url, masterKey);
  } catch (e) {
    // Stats are informative; an engine that answers /health but not /stats keeps its old numbers.
    deps.log(`${si.metadata.namespace}/${si.metadata.name}: stats from ${url} failed: ${errMessage(e)}`);
  }
  try {
    obs.storageFull = storageFullCondition(si, await deps.engineLatestWrite(url, masterKey));
  } catch (e) {
    // Not knowing leaves the condition as it was (obs.storageFull stays undefined).
    deps.log(`${si.metadata.namespace}/${si.metadata.name}: tasks from ${url} failed: ${errMessage(e)}`);
  }
}

/** An Event when the data volume fills up or has room again, as the StorageFull condition flips. */
async function recordStorageFullChange(deps: InstanceDeps, si: SearchInstance, before: Condition | undefined, after: Condition | undefined): Promise<void> {
  if (after && after.status === 'True' && before?.status !== 'True') await deps.events.record(si, 'Warning', 'StorageFull', after.message ?? '');
  else if (!after && before?.status === 'True') await deps.events.record(si, 'Normal', 'StorageAvailable', 'A write to the data volume succeeded again');
}
