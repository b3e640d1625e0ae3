// `kubectl apply -f crds/` on its own, the operator installed without Helm (kubectl apply of the
// chart rendered by `helm template`), and every file of crds/samples/ through the apiserver's
// validation (server-side apply, dry run, strict fields: a misspelled field fails too), so the
// samples the README points at stay valid as the schemas change.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { crdsDir } from '../../operator/src/api/generate-crds.ts';
import { ApiError } from '../../operator/src/kube/errors.ts';
import { PODS, resourcePath, type ResourceType } from '../../operator/src/kube/resource.ts';
import { HttpTransport } from '../../operator/src/kube/transport.ts';
import { eventually, isPodReady, useNamespace } from '../harness/testing.ts';
import { chartDir, helm } from '../packaging/helm.ts';
import { kubeApi } from './operator-support.ts';

const ns = useNamespace('samples');
const api = kubeApi();
const samplesDir = path.join(crdsDir, 'samples');
const CRDS: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false };
const PLURALS: Record<string, string> = { SearchInstance: 'searchinstances', SearchDump: 'searchdumps', SearchDumpSchedule: 'searchdumpschedules' };

interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  spec?: Record<string, unknown>;
  [k: string]: unknown;
}

function transport(): HttpTransport {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return new HttpTransport(kc);
}

function sample(file: string): Obj {
  return parse(readFileSync(path.join(samplesDir, file), 'utf8')) as Obj;
}

function typeOf(o: Obj): ResourceType {
  const [group, version] = o.apiVersion.split('/') as [string, string];
  return { group, version, plural: PLURALS[o.kind]!, kind: o.kind, namespaced: true };
}

/** Server-side apply into the test namespace; dryRun: the apiserver validates (schema, CEL, defaults) and stores nothing. */
function apply(o: Obj, dryRun: boolean): Promise<Obj> {
  const body = { ...o, metadata: { ...o.metadata, namespace: ns.name } };
  return transport().request<Obj>({
    method: 'PATCH',
    path: resourcePath(typeOf(o), ns.name, o.metadata.name),
    query: { fieldManager: 'samples-test', fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) },
    body,
    contentType: 'application/apply-patch+yaml',
  });
}

function kubectlOnPath(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

describe('crds/ alone', () => {
  const crdFiles = readdirSync(crdsDir).filter((f) => f.endsWith('.yaml'));
  const names = crdFiles.map((f) => (parse(readFileSync(path.join(crdsDir, f), 'utf8')) as Obj).metadata.name).sort();
  const viaKubectl = kubectlOnPath();

  it(viaKubectl ? 'kubectl apply -f crds/ installs the three CRDs (and only them: samples/ is not read)' : 'crds/ applied through the API installs the three CRDs (kubectl is not on PATH)', async () => {
    expect(names).toEqual(['searchdumps.searchkube.io', 'searchdumpschedules.searchkube.io', 'searchinstances.searchkube.io']);
    if (viaKubectl) {
      const r = spawnSync('kubectl', ['--kubeconfig', inject('kubeconfig'), 'apply', '-f', crdsDir], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const applied = r.stdout.trim().split('\n').map((l) => /customresourcedefinition\.apiextensions\.k8s\.io\/(\S+) (created|configured|unchanged)/.exec(l)?.[1]);
      expect(applied.sort()).toEqual(names);
    } else {
      // What `kubectl apply` does, through the API: the same files, created or updated.
      for (const f of crdFiles) await api.apply(CRDS, parse(readFileSync(path.join(crdsDir, f), 'utf8')), 'crds-test');
    }
    for (const name of names) {
      await eventually(`CRD ${name} Established`, async () => {
        const live = await api.get<{ metadata: object; status?: { conditions?: Array<{ type: string; status: string }> } }>(CRDS, undefined, name);
        return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      }, 30_000);
    }
  });
});

describe('the operator without Helm on the cluster', () => {
  const viaKubectl = kubectlOnPath();
  // Kinds the chart renders, for applying them through the API when kubectl is absent.
  const TYPES: Record<string, ResourceType> = {
    ServiceAccount: { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    Service: { group: '', version: 'v1', plural: 'services', kind: 'Service', namespaced: true },
    Deployment: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment', namespaced: true },
    Role: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', kind: 'Role', namespaced: true },
    RoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', kind: 'RoleBinding', namespaced: true },
    ClusterRole: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false },
    ClusterRoleBinding: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  };

  it(`${viaKubectl ? 'kubectl apply' : 'the API (kubectl is not on PATH)'} of the chart rendered by helm template runs the operator; deleting the same objects removes it`, async () => {
    const release = `plain-${randomBytes(2).toString('hex')}`;
    const rendered = helm(['template', release, chartDir, '--namespace', ns.name, '--set', `watchNamespaces={${ns.name}}`]);
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'searchkube-plain-')), 'operator.yaml');
    writeFileSync(file, rendered);
    const objs = parseAllDocuments(rendered).map((d) => d.toJSON() as Obj | null).filter((o): o is Obj => !!o);
    const kubectl = (verb: string) => {
      const r = spawnSync('kubectl', ['--kubeconfig', inject('kubeconfig'), verb, '-n', ns.name, '-f', file], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
    };
    if (viaKubectl) kubectl('apply');
    else for (const o of objs) await api.create(TYPES[o.kind]!, { ...o, metadata: { ...o.metadata, ...(TYPES[o.kind]!.namespaced ? { namespace: ns.name } : {}) } });

    const selector = `app.kubernetes.io/instance=${release}`;
    await eventually('the operator pod Ready', async () => {
      const pods = (await api.list<V1Pod>(PODS, ns.name, { labelSelector: selector })).items;
      return pods.length === 1 && isPodReady(pods[0]);
    }, 90_000, 500);

    if (viaKubectl) kubectl('delete');
    else for (const o of objs) await api.delete(TYPES[o.kind]!, TYPES[o.kind]!.namespaced ? ns.name : undefined, o.metadata.name);
    await eventually('the operator pod gone', async () => (await api.list(PODS, ns.name, { labelSelector: selector })).items.length === 0, 60_000, 500);
    for (const o of objs.filter((x) => !TYPES[x.kind]!.namespaced)) {
      await expect(api.get(TYPES[o.kind]!, undefined, o.metadata.name)).rejects.toMatchObject({ status: 404 });
    }
  });
});

describe('crds/samples/', () => {
  const files = readdirSync(samplesDir).filter((f) => f.endsWith('.yaml')).sort();

  it('holds a minimal and a full SearchInstance, a SearchDump, a SearchDumpSchedule, an upgrade and a restore', () => {
    expect(files).toEqual(['searchdump.yaml', 'searchdumpschedule.yaml', 'searchinstance-full.yaml', 'searchinstance-minimal.yaml', 'searchinstance-restore.yaml', 'searchinstance-upgrade.yaml']);
    for (const f of files) expect(sample(f).metadata.namespace, `${f} must not pin a namespace`).toBeUndefined();
  });

  // Every sample but the upgrade creates an object: each must pass as a new object.
  for (const file of files.filter((f) => f !== 'searchinstance-upgrade.yaml')) {
    it(`${file} is accepted as a new object (server-side dry run, strict)`, async () => {
      const o = sample(file);
      const out = await apply(o, true);
      expect(out.kind).toBe(o.kind);
      expect(out.spec).toMatchObject(o.spec!);
    });
  }

  it('the full SearchInstance sets every spec field the schema has (nested objects too)', async () => {
    const crd = parse(readFileSync(path.join(crdsDir, 'searchkube.io_searchinstances.yaml'), 'utf8'));
    // Dotted paths of every field under spec that the schema names (not inside lists or free-form maps).
    const paths = (schema: { properties?: Record<string, unknown> }, prefix: string): string[] =>
      Object.entries(schema.properties ?? {}).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v as { properties?: Record<string, unknown> }, `${prefix}${k}.`)]);
    const set = (o: unknown, prefix: string): string[] =>
      o && typeof o === 'object' && !Array.isArray(o) ? Object.entries(o).flatMap(([k, v]) => [`${prefix}${k}`, ...set(v, `${prefix}${k}.`)]) : [];
    const schemaPaths = paths(crd.spec.versions[0].schema.openAPIV3Schema.properties.spec, '');
    const samplePaths = new Set(set(sample('searchinstance-full.yaml').spec, ''));
    // bootstrap is the restore sample's (it is fixed at creation and changes how the instance starts).
    expect(schemaPaths.filter((p) => !p.startsWith('bootstrap') && !samplePaths.has(p))).toEqual([]);
  });

  it('the minimal SearchInstance gets the documented defaults; the upgrade sample applies over it, changing only spec.version', async () => {
    const created = await apply(sample('searchinstance-minimal.yaml'), false);
    expect(created.spec).toMatchObject({
      version: '0.1.0',
      storage: { size: '10Gi' },
      dumps: { size: '20Gi' },
      image: { repository: 'searchkube/engine', pullPolicy: 'IfNotPresent' },
      upgrade: { strategy: 'Recreate', verify: true, blockWrites: true },
      deletionPolicy: 'Retain',
    });
    const upgrade = sample('searchinstance-upgrade.yaml');
    expect(upgrade.metadata.name).toBe(created.metadata.name);
    const upgraded = await apply(upgrade, true);
    expect(upgraded.spec).toEqual({ ...created.spec, version: '0.2.0' });
  });

  it('the restore sample is refused over an existing instance (bootstrap is fixed at creation)', async () => {
    const err = await apply(sample('searchinstance-restore.yaml'), true).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((err as Error).message).toMatch(/bootstrap is only read when the instance is created/);
  });
});
