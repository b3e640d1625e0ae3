// A SearchDumpSchedule pass. It only schedules: it creates SearchDumps (the dump controller runs
// them), deletes the ones its history limits drop (their finalizers delete the files), writes its
// status, and asks to be woken at the next slot. Every step observes first:
//   - the dump of a slot has a deterministic name (<schedule>-<unix minutes of the slot>), so a
//     pass repeated after a crash finds it (AlreadyExists) instead of creating a second one;
//   - a name held by an object the schedule does not own is never adopted;
//   - the slot arithmetic (schedule.ts) and the retention rules (retention.ts) are pure.
import type { SearchDump } from '../../api/search-dump.ts';
import type { SearchDumpSchedule, SearchDumpScheduleStatus } from '../../api/search-dump-schedule.ts';
import type { ReconcileResult } from '../../kube/controller.ts';
import { errMessage, isAlreadyExists, isConflict, isNotFound, isUnreachable } from '../../kube/errors.ts';
import { patchStatusIfChanged, rfc3339, setCondition } from '../../kube/status.ts';
import { isTerminal } from '../search-dump/dump-status.ts';
import { SEARCHDUMPS, SEARCHDUMPSCHEDULES } from '../search-dump/resource-types.ts';
import { splitKey } from '../search-instance/reconcile.ts';
import { buildScheduledDump, isOwnedBy, ownedDumps, slotOf } from './children.ts';
import type { ScheduleDeps } from './deps.ts';
import { dumpsToPrune, parseMaxAge } from './retention.ts';
import { concurrencyAction, decideSlot, dumpNameFor, immediateSlot, parseSchedule } from './schedule.ts';

const DEFAULTS = { concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300, successfulDumpsHistoryLimit: 7, failedDumpsHistoryLimit: 3 } as const;

interface Pass {
  s: SearchDumpSchedule;
  now: Date;
  status: SearchDumpScheduleStatus;
  dumps: SearchDump[];
  ready: { status: 'True' | 'False'; reason: string; message: string };
  requeueAfterMs?: number;
}

export async function reconcileSchedule(deps: ScheduleDeps, key: string): Promise<ReconcileResult> {
  const { namespace, name } = splitKey(key);
  const s = deps.cache.schedules.get(namespace, name);
  if (!s || s.metadata.deletionTimestamp) return {}; // its dumps go with their owner references
  try {
    const now = new Date(deps.clock.now());
    const pass: Pass = { s, now, status: { ...s.status }, dumps: ownedDumps(deps, s), ready: { status: 'True', reason: 'Scheduled', message: '' } };
    await schedule(deps, pass);
    await prune(deps, pass);
    await writeStatus(deps, pass);
    return pass.requeueAfterMs === undefined ? {} : { requeueAfterMs: pass.requeueAfterMs };
  } catch (e) {
    if (!isConflict(e) && !isUnreachable(e)) await deps.events.record(s, 'Warning', 'ReconcileError', errMessage(e));
    throw e;
  }
}

/** Creates the dump of the due slot, if any, under the concurrency policy. */
async function schedule(deps: ScheduleDeps, p: Pass): Promise<void> {
  const { s, now } = p;
  const parsed = parseSchedule(s.spec, now);
  if (!parsed.ok) {
    p.ready = { status: 'False', reason: parsed.reason, message: parsed.message };
    delete p.status.nextScheduleTime;
    await deps.events.record(s, 'Warning', parsed.reason, parsed.message);
    return;
  }
  if (s.spec.suspend) {
    p.ready = { status: 'False', reason: 'Suspended', message: 'spec.suspend is true: no dump is created until it is false' };
    delete p.status.nextScheduleTime;
    return;
  }
  let slot: Date | undefined;
  if (s.spec.immediate && !p.status.lastScheduleTime) {
    slot = immediateSlot(new Date(s.metadata.creationTimestamp!));
  } else {
    const since = new Date(p.status.lastScheduleTime ?? s.metadata.creationTimestamp!);
    const d = decideSlot(parsed.slots, { since, now, startingDeadlineSeconds: s.spec.startingDeadlineSeconds ?? DEFAULTS.startingDeadlineSeconds });
    await reportMissed(deps, s, since, d.missed, d.tooManyMissed);
    slot = d.due;
  }
  const next = parsed.slots.after(now);
  if (next) {
    p.status.nextScheduleTime = rfc3339(next);
    p.requeueAfterMs = Math.max(1, next.getTime() - now.getTime());
  } else delete p.status.nextScheduleTime;
  p.ready.message = next ? `Next dump at ${rfc3339(next)}` : 'No further slot';
  if (!slot) return;

  const active = p.dumps.filter((d) => !isTerminal(d.status?.phase) && !d.metadata.deletionTimestamp);
  const action = concurrencyAction(s.spec.concurrencyPolicy ?? DEFAULTS.concurrencyPolicy, active.length);
  const name = dumpNameFor(s.metadata.name!, slot);
  if (action === 'skip' && !active.some((d) => d.metadata.name === name)) {
    // Not recorded as scheduled: if the running dump ends before the slot's deadline, the slot
    // still runs (late), as a CronJob's would. The dump's end wakes this schedule.
    await deps.events.record(s, 'Normal', 'SkippedSlot', `Slot ${rfc3339(slot)} waits: ${active.map((d) => d.metadata.name).join(', ')} still running (concurrencyPolicy Forbid)`);
    return;
  }
  if (action === 'replace') {
    for (const d of active) {
      if (d.metadata.name === name) continue;
      await deps.api.delete(SEARCHDUMPS, d.metadata.namespace, d.metadata.name!).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
      p.dumps = p.dumps.filter((x) => x !== d);
      await deps.events.record(s, 'Normal', 'Replaced', `Deleted running SearchDump ${d.metadata.name} for slot ${rfc3339(slot)} (concurrencyPolicy Replace)`);
    }
  }
  await createDump(deps, p, name, slot);
  p.status.lastScheduleTime = rfc3339(slot);
}

async function createDump(deps: ScheduleDeps, p: Pass, name: string, slot: Date): Promise<void> {
  const { s } = p;
  try {
    const created = await deps.api.create<SearchDump>(SEARCHDUMPS, buildScheduledDump(s, name, slot));
    p.dumps.push(created);
    deps.log(`${s.metadata.namespace}/${s.metadata.name}: created SearchDump ${name} for slot ${rfc3339(slot)}`);
    await deps.events.record(s, 'Normal', 'Created', `Created SearchDump ${name} for slot ${rfc3339(slot)}`);
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    // An earlier pass made it (its status write was lost, or our cache is behind): re-observe.
    const existing = await deps.api.get<SearchDump>(SEARCHDUMPS, s.metadata.namespace, name);
    if (isOwnedBy(existing, s)) {
      if (!p.dumps.some((d) => d.metadata.name === name)) p.dumps.push(existing);
    } else {
      await deps.events.record(s, 'Warning', 'NameTaken', `SearchDump ${name} exists and does not belong to this schedule; slot ${rfc3339(slot)} is skipped`);
    }
  }
}

/** Missed slots are told once per process and window, not on every pass that sees them. */
async function reportMissed(deps: ScheduleDeps, s: SearchDumpSchedule, since: Date, missed: number, tooMany: boolean): Promise<void> {
  if (missed === 0) return;
  const key = `${s.metadata.uid}|${since.toISOString()}`;
  if (deps.reported.has(key)) return;
  deps.reported.add(key);
  if (tooMany) {
    await deps.events.record(s, 'Warning', 'TooManyMissedTimes', `More than ${missed - 1} slots were missed since ${rfc3339(since)} (operator down, or clock skew); only the most recent one within startingDeadlineSeconds runs`);
  } else {
    await deps.events.record(s, 'Warning', 'MissedSchedule', `${missed} slot(s) since ${rfc3339(since)} were missed (operator down or a deadline passed) and are skipped; at most the most recent one runs`);
  }
}

/** Deletes finished dumps beyond the history limits or maxAge (their finalizers delete the files). */
async function prune(deps: ScheduleDeps, p: Pass): Promise<void> {
  const { s, now } = p;
  const protectedNames = new Set<string>();
  for (const si of deps.cache.instances.list(s.metadata.namespace)) {
    const bootstrap = si.spec.bootstrap?.fromDump.name;
    if (bootstrap) protectedNames.add(bootstrap);
    if (si.status?.upgrade?.dump) protectedNames.add(si.status.upgrade.dump);
  }
  const live = p.dumps.filter((d) => !d.metadata.deletionTimestamp);
  const names = dumpsToPrune(
    live.map((d) => ({ name: d.metadata.name!, phase: d.status?.phase ?? 'Pending', slot: slotOf(d), completedAt: d.status?.completedAt ? new Date(d.status.completedAt) : undefined })),
    {
      successfulLimit: s.spec.successfulDumpsHistoryLimit ?? DEFAULTS.successfulDumpsHistoryLimit,
      failedLimit: s.spec.failedDumpsHistoryLimit ?? DEFAULTS.failedDumpsHistoryLimit,
      maxAgeMs: s.spec.maxAge ? parseMaxAge(s.spec.maxAge) : undefined,
      now,
      protectedNames,
    },
  );
  for (const name of names) {
    await deps.api.delete(SEARCHDUMPS, s.metadata.namespace, name).catch((e: unknown) => (isNotFound(e) ? undefined : Promise.reject(e)));
    p.dumps = p.dumps.filter((d) => d.metadata.name !== name);
  }
  if (names.length > 0) deps.log(`${s.metadata.namespace}/${s.metadata.name}: pruned ${names.join(', ')}`);
  if (names.length > 0) await deps.events.record(s, 'Normal', 'Pruned', `Deleted SearchDumps ${names.join(', ')} (history limits${s.spec.maxAge ? ` and maxAge ${s.spec.maxAge}` : ''}) with their files`);
}

async function writeStatus(deps: ScheduleDeps, p: Pass): Promise<void> {
  const { s, status } = p;
  const succeeded = p.dumps.map((d) => (d.status?.phase === 'Succeeded' ? d.status.completedAt : undefined)).filter((t): t is string => !!t);
  const lastSuccessful = [status.lastSuccessfulTime, ...succeeded].filter((t): t is string => !!t).sort().at(-1);
  if (lastSuccessful) status.lastSuccessfulTime = lastSuccessful;
  const active = p.dumps.filter((d) => !isTerminal(d.status?.phase) && !d.metadata.deletionTimestamp).map((d) => d.metadata.name!).sort();
  if (active.length > 0) status.active = active;
  else delete status.active;
  const generation = s.metadata.generation;
  status.conditions = setCondition(s.status?.conditions, { type: 'Ready', ...p.ready, ...(generation ? { observedGeneration: generation } : {}) }, p.now);
  await patchStatusIfChanged(deps.api, SEARCHDUMPSCHEDULES, s, status);
}
