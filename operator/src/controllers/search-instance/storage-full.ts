// A full data volume, as the engine reports it: its newest finished write task failed with
// Meilisearch's no_space_left_on_device. The engine keeps serving reads and refuses writes; the
// condition says so on the instance until a later write succeeds (someone freed or grew the
// volume). The pod stays Ready: restarting it would free nothing.
import type { SearchInstance } from '../../api/search-instance.ts';
import type { EngineTask } from '../../engine-client/dumps.ts';
import type { ConditionInput } from '../../kube/status.ts';
import { pvcName, volumeSpec } from '../../resources/pvcs.ts';

export const STORAGE_FULL_CONDITION = 'StorageFull';
const NO_SPACE = 'no_space_left_on_device';

/** The condition to set, or null when the newest write did not fail for lack of space. */
export function storageFullCondition(si: SearchInstance, latestWrite: EngineTask | undefined): ConditionInput | null {
  if (latestWrite?.status !== 'failed' || latestWrite.error?.code !== NO_SPACE) return null;
  const when = latestWrite.finishedAt ? ` at ${latestWrite.finishedAt}` : '';
  return {
    type: STORAGE_FULL_CONDITION,
    status: 'True',
    reason: 'NoSpaceLeftOnDevice',
    message: `The engine's ${latestWrite.type} task ${latestWrite.uid} failed${when}: ${latestWrite.error.message} `
      + `The data volume (PVC ${pvcName(si, 'data')}, ${volumeSpec(si, 'data').size}) is full: writes are refused, reads go on. `
      + 'Delete data, or grow spec.storage.size where the StorageClass allows it.',
  };
}
