// The outer shell of a SearchDump reconcile. A dump is a one-shot: Pending (waiting for its
// instance) -> Running (the engine's task writes the file) -> Succeeded or Failed, and a terminal
// phase is never looked at again (a retry is a new SearchDump). Deletion runs the finalizer.
import type { SearchDump } from '../../api/search-dump.ts';
import type { ReconcileResult } from '../../kube/controller.ts';
import { errMessage, isConflict, isUnreachable } from '../../kube/errors.ts';
import { addFinalizer, hasFinalizer, isBeingDeleted } from '../../kube/finalizers.ts';
import { patchStatusIfChanged } from '../../kube/status.ts';
import { splitKey } from '../search-instance/reconcile.ts';
import type { DumpDeps } from './deps.ts';
import { isTerminal, nextStatus } from './dump-status.ts';
import { resolveTarget } from './engine-target.ts';
import { finalizeDump } from './finalize.ts';
import { followTask } from './follow-task.ts';
import { DUMP_DEFAULT_POLICY, DUMP_FINALIZER, SEARCHDUMPS } from './resource-types.ts';
import { startDump } from './start-dump.ts';

export async function reconcileDump(deps: DumpDeps, key: string): Promise<ReconcileResult> {
  const { namespace, name } = splitKey(key);
  let d = deps.cache.dumps.get(namespace, name);
  if (!d) return {};
  try {
    if (isBeingDeleted(d)) return await finalizeDump(deps, d);
    if (isTerminal(d.status?.phase)) return {};
    // Before anything can write a file: a file must never exist without the means to delete it.
    if ((d.spec.deletionPolicy ?? DUMP_DEFAULT_POLICY) === 'Delete' && !hasFinalizer(d, DUMP_FINALIZER)) d = await addFinalizer(deps.api, SEARCHDUMPS, d, DUMP_FINALIZER);
    return await run(deps, d);
  } catch (e) {
    if (!isConflict(e) && !isUnreachable(e)) await deps.events.record(d, 'Warning', 'ReconcileError', errMessage(e));
    throw e;
  }
}

async function run(deps: DumpDeps, d: SearchDump): Promise<ReconcileResult> {
  const target = await resolveTarget(deps, d);
  const now = new Date(deps.clock.now());
  if (!target.ok) {
    // Not started: Pending, saying why. Started (an intent or a task): still Running; the engine's
    // task goes on without us, and we look again when the instance is back.
    const started = d.status?.requestedAfterTaskUid !== undefined || d.status?.taskUid !== undefined;
    const status = started
      ? nextStatus(d, 'Running', {}, { reason: target.reason, message: `${target.message}; following the dump again then` }, now)
      : nextStatus(d, 'Pending', {}, { reason: target.reason, message: target.message }, now);
    const changed = await patchStatusIfChanged(deps.api, SEARCHDUMPS, d, status);
    if (changed && d.status?.conditions?.find((c) => c.type === 'Ready')?.reason !== target.reason) await deps.events.record(d, 'Normal', target.reason, target.message);
    return { requeueAfterMs: deps.pendingRequeueMs };
  }
  if (d.status?.taskUid === undefined) d = await startDump(deps, d, target.api);
  return followTask(deps, d, target.api);
}
