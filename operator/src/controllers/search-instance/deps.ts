// What the SearchInstance reconciler works with: the API, the informer caches, events, and the
// few reads that are not cached (Secrets the user owns, StorageClasses, the engine).
import type { V1PersistentVolumeClaim, V1Pod, V1Secret, V1Service, V1StatefulSet, V1StorageClass } from '@kubernetes/client-node';
import type { InstanceStats, SearchInstance } from '../../api/search-instance.ts';
import type { EngineAccess } from '../../engine-client/client.ts';
import type { EngineTask } from '../../engine-client/dumps.ts';
import type { Clock } from '../../kube/clock.ts';
import type { KubeApi } from '../../kube/client.ts';
import { isNotFound } from '../../kube/errors.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { InformerSet } from '../../kube/informer-set.ts';
import { SECRETS, STORAGECLASSES } from '../../kube/resource.ts';

export interface InstanceCaches {
  instances: InformerSet<SearchInstance>;
  statefulSets: InformerSet<V1StatefulSet>;
  services: InformerSet<V1Service>;
  pvcs: InformerSet<V1PersistentVolumeClaim>;
  pods: InformerSet<V1Pod>;
  /** Only Secrets labelled with the instance label, i.e. the generated ones. */
  secrets: InformerSet<V1Secret>;
}

export interface InstanceDeps {
  api: KubeApi;
  clock: Clock;
  events: EventRecorder;
  cache: InstanceCaches;
  engineAccess: EngineAccess;
  /** How often a Ready instance's stats are refreshed. */
  statsIntervalMs: number;
  /** How soon to look again at an instance that is not Ready yet and has nothing to wake it. */
  pendingRequeueMs: number;
  lookups: Lookups;
  engineStats: (baseUrl: string, masterKey: string) => Promise<InstanceStats>;
  /** The engine's newest finished write task (see storage-full.ts). */
  engineLatestWrite: (baseUrl: string, masterKey: string) => Promise<EngineTask | undefined>;
  log: (msg: string) => void;
}

/**
 * Uncached reads, each kept for a short while so a busy instance does not read them on every
 * pass: a user's Secret (never watched: the operator has no business caching every Secret of the
 * cluster) and StorageClasses (read only when a volume must grow).
 */
export class Lookups {
  readonly #api: KubeApi;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #memo = new Map<string, { at: number; value: unknown }>();

  constructor(api: KubeApi, clock: Clock, ttlMs = 60_000) {
    this.#api = api;
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  async #cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.#memo.get(key);
    if (hit && this.#clock.now() - hit.at < this.#ttlMs) return hit.value as T;
    const value = await load();
    this.#memo.set(key, { at: this.#clock.now(), value });
    return value;
  }

  forget(prefix: string): void {
    for (const k of this.#memo.keys()) if (k.startsWith(prefix)) this.#memo.delete(k);
  }

  secret(namespace: string, name: string): Promise<V1Secret | undefined> {
    return this.#cached(`secret/${namespace}/${name}`, () => this.#api.get<V1Secret>(SECRETS, namespace, name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))));
  }

  storageClass(name: string): Promise<V1StorageClass | undefined> {
    return this.#cached(`sc/${name}`, () => this.#api.get<V1StorageClass>(STORAGECLASSES, undefined, name).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e))));
  }
}

export function secretValue(secret: V1Secret | undefined, key: string): string | undefined {
  const b64 = secret?.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}
