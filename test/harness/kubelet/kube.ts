// API clients and small helpers shared by the kubelet's modules.
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  StorageV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface Clients {
  kc: KubeConfig;
  core: CoreV1Api;
  coordination: CoordinationV1Api;
  storage: StorageV1Api;
  /** API server port, injected into pods as KUBERNETES_SERVICE_PORT. */
  apiServer: URL;
}

export function makeClients(kubeconfig: string): Clients {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error(`no server in ${kubeconfig}`);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    coordination: kc.makeApiClient(CoordinationV1Api),
    storage: kc.makeApiClient(StorageV1Api),
    apiServer: new URL(server),
  };
}

export const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
export const strategicMergePatch = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

function statusCode(e: unknown): number | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}
export const isNotFound = (e: unknown): boolean => statusCode(e) === 404;
export const isConflict = (e: unknown): boolean => statusCode(e) === 409;
export const isAlreadyExists = isConflict;

/**
 * The apiserver could not be reached, or asked to come back later (429, 5xx): retry, as the real
 * kubelet does with everything it needs from the API. Anything else is a real refusal.
 */
export function isTransient(e: unknown): boolean {
  const code = statusCode(e);
  if (code !== undefined) return code === 429 || code >= 500;
  const cause = (e as { cause?: { code?: unknown } } | null)?.cause;
  return (e instanceof TypeError && e.message === 'fetch failed') || typeof cause?.code === 'string';
}

/** Kubernetes timestamps arrive as Date (from list calls) or string (from watch events). */
export function toDate(v: unknown): Date | undefined {
  if (v === undefined || v === null) return undefined;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export function errMessage(e: unknown): string {
  const body = (e as { body?: unknown } | null)?.body;
  if (typeof body === 'string' && body) {
    try {
      const parsed = JSON.parse(body) as { message?: string };
      if (parsed.message) return parsed.message;
    } catch {
      return body.slice(0, 300);
    }
  }
  return (e as Error)?.message ?? String(e);
}
