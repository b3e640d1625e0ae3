// Pure: from what a pass observed to the SearchInstance status. The Ready condition follows the
// phase; UpgradePending, VolumeExpansion and StorageFull appear only while they have something to say.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { Condition } from '../../api/common.ts';
import type { InstancePhase, SearchInstance, SearchInstanceStatus } from '../../api/search-instance.ts';
import { removeCondition, setCondition } from '../../kube/status.ts';
import { serviceEndpoint } from '../../resources/names.ts';
import { ENGINE_CONTAINER } from '../../resources/statefulset.ts';
import { EXPANSION_CONDITION } from './ensure-volumes.ts';
import type { Observations } from './observations.ts';
import { STORAGE_FULL_CONDITION } from './storage-full.ts';

export const READY = 'Ready';
export const UPGRADE_PENDING = 'UpgradePending';

/** Container states that will not fix themselves: the instance is Failed until the spec changes. */
const FAILING_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

export function isPodReady(pod: V1Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** True when the StatefulSet controller has rolled out the latest template. */
export function rolloutDone(sts: V1StatefulSet | undefined): boolean {
  const s = sts?.status;
  if (!sts || !s) return false;
  return (s.observedGeneration ?? 0) >= (sts.metadata?.generation ?? 1) && s.updateRevision === s.currentRevision && (s.updatedReplicas ?? 0) >= 1;
}

interface Verdict {
  phase: InstancePhase;
  reason: string;
  message: string;
}

function verdict(si: SearchInstance, obs: Observations): Verdict {
  if (obs.blocked) return obs.blocked;
  const pod = obs.pod;
  const podName = `${si.metadata.name}-0`;
  if (!pod) return { phase: 'Pending', reason: 'PodNotCreated', message: `Waiting for pod ${podName} to be created` };
  const waiting = pod.status?.containerStatuses?.find((c) => c.name === ENGINE_CONTAINER)?.state?.waiting;
  if (waiting?.reason && FAILING_REASONS.has(waiting.reason)) {
    return { phase: 'Failed', reason: 'PodFailing', message: `Pod ${podName}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}` };
  }
  if (!isPodReady(pod)) {
    const scheduled = pod.status?.phase !== 'Pending' || pod.spec?.nodeName;
    return scheduled
      ? { phase: 'Provisioning', reason: 'PodNotReady', message: `Pod ${podName} is starting (or importing a dump) and not ready yet` }
      : { phase: 'Pending', reason: 'PodNotScheduled', message: `Pod ${podName} is waiting to be scheduled and for its volumes` };
  }
  if (!rolloutDone(obs.statefulSet)) return { phase: 'Provisioning', reason: 'RollingUpdate', message: `Pod ${podName} is being replaced with the new template` };
  return { phase: 'Ready', reason: 'EngineReady', message: `Engine ${obs.runningVersion} is serving at ${serviceEndpoint(si)}` };
}

export function computeStatus(si: SearchInstance, obs: Observations, now: Date): SearchInstanceStatus {
  const old = si.status ?? {};
  const v = verdict(si, obs);
  const generation = si.metadata.generation;
  let conditions: Condition[] = setCondition(old.conditions, { type: READY, status: v.phase === 'Ready' ? 'True' : 'False', reason: v.reason, message: v.message, ...(generation ? { observedGeneration: generation } : {}) }, now);

  // While an upgrade runs, currentVersion is the state machine's to write (upgrade/run.ts).
  const upgrading = obs.upgrade?.phase !== undefined;
  const currentVersion = v.phase === 'Ready' && !upgrading ? obs.runningVersion : old.currentVersion;
  // The Upgrading condition replaces the UpgradePending of operators before the state machine.
  conditions = removeCondition(conditions, UPGRADE_PENDING);
  if (obs.upgrade?.condition) conditions = setCondition(conditions, obs.upgrade.condition, now);
  else if (obs.upgrade?.clearCondition) conditions = removeCondition(conditions, 'Upgrading');

  conditions = obs.volumeExpansion ? setCondition(conditions, obs.volumeExpansion, now) : removeCondition(conditions, EXPANSION_CONDITION);
  if (obs.storageFull) conditions = setCondition(conditions, obs.storageFull, now);
  else if (obs.storageFull === null) conditions = removeCondition(conditions, STORAGE_FULL_CONDITION);

  const status: SearchInstanceStatus = {
    ...old,
    phase: obs.upgrade?.phase ?? v.phase,
    conditions,
    endpoint: serviceEndpoint(si),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  if (currentVersion) status.currentVersion = currentVersion;
  if (obs.stats) status.stats = obs.stats;
  return status;
}
