// Container environment as Kubernetes builds it: env (literal, $(VAR) expansion, fieldRef,
// resourceFieldRef, secretKeyRef, configMapKeyRef) and envFrom.
import type { V1ConfigMap, V1Container, V1Pod, V1Secret } from '@kubernetes/client-node';

/** Missing/invalid references: the kubelet reports CreateContainerConfigError and retries. */
export class ContainerConfigError extends Error {}

export interface EnvSources {
  podIP: string;
  hostIP: string;
  getSecret(name: string): Promise<V1Secret | null>;
  getConfigMap(name: string): Promise<V1ConfigMap | null>;
}

/** Expands $(VAR) with `env`; $$ escapes a dollar; unknown references stay as written. */
export function expandVars(s: string, env: Record<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) => {
    if (m === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? env[name]! : m;
  });
}

function decodeSecret(secret: V1Secret, key: string): string | undefined {
  const v = secret.data?.[key];
  if (v !== undefined) return Buffer.from(v, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

function fieldValue(pod: V1Pod, fieldPath: string, src: EnvSources): string {
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]!] ?? '';
  switch (fieldPath) {
    case 'metadata.name':
      return pod.metadata?.name ?? '';
    case 'metadata.namespace':
      return pod.metadata?.namespace ?? '';
    case 'metadata.uid':
      return pod.metadata?.uid ?? '';
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.podIP':
    case 'status.podIPs':
      return src.podIP;
    case 'status.hostIP':
    case 'status.hostIPs':
      return src.hostIP;
    default:
      throw new ContainerConfigError(`unsupported fieldRef ${fieldPath}`);
  }
}

function resourceValue(container: V1Container, resource: string): string {
  const [kind, name] = resource.split('.') as [string, string];
  const v = (kind === 'limits' ? container.resources?.limits : container.resources?.requests)?.[name];
  // Like the kubelet: an unset limit falls back to node allocatable; report a large number.
  return v ?? (name === 'cpu' ? '2' : '25769803776');
}

export async function buildEnv(pod: V1Pod, container: V1Container, src: EnvSources): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await src.getConfigMap(from.configMapRef.name!);
      if (!cm) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [k, v] of Object.entries(cm.data ?? {})) env[prefix + k] = v;
    }
    if (from.secretRef) {
      const s = await src.getSecret(from.secretRef.name!);
      if (!s) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const k of Object.keys(s.data ?? {})) env[prefix + k] = decodeSecret(s, k)!;
    }
  }
  for (const e of container.env ?? []) {
    if (e.valueFrom === undefined) {
      env[e.name] = expandVars(e.value ?? '', env);
      continue;
    }
    const vf = e.valueFrom;
    if (vf.fieldRef) {
      env[e.name] = fieldValue(pod, vf.fieldRef.fieldPath, src);
    } else if (vf.resourceFieldRef) {
      env[e.name] = resourceValue(container, vf.resourceFieldRef.resource);
    } else if (vf.secretKeyRef) {
      const ref = vf.secretKeyRef;
      const s = await src.getSecret(ref.name!);
      const v = s ? decodeSecret(s, ref.key) : undefined;
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(s ? `couldn't find key ${ref.key} in Secret ${pod.metadata?.namespace}/${ref.name}` : `secret "${ref.name}" not found`);
      }
      env[e.name] = v;
    } else if (vf.configMapKeyRef) {
      const ref = vf.configMapKeyRef;
      const cm = await src.getConfigMap(ref.name!);
      const v = cm?.data?.[ref.key];
      if (v === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(cm ? `couldn't find key ${ref.key} in ConfigMap ${pod.metadata?.namespace}/${ref.name}` : `configmap "${ref.name}" not found`);
      }
      env[e.name] = v;
    }
  }
  return env;
}
