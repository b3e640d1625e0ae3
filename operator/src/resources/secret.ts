// The generated master-key Secret. Built once and created, never applied again: a key that changes
// would change every API key derived from it, so the operator never rewrites it (and marks it
// immutable so nobody else does by accident either).
import { randomBytes } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { INSTANCE_DEFAULTS, type SearchInstance } from '../api/search-instance.ts';
import { instanceNames, ownedMeta } from './names.ts';

/** 32 random bytes, base64url: 43 characters, well above the engine's 16-byte production minimum. */
export function generateMasterKey(random: (n: number) => Buffer = randomBytes): string {
  return random(32).toString('base64url');
}

export function buildMasterKeySecret(si: SearchInstance, masterKey: string): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: ownedMeta(si, instanceNames(si.metadata.name!).generatedSecret),
    type: 'Opaque',
    immutable: true,
    data: { [INSTANCE_DEFAULTS.masterKeyKey]: Buffer.from(masterKey).toString('base64') },
  };
}

/** Where the engine's master key comes from: the user's Secret, or the generated one. */
export function masterKeyRef(si: SearchInstance): { name: string; key: string; generated: boolean } {
  const ref = si.spec.masterKey?.secretRef;
  if (ref) return { name: ref.name, key: ref.key ?? INSTANCE_DEFAULTS.masterKeyKey, generated: false };
  return { name: instanceNames(si.metadata.name!).generatedSecret, key: INSTANCE_DEFAULTS.masterKeyKey, generated: true };
}
