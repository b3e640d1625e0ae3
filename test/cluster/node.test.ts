// The process kubelet's Node stays Ready, with its Lease renewed, while other test files run.
import { describe, expect, it } from 'vitest';
import { CoordinationV1Api } from '@kubernetes/client-node';
import { clusterClients } from '../harness/testing.ts';

describe('process kubelet node', () => {
  it('stays Ready and renews its Lease', async () => {
    const { kc, core, nodeName } = clusterClients();
    const coordination = kc.makeApiClient(CoordinationV1Api);
    const renewals = new Set<string>();
    const until = Date.now() + 25_000;
    while (Date.now() < until) {
      const node = await core.readNode({ name: nodeName });
      const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
      expect(ready?.status).toBe('True');
      expect(node.spec?.taints ?? []).toEqual([]);
      const lease = await coordination.readNamespacedLease({ name: nodeName, namespace: 'kube-node-lease' });
      const renewed = new Date(lease.spec!.renewTime!).getTime();
      expect(Date.now() - renewed).toBeLessThan((lease.spec!.leaseDurationSeconds ?? 40) * 1000);
      renewals.add(String(renewed));
      await new Promise((r) => setTimeout(r, 2000));
    }
    expect(renewals.size).toBeGreaterThanOrEqual(2);
  });
});
