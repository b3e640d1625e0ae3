// The upgrade state machine's effects. One call per reconcile pass: start an upgrade when
// spec.version asks for one, or carry the recorded step forward. Every step is written to
// status.upgrade.step (with an Event) *before* it is acted on, and every action is idempotent and
// observes first, so an operator killed anywhere resumes at the recorded step: the pre-upgrade
// SearchDump has a name fixed by the record (never a second dump), the write block and database
// removal are idempotent engine calls, and the workloads are a pure function of the record.
import type { V1Pod, V1StatefulSet } from '@kubernetes/client-node';
import { FIELD_MANAGER, INSTANCE_LABEL } from '../../../api/group.ts';
import type { SearchDump } from '../../../api/search-dump.ts';
import type { InstancePhase, SearchInstance, SearchInstanceStatus, UpgradeRecord, UpgradeStep } from '../../../api/search-instance.ts';
import { engineBaseUrl } from '../../../engine-client/client.ts';
import { UpgradeEngineClient, type UpgradeEngineApi } from '../../../engine-client/upgrade.ts';
import { applyIfChanged } from '../../../kube/apply.ts';
import { isAlreadyExists, isNotFound } from '../../../kube/errors.ts';
import { PODS, STATEFULSETS } from '../../../kube/resource.ts';
import { patchStatusIfChanged, rfc3339, setCondition, type ConditionInput } from '../../../kube/status.ts';
import { dumpFilesPort } from '../../../resources/dumps-agent.ts';
import { ENGINE_PORT, ownerReference } from '../../../resources/names.ts';
import { masterKeyRef } from '../../../resources/secret.ts';
import { buildStatefulSet } from '../../../resources/statefulset.ts';
import type { InstanceDeps } from '../deps.ts';
import { SEARCHDUMPS } from '../ensure-workload.ts';
import { HASH_ANNOTATION } from '../hash.ts';
import { isPodReady } from '../instance-status.ts';
import type { Observations } from '../observations.ts';
import { SEARCHINSTANCES } from '../resource-types.ts';
import { DEFAULT_READY_TIMEOUT_S, isActive, judgeNewPod, newRecord, nextStep, toStart, upgradeCondition, upgradeIntent, upgradeWorkloads, verifyCounts, type ActiveRecord, type Workloads } from './machine.ts';
import { isUpstream, upgradePath } from './upstream.ts';
import { engineImage, startOf, workloadInputs } from './workload.ts';

/** What a pass of the upgrade machine tells the rest of the reconcile. */
export interface UpgradeObservation {
  /** The workloads to apply instead of the plain one (an upgrade, or the state one left). */
  workloads?: Workloads;
  phase?: InstancePhase;
  condition?: ConditionInput;
  /** Remove the Upgrading condition (it showed a refusal that no longer applies). */
  clearCondition?: boolean;
  /** Come back this soon (an upgrade in progress polls). */
  requeueMs?: number;
}

export const PRE_UPGRADE_REASON_LABEL = 'searchkube.io/reason';
export const UPGRADE_ANNOTATION = 'searchkube.io/upgrade';
const POLL_MS = 1000;
/** How long the old pod of a BlueGreen upgrade serves after the Service switched away from it. */
export const BLUE_GREEN_DRAIN_MS = 5000;

export type UpgradeApiFactory = (baseUrl: string, masterKey: string) => UpgradeEngineApi;
const defaultApi: UpgradeApiFactory = (url, key) => new UpgradeEngineClient(url, key);

const podOf = (sts: string) => `${sts}-0`;

export function servingStatefulSet(si: SearchInstance): string {
  return si.status?.statefulSet ?? si.metadata.name!;
}

interface Ctx {
  deps: InstanceDeps;
  si: SearchInstance;
  masterKey: string;
  api: UpgradeApiFactory;
  now: number;
}

function pod(ctx: Ctx, name: string): V1Pod | undefined {
  return ctx.deps.cache.pods.get(ctx.si.metadata.namespace!, name);
}

/** The engine of a pod: by pod IP when known (it works in and out of a cluster), else the Service. */
function engineOf(ctx: Ctx, p: V1Pod | undefined): UpgradeEngineApi | undefined {
  const url = p?.status?.podIP ? `http://${p.status.podIP}:${ENGINE_PORT}` : ctx.deps.engineAccess === 'service' ? engineBaseUrl('service', `http://${ctx.si.metadata.name}.${ctx.si.metadata.namespace}.svc:${ENGINE_PORT}`, undefined, ENGINE_PORT) : undefined;
  return url ? ctx.api(url, ctx.masterKey) : undefined;
}

/** Where a pod's database-directory routes are: the engine, or the dumps agent next to upstream Meilisearch. */
function filesOf(ctx: Ctx, p: V1Pod | undefined): UpgradeEngineApi | undefined {
  return p?.status?.podIP ? ctx.api(`http://${p.status.podIP}:${dumpFilesPort(ctx.si)}`, ctx.masterKey) : undefined;
}

async function writeStatus(ctx: Ctx, status: SearchInstanceStatus): Promise<void> {
  const updated = await patchStatusIfChanged(ctx.deps.api, SEARCHINSTANCES, ctx.si, status);
  if (updated) ctx.si = updated;
}

function statusWith(ctx: Ctx, rec: UpgradeRecord, extra: Partial<SearchInstanceStatus> = {}): SearchInstanceStatus {
  const old = ctx.si.status ?? {};
  const phase: InstancePhase = isActive(rec) ? (rec.step === 'RollingBack' ? 'RollingBack' : 'Upgrading') : (old.phase ?? 'Ready');
  return { ...old, ...extra, phase, upgrade: rec, conditions: setCondition(old.conditions, upgradeCondition(rec), new Date(ctx.now)) };
}

/** Records the step (status first, then an Event); the caller acts on it afterwards. */
async function record(ctx: Ctx, rec: ActiveRecord, step: UpgradeStep, fields: Partial<UpgradeRecord> = {}, extra: Partial<SearchInstanceStatus> = {}): Promise<ActiveRecord> {
  const next: ActiveRecord = { ...rec, ...fields, step, stepStartedAt: rfc3339(new Date(ctx.now)) };
  if (step !== 'Importing') delete next.progress;
  await writeStatus(ctx, statusWith(ctx, next, extra));
  const c = upgradeCondition(next);
  ctx.deps.log(`${ctx.si.metadata.namespace}/${ctx.si.metadata.name}: upgrade step ${step}: ${c.message}`);
  await ctx.deps.events.record(ctx.si, step === 'RollingBack' ? 'Warning' : 'Normal', step, c.message);
  return next;
}

async function fail(ctx: Ctx, rec: ActiveRecord, reason: string, message: string): Promise<ActiveRecord> {
  return record(ctx, rec, 'RollingBack', { failure: { reason, message } });
}

async function finish(ctx: Ctx, rec: ActiveRecord, result: 'Succeeded' | 'RolledBack'): Promise<void> {
  const done: UpgradeRecord = { ...rec, step: result === 'Succeeded' ? 'Completed' : 'RolledBack', finishedAt: rfc3339(new Date(ctx.now)), result };
  const secs = Math.round((ctx.now - Date.parse(rec.startedAt)) / 1000);
  await writeStatus(ctx, { ...statusWith(ctx, done), phase: 'Ready' });
  const c = upgradeCondition(done);
  ctx.deps.log(`${ctx.si.metadata.namespace}/${ctx.si.metadata.name}: ${c.message} (${secs} s)`);
  await ctx.deps.events.record(ctx.si, result === 'Succeeded' ? 'Normal' : 'Warning', result === 'Succeeded' ? 'Upgraded' : 'RolledBack', `${c.message} (${secs} s)`);
}

function dumpUidOf(path: string | undefined): string | undefined {
  return path?.split('/').pop()?.replace(/\.dump$/, '');
}

/** One pass. Returns what the rest of the reconcile needs; ctx.si is the latest instance. */
export async function reconcileUpgrade(deps: InstanceDeps & { upgradeApi?: UpgradeApiFactory }, si: SearchInstance, masterKey: string, obs: Observations): Promise<{ si: SearchInstance; upgrade: UpgradeObservation }> {
  const ctx: Ctx = { deps, si, masterKey, api: deps.upgradeApi ?? defaultApi, now: deps.clock.now() };
  const up = await pass(ctx, obs);
  return { si: ctx.si, upgrade: up };
}

async function pass(ctx: Ctx, obs: Observations): Promise<UpgradeObservation> {
  const si = ctx.si;
  const name = si.metadata.name!;
  let rec = si.status?.upgrade;
  if (!isActive(rec)) {
    const servingSts = servingStatefulSet(si);
    const serving = pod(ctx, podOf(servingSts));
    const intent = upgradeIntent(si, isPodReady(serving) && si.status?.phase === 'Ready');
    const steady = rec?.from && rec.to && rec.finishedAt ? upgradeWorkloads(name, { ...rec, from: rec.from, to: rec.to }) : undefined;
    if (intent.kind === 'none') {
      // A refusal or a wait that no longer applies: back to the last upgrade's account, or nothing.
      const shown = si.status?.conditions?.find((c) => c.type === 'Upgrading');
      const stale = shown && ['DowngradeRefused', 'UpgradeFailed', 'WaitingForReady'].includes(shown.reason);
      const last = rec?.finishedAt ? { condition: upgradeCondition(rec) } : stale ? { clearCondition: true } : {};
      return { ...(stale ? last : {}), ...(steady ? { workloads: steady } : {}) };
    }
    if (intent.kind !== 'start') {
      const condition: ConditionInput = { type: 'Upgrading', status: 'False', reason: intent.reason, message: intent.message };
      const shown = si.status?.conditions?.find((c) => c.type === 'Upgrading');
      if (intent.kind !== 'wait' && shown?.reason !== intent.reason) await ctx.deps.events.record(si, 'Warning', intent.reason, intent.message);
      return { condition, ...(steady ? { workloads: steady } : {}) };
    }
    const live = ctx.deps.cache.statefulSets.get(si.metadata.namespace!, servingSts);
    // How the running version was started: from the last upgrade's record, else from its StatefulSet.
    const fromStart = rec?.finishedAt && rec.result === 'Succeeded' && rec.to === intent.from ? rec.toStart ?? {} : rec?.finishedAt && rec.result === 'RolledBack' && rec.from === intent.from ? rec.fromStart ?? {} : startOf(live);
    const strategy = si.spec.upgrade?.strategy ?? 'Recreate';
    const fresh = newRecord({
      from: intent.from,
      to: intent.to,
      startedAt: rfc3339(new Date(ctx.now)),
      strategy,
      path: upgradePath(si, intent.from, intent.to),
      blockWrites: si.spec.upgrade?.blockWrites ?? true,
      fromStart,
      fromStatefulSet: servingSts,
      instance: name,
    });
    await writeStatus(ctx, statusWith(ctx, fresh));
    const msg = `Upgrading from ${intent.from} to ${intent.to} (${strategy}, ${fresh.mode === 'Dumpless' ? 'in place' : 'through a dump'})`;
    ctx.deps.log(`${si.metadata.namespace}/${name}: ${msg}`);
    await ctx.deps.events.record(ctx.si, 'Normal', 'UpgradeStarted', msg);
    await ctx.deps.events.record(ctx.si, 'Normal', 'BlockingWrites', upgradeCondition(fresh).message);
    rec = fresh;
  }
  const active = await step(ctx, rec as ActiveRecord, obs);
  const now = ctx.si.status?.upgrade;
  const workloads = upgradeWorkloads(name, active ?? ((now?.from && now.to ? { ...now, from: now.from, to: now.to } : rec) as ActiveRecord));
  // BlueGreen: the old pod keeps serving for a while after the Service switched, so that clients
  // (and kube-proxy) that still send to it are answered; then it is retired.
  if (active?.strategy === 'BlueGreen' && active.step === 'Completed' && ctx.now - Date.parse(active.stepStartedAt ?? active.startedAt) < BLUE_GREEN_DRAIN_MS) workloads.remove = [];
  if (!active) return { workloads };
  return { workloads, phase: active.step === 'RollingBack' ? 'RollingBack' : 'Upgrading', condition: upgradeCondition(active), requeueMs: POLL_MS };
}

/** Acts on the recorded step; may record the next ones. Returns the record, or undefined once finished. */
async function step(ctx: Ctx, rec: ActiveRecord, obs: Observations): Promise<ActiveRecord | undefined> {
  const si = ctx.si;
  const ns = si.metadata.namespace!;
  const verify = si.spec.upgrade?.verify ?? true;
  const upstream = isUpstream(si);
  const fromSts = rec.fromStatefulSet ?? si.metadata.name!;
  const toSts = rec.toStatefulSet ?? fromSts;
  const advance = (r: ActiveRecord, fields: Partial<UpgradeRecord> = {}, extra: Partial<SearchInstanceStatus> = {}) => record(ctx, r, nextStep(r, r.step, verify), fields, extra);

  switch (rec.step) {
    case 'BlockingWrites': {
      const p = pod(ctx, podOf(fromSts));
      const engine = isPodReady(p) ? engineOf(ctx, p) : undefined;
      if (!engine) return rec; // the old version is not serving right now: wait for it
      if (rec.blockWrites && !upstream) await engine.blockWrites(`upgrade from ${rec.from} to ${rec.to} in progress`, 5);
      // Every write acknowledged before the block must be in the dump: wait for the queue to drain.
      const pending = await engine.pendingTasks();
      if (pending > 0) return rec;
      const s = await engine.stats();
      return advance(rec, { before: { indexes: s.indexes, documents: s.documents } });
    }
    case 'Dumping': {
      const d = await ensurePreUpgradeDump(ctx, rec);
      if (d.status?.phase === 'Succeeded' && d.status.path) return advance(rec, { dumpPath: d.status.path });
      if (d.status?.phase === 'Failed') return fail(ctx, rec, 'DumpFailed', `the pre-upgrade SearchDump ${rec.dump} failed: ${d.status.error ?? 'no error recorded'}`);
      return rec;
    }
    case 'Restarting': {
      let r = rec;
      if (!r.toStart) {
        const uid = dumpUidOf(r.dumpPath);
        const fromPod = pod(ctx, podOf(fromSts));
        const filesPort = dumpFilesPort(si);
        const fetchFrom = r.strategy === 'BlueGreen' && uid
          ? ctx.deps.engineAccess === 'service' && !fromPod?.status?.podIP
            ? `http://${si.metadata.name}.${ns}.svc:${filesPort}/dumps/${uid}`
            : fromPod?.status?.podIP ? `http://${fromPod.status.podIP}:${filesPort}/dumps/${uid}` : undefined
          : undefined;
        if (r.strategy === 'BlueGreen' && !fetchFrom) return r; // no address for the old pod yet
        const mk = masterKeyRef(si);
        const start = toStart(r, { upstream, path: upgradePath(si, r.from, r.to), ...(r.dumpPath ? { dumpPath: r.dumpPath } : {}), ...(fetchFrom ? { fetchFrom, fetchKey: { name: mk.name, key: mk.key } } : {}) });
        // A database of the new version left by an earlier attempt would be opened instead of
        // importing the dump: the old engine removes it while it still runs.
        const live = ctx.deps.cache.statefulSets.get(ns, toSts);
        const toRunning = live?.spec?.template.spec?.containers[0]?.image === engineImage(si, r.to);
        if (!toRunning) {
          const files = isPodReady(fromPod) ? filesOf(ctx, fromPod) : undefined;
          if (!files) return r;
          await files.removeDatabase(`db-${r.to}`);
        }
        r = { ...r, toStart: start };
        await writeStatus(ctx, statusWith(ctx, r));
      }
      // The workloads of this step (the new version) are applied by the caller in this pass; the
      // next pass, which sees the new template, moves on.
      const applied = ctx.deps.cache.statefulSets.get(ns, toSts)?.spec?.template.spec?.containers[0]?.image === engineImage(si, r.to);
      return applied ? advance(r) : r;
    }
    case 'Importing': {
      const image = engineImage(si, rec.to);
      const p = pod(ctx, podOf(toSts));
      const timeoutMs = (si.spec.upgrade?.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_S) * 1000;
      const v = judgeNewPod(p, image, ctx.now - Date.parse(rec.stepStartedAt ?? rec.startedAt), timeoutMs);
      if (v.kind === 'failed') return fail(ctx, rec, v.reason, v.message);
      if (v.kind === 'ready') return advance(rec);
      const engine = p?.status?.podIP && p.spec?.containers[0]?.image === image ? engineOf(ctx, p) : undefined;
      const h = engine ? await engine.health().catch(() => undefined) : undefined;
      if (h?.progress) {
        const r = { ...rec, progress: h.progress };
        await writeStatus(ctx, statusWith(ctx, r));
        return r;
      }
      return rec;
    }
    case 'Verifying': {
      const engine = engineOf(ctx, pod(ctx, podOf(toSts)));
      if (!engine) return rec;
      const s = await engine.stats();
      const after = { indexes: s.indexes, documents: s.documents };
      const v = verifyCounts(rec.before, after);
      if (!v.ok) return fail(ctx, { ...rec, after }, 'VerificationFailed', v.message);
      const completing = nextStep(rec, rec.step, verify) === 'Completed';
      return advance(rec, { after }, completing ? { currentVersion: rec.to, statefulSet: toSts } : {});
    }
    case 'Switching': {
      const svc = ctx.deps.cache.services.get(ns, si.metadata.name!);
      if (svc?.spec?.selector?.['statefulset.kubernetes.io/pod-name'] !== podOf(toSts)) return rec; // applied by the caller this pass
      return advance(rec, {}, { currentVersion: rec.to, statefulSet: toSts });
    }
    case 'Completed': {
      // currentVersion was recorded with this step: writes back on, then the old database out
      // (BlueGreen: once the old pod, which serves a few more seconds, is gone).
      const p = pod(ctx, podOf(toSts));
      const engine = isPodReady(p) ? engineOf(ctx, p) : undefined;
      if (!engine) return rec;
      if (rec.blockWrites && !upstream) await engine.unblockWrites();
      if (toSts !== fromSts && pod(ctx, podOf(fromSts))) return rec;
      await filesOf(ctx, p)?.removeDatabase(`db-${rec.from}`);
      await finish(ctx, rec, 'Succeeded');
      return undefined;
    }
    case 'RollingBack': {
      const fromImage = engineImage(si, rec.from);
      if (toSts !== fromSts && pod(ctx, podOf(toSts))) return rec; // BlueGreen: the new pod goes first
      const p = pod(ctx, podOf(fromSts));
      const live = ctx.deps.cache.statefulSets.get(ns, fromSts);
      const liveImage = live?.spec?.template.spec?.containers[0]?.image;
      // A StatefulSet does not replace a pod that never became Ready: replace it ourselves once
      // the template is the old one again.
      if (p && liveImage === fromImage && p.spec?.containers[0]?.image !== fromImage && !p.metadata?.deletionTimestamp) {
        await ctx.deps.api.delete(PODS, ns, p.metadata!.name!, { uid: p.metadata!.uid! }).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        await ctx.deps.events.record(si, 'Normal', 'RollingBack', `Deleted pod ${p.metadata!.name} of ${p.spec?.containers[0]?.image} so that ${fromImage} starts again`);
        return rec;
      }
      if (!p || p.spec?.containers[0]?.image !== fromImage || !isPodReady(p)) return rec;
      const engine = engineOf(ctx, p);
      if (!engine) return rec;
      await filesOf(ctx, p)?.removeDatabase(`db-${rec.to}`);
      if (!upstream) await engine.unblockWrites(); // the block is persisted in the old database: lift it
      await finish(ctx, rec, 'RolledBack');
      return undefined;
    }
    default:
      obs.writes.push(`unknown upgrade step ${rec.step}`);
      return rec;
  }
}

async function ensurePreUpgradeDump(ctx: Ctx, rec: ActiveRecord): Promise<SearchDump> {
  const ns = ctx.si.metadata.namespace!;
  try {
    return await ctx.deps.api.get<SearchDump>(SEARCHDUMPS, ns, rec.dump!);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const body: SearchDump = {
    apiVersion: 'searchkube.io/v1alpha1',
    kind: 'SearchDump',
    metadata: {
      name: rec.dump!,
      namespace: ns,
      labels: { [INSTANCE_LABEL]: ctx.si.metadata.name!, [PRE_UPGRADE_REASON_LABEL]: 'PreUpgrade' },
      annotations: { [UPGRADE_ANNOTATION]: `${rec.from} -> ${rec.to}` },
      ownerReferences: [{ ...ownerReference(ctx.si), controller: false }],
    },
    // Retain: the file is the upgrade's safety copy and the new version's import source.
    spec: { instanceRef: { name: ctx.si.metadata.name! }, deletionPolicy: 'Retain' },
  };
  try {
    const d = await ctx.deps.api.create<SearchDump>(SEARCHDUMPS, body);
    await ctx.deps.events.record(ctx.si, 'Normal', 'Dumping', `Created SearchDump ${rec.dump} (PreUpgrade)`);
    return d;
  } catch (e) {
    if (!isAlreadyExists(e)) throw e;
    return ctx.deps.api.get<SearchDump>(SEARCHDUMPS, ns, rec.dump!);
  }
}

/** Applies the workloads an upgrade (or the state it left) wants; deletes the retired StatefulSets. */
export async function ensureWorkloads(deps: InstanceDeps, si: SearchInstance, obs: Observations, w: Workloads): Promise<void> {
  const ns = si.metadata.namespace!;
  const mk = masterKeyRef(si);
  for (const plan of w.apply) {
    const live = deps.cache.statefulSets.get(ns, plan.statefulSet);
    const desired = buildStatefulSet(si, workloadInputs(si, mk, { version: plan.version, start: plan.start, statefulSet: plan.statefulSet, ...(plan.colocateWith ? { colocateWith: plan.colocateWith } : {}) }));
    const applied = await applyIfChanged<V1StatefulSet>(deps.api, STATEFULSETS, desired, live, { fieldManager: FIELD_MANAGER, hashAnnotation: HASH_ANNOTATION });
    if (plan.statefulSet === w.serving) obs.statefulSet = applied ?? live;
    if (applied) {
      obs.writes.push(`apply StatefulSet ${plan.statefulSet}`);
      await deps.events.record(si, 'Normal', live ? 'RollingPod' : 'Created', `${live ? 'Updated' : 'Created'} StatefulSet ${plan.statefulSet} running ${engineImage(si, plan.version)}`);
    }
  }
  for (const name of w.remove) {
    if (!deps.cache.statefulSets.get(ns, name)) continue;
    try {
      await deps.api.delete(STATEFULSETS, ns, name, { propagationPolicy: 'Background' });
      obs.writes.push(`delete StatefulSet ${name}`);
      await deps.events.record(si, 'Normal', 'Retired', `Deleted StatefulSet ${name}`);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  obs.runningVersion = w.apply.find((p) => p.statefulSet === w.serving)?.version ?? obs.runningVersion;
}
