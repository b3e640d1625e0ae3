// Where a dump's engine is and whether it can take a request now: the instance must exist, be
// Ready, have a pod IP (out of a cluster) and a readable master key. File routes go to the engine
// itself or, for an upstream Meilisearch image, to the dumps-agent sidecar.
import type { SearchDump } from '../../api/search-dump.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import { engineBaseUrl } from '../../engine-client/client.ts';
import type { DumpsApi } from '../../engine-client/dumps.ts';
import { dumpFilesPort } from '../../resources/dumps-agent.ts';
import { ENGINE_PORT, instanceNames } from '../../resources/names.ts';
import { masterKeyRef } from '../../resources/secret.ts';
import { secretValue } from '../search-instance/deps.ts';
import type { DumpDeps } from './deps.ts';

export type EngineTarget =
  | { ok: true; instance: SearchInstance; api: DumpsApi }
  | { ok: false; reason: 'InstanceNotFound' | 'InstanceDeleting' | 'InstanceNotReady' | 'MasterKeyMissing'; message: string; instance?: SearchInstance };

function serviceUrl(si: SearchInstance, port: number): string {
  return `http://${si.metadata.name}.${si.metadata.namespace}.svc:${port}`;
}

export async function resolveTarget(deps: DumpDeps, d: SearchDump): Promise<EngineTarget> {
  const ns = d.metadata.namespace!;
  const name = d.spec.instanceRef.name;
  const si = deps.cache.instances.get(ns, name);
  if (!si) return { ok: false, reason: 'InstanceNotFound', message: `SearchInstance ${name} does not exist` };
  if (si.metadata.deletionTimestamp) return { ok: false, reason: 'InstanceDeleting', message: `SearchInstance ${name} is being deleted`, instance: si };
  const phase = si.status?.phase ?? 'Pending';
  const waiting = (why: string): EngineTarget => ({ ok: false, reason: 'InstanceNotReady', message: `SearchInstance ${name} ${why}; the dump starts once it is Ready`, instance: si });
  // An upgrade's own pre-upgrade dump is taken while the instance is Upgrading (step Dumping).
  if (phase !== 'Ready' && !(phase === 'Upgrading' && si.status?.upgrade?.step === 'Dumping')) return waiting(`is ${phase}`);
  const podIP = deps.cache.pods.get(ns, si.status?.statefulSet ? `${si.status.statefulSet}-0` : instanceNames(name).pod)?.status?.podIP;
  const engineUrl = engineBaseUrl(deps.engineAccess, serviceUrl(si, ENGINE_PORT), podIP, ENGINE_PORT);
  const filesUrl = engineBaseUrl(deps.engineAccess, serviceUrl(si, dumpFilesPort(si)), podIP, dumpFilesPort(si));
  if (!engineUrl || !filesUrl) return waiting('has no pod IP yet');
  const ref = masterKeyRef(si);
  const secret = ref.generated ? deps.cache.secrets.get(ns, ref.name) : await deps.lookups.secret(ns, ref.name);
  const masterKey = secretValue(secret, ref.key);
  if (!masterKey) return { ok: false, reason: 'MasterKeyMissing', message: `the master key of SearchInstance ${name} (Secret ${ref.name}, key ${ref.key}) cannot be read`, instance: si };
  return { ok: true, instance: si, api: deps.dumpsApi({ engineUrl, filesUrl, masterKey }) };
}
