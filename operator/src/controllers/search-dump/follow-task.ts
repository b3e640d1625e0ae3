// Following a dump's engine task to its end. A task that succeeded is not yet a dump: the file
// must be there, whole and non-empty (the engine renames a finished file into place, so a listed
// file is whole); only then is the SearchDump Succeeded, with the file's size and the version of
// the engine that wrote it. A failed task fails the dump with the engine's own error.
import type { SearchDump } from '../../api/search-dump.ts';
import type { DumpsApi, EngineTask } from '../../engine-client/dumps.ts';
import type { ReconcileResult } from '../../kube/controller.ts';
import { patchStatusIfChanged } from '../../kube/status.ts';
import type { DumpDeps } from './deps.ts';
import { dumpPath, nextStatus, pollDelayMs, timestamp } from './dump-status.ts';
import { SEARCHDUMPS } from './resource-types.ts';

async function fail(deps: DumpDeps, d: SearchDump, reason: string, error: string): Promise<ReconcileResult> {
  const now = deps.clock.now();
  await patchStatusIfChanged(deps.api, SEARCHDUMPS, d, nextStatus(d, 'Failed', { error, completedAt: timestamp(now) }, { reason, message: error }, new Date(now)));
  deps.log(`${d.metadata.namespace}/${d.metadata.name}: failed: ${error}`);
  await deps.events.record(d, 'Warning', 'Failed', error);
  return {};
}

function engineError(task: EngineTask): string {
  const e = task.error;
  if (!e) return `engine task ${task.uid} failed without an error message`;
  return e.code ? `${e.message} (${e.code})` : e.message;
}

export async function followTask(deps: DumpDeps, d: SearchDump, api: DumpsApi): Promise<ReconcileResult> {
  const taskUid = d.status!.taskUid!;
  const task = await api.task(taskUid);
  if (!task) return fail(deps, d, 'TaskLost', `the engine has no task ${taskUid} any more (was its database replaced?)`);
  const now = deps.clock.now();
  switch (task.status) {
    case 'enqueued':
    case 'processing': {
      const message = task.status === 'enqueued' ? `Engine task ${taskUid} waits for the tasks before it` : `Engine task ${taskUid} is writing the dump`;
      await patchStatusIfChanged(deps.api, SEARCHDUMPS, d, nextStatus(d, 'Running', {}, { reason: 'DumpRunning', message }, new Date(now)));
      return { requeueAfterMs: pollDelayMs(d.status?.startedAt, now) };
    }
    case 'failed':
      return fail(deps, d, 'EngineTaskFailed', engineError(task));
    case 'canceled':
      return fail(deps, d, 'EngineTaskCanceled', `engine task ${taskUid} was canceled`);
    case 'succeeded':
      break;
  }
  const dumpUid = task.details?.dumpUid;
  if (!dumpUid) return fail(deps, d, 'NoDumpUid', `engine task ${taskUid} succeeded without a dumpUid`);
  const file = (await api.listFiles()).find((f) => f.uid === dumpUid);
  if (!file) return fail(deps, d, 'FileMissing', `engine task ${taskUid} succeeded but ${dumpPath(dumpUid)} is not in the dumps volume`);
  if (file.sizeBytes <= 0) return fail(deps, d, 'FileEmpty', `${dumpPath(dumpUid)} is empty`);
  const engineVersion = await api.version();
  const done = deps.clock.now();
  const fields = { dumpUid, path: dumpPath(dumpUid), sizeBytes: file.sizeBytes, engineVersion, completedAt: timestamp(done) };
  const message = `Dump ${dumpPath(dumpUid)} written (${file.sizeBytes} bytes, engine ${engineVersion})`;
  await patchStatusIfChanged(deps.api, SEARCHDUMPS, d, nextStatus(d, 'Succeeded', fields, { reason: 'DumpSucceeded', message }, new Date(done)));
  deps.log(`${d.metadata.namespace}/${d.metadata.name}: ${message}`);
  await deps.events.record(d, 'Normal', 'Succeeded', message);
  return {};
}
