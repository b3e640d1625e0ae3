import { describe, expect, it } from 'vitest';
import { makeInstance } from '../testing/fixtures.ts';
import { instanceNames, serviceEndpoint } from './names.ts';
import { buildMasterKeySecret, generateMasterKey, masterKeyRef } from './secret.ts';
import { buildPvc } from './pvcs.ts';
import { buildService } from './service.ts';
import { buildStatefulSet, ENGINE_CONTAINER } from './statefulset.ts';

const si = makeInstance('products');
const inputs = { version: '0.3.0', masterKey: masterKeyRef(si) };

describe('names', () => {
  it('follows DESIGN.md: StatefulSet and Service <name>, pod <name>-0, PVCs and Secret suffixed', () => {
    expect(instanceNames('products')).toEqual({
      statefulSet: 'products',
      service: 'products',
      pod: 'products-0',
      dataPvc: 'products-data',
      dumpsPvc: 'products-dumps',
      generatedSecret: 'products-master-key',
    });
    expect(serviceEndpoint(si)).toBe('http://products.shop.svc:7700');
  });

  it('labels and owns every object it builds', () => {
    const objects = [buildMasterKeySecret(si, 'k'.repeat(20)), buildPvc(si, 'data', '10Gi'), buildPvc(si, 'dumps', '20Gi'), buildService(si), buildStatefulSet(si, inputs)];
    for (const o of objects) {
      expect(o.metadata?.namespace).toBe('shop');
      expect(o.metadata?.labels?.['searchkube.io/instance']).toBe('products');
      expect(o.metadata?.ownerReferences).toEqual([
        { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchInstance', name: 'products', uid: 'uid-products', controller: true, blockOwnerDeletion: true },
      ]);
    }
  });
});

describe('master key Secret', () => {
  it('generates a random 43-character key', () => {
    const a = generateMasterKey();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateMasterKey()).not.toBe(a);
  });

  it('stores the key under masterKey and is immutable', () => {
    const s = buildMasterKeySecret(si, 'secret-value-123456');
    expect(s.metadata?.name).toBe('products-master-key');
    expect(s.immutable).toBe(true);
    expect(Buffer.from(s.data!.masterKey!, 'base64').toString()).toBe('secret-value-123456');
  });

  it('points at the user Secret when spec.masterKey is given (key defaults to masterKey)', () => {
    expect(masterKeyRef(makeInstance('a', { masterKey: { secretRef: { name: 'mine' } } }))).toEqual({ name: 'mine', key: 'masterKey', generated: false });
    expect(masterKeyRef(makeInstance('a', { masterKey: { secretRef: { name: 'mine', key: 'k' } } }))).toEqual({ name: 'mine', key: 'k', generated: false });
    expect(masterKeyRef(si)).toEqual({ name: 'products-master-key', key: 'masterKey', generated: true });
  });
});

describe('PVCs', () => {
  it('builds <name>-data and <name>-dumps with the requested size and class', () => {
    const withClass = makeInstance('p', { storage: { size: '5Gi', storageClassName: 'fast' } });
    const data = buildPvc(withClass, 'data', '5Gi');
    expect(data.metadata?.name).toBe('p-data');
    expect(data.spec).toEqual({ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' });
    expect(buildPvc(withClass, 'dumps', '20Gi').spec?.storageClassName).toBeUndefined();
  });
});

describe('Service', () => {
  it('selects the instance pod on port 7700', () => {
    const svc = buildService(si);
    expect(svc.spec?.selector).toEqual({ 'searchkube.io/instance': 'products' });
    expect(svc.spec?.ports).toEqual([{ name: 'http', port: 7700, targetPort: 'http', protocol: 'TCP' }]);
  });
});

describe('StatefulSet', () => {
  const sts = buildStatefulSet(si, inputs);
  const pod = sts.spec!.template.spec!;
  const c = pod.containers[0]!;

  it('runs exactly one replica of <repository>:<version> with the database dir of that version', () => {
    expect(sts.metadata?.name).toBe('products');
    expect(sts.spec?.replicas).toBe(1);
    expect(sts.spec?.selector.matchLabels).toEqual({ 'searchkube.io/instance': 'products' });
    expect(c.name).toBe(ENGINE_CONTAINER);
    expect(c.image).toBe('searchkube/engine:0.3.0');
    expect(c.args).toEqual(['--db-path', '/data/db-0.3.0', '--dump-dir', '/dumps', '--http-addr', '0.0.0.0:7700']);
  });

  it('runs the version it is given, not spec.version (upgrades are rolled out elsewhere)', () => {
    const next = makeInstance('products', { version: '0.4.0' });
    const c2 = buildStatefulSet(next, { ...inputs, version: '0.3.0' }).spec!.template.spec!.containers[0]!;
    expect(c2.image).toBe('searchkube/engine:0.3.0');
  });

  it('sets production mode and the master key from the Secret, then the user env', () => {
    const withEnv = makeInstance('p', { env: [{ name: 'MEILI_LOG_LEVEL', value: 'WARN' }] });
    const env = buildStatefulSet(withEnv, { version: '0.3.0', masterKey: { name: 'mine', key: 'k' } }).spec!.template.spec!.containers[0]!.env!;
    expect(env[0]).toEqual({ name: 'MEILI_ENV', value: 'production' });
    expect(env[1]).toEqual({ name: 'MEILI_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'mine', key: 'k' } } });
    expect(env.at(-1)).toEqual({ name: 'MEILI_LOG_LEVEL', value: 'WARN' });
  });

  it('runs as non-root with a read-only root filesystem and no API token', () => {
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(c.volumeMounts?.map((m) => m.mountPath)).toEqual(['/data', '/dumps', '/tmp']);
    expect(pod.volumes?.map((v) => v.persistentVolumeClaim?.claimName ?? 'emptyDir')).toEqual(['products-data', 'products-dumps', 'emptyDir']);
  });

  it('probes /health, with a startup probe that tolerates a day-long import', () => {
    for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe]) expect(p?.httpGet?.path).toBe('/health');
    const s = c.startupProbe!;
    expect(s.periodSeconds! * s.failureThreshold!).toBeGreaterThanOrEqual(24 * 3600);
  });

  it('passes resources and scheduling through, and omits them when unset', () => {
    expect(c.resources).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    const custom = makeInstance('p', {
      resources: { requests: { cpu: '500m' }, limits: { memory: '1Gi' } },
      nodeSelector: { disk: 'ssd' },
      tolerations: [{ key: 'search', operator: 'Exists' }],
      affinity: { nodeAffinity: {} },
    });
    const p2 = buildStatefulSet(custom, inputs).spec!.template.spec!;
    expect(p2.containers[0]!.resources).toEqual({ requests: { cpu: '500m' }, limits: { memory: '1Gi' } });
    expect(p2.nodeSelector).toEqual({ disk: 'ssd' });
    expect(p2.tolerations).toEqual([{ key: 'search', operator: 'Exists' }]);
    expect(p2.affinity).toEqual({ nodeAffinity: {} });
  });

  it('imports a bootstrap dump once, never over an existing database', () => {
    const args = buildStatefulSet(si, { ...inputs, importDump: '/dumps/a.dump' }).spec!.template.spec!.containers[0]!.args!;
    expect(args.slice(-3)).toEqual(['--import-dump', '/dumps/a.dump', '--ignore-dump-if-db-exists']);
  });
});
