// Backs each pod volume with a local directory:
//   emptyDir      -> <podsDir>/<uid>/volumes/<name> (removed with the pod)
//   PVC           -> the bound PV's hostPath/local path (kept: data survives pod re-creation)
//   secret/configMap/downwardAPI/projected -> files written into <podsDir>/<uid>/volumes/<name>
//   hostPath      -> <stateDir>/hostpath/<path> (never the real host path)
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type {
  V1ConfigMap,
  V1DownwardAPIVolumeFile,
  V1KeyToPath,
  V1Pod,
  V1Secret,
  V1Volume,
  V1VolumeProjection,
} from '@kubernetes/client-node';
import type { Mount } from './mount-paths.ts';

/** A volume that can't be set up yet (claim unbound, secret missing): the pod stays ContainerCreating. */
export class VolumeNotReadyError extends Error {}

export interface VolumeSources {
  podDir: string;
  stateDir: string;
  caFile: string;
  apiServer: URL;
  getSecret(name: string): Promise<V1Secret | null>;
  getConfigMap(name: string): Promise<V1ConfigMap | null>;
  /** Local dir of the PV bound to the claim, or null while it is not bound. */
  getClaimDir(claimName: string): Promise<string | null>;
  requestToken(serviceAccount: string, audience: string | undefined, expirationSeconds: number): Promise<string>;
}

type Files = Map<string, { content: Buffer; mode?: number | undefined }>;

function selectItems(all: Record<string, Buffer>, items: V1KeyToPath[] | undefined, what: string, optional: boolean): Files {
  const out: Files = new Map();
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(all)) out.set(k, { content: v });
    return out;
  }
  for (const it of items) {
    const v = all[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeNotReadyError(`${what} has no key "${it.key}"`);
    }
    out.set(it.path, { content: v, mode: it.mode });
  }
  return out;
}

function secretData(s: V1Secret): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(s.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

function configMapData(cm: V1ConfigMap): Record<string, Buffer> {
  const text = Object.entries(cm.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'utf8')] as const);
  const bin = Object.entries(cm.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')] as const);
  return Object.fromEntries([...text, ...bin]);
}

function downwardFiles(pod: V1Pod, items: V1DownwardAPIVolumeFile[] | undefined): Files {
  const out: Files = new Map();
  for (const it of items ?? []) {
    const fp = it.fieldRef?.fieldPath;
    let v = '';
    if (fp === 'metadata.name') v = pod.metadata?.name ?? '';
    else if (fp === 'metadata.namespace') v = pod.metadata?.namespace ?? '';
    else if (fp === 'metadata.uid') v = pod.metadata?.uid ?? '';
    else if (fp === 'metadata.labels' || fp === 'metadata.annotations') {
      const m = (fp === 'metadata.labels' ? pod.metadata?.labels : pod.metadata?.annotations) ?? {};
      v = Object.entries(m).map(([k, val]) => `${k}=${JSON.stringify(val)}`).join('\n');
    } else if (fp) {
      const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fp);
      if (m) v = (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]!] ?? '';
    }
    out.set(it.path, { content: Buffer.from(v), mode: it.mode });
  }
  return out;
}

function writeFiles(dir: string, files: Files, defaultMode: number | undefined): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [rel, f] of files) {
    const target = path.resolve(dir, rel);
    if (!target.startsWith(dir + path.sep)) throw new VolumeNotReadyError(`volume file path ${rel} escapes the volume`);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    chmodSync(target, f.mode ?? defaultMode ?? 0o644);
  }
}

async function projectedFiles(pod: V1Pod, sources: V1VolumeProjection[], src: VolumeSources): Promise<Files> {
  const out: Files = new Map();
  const add = (files: Files) => files.forEach((v, k) => out.set(k, v));
  for (const s of sources) {
    if (s.secret) {
      const sec = await src.getSecret(s.secret.name!);
      if (!sec && !s.secret.optional) throw new VolumeNotReadyError(`secret "${s.secret.name}" not found`);
      if (sec) add(selectItems(secretData(sec), s.secret.items, `secret ${s.secret.name}`, !!s.secret.optional));
    } else if (s.configMap) {
      const cm = await src.getConfigMap(s.configMap.name!);
      if (!cm && !s.configMap.optional) throw new VolumeNotReadyError(`configmap "${s.configMap.name}" not found`);
      if (cm) add(selectItems(configMapData(cm), s.configMap.items, `configmap ${s.configMap.name}`, !!s.configMap.optional));
    } else if (s.downwardAPI) {
      add(downwardFiles(pod, s.downwardAPI.items));
    } else if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const token = await src.requestToken(pod.spec?.serviceAccountName ?? 'default', t.audience, t.expirationSeconds ?? 3607);
      out.set(t.path, { content: Buffer.from(token) });
    }
  }
  return out;
}

async function prepareVolume(pod: V1Pod, vol: V1Volume, src: VolumeSources): Promise<string> {
  const dir = path.join(src.podDir, 'volumes', vol.name);
  if (vol.persistentVolumeClaim) {
    const claimDir = await src.getClaimDir(vol.persistentVolumeClaim.claimName);
    if (!claimDir) throw new VolumeNotReadyError(`persistentvolumeclaim "${vol.persistentVolumeClaim.claimName}" is not bound`);
    mkdirSync(claimDir, { recursive: true });
    return claimDir;
  }
  if (vol.hostPath) {
    const d = path.join(src.stateDir, 'hostpath', vol.hostPath.path);
    mkdirSync(d, { recursive: true });
    return d;
  }
  if (vol.secret) {
    const sec = await src.getSecret(vol.secret.secretName!);
    if (!sec && !vol.secret.optional) throw new VolumeNotReadyError(`secret "${vol.secret.secretName}" not found`);
    const files = sec ? selectItems(secretData(sec), vol.secret.items, `secret ${vol.secret.secretName}`, !!vol.secret.optional) : new Map();
    writeFiles(dir, files, vol.secret.defaultMode);
    return dir;
  }
  if (vol.configMap) {
    const cm = await src.getConfigMap(vol.configMap.name!);
    if (!cm && !vol.configMap.optional) throw new VolumeNotReadyError(`configmap "${vol.configMap.name}" not found`);
    const files = cm ? selectItems(configMapData(cm), vol.configMap.items, `configmap ${vol.configMap.name}`, !!vol.configMap.optional) : new Map();
    writeFiles(dir, files, vol.configMap.defaultMode);
    return dir;
  }
  if (vol.downwardAPI) {
    writeFiles(dir, downwardFiles(pod, vol.downwardAPI.items), vol.downwardAPI.defaultMode);
    return dir;
  }
  if (vol.projected) {
    writeFiles(dir, await projectedFiles(pod, vol.projected.sources ?? [], src), vol.projected.defaultMode);
    return dir;
  }
  // emptyDir, and anything else we don't model, is a fresh per-pod directory.
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Sets up every volume of the pod; returns volume name -> local dir. */
export async function preparePodVolumes(pod: V1Pod, src: VolumeSources): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  for (const vol of pod.spec?.volumes ?? []) dirs.set(vol.name, await prepareVolume(pod, vol, src));
  return dirs;
}

export function containerMounts(container: { volumeMounts?: { name: string; mountPath: string; subPath?: string }[] }, dirs: Map<string, string>): Mount[] {
  return (container.volumeMounts ?? []).flatMap((m) => {
    const base = dirs.get(m.name);
    if (!base) return [];
    const dir = m.subPath ? path.join(base, m.subPath) : base;
    if (m.subPath) mkdirSync(dir, { recursive: true });
    return [{ mountPath: m.mountPath, dir }];
  });
}

/** The well-known service-account mount; a kubeconfig written there lets in-cluster clients connect. */
export const SA_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Writes <dir>/kubeconfig that uses the mounted token and CA (for programs using KUBECONFIG). */
export function writeServiceAccountKubeconfig(dir: string, apiServer: URL, namespace: string): string {
  const file = path.join(dir, 'kubeconfig');
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster: { server: apiServer.origin, 'certificate-authority': path.join(dir, 'ca.crt') } }],
    // Inlined: client-node and client-go disagree on the token-file key, and tokens here outlive a test run.
    users: [{ name: 'sa', user: { token: readFileSync(path.join(dir, 'token'), 'utf8').trim() } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'sa', namespace } }],
    'current-context': 'in-cluster',
  };
  writeFileSync(file, JSON.stringify(doc, null, 2));
  return file;
}
