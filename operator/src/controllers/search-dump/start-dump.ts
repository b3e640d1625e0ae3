// Asking the engine for a dump, at most once per SearchDump, even across operator restarts.
//
// The danger is the gap between "the engine accepted POST /dumps" and "status.taskUid is
// written": an operator killed there, restarted, would see no taskUid and ask again, and the
// engine would write two dumps (each one blocks the instance's task queue while it runs). The
// engine has no idempotency key to attach to a request, so the operator writes its intent first:
//
//   1. read the engine's newest task uid L (GET /tasks?limit=1);
//   2. write status {phase: Running, startedAt, requestedAfterTaskUid: L}, with the object's
//      resourceVersion as a precondition: of two writers working from the same version (a stale
//      cache, or a deposed leader) only one succeeds; the other gets 409 and starts over from
//      fresh state, where it finds the intent;
//   3. POST /dumps;
//   4. write status.taskUid.
//
// A pass that finds an intent without a taskUid does not know whether step 3 happened. It looks
// at the engine's dumpCreation tasks: the first one after L that no other SearchDump has claimed
// is the one step 3 created (adopt it); if there is none, step 3 never reached the engine, and it
// is safe to POST now. That inference holds because at most one intent per instance is open at a
// time: steps 1-4 run under a per-instance lock in this process, and only the leader reconciles
// (a leader that loses its lease exits at once). Steps 1-4 take milliseconds, so the lock does
// not make dumps of one instance wait for each other's completion, only for each other's start.
import type { SearchDump } from '../../api/search-dump.ts';
import type { DumpsApi } from '../../engine-client/dumps.ts';
import { patchStatusIfChanged } from '../../kube/status.ts';
import type { DumpDeps } from './deps.ts';
import { nextStatus, timestamp } from './dump-status.ts';
import { SEARCHDUMPS } from './resource-types.ts';

async function writeStatus(deps: DumpDeps, d: SearchDump, status: NonNullable<SearchDump['status']>): Promise<SearchDump> {
  return (await patchStatusIfChanged(deps.api, SEARCHDUMPS, d, status)) ?? d;
}

/** The task an earlier pass created after writing its intent, if the engine has it. */
export async function findOwnTask(deps: DumpDeps, d: SearchDump, api: DumpsApi): Promise<number | undefined> {
  const after = d.status?.requestedAfterTaskUid;
  if (after === undefined) return undefined;
  const claimed = new Set(
    deps.cache.dumps
      .list(d.metadata.namespace)
      .filter((o) => o.metadata.uid !== d.metadata.uid && o.spec.instanceRef.name === d.spec.instanceRef.name)
      .map((o) => o.status?.taskUid)
      .filter((u): u is number => u !== undefined),
  );
  const mine = (await api.dumpTasks()).filter((t) => t.uid > after && !claimed.has(t.uid)).map((t) => t.uid);
  return mine.length > 0 ? Math.min(...mine) : undefined;
}

/** Returns the SearchDump with status.taskUid set (see the header for why in this order). */
export async function startDump(deps: DumpDeps, cached: SearchDump, api: DumpsApi): Promise<SearchDump> {
  const ns = cached.metadata.namespace!;
  const instance = cached.spec.instanceRef.name;
  return deps.locks.run(`${ns}/${instance}`, async () => {
    // Fresh from the API inside the lock: the cache may not show an intent written a moment ago.
    let d = await deps.api.get<SearchDump>(SEARCHDUMPS, ns, cached.metadata.name!);
    if (d.status?.taskUid !== undefined) return d;
    const now = deps.clock.now();
    if (d.status?.requestedAfterTaskUid === undefined) {
      const after = await api.latestTaskUid();
      d = await writeStatus(deps, d, nextStatus(d, 'Running', { startedAt: timestamp(now), requestedAfterTaskUid: after }, { reason: 'DumpRequested', message: `Asking SearchInstance ${instance} for a dump` }, new Date(now)));
    } else {
      const adopted = await findOwnTask(deps, d, api);
      if (adopted !== undefined) {
        d = await writeStatus(deps, d, nextStatus(d, 'Running', { taskUid: adopted }, { reason: 'DumpRunning', message: `Engine task ${adopted} is writing the dump` }, new Date(now)));
        await deps.events.record(d, 'Normal', 'Resumed', `Found engine task ${adopted} requested before a restart; following it instead of starting another dump`);
        return d;
      }
    }
    const taskUid = await api.createDump();
    d = await writeStatus(deps, d, nextStatus(d, 'Running', { taskUid }, { reason: 'DumpRunning', message: `Engine task ${taskUid} is writing the dump` }, new Date(deps.clock.now())));
    deps.log(`${ns}/${d.metadata.name}: engine task ${taskUid} of SearchInstance ${instance} is writing the dump`);
    await deps.events.record(d, 'Normal', 'Started', `SearchInstance ${instance} is writing a dump (engine task ${taskUid})`);
    return d;
  });
}
