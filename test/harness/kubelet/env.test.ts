import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { buildEnv, ContainerConfigError, expandVars } from './env.ts';

const pod: V1Pod = { metadata: { name: 'p-0', namespace: 'ns', uid: 'u1', labels: { app: 'x' } }, spec: { nodeName: 'n', containers: [] } };
const sources = {
  podIP: '127.9.0.1',
  hostIP: '127.0.0.1',
  getSecret: async (name: string) => (name === 's' ? { data: { key: Buffer.from('v@l').toString('base64') } } : null),
  getConfigMap: async (name: string) => (name === 'c' ? { data: { mode: 'fast', other: 'o' } } : null),
};

describe('expandVars', () => {
  it('expands known $(VAR), keeps unknown ones and unescapes $$', () => {
    expect(expandVars('$(A)-$(B)-$$(A)', { A: '1' })).toBe('1-$(B)-$(A)');
  });
});

describe('buildEnv', () => {
  it('resolves literals, fieldRef, secretKeyRef, configMapKeyRef and envFrom', async () => {
    const env = await buildEnv(
      pod,
      {
        name: 'c',
        envFrom: [{ configMapRef: { name: 'c' }, prefix: 'CM_' }],
        env: [
          { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
          { name: 'SECRET', valueFrom: { secretKeyRef: { name: 's', key: 'key' } } },
          { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'c', key: 'mode' } } },
          { name: 'MSG', value: '$(NAME) at $(IP)' },
          { name: 'OPT', valueFrom: { secretKeyRef: { name: 'missing', key: 'k', optional: true } } },
        ],
      },
      sources,
    );
    expect(env).toEqual({ CM_mode: 'fast', CM_other: 'o', NAME: 'p-0', IP: '127.9.0.1', APP: 'x', SECRET: 'v@l', MODE: 'fast', MSG: 'p-0 at 127.9.0.1' });
  });

  it('fails with a config error for a missing secret or key', async () => {
    await expect(buildEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] }, sources)).rejects.toBeInstanceOf(ContainerConfigError);
    await expect(buildEnv(pod, { name: 'c', env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'nokey' } } }] }, sources)).rejects.toThrow(/couldn't find key nokey/);
  });
});
