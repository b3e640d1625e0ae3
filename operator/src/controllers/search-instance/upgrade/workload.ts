// From an EngineStart (how one version of the engine is started) to the StatefulSet inputs, and
// back from a live StatefulSet to its EngineStart, so that the steps that keep the old version
// running ask for exactly the template it already has (no pod roll while writes are blocked).
import type { V1Container, V1EnvVar, V1StatefulSet } from '@kubernetes/client-node';
import { INSTANCE_DEFAULTS, type EngineStart, type SearchInstance } from '../../../api/search-instance.ts';
import { dbPath, ENGINE_CONTAINER, IMPORT_SCRATCH, type WorkloadInputs } from '../../../resources/statefulset.ts';
import { OPERATOR_VERSION } from '../../../version.ts';

export const FETCH_CONTAINER = 'fetch-dump';
export const COPY_CONTAINER = 'copy-db';

/** The base flags engineArgs() always writes: --db-path X --dump-dir /dumps --http-addr A. */
const BASE_ARGS = 6;

function initContainer(si: SearchInstance, name: string, args: string[], env: V1EnvVar[]): V1Container {
  return {
    name,
    // The Searchkube engine image has the init modes; it runs next to upstream images too.
    image: `${INSTANCE_DEFAULTS.repository}:${OPERATOR_VERSION}`,
    imagePullPolicy: si.spec.image?.pullPolicy ?? INSTANCE_DEFAULTS.pullPolicy,
    args,
    env: [{ name: 'TMPDIR', value: '/tmp' }, ...env],
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'import', mountPath: IMPORT_SCRATCH },
    ],
  };
}

export function initContainersFor(si: SearchInstance, version: string, start: EngineStart): V1Container[] {
  const out: V1Container[] = [];
  if (start.fetchFrom && start.importDump) {
    const env: V1EnvVar[] = start.fetchKey ? [{ name: 'MEILI_MASTER_KEY', valueFrom: { secretKeyRef: { name: start.fetchKey.name, key: start.fetchKey.key } } }] : [];
    out.push(initContainer(si, FETCH_CONTAINER, ['fetch-dump', '--url', start.fetchFrom, '--to', start.importDump, '--skip-if-exists', dbPath(version)], env));
  }
  if (start.copyFrom) out.push(initContainer(si, COPY_CONTAINER, ['copy-db', '--from', start.copyFrom, '--to', dbPath(version)], []));
  return out;
}

export function workloadInputs(si: SearchInstance, masterKey: { name: string; key: string }, o: { version: string; start: EngineStart; statefulSet?: string; colocateWith?: string }): WorkloadInputs {
  const init = initContainersFor(si, o.version, o.start);
  return {
    version: o.version,
    masterKey,
    ...(o.start.importDump ? { importDump: o.start.importDump } : {}),
    ...(o.start.extraArgs?.length ? { extraArgs: o.start.extraArgs } : {}),
    ...(init.length ? { initContainers: init } : {}),
    ...(o.statefulSet && o.statefulSet !== si.metadata.name ? { statefulSetName: o.statefulSet } : {}),
    ...(o.colocateWith ? { colocateWithPod: o.colocateWith } : {}),
  };
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** How a live StatefulSet starts its engine (the inverse of workloadInputs). */
export function startOf(sts: V1StatefulSet | undefined): EngineStart {
  const spec = sts?.spec?.template.spec;
  const args = spec?.containers.find((c) => c.name === ENGINE_CONTAINER)?.args ?? [];
  const start: EngineStart = {};
  const rest = args.slice(BASE_ARGS);
  const i = rest.indexOf('--import-dump');
  if (i >= 0) {
    start.importDump = rest[i + 1]!;
    rest.splice(i, 2);
    const j = rest.indexOf('--ignore-dump-if-db-exists');
    if (j >= 0) rest.splice(j, 1);
  }
  if (rest.length) start.extraArgs = rest;
  const fetch = spec?.initContainers?.find((c) => c.name === FETCH_CONTAINER);
  if (fetch) {
    const url = flagValue(fetch.args ?? [], '--url');
    if (url) start.fetchFrom = url;
    const ref = fetch.env?.find((e) => e.name === 'MEILI_MASTER_KEY')?.valueFrom?.secretKeyRef;
    if (ref?.name && ref.key) start.fetchKey = { name: ref.name, key: ref.key };
  }
  const copy = spec?.initContainers?.find((c) => c.name === COPY_CONTAINER);
  const from = copy ? flagValue(copy.args ?? [], '--from') : undefined;
  if (from) start.copyFrom = from;
  return start;
}

export function engineImage(si: SearchInstance, version: string): string {
  return `${si.spec.image?.repository ?? INSTANCE_DEFAULTS.repository}:${version}`;
}
