import { describe, expect, it } from 'vitest';
import { makeInstance } from '../testing/fixtures.ts';
import { OPERATOR_VERSION } from '../version.ts';
import { dumpFilesPort, isSearchkubeEngine, needsDumpsAgent } from './dumps-agent.ts';
import { masterKeyRef } from './secret.ts';
import { buildService } from './service.ts';
import { buildStatefulSet } from './statefulset.ts';

const upstream = makeInstance('meili', { version: 'v1.14.0', image: { repository: 'getmeili/meilisearch', pullPolicy: 'IfNotPresent' } });
const ours = makeInstance('products');

describe('dumps-agent sidecar', () => {
  it('is added only next to an engine image without the dump-file routes', () => {
    expect(isSearchkubeEngine('searchkube/engine')).toBe(true);
    expect(isSearchkubeEngine('registry.example.com/searchkube/engine')).toBe(true);
    expect(isSearchkubeEngine('getmeili/meilisearch')).toBe(false);
    expect(needsDumpsAgent(ours)).toBe(false);
    expect(needsDumpsAgent(upstream)).toBe(true);
    expect(buildStatefulSet(ours, { version: '0.3.0', masterKey: masterKeyRef(ours) }).spec!.template.spec!.containers.map((c) => c.name)).toEqual(['engine']);
    expect(dumpFilesPort(ours)).toBe(7700);
    expect(dumpFilesPort(upstream)).toBe(7701);
  });

  it('runs the operator\'s engine version in --agent mode over the dumps volume, with the master key', () => {
    const pod = buildStatefulSet(upstream, { version: 'v1.14.0', masterKey: { name: 'meili-master-key', key: 'masterKey' } }).spec!.template.spec!;
    expect(pod.containers.map((c) => c.name)).toEqual(['engine', 'dumps-agent']);
    expect(pod.containers[0]!.image).toBe('getmeili/meilisearch:v1.14.0');
    const agent = pod.containers[1]!;
    expect(agent.image).toBe(`searchkube/engine:${OPERATOR_VERSION}`);
    expect(agent.args).toEqual(['--agent', '--dump-dir', '/dumps', '--http-addr', '0.0.0.0:7701', '--db-path', '/data/db-v1.14.0']);
    expect(agent.ports).toEqual([{ name: 'dumps-agent', containerPort: 7701, protocol: 'TCP' }]);
    expect(agent.env).toContainEqual({ name: 'MEILI_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'meili-master-key', key: 'masterKey' } } });
    expect(agent.volumeMounts?.map((m) => `${m.name}:${m.mountPath}`)).toEqual(['dumps:/dumps', 'tmp:/tmp', 'data:/data']);
    expect(agent.readinessProbe?.httpGet).toEqual({ path: '/health', port: 'dumps-agent' });
    expect(agent.securityContext).toEqual(pod.containers[0]!.securityContext);
    // The volume it mounts is the instance's dumps PVC.
    expect(pod.volumes?.find((v) => v.name === 'dumps')?.persistentVolumeClaim?.claimName).toBe('meili-dumps');
  });

  it('is reachable through the Service on its own port', () => {
    expect(buildService(upstream).spec?.ports?.map((p) => p.port)).toEqual([7700, 7701]);
    expect(buildService(ours).spec?.ports?.map((p) => p.port)).toEqual([7700]);
  });
});
