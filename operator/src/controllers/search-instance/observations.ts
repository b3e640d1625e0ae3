// What one reconcile pass found and did, handed from the ensure-steps to the status computation.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import type { InstanceStats } from '../../api/search-instance.ts';
import type { ConditionInput } from '../../kube/status.ts';
import type { UpgradeObservation } from './upgrade/run.ts';

export interface Observations {
  /** Set when the pass cannot go on: the instance is Failed or Pending for this reason. */
  blocked?: { phase: 'Failed' | 'Pending'; reason: string; message: string };
  /** The version the workload runs (may differ from spec.version: see ensure-workload.ts). */
  runningVersion?: string;
  statefulSet?: V1StatefulSet;
  pod?: V1Pod;
  /** Volume expansion state, as a condition; undefined removes the condition. */
  volumeExpansion?: ConditionInput;
  stats?: InstanceStats;
  /** The StorageFull condition; null removes it, undefined (engine not asked) keeps it as it is. */
  storageFull?: ConditionInput | null;
  /** What the upgrade state machine decided in this pass (upgrade/run.ts). */
  upgrade?: UpgradeObservation;
  /** Objects written in this pass (for logs and tests). */
  writes: string[];
}
