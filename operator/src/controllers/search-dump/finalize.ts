// Deletion of a SearchDump with deletionPolicy Delete: its finalizer holds it until the file is
// deleted through the engine's (or the dumps agent's) DELETE /dumps/:uid. A dump still running is
// canceled if the engine has not started it, else waited for, so the file it is writing is not
// left behind. When the instance itself is gone or going, there is nobody to ask: the file stays
// on the dumps volume, whose fate the instance's own deletionPolicy decides, and an event says so.
// Retain dumps carry no finalizer: deleting them never touches the file.
import type { SearchDump } from '../../api/search-dump.ts';
import type { ReconcileResult } from '../../kube/controller.ts';
import { isNotFound } from '../../kube/errors.ts';
import { hasFinalizer, removeFinalizer } from '../../kube/finalizers.ts';
import type { DumpDeps } from './deps.ts';
import { dumpPath, pollDelayMs } from './dump-status.ts';
import { resolveTarget } from './engine-target.ts';
import { DUMP_FINALIZER, SEARCHDUMPS } from './resource-types.ts';
import { findOwnTask } from './start-dump.ts';

async function release(deps: DumpDeps, d: SearchDump): Promise<ReconcileResult> {
  try {
    await removeFinalizer(deps.api, SEARCHDUMPS, d, DUMP_FINALIZER);
  } catch (e) {
    if (!isNotFound(e)) throw e; // a second pass whose cache missed the first one's removal
  }
  return {};
}

export async function finalizeDump(deps: DumpDeps, d: SearchDump): Promise<ReconcileResult> {
  if (!hasFinalizer(d, DUMP_FINALIZER)) return {};
  // Never asked for (no intent, no task): there is no file, whatever state the instance is in.
  if (d.status?.requestedAfterTaskUid === undefined && d.status?.taskUid === undefined) return release(deps, d);
  const target = await resolveTarget(deps, d);
  if (!target.ok) {
    if (target.reason === 'InstanceNotFound' || target.reason === 'InstanceDeleting') {
      if (d.status?.dumpUid || d.status?.taskUid !== undefined) {
        await deps.events.record(d, 'Warning', 'FileKept', `${target.message}: the dump file (if any) stays on its dumps volume`);
      }
      return release(deps, d);
    }
    // The instance will be back (restarting, key being fixed): delete the file then.
    await deps.events.record(d, 'Normal', 'WaitingForInstance', `Deleting the dump file once ${target.message.replace(/; the dump starts once it is Ready$/, '')} is Ready`);
    return { requeueAfterMs: deps.pendingRequeueMs };
  }
  const api = target.api;
  let dumpUid = d.status?.dumpUid;
  if (!dumpUid) {
    const taskUid = d.status?.taskUid ?? (await findOwnTask(deps, d, api));
    const task = taskUid === undefined ? undefined : await api.task(taskUid);
    if (task?.status === 'enqueued') await api.cancelTask(task.uid);
    if (task && (task.status === 'enqueued' || task.status === 'processing')) return { requeueAfterMs: pollDelayMs(d.status?.startedAt, deps.clock.now()) };
    if (task?.status === 'succeeded') dumpUid = task.details?.dumpUid ?? undefined;
  }
  if (dumpUid) {
    const deleted = await api.deleteFile(dumpUid);
    if (deleted) await deps.events.record(d, 'Normal', 'DeletedFile', `Deleted ${dumpPath(dumpUid)} (deletionPolicy Delete)`);
  }
  return release(deps, d);
}
