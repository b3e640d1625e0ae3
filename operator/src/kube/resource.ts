// Resource types as REST paths. The client is generic: a kind is just where it lives.

export interface ResourceType {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespaced: boolean;
}

function rt(group: string, version: string, plural: string, kind: string, namespaced = true): ResourceType {
  return { group, version, plural, kind, namespaced };
}

export const PODS = rt('', 'v1', 'pods', 'Pod');
export const SECRETS = rt('', 'v1', 'secrets', 'Secret');
export const SERVICES = rt('', 'v1', 'services', 'Service');
export const PVCS = rt('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim');
export const EVENTS = rt('', 'v1', 'events', 'Event');
export const STATEFULSETS = rt('apps', 'v1', 'statefulsets', 'StatefulSet');
export const LEASES = rt('coordination.k8s.io', 'v1', 'leases', 'Lease');
export const STORAGECLASSES = rt('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false);

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** /api/v1/namespaces/ns/pods/name/status; namespace undefined on a namespaced type = all namespaces. */
export function resourcePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let p = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  if (t.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${t.plural}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}
