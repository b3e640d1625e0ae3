// SearchInstance: one engine (a single-writer search server) with its storage, key and Service.
// The shape is DESIGN.md's; the schema the apiserver enforces is in search-instance-schema.ts.
import type { V1Affinity, V1EnvVar, V1ResourceRequirements, V1Toleration } from '@kubernetes/client-node';
import type { Condition, CustomObject, LocalObjectReference } from './common.ts';

export const SEARCH_INSTANCE = {
  kind: 'SearchInstance',
  listKind: 'SearchInstanceList',
  plural: 'searchinstances',
  singular: 'searchinstance',
  shortNames: ['si'],
} as const;

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';
export type UpgradeStrategy = 'Recreate' | 'BlueGreen';
export type DeletionPolicy = 'Retain' | 'Delete';
export type InstancePhase = 'Pending' | 'Provisioning' | 'Ready' | 'Upgrading' | 'RollingBack' | 'Failed';

export interface VolumeSpec {
  size: string;
  storageClassName?: string;
}

export interface SearchInstanceSpec {
  /** Engine version: the image tag, and the name of the database directory (/data/db-<version>). */
  version: string;
  image?: { repository?: string; pullPolicy?: PullPolicy };
  /** Omitted: the operator generates the Secret <name>-master-key once. */
  masterKey?: { secretRef: { name: string; key?: string } };
  storage?: VolumeSpec;
  dumps?: VolumeSpec;
  resources?: V1ResourceRequirements;
  env?: V1EnvVar[];
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
  affinity?: V1Affinity;
  upgrade?: {
    strategy?: UpgradeStrategy;
    verify?: boolean;
    blockWrites?: boolean;
    /** How long the new version may take to become Ready (import included) before a rollback. */
    readyTimeoutSeconds?: number;
  };
  /** Start a new instance from a dump: a SearchDump by name, or a file in the dumps volume. */
  bootstrap?: { fromDump: { name?: string; path?: string } };
  deletionPolicy?: DeletionPolicy;
}

export interface InstanceStats {
  indexes: number;
  documents: number;
  databaseSize: number;
}

export interface SearchInstanceStatus {
  phase?: InstancePhase;
  observedGeneration?: number;
  currentVersion?: string;
  endpoint?: string;
  conditions?: Condition[];
  /** The StatefulSet running the engine: <name>, or <name>-v<version> after a BlueGreen upgrade. */
  statefulSet?: string;
  /** The upgrade state machine's record (controllers/search-instance/upgrade); kept after it ends. */
  upgrade?: UpgradeRecord;
  stats?: InstanceStats;
}

export type UpgradeStep = 'BlockingWrites' | 'Dumping' | 'Restarting' | 'Importing' | 'Verifying' | 'Switching' | 'Completed' | 'RollingBack' | 'RolledBack';

/** How the engine was started: the dump it imports on first start and the flags that go with it. */
export interface EngineStart {
  importDump?: string;
  extraArgs?: string[];
  /** Init step: fetch the dump over HTTP from this URL into importDump (with fetchKey's master key). */
  fetchFrom?: string;
  fetchKey?: { name: string; key: string };
  /** Init step: copy this database directory to the new one (upstream in-place upgrades). */
  copyFrom?: string;
}

export interface UpgradeRecord {
  from?: string;
  to?: string;
  step?: UpgradeStep;
  /** The pre-upgrade SearchDump (its name is derived from the record, so a restart finds it). */
  dump?: string;
  startedAt?: string;
  before?: { indexes: number; documents: number };
  strategy?: UpgradeStrategy;
  /** Dump (dump and --import-dump) or Dumpless (upstream Meilisearch's in-place upgrade flag). */
  mode?: 'Dump' | 'Dumpless';
  stepStartedAt?: string;
  /** The dump file the new version imports. */
  dumpPath?: string;
  /** Whether the engine's write block is part of this upgrade. */
  blockWrites?: boolean;
  /** How the previous version was started, restored as it was on a rollback. */
  fromStart?: EngineStart;
  /** How the new version is started (fixed when the Restarting step begins). */
  toStart?: EngineStart;
  fromStatefulSet?: string;
  toStatefulSet?: string;
  progress?: { indexesDone: number; indexesTotal: number; documentsDone: number; documentsTotal: number };
  after?: { indexes: number; documents: number };
  /** Why the upgrade is rolling (or was rolled) back. */
  failure?: { reason: string; message: string };
  finishedAt?: string;
  result?: 'Succeeded' | 'RolledBack';
}

export type SearchInstance = CustomObject<SearchInstanceSpec, SearchInstanceStatus> & { spec: SearchInstanceSpec };

/** Defaults the schema also declares; applied again in code so a missing default never crashes. */
export const INSTANCE_DEFAULTS = {
  repository: 'searchkube/engine',
  pullPolicy: 'IfNotPresent' as PullPolicy,
  storageSize: '10Gi',
  dumpsSize: '20Gi',
  masterKeyKey: 'masterKey',
  deletionPolicy: 'Retain' as DeletionPolicy,
};

export function dumpRef(spec: SearchInstanceSpec): LocalObjectReference | undefined {
  const name = spec.bootstrap?.fromDump.name;
  return name ? { name } : undefined;
}
