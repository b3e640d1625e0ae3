// Step 1: the master key. A generated Secret is created once and then only read, never rewritten
// (a new key would change every API key the applications hold). A user's Secret is only read.
// Without a usable key nothing else is created: the pod could not start anyway.
import type { V1Secret } from '@kubernetes/client-node';
import type { SearchInstance } from '../../api/search-instance.ts';
import { isAlreadyExists } from '../../kube/errors.ts';
import { SECRETS } from '../../kube/resource.ts';
import { buildMasterKeySecret, generateMasterKey, masterKeyRef } from '../../resources/secret.ts';
import { secretValue, type InstanceDeps } from './deps.ts';
import type { Observations } from './observations.ts';

/** The engine's minimum master key length in production. */
const MIN_KEY_BYTES = 16;

export async function ensureMasterKey(deps: InstanceDeps, si: SearchInstance, obs: Observations): Promise<string | undefined> {
  const ns = si.metadata.namespace!;
  const ref = masterKeyRef(si);
  let secret: V1Secret | undefined;
  if (ref.generated) {
    secret = deps.cache.secrets.get(ns, ref.name);
    if (!secret) {
      try {
        secret = await deps.api.create(SECRETS, buildMasterKeySecret(si, generateMasterKey()));
        obs.writes.push(`create Secret ${ref.name}`);
        await deps.events.record(si, 'Normal', 'Created', `Created Secret ${ref.name} with a generated master key`);
      } catch (e) {
        // Created by an earlier pass whose cache had not caught up (or a restarted operator): use it.
        if (!isAlreadyExists(e)) throw e;
        secret = await deps.api.get<V1Secret>(SECRETS, ns, ref.name);
      }
    }
  } else {
    secret = await deps.lookups.secret(ns, ref.name);
  }
  const value = secretValue(secret, ref.key);
  let problem: string | undefined;
  if (!secret) problem = `Secret ${ref.name} (spec.masterKey.secretRef) does not exist`;
  else if (value === undefined) problem = `Secret ${ref.name} has no key ${ref.key}`;
  else if (Buffer.byteLength(value) < MIN_KEY_BYTES) problem = `the master key in Secret ${ref.name} is shorter than ${MIN_KEY_BYTES} bytes`;
  if (problem) {
    deps.lookups.forget(`secret/${ns}/${ref.name}`); // look again next time, not after the TTL
    obs.blocked = { phase: 'Failed', reason: 'MasterKeyMissing', message: problem };
    return undefined;
  }
  return value;
}
