// Step 3: the StatefulSet and the Service. The StatefulSet runs the *running* version: a change
// of spec.version is an upgrade (dump, then import on the new version), which a plain template
// change must never do by itself; until the upgrade controller exists it is only reported.
import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { FIELD_MANAGER } from '../../api/group.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { SearchDump } from '../../api/search-dump.ts';
import { SEARCH_DUMP } from '../../api/search-dump.ts';
import { GROUP, VERSION } from '../../api/group.ts';
import { applyIfChanged } from '../../kube/apply.ts';
import { isNotFound } from '../../kube/errors.ts';
import { SERVICES, STATEFULSETS, type ResourceType } from '../../kube/resource.ts';
import { isSubset } from '../../kube/semantic.ts';
import { instanceNames } from '../../resources/names.ts';
import { masterKeyRef } from '../../resources/secret.ts';
import { buildService } from '../../resources/service.ts';
import { buildStatefulSet, ENGINE_CONTAINER } from '../../resources/statefulset.ts';
import type { EngineStart } from '../../api/search-instance.ts';
import { dumpFilesPort } from '../../resources/dumps-agent.ts';
import { IMPORT_SCRATCH } from '../../resources/statefulset.ts';
import type { InstanceDeps } from './deps.ts';
import { startOf, workloadInputs } from './upgrade/workload.ts';
import { HASH_ANNOTATION } from './hash.ts';
import type { Observations } from './observations.ts';

export const SEARCHDUMPS: ResourceType = { group: GROUP, version: VERSION, plural: SEARCH_DUMP.plural, kind: SEARCH_DUMP.kind, namespaced: true };

/** The version whose database the pod uses: the recorded one once the instance has run. */
export function runningVersion(si: SearchInstance): string {
  return si.status?.currentVersion ?? si.spec.version;
}

function importArg(sts: V1StatefulSet | undefined): string | undefined {
  const args = sts?.spec?.template.spec?.containers.find((c) => c.name === ENGINE_CONTAINER)?.args ?? [];
  const i = args.indexOf('--import-dump');
  return i >= 0 ? args[i + 1] : undefined;
}

/**
 * How to start from the bootstrap dump, or undefined; sets obs.blocked while a named dump is not
 * ready. A SearchDump of another instance lives on that instance's dumps volume: an init step
 * fetches it over HTTP from that instance's engine (GET /dumps/<uid>, its master key) first.
 */
async function bootstrapStart(deps: InstanceDeps, si: SearchInstance, live: V1StatefulSet | undefined, obs: Observations): Promise<EngineStart | undefined> {
  const from = si.spec.bootstrap?.fromDump;
  if (!from) return undefined;
  if (from.path) return { importDump: from.path };
  // Once the workload exists its start is settled (and the SearchDump may be gone since).
  if (importArg(live)) return startOf(live);
  let dump: SearchDump | undefined;
  try {
    dump = await deps.api.get<SearchDump>(SEARCHDUMPS, si.metadata.namespace, from.name!);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (dump?.status?.phase === 'Succeeded' && dump.status.path && dump.spec.instanceRef.name !== si.metadata.name) {
    const ns = si.metadata.namespace!;
    const source = deps.cache.instances.get(ns, dump.spec.instanceRef.name);
    const sourcePod = source ? deps.cache.pods.get(ns, `${source.status?.statefulSet ?? source.metadata.name}-0`) : undefined;
    const port = source ? dumpFilesPort(source) : 0;
    const uid = dump.status.dumpUid ?? dump.status.path.split('/').pop()!.replace(/\.dump$/, '');
    const base = deps.engineAccess === 'service' ? `http://${dump.spec.instanceRef.name}.${ns}.svc:${port}` : sourcePod?.status?.podIP ? `http://${sourcePod.status.podIP}:${port}` : undefined;
    if (source && base) {
      const key = masterKeyRef(source);
      return { importDump: `${IMPORT_SCRATCH}/${uid}.dump`, extraArgs: ['--ignore-missing-dump'], fetchFrom: `${base}/dumps/${uid}`, fetchKey: { name: key.name, key: key.key } };
    }
    obs.blocked = { phase: 'Pending', reason: 'WaitingForDumpSource', message: `SearchDump ${from.name} is on the dumps volume of SearchInstance ${dump.spec.instanceRef.name}, which must be running to hand it over` };
    return undefined;
  }
  if (dump?.status?.phase === 'Succeeded' && dump.status.path) return { importDump: dump.status.path };
  obs.blocked = {
    phase: 'Pending',
    reason: 'WaitingForDump',
    message: dump ? `SearchDump ${from.name} is ${dump.status?.phase ?? 'Pending'}; the instance starts from it once it has Succeeded` : `SearchDump ${from.name} does not exist`,
  };
  return undefined;
}

export async function ensureStatefulSet(deps: InstanceDeps, si: SearchInstance, obs: Observations): Promise<void> {
  const ns = si.metadata.namespace!;
  const name = instanceNames(si.metadata.name!).statefulSet;
  const live = deps.cache.statefulSets.get(ns, name);
  const start = await bootstrapStart(deps, si, live, obs);
  if (obs.blocked) return;
  const version = runningVersion(si);
  obs.runningVersion = version;
  const desired = buildStatefulSet(si, start ? workloadInputs(si, masterKeyRef(si), { version, start }) : { version, masterKey: masterKeyRef(si) });
  const applied = await applyIfChanged<V1StatefulSet>(deps.api, STATEFULSETS, desired, live, { fieldManager: FIELD_MANAGER, hashAnnotation: HASH_ANNOTATION });
  obs.statefulSet = applied ?? live;
  if (!applied) return;
  obs.writes.push(`apply StatefulSet ${name}`);
  if (!live) await deps.events.record(si, 'Normal', 'Created', `Created StatefulSet ${name} running ${desired.spec!.template.spec!.containers[0]!.image}`);
  else if (!isSubset(desired.spec?.template, live.spec?.template)) await deps.events.record(si, 'Normal', 'RollingPod', `Pod template of StatefulSet ${name} changed; replacing pod ${name}-0`);
  else await deps.events.record(si, 'Normal', 'Updated', `Updated StatefulSet ${name}`);
}

export async function ensureService(deps: InstanceDeps, si: SearchInstance, obs: Observations): Promise<void> {
  const ns = si.metadata.namespace!;
  const name = instanceNames(si.metadata.name!).service;
  const live = deps.cache.services.get(ns, name);
  const applied = await applyIfChanged<V1Service>(deps.api, SERVICES, buildService(si, obs.upgrade?.workloads?.servedPod), live, { fieldManager: FIELD_MANAGER, hashAnnotation: HASH_ANNOTATION });
  if (!applied) return;
  obs.writes.push(`apply Service ${name}`);
  if (!live) await deps.events.record(si, 'Normal', 'Created', `Created Service ${name}`);
  else if (obs.upgrade?.workloads?.servedPod) await deps.events.record(si, 'Normal', 'Switched', `Service ${name} now selects pod ${obs.upgrade.workloads.servedPod}`);
}
