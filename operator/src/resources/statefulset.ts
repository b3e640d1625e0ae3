// The one-replica StatefulSet running the engine. One replica always: the engine is a single
// writer over its database, so a second pod would corrupt it or fail to attach the volume.
import type { V1Container, V1EnvVar, V1PodSpec, V1Probe, V1StatefulSet } from '@kubernetes/client-node';
import { INSTANCE_DEFAULTS, type SearchInstance } from '../api/search-instance.ts';
import { ENGINE_PORT, instanceLabels, instanceNames, ownedMeta, selectorLabels } from './names.ts';
import { pvcName } from './pvcs.ts';
import { buildDumpsAgentContainer, needsDumpsAgent } from './dumps-agent.ts';

export const ENGINE_CONTAINER = 'engine';
/** Non-root ids of the engine process; fsGroup makes the volumes writable for it. */
export const ENGINE_UID = 1000;

export interface WorkloadInputs {
  /**
   * The version to run. Not always spec.version: a version change is an upgrade, which only the
   * upgrade state machine may roll out (a plain template change would start the new engine on
   * the old database).
   */
  version: string;
  masterKey: { name: string; key: string };
  /** A dump file to import on first start (bootstrap); the engine skips it once a database exists. */
  importDump?: string;
  /** Engine flags after the base ones (upgrades: --ignore-missing-dump, --import-write-block, an upstream upgrade flag). */
  extraArgs?: string[];
  /** Init containers before the engine (upgrades: fetch a dump over HTTP, copy a database). */
  initContainers?: V1Container[];
  /** StatefulSet name when it is not <name> (BlueGreen: <name>-v<version>, with its own selector label). */
  statefulSetName?: string;
  /** Schedule the pod on the node of this pod (BlueGreen: both pods share the ReadWriteOnce PVCs). */
  colocateWithPod?: string;
}

/** Selector label of a StatefulSet that is not <name> (a BlueGreen one). */
export const WORKLOAD_LABEL = 'searchkube.io/statefulset';
/** A per-pod scratch volume at /import: dumps fetched over HTTP before an import. */
export const IMPORT_SCRATCH = '/import';

export function dbPath(version: string): string {
  return `/data/db-${version}`;
}

export function engineArgs(inputs: WorkloadInputs): string[] {
  const args = ['--db-path', dbPath(inputs.version), '--dump-dir', '/dumps', '--http-addr', `0.0.0.0:${ENGINE_PORT}`];
  if (inputs.importDump) args.push('--import-dump', inputs.importDump, '--ignore-dump-if-db-exists');
  if (inputs.extraArgs) args.push(...inputs.extraArgs);
  return args;
}

function healthProbe(periodSeconds: number, failureThreshold: number): V1Probe {
  return { httpGet: { path: '/health', port: 'http' }, periodSeconds, failureThreshold, timeoutSeconds: 5 };
}

/**
 * /health answers 503 for the whole of a dump import, which can take hours; the startup probe
 * gives it a day (2 s x 43200) so the kubelet never kills an import. Liveness starts after it.
 */
export const STARTUP_PROBE = healthProbe(2, 43_200);
export const READINESS_PROBE = healthProbe(5, 3);
export const LIVENESS_PROBE = healthProbe(10, 6);

function engineEnv(si: SearchInstance, inputs: WorkloadInputs): V1EnvVar[] {
  return [
    { name: 'MEILI_ENV', value: 'production' },
    { name: 'MEILI_MASTER_KEY', valueFrom: { secretKeyRef: { name: inputs.masterKey.name, key: inputs.masterKey.key } } },
    // The root filesystem is read-only; temporary files go to an emptyDir.
    { name: 'TMPDIR', value: '/tmp' },
    ...(si.spec.env ?? []),
  ];
}

export function buildEngineContainer(si: SearchInstance, inputs: WorkloadInputs): V1Container {
  const repository = si.spec.image?.repository ?? INSTANCE_DEFAULTS.repository;
  return {
    name: ENGINE_CONTAINER,
    image: `${repository}:${inputs.version}`,
    imagePullPolicy: si.spec.image?.pullPolicy ?? INSTANCE_DEFAULTS.pullPolicy,
    args: engineArgs(inputs),
    env: engineEnv(si, inputs),
    ports: [{ name: 'http', containerPort: ENGINE_PORT, protocol: 'TCP' }],
    ...(si.spec.resources && Object.keys(si.spec.resources).length > 0 ? { resources: si.spec.resources } : {}),
    startupProbe: STARTUP_PROBE,
    readinessProbe: READINESS_PROBE,
    livenessProbe: LIVENESS_PROBE,
    securityContext: {
      runAsNonRoot: true,
      runAsUser: ENGINE_UID,
      runAsGroup: ENGINE_UID,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    },
    volumeMounts: [
      { name: 'data', mountPath: '/data' },
      { name: 'dumps', mountPath: '/dumps' },
      { name: 'tmp', mountPath: '/tmp' },
      ...(inputs.initContainers?.length ? [{ name: 'import', mountPath: IMPORT_SCRATCH }] : []),
    ],
  };
}

function podSpec(si: SearchInstance, inputs: WorkloadInputs): V1PodSpec {
  const { nodeSelector, tolerations, affinity } = si.spec;
  const engine = buildEngineContainer(si, inputs);
  return {
    // An upstream Meilisearch image gets the dumps-agent sidecar (dumps-agent.ts).
    containers: [engine, ...(needsDumpsAgent(si) ? [buildDumpsAgentContainer(si, inputs.masterKey, engine)] : [])],
    ...(inputs.initContainers?.length ? { initContainers: inputs.initContainers } : {}),
    // The engine never talks to the Kubernetes API, so it gets no token and no service env vars.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: { fsGroup: ENGINE_UID, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
    volumes: [
      { name: 'data', persistentVolumeClaim: { claimName: pvcName(si, 'data') } },
      { name: 'dumps', persistentVolumeClaim: { claimName: pvcName(si, 'dumps') } },
      { name: 'tmp', emptyDir: {} },
      ...(inputs.initContainers?.length ? [{ name: 'import', emptyDir: {} }] : []),
    ],
    ...(inputs.colocateWithPod
      ? { affinity: { ...affinity, podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'statefulset.kubernetes.io/pod-name': inputs.colocateWithPod } }, topologyKey: 'kubernetes.io/hostname' }] } } }
      : {}),
    ...(nodeSelector && Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
    ...(tolerations && tolerations.length > 0 ? { tolerations } : {}),
    ...(affinity && Object.keys(affinity).length > 0 && !inputs.colocateWithPod ? { affinity } : {}),
  };
}

export function buildStatefulSet(si: SearchInstance, inputs: WorkloadInputs): V1StatefulSet {
  const names = instanceNames(si.metadata.name!);
  const name = inputs.statefulSetName ?? names.statefulSet;
  // A second StatefulSet (BlueGreen) selects its own pod only; <name> keeps its immutable selector.
  const own: Record<string, string> = name === names.statefulSet ? {} : { [WORKLOAD_LABEL]: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: ownedMeta(si, name),
    spec: {
      replicas: 1,
      serviceName: names.service,
      selector: { matchLabels: { ...selectorLabels(si), ...own } },
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate' },
      template: { metadata: { labels: { ...instanceLabels(si), ...own } }, spec: podSpec(si, inputs) },
    },
  };
}
