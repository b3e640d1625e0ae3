// The Helm chart installed for real (scenario: helm-scenario.ts), in both RBAC modes:
//  - default values: the operator manages every namespace (ClusterRole). It runs in a private
//    cluster, since in the run's cluster it would take over the instances other test files run
//    their own operators on;
//  - watchNamespaces: Roles in the watched namespace only, the Lease Role in the release
//    namespace; in the run's cluster.
import { describe, inject } from 'vitest';
import { usePrivateCluster } from '../harness/testing.ts';
import { helmScenario } from './helm-scenario.ts';

describe('default install (every namespace), in a private cluster', () => {
  const pc = usePrivateCluster('helm');
  helmScenario({ kubeconfig: () => pc.cluster.kubeconfig, clusterWide: true });
});

describe('namespaced install (watchNamespaces)', () => {
  helmScenario({ kubeconfig: () => inject('kubeconfig'), clusterWide: false });
});
