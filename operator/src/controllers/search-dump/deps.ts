// What the SearchDump reconciler works with: the API, the caches (its own SearchDumps, and the
// instance controller's SearchInstances, pods and generated Secrets, shared), events, and a
// factory for the engine's dump routes (a fake in unit tests).
import type { V1Pod, V1Secret } from '@kubernetes/client-node';
import type { SearchDump } from '../../api/search-dump.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { EngineAccess } from '../../engine-client/client.ts';
import type { DumpsApi } from '../../engine-client/dumps.ts';
import type { Clock } from '../../kube/clock.ts';
import type { KubeApi } from '../../kube/client.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { InformerSet } from '../../kube/informer-set.ts';
import type { Lookups } from '../search-instance/deps.ts';
import type { KeyedLock } from './keyed-lock.ts';

export interface DumpCaches {
  dumps: InformerSet<SearchDump>;
  instances: InformerSet<SearchInstance>;
  pods: InformerSet<V1Pod>;
  /** The instance controller's: only generated master-key Secrets. */
  secrets: InformerSet<V1Secret>;
}

export interface EngineEndpoints {
  engineUrl: string;
  filesUrl: string;
  masterKey: string;
}

export interface DumpDeps {
  api: KubeApi;
  clock: Clock;
  events: EventRecorder;
  cache: DumpCaches;
  lookups: Lookups;
  engineAccess: EngineAccess;
  dumpsApi: (e: EngineEndpoints) => DumpsApi;
  /** One dump request in flight per instance (see start-dump.ts). */
  locks: KeyedLock;
  /** How soon to look again at a dump waiting for its instance. */
  pendingRequeueMs: number;
  log: (msg: string) => void;
}
