// The upgrade state machine, pure: what to do about spec.version, which step follows which,
// which workloads each step wants, how to judge the new pod, and what the status says. The
// effects (engine calls, SearchDump, StatefulSets) are in run.ts; these functions only decide.
//
// Steps (DESIGN.md), each recorded in status.upgrade.step before it is acted on:
//   BlockingWrites -> Dumping -> Restarting -> Importing -> Verifying -> Completed      (Recreate)
//   BlockingWrites -> Dumping -> Restarting -> Importing -> Verifying -> Switching -> Completed
//                                                                                     (BlueGreen)
//   BlockingWrites -> Restarting -> Importing -> Verifying -> Completed   (upstream, in place)
// Verifying is skipped when spec.upgrade.verify is false. Any failure -> RollingBack ->
// RolledBack. A record with finishedAt is over; it stays in status as the last upgrade's account.
import type { V1Pod } from '@kubernetes/client-node';
import type { EngineStart, SearchInstance, UpgradeRecord, UpgradeStep, UpgradeStrategy } from '../../../api/search-instance.ts';
import type { ConditionInput } from '../../../kube/status.ts';
import { IMPORT_SCRATCH } from '../../../resources/statefulset.ts';
import { ENGINE_CONTAINER } from '../../../resources/statefulset.ts';
import { compareVersions, downgradeAllowed, ALLOW_DOWNGRADE_ANNOTATION } from './versions.ts';
import type { UpgradePath } from './upstream.ts';

export const UPGRADING = 'Upgrading';
export const DEFAULT_READY_TIMEOUT_S = 3600;

export type ActiveRecord = UpgradeRecord & { step: UpgradeStep; from: string; to: string; startedAt: string };

export function isActive(rec: UpgradeRecord | undefined): rec is ActiveRecord {
  return !!rec?.step && !rec.finishedAt && !!rec.from && !!rec.to && !!rec.startedAt;
}

export type Intent =
  | { kind: 'none' }
  | { kind: 'start'; from: string; to: string }
  | { kind: 'wait' | 'refused' | 'failedBefore'; reason: string; message: string };

/**
 * What spec.version asks for when no upgrade is running. `currentVersion` is the version the
 * database belongs to; nothing is upgraded before the instance has run once.
 */
export function upgradeIntent(si: SearchInstance, servingReady: boolean): Intent {
  const current = si.status?.currentVersion;
  const to = si.spec.version;
  if (!current || current === to) return { kind: 'none' };
  const last = si.status?.upgrade;
  if (last?.result === 'RolledBack' && last.to === to && last.from === current) {
    return {
      kind: 'failedBefore',
      reason: 'UpgradeFailed',
      message: `The upgrade from ${current} to ${to} failed and was rolled back (${last.failure?.message ?? 'no reason recorded'}); ${current} keeps running. Set spec.version to another version to try again.`,
    };
  }
  if (compareVersions(to, current) < 0 && !downgradeAllowed(si)) {
    return {
      kind: 'refused',
      reason: 'DowngradeRefused',
      message: `spec.version ${to} is older than the running ${current}: a downgrade is refused (its data format may be newer than ${to} reads). ${current} keeps running. To downgrade on purpose (through a dump), annotate the SearchInstance ${ALLOW_DOWNGRADE_ANNOTATION}="true".`,
    };
  }
  if (!servingReady) return { kind: 'wait', reason: 'WaitingForReady', message: `The upgrade from ${current} to ${to} starts once ${current} is Ready` };
  return { kind: 'start', from: current, to };
}

/** A DNS-1123 piece of a version: 0.2.0-RC.1 -> 0-2-0-rc-1. */
export function versionSlug(v: string): string {
  return v.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The pre-upgrade SearchDump's name: fixed by the record, so a restarted operator finds it. */
export function preUpgradeDumpName(instance: string, rec: { to: string; startedAt: string }): string {
  return `${instance}-pre-upgrade-${versionSlug(rec.to)}-${Math.floor(Date.parse(rec.startedAt) / 1000)}`;
}

/** BlueGreen's StatefulSet for a version. */
export function blueGreenStatefulSet(instance: string, version: string): string {
  return `${instance}-v${versionSlug(version.replace(/^v/, ''))}`;
}

export function newRecord(o: {
  from: string;
  to: string;
  startedAt: string;
  strategy: UpgradeStrategy;
  path: UpgradePath;
  blockWrites: boolean;
  fromStart: EngineStart;
  fromStatefulSet: string;
  instance: string;
}): ActiveRecord {
  // BlueGreen needs the old pod serving while the new one imports: always through a dump.
  const mode = o.strategy === 'BlueGreen' ? 'Dump' : o.path.mode;
  return {
    from: o.from,
    to: o.to,
    step: 'BlockingWrites',
    startedAt: o.startedAt,
    stepStartedAt: o.startedAt,
    strategy: o.strategy,
    mode,
    blockWrites: o.blockWrites,
    fromStart: o.fromStart,
    fromStatefulSet: o.fromStatefulSet,
    toStatefulSet: o.strategy === 'BlueGreen' ? blueGreenStatefulSet(o.instance, o.to) : o.fromStatefulSet,
    ...(mode === 'Dump' ? { dump: preUpgradeDumpName(o.instance, o) } : {}),
  };
}

/** The step after `step` when it succeeded. */
export function nextStep(rec: Pick<UpgradeRecord, 'strategy' | 'mode'>, step: UpgradeStep, verify: boolean): UpgradeStep {
  const order: UpgradeStep[] = ['BlockingWrites'];
  if (rec.mode !== 'Dumpless') order.push('Dumping');
  order.push('Restarting', 'Importing');
  if (verify) order.push('Verifying');
  if (rec.strategy === 'BlueGreen') order.push('Switching');
  order.push('Completed');
  if (step === 'RollingBack') return 'RolledBack';
  const i = order.indexOf(step);
  if (i < 0) {
    // Verifying when verify was switched off meanwhile: go on as if it had passed.
    return step === 'Verifying' ? (rec.strategy === 'BlueGreen' ? 'Switching' : 'Completed') : step;
  }
  return order[Math.min(i + 1, order.length - 1)]!;
}

/** Steps whose pod runs the new version (Recreate: the one pod; BlueGreen: the new StatefulSet exists). */
export function newVersionStarted(step: UpgradeStep): boolean {
  return step === 'Restarting' || step === 'Importing' || step === 'Verifying' || step === 'Switching' || step === 'Completed';
}

export const IMPORT_WRITE_BLOCK_FLAG = '--import-write-block';

/** How the new version starts. `dumpUid`: the pre-upgrade dump (Dump mode). */
export function toStart(rec: ActiveRecord, o: { upstream: boolean; path: UpgradePath; dumpPath?: string; fetchFrom?: string; fetchKey?: { name: string; key: string } }): EngineStart {
  if (rec.mode === 'Dumpless' && o.path.mode === 'Dumpless') return { extraArgs: [o.path.flag], copyFrom: `/data/db-${rec.from}` };
  const extraArgs = ['--ignore-missing-dump'];
  // Our engine turns its write block on right after the import: no write reaches the new
  // version before it is verified (and a rollback would lose it). Upstream has no write block.
  if (rec.blockWrites && !o.upstream) extraArgs.push(IMPORT_WRITE_BLOCK_FLAG, `upgrade from ${rec.from} to ${rec.to} in progress`);
  if (rec.strategy === 'BlueGreen' && o.fetchFrom && o.dumpPath) {
    const file = `${IMPORT_SCRATCH}/${o.dumpPath.split('/').pop()}`;
    return { importDump: file, extraArgs, fetchFrom: o.fetchFrom, ...(o.fetchKey ? { fetchKey: o.fetchKey } : {}) };
  }
  return { ...(o.dumpPath ? { importDump: o.dumpPath } : {}), extraArgs };
}

export interface WorkloadPlan {
  statefulSet: string;
  version: string;
  start: EngineStart;
  /** Schedule next to this pod (BlueGreen's new pod shares the ReadWriteOnce volumes). */
  colocateWith?: string;
}

export interface Workloads {
  /** StatefulSets to apply. */
  apply: WorkloadPlan[];
  /** StatefulSets to delete. */
  remove: string[];
  /** The pod the Service selects, when it must name one (BlueGreen, or after one). */
  servedPod?: string;
  /** The StatefulSet whose pod serves (status.statefulSet). */
  serving: string;
}

const podOf = (sts: string) => `${sts}-0`;

/** The workloads an upgrade record wants at its current step. */
export function upgradeWorkloads(instance: string, rec: ActiveRecord | (UpgradeRecord & { from: string; to: string })): Workloads {
  const fromSts = rec.fromStatefulSet ?? instance;
  const toSts = rec.toStatefulSet ?? fromSts;
  const from: WorkloadPlan = { statefulSet: fromSts, version: rec.from, start: rec.fromStart ?? {} };
  const to: WorkloadPlan = { statefulSet: toSts, version: rec.to, start: rec.toStart ?? {} };
  // The new version never runs before its start (the dump to import) is recorded: started
  // without it, it would create an empty database that --ignore-dump-if-db-exists then keeps.
  const step = rec.step === 'Restarting' && !rec.toStart ? 'Dumping' : (rec.step ?? 'BlockingWrites');
  const pin = (sts: string) => (sts === instance ? {} : { servedPod: podOf(sts) });
  if (rec.strategy !== 'BlueGreen') {
    const w = newVersionStarted(step) ? to : from;
    return { apply: [w], remove: [], serving: w.statefulSet, ...pin(w.statefulSet) };
  }
  switch (step) {
    case 'BlockingWrites':
    case 'Dumping':
      return { apply: [from], remove: [], serving: fromSts, servedPod: podOf(fromSts) };
    case 'Restarting':
    case 'Importing':
    case 'Verifying':
      return { apply: [from, { ...to, colocateWith: podOf(fromSts) }], remove: [], serving: fromSts, servedPod: podOf(fromSts) };
    case 'Switching':
      return { apply: [from, { ...to, colocateWith: podOf(fromSts) }], remove: [], serving: toSts, servedPod: podOf(toSts) };
    case 'Completed':
      return { apply: [{ ...to, colocateWith: podOf(fromSts) }], remove: [fromSts], serving: toSts, servedPod: podOf(toSts) };
    case 'RollingBack':
    case 'RolledBack':
      return { apply: [from], remove: [toSts], serving: fromSts, servedPod: podOf(fromSts) };
  }
}

export type PodVerdict = { kind: 'ready' } | { kind: 'waiting'; message: string } | { kind: 'failed'; reason: string; message: string };

/**
 * Judges the new version's pod during Importing. A crash (the import failed, or the binary
 * refuses the database) fails at once; a pod that is not Ready within the deadline fails too.
 */
export function judgeNewPod(pod: V1Pod | undefined, image: string, elapsedMs: number, timeoutMs: number): PodVerdict {
  const c = pod?.status?.containerStatuses?.find((s) => s.name === ENGINE_CONTAINER);
  const ours = pod && pod.spec?.containers.find((x) => x.name === ENGINE_CONTAINER)?.image === image && !pod.metadata?.deletionTimestamp;
  if (ours) {
    const crashed = c?.lastState?.terminated ?? (c?.state?.terminated && c.state.terminated.exitCode !== 0 ? c.state.terminated : undefined);
    if (crashed || (c?.restartCount ?? 0) > 0) {
      const t = crashed;
      const detail = t ? `exit code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}${t.message ? `: ${t.message.trim().slice(-300)}` : ''}` : `restarted ${c?.restartCount} times`;
      return { kind: 'failed', reason: 'ImportFailed', message: `${image} crashed while starting on the dump: ${detail}` };
    }
    const waiting = c?.state?.waiting?.reason;
    if (waiting && ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'CrashLoopBackOff'].includes(waiting)) {
      return { kind: 'failed', reason: 'NewVersionFailing', message: `${image}: ${waiting}${c?.state?.waiting?.message ? `: ${c.state.waiting.message}` : ''}` };
    }
    if (pod.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True')) return { kind: 'ready' };
  }
  if (elapsedMs > timeoutMs) {
    return { kind: 'failed', reason: 'NotReadyInTime', message: `${image} was not Ready within ${Math.round(timeoutMs / 1000)} s (spec.upgrade.readyTimeoutSeconds)` };
  }
  return { kind: 'waiting', message: ours ? `${image} is starting` : `waiting for a pod running ${image}` };
}

export function verifyCounts(before: { indexes: number; documents: number } | undefined, after: { indexes: number; documents: number }): { ok: true } | { ok: false; message: string } {
  if (!before) return { ok: true };
  if (before.indexes === after.indexes && before.documents === after.documents) return { ok: true };
  return { ok: false, message: `the new version holds ${after.indexes} indexes and ${after.documents} documents; before the upgrade there were ${before.indexes} and ${before.documents}` };
}

const STEP_TEXT: Record<UpgradeStep, string> = {
  BlockingWrites: 'blocking writes and waiting for the task queue to drain',
  Dumping: 'taking the pre-upgrade dump',
  Restarting: 'starting the new version',
  Importing: 'the new version is importing the dump',
  Verifying: 'comparing index and document counts',
  Switching: 'switching the Service to the new version',
  Completed: 'removing the old database and unblocking writes',
  RollingBack: 'restoring the previous version',
  RolledBack: 'rolled back',
};

function progressText(rec: UpgradeRecord): string {
  const p = rec.progress;
  return p ? ` (${p.documentsDone}/${p.documentsTotal} documents, ${p.indexesDone}/${p.indexesTotal} indexes)` : '';
}

/** The Upgrading condition of a record (active or the last one). */
export function upgradeCondition(rec: UpgradeRecord): ConditionInput {
  const span = `${rec.from} -> ${rec.to}`;
  if (isActive(rec)) {
    if (rec.step === 'RollingBack') return { type: UPGRADING, status: 'True', reason: 'RollingBack', message: `Upgrade ${span} failed (${rec.failure?.reason}: ${rec.failure?.message}); ${STEP_TEXT.RollingBack}` };
    return { type: UPGRADING, status: 'True', reason: rec.step, message: `Upgrade ${span}: ${STEP_TEXT[rec.step]}${rec.step === 'Importing' ? progressText(rec) : ''}` };
  }
  if (rec.result === 'RolledBack') return { type: UPGRADING, status: 'False', reason: 'RolledBack', message: `Upgrade ${span} was rolled back: ${rec.failure?.reason}: ${rec.failure?.message}. ${rec.from} is running with its data as before.` };
  return { type: UPGRADING, status: 'False', reason: 'Completed', message: `Upgraded ${span}${rec.after ? `; ${rec.after.indexes} indexes and ${rec.after.documents} documents verified` : ''}` };
}
