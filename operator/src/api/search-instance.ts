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
  upgrade?: { strategy?: UpgradeStrategy; verify?: boolean; blockWrites?: boolean };
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
  /** Written by the upgrade state machine (a later issue); kept here so the shape is complete. */
  upgrade?: {
    from?: string;
    to?: string;
    step?: string;
    dump?: string;
    startedAt?: string;
    before?: { indexes: number; documents: number };
  };
  stats?: InstanceStats;
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
