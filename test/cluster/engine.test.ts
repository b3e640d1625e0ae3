// The real engine (engine/src/main.ts, image searchkube/engine:*) as a StatefulSet under the
// process kubelet: PVC-backed data survives pod re-creation, and deleting the StatefulSet ends it.
import { describe, expect, it } from 'vitest';
import type { V1Pod } from '@kubernetes/client-node';
import { eventually, getJson, isPodReady, useNamespace } from '../harness/testing.ts';

const ns = useNamespace('engine');
const MASTER_KEY = 'test-master-key-0123456789abcdef';
const auth = { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' };

async function readPod(name: string): Promise<V1Pod | undefined> {
  try {
    return await ns.clients.core.readNamespacedPod({ name, namespace: ns.name });
  } catch {
    return undefined;
  }
}

function pidOf(pod: V1Pod): number {
  return Number(pod.status?.containerStatuses?.[0]?.containerID?.replace('process://', ''));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readyEngine(notUid?: string): Promise<V1Pod> {
  return eventually(
    'engine-0 Ready',
    async () => {
      const p = await readPod('engine-0');
      return p && p.metadata?.uid !== notUid && isPodReady(p) ? p : undefined;
    },
    90_000,
  );
}

describe('engine under the process kubelet', () => {
  let pod: V1Pod;

  it('runs a StatefulSet of searchkube/engine with PVCs, Running and Ready, answering at the pod IP', async () => {
    const { core, apps } = ns.clients;
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'engine-key' }, stringData: { 'master-key': MASTER_KEY } } });
    const labels = { app: 'engine' };
    const claim = (name: string) => ({ metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
    await apps.createNamespacedStatefulSet({
      namespace: ns.name,
      body: {
        metadata: { name: 'engine' },
        spec: {
          serviceName: 'engine',
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              terminationGracePeriodSeconds: 10,
              containers: [
                {
                  name: 'engine',
                  image: 'searchkube/engine:0.3.0',
                  args: ['--db-path', '/data/db-0.3.0', '--dump-dir', '/dumps', '--http-addr', '0.0.0.0:7700', '--env', 'production'],
                  env: [{ name: 'MEILI_MASTER_KEY', valueFrom: { secretKeyRef: { name: 'engine-key', key: 'master-key' } } }],
                  ports: [{ name: 'http', containerPort: 7700 }],
                  volumeMounts: [
                    { name: 'data', mountPath: '/data' },
                    { name: 'dumps', mountPath: '/dumps' },
                  ],
                  startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1, failureThreshold: 60 },
                  readinessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1 },
                },
              ],
            },
          },
          volumeClaimTemplates: [claim('data'), claim('dumps')],
        },
      },
    });
    pod = await readyEngine();
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toMatch(/^127\./);
    for (const c of ['data-engine-0', 'dumps-engine-0']) {
      const pvc = await core.readNamespacedPersistentVolumeClaim({ name: c, namespace: ns.name });
      expect(pvc.status?.phase).toBe('Bound');
    }
    const health = await getJson(`http://${pod.status!.podIP}:7700/health`);
    expect(health).toEqual({ status: 200, body: { status: 'available' } });
  });

  it('keeps a document written through the engine when the pod is deleted and re-created', async () => {
    const base = `http://${pod.status!.podIP}:7700`;
    const add = await getJson(`${base}/indexes/movies/documents`, { method: 'POST', headers: auth, body: JSON.stringify([{ id: 1, title: 'Alien' }]) });
    expect(add.status).toBe(202);
    const taskUid = (add.body as { taskUid: number }).taskUid;
    await eventually(`task ${taskUid} succeeded`, async () => {
      const t = await getJson(`${base}/tasks/${taskUid}`, { headers: auth });
      const status = (t.body as { status?: string }).status;
      if (status === 'failed') throw new Error(`task failed: ${JSON.stringify(t.body)}`);
      return status === 'succeeded';
    });

    const oldPid = pidOf(pod);
    await ns.clients.core.deleteNamespacedPod({ name: 'engine-0', namespace: ns.name });
    const again = await readyEngine(pod.metadata?.uid);
    expect(pidAlive(oldPid)).toBe(false);
    const doc = await getJson(`http://${again.status!.podIP}:7700/indexes/movies/documents/1`, { headers: auth });
    expect(doc).toEqual({ status: 200, body: { id: 1, title: 'Alien' } });
    pod = again;
  });

  it('ends the engine process when the StatefulSet is deleted', async () => {
    const pid = pidOf(pod);
    expect(pidAlive(pid)).toBe(true);
    await ns.clients.apps.deleteNamespacedStatefulSet({ name: 'engine', namespace: ns.name, propagationPolicy: 'Foreground' });
    await eventually('engine-0 gone', async () => (await readPod('engine-0')) === undefined, 60_000);
    await eventually(`engine pid ${pid} gone`, async () => !pidAlive(pid), 15_000);
  });
});
