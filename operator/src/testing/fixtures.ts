// Test fixtures: SearchInstances as the apiserver returns them (defaults applied, uid set).
import { API_VERSION } from '../api/group.ts';
import type { SearchInstance, SearchInstanceSpec } from '../api/search-instance.ts';

export function makeInstance(name = 'products', spec: Partial<SearchInstanceSpec> = {}, namespace = 'shop'): SearchInstance {
  return {
    apiVersion: API_VERSION,
    kind: 'SearchInstance',
    metadata: { name, namespace, uid: `uid-${name}`, generation: 1, resourceVersion: '1' },
    spec: {
      version: '0.3.0',
      image: { repository: 'searchkube/engine', pullPolicy: 'IfNotPresent' },
      storage: { size: '10Gi' },
      dumps: { size: '20Gi' },
      upgrade: { strategy: 'Recreate', verify: true, blockWrites: true },
      deletionPolicy: 'Retain',
      ...spec,
    },
  };
}
