// The process kubelet against the real apiserver and controllers, with the harness's echo program
// (image searchkube/test-echo:*) standing in for a real workload.
import { describe, expect, it } from 'vitest';
import { AuthenticationV1Api, BatchV1Api, KubeConfig, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { eventually, getJson, isPodReady, useNamespace } from '../harness/testing.ts';
import { SIZED_STORAGE_CLASS, quantityBytes } from '../harness/kubelet/provisioner.ts';
import { isMountPoint, writeZeros } from '../helpers/small-volume.ts';

const ns = useNamespace('kubelet');

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function readPod(name: string): Promise<V1Pod | undefined> {
  try {
    return await ns.clients.core.readNamespacedPod({ name, namespace: ns.name });
  } catch {
    return undefined;
  }
}

async function readyPod(name: string, notUid?: string, timeoutMs = 60_000): Promise<V1Pod> {
  return eventually(
    `pod ${name} Ready`,
    async () => {
      const p = await readPod(name);
      return p && p.metadata?.uid !== notUid && isPodReady(p) ? p : undefined;
    },
    timeoutMs,
  );
}

interface Info {
  pid: number;
  tag: string;
  listen: string;
  dataDir: string;
  report: string | null;
  env: Record<string, string>;
}

async function info(pod: V1Pod): Promise<Info> {
  const r = await getJson(`http://${pod.status!.podIP}:8080/info`);
  expect(r.status).toBe(200);
  return r.body as Info;
}

function echoStatefulSet(name: string): V1StatefulSet {
  const labels = { app: name };
  return {
    metadata: { name },
    spec: {
      serviceName: name,
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [
            {
              name: 'echo',
              image: 'searchkube/test-echo:1.2.3',
              args: ['--listen', '0.0.0.0:8080', '--data-dir', '/data/store', '--report-file', '/etc/echo-secret/token'],
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
                { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'echo-secret', key: 'token' } } },
                { name: 'FROM_CONFIGMAP', valueFrom: { configMapKeyRef: { name: 'echo-config', key: 'mode' } } },
                { name: 'GREETING', value: 'hello $(POD_NAME)' },
              ],
              volumeMounts: [
                { name: 'data', mountPath: '/data' },
                { name: 'secret', mountPath: '/etc/echo-secret', readOnly: true },
              ],
              startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 1, failureThreshold: 30 },
              readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 1 },
              livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 2 },
            },
          ],
          volumes: [{ name: 'secret', secret: { secretName: 'echo-secret' } }],
        },
      },
      volumeClaimTemplates: [
        { metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
      ],
    },
  };
}

describe('process kubelet: StatefulSet with a PVC', () => {
  let firstPod: V1Pod;
  let firstInfo: Info;

  it('comes up Running and Ready, with a Bound PVC, and the program answers at the pod IP', async () => {
    const { core, apps } = ns.clients;
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'echo-secret' }, stringData: { token: 's3cret' } } });
    await core.createNamespacedConfigMap({ namespace: ns.name, body: { metadata: { name: 'echo-config' }, data: { mode: 'test' } } });
    await apps.createNamespacedStatefulSet({ namespace: ns.name, body: echoStatefulSet('echo') });

    firstPod = await readyPod('echo-0');
    expect(firstPod.status?.phase).toBe('Running');
    expect(firstPod.spec?.nodeName).toBe(ns.clients.nodeName);
    const ip = firstPod.status!.podIP!;
    expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
    expect(ip).not.toBe('127.0.0.1');
    const cs = firstPod.status?.containerStatuses?.[0];
    expect(cs?.ready).toBe(true);
    expect(cs?.started).toBe(true);
    expect(cs?.restartCount).toBe(0);
    expect(cs?.state?.running).toBeDefined();

    const pvc = await core.readNamespacedPersistentVolumeClaim({ name: 'data-echo-0', namespace: ns.name });
    expect(pvc.status?.phase).toBe('Bound');

    firstInfo = await info(firstPod);
    expect(firstInfo.tag).toBe('1.2.3');
    expect(firstInfo.listen).toBe(`${ip}:8080`);
    expect(firstInfo.dataDir).not.toBe('/data/store');
    expect(firstInfo.dataDir.endsWith('/store')).toBe(true);
    expect(firstInfo.report).toBe('s3cret'); // the Secret mounted as a file
    expect(firstInfo.env.FROM_SECRET).toBe('s3cret');
    expect(firstInfo.env.FROM_CONFIGMAP).toBe('test');
    expect(firstInfo.env.POD_NAME).toBe('echo-0');
    expect(firstInfo.env.GREETING).toBe('hello echo-0');

    // The service-account token volume is a local dir; KUBECONFIG points in-cluster clients at it.
    const podKc = new KubeConfig();
    podKc.loadFromFile(firstInfo.env.KUBECONFIG!);
    const review = await podKc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${ns.name}:default`);

    const sts = await eventually('StatefulSet readyReplicas=1', async () => {
      const s = await apps.readNamespacedStatefulSet({ name: 'echo', namespace: ns.name });
      return s.status?.readyReplicas === 1 ? s : undefined;
    });
    expect(sts.status?.currentReplicas).toBe(1);
  });

  it('keeps data written through the program when the pod is deleted and re-created on the same PVC', async () => {
    const ip = firstPod.status!.podIP!;
    const put = await fetch(`http://${ip}:8080/data/greeting`, { method: 'PUT', body: 'survives' });
    expect(put.status).toBe(201);

    await ns.clients.core.deleteNamespacedPod({ name: 'echo-0', namespace: ns.name });
    const second = await readyPod('echo-0', firstPod.metadata?.uid);
    expect(pidAlive(firstInfo.pid)).toBe(false); // the old process was stopped
    const secondInfo = await info(second);
    expect(secondInfo.pid).not.toBe(firstInfo.pid);
    expect(secondInfo.dataDir).toBe(firstInfo.dataDir);
    const got = await getJson(`http://${second.status!.podIP}:8080/data/greeting`);
    expect(got).toEqual({ status: 200, body: { key: 'greeting', value: 'survives' } });
    firstPod = second;
    firstInfo = secondInfo;
  });

  it('ends the process when the StatefulSet is deleted', async () => {
    await ns.clients.apps.deleteNamespacedStatefulSet({ name: 'echo', namespace: ns.name, propagationPolicy: 'Foreground' });
    await eventually('pod echo-0 gone', async () => (await readPod('echo-0')) === undefined);
    await eventually(`pid ${firstInfo.pid} gone`, async () => !pidAlive(firstInfo.pid), 10_000);
  });
});

describe('process kubelet: containers', () => {
  it('restarts a container that exits and counts the restarts', async () => {
    await ns.clients.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'crasher' },
        spec: {
          containers: [{ name: 'main', image: 'searchkube/test-echo:1', args: ['--exit-after-ms', '300', '--exit-code', '3'] }],
        },
      },
    });
    const pod = await eventually('crasher restarted twice', async () => {
      const p = await readPod('crasher');
      return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
    });
    const cs = pod.status!.containerStatuses![0]!;
    expect(cs.lastState?.terminated?.exitCode).toBe(3);
    expect(cs.lastState?.terminated?.reason).toBe('Error');
    expect(pod.status?.phase).toBe('Running');
  });

  it('restarts a container whose liveness probe fails', async () => {
    await ns.clients.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'not-alive' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: 'searchkube/test-echo:1',
              livenessProbe: { httpGet: { path: '/no-such-path', port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
            },
          ],
        },
      },
    });
    const pod = await eventually('liveness restart', async () => {
      const p = await readPod('not-alive');
      return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined;
    });
    expect(pod.status!.containerStatuses![0]!.lastState?.terminated?.message).toMatch(/liveness probe failed/);
  });

  it('runs init containers in order before the main container, and a Never pod that exits 0 Succeeds', async () => {
    const step = (name: string) => ({
      name,
      image: 'searchkube/test-echo:1',
      args: ['--append-line', `/work/order=${name}`, '--exit-after-ms', '50', '--exit-code', '0'],
      volumeMounts: [{ name: 'work', mountPath: '/work' }],
    });
    await ns.clients.core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'ordered' },
        spec: {
          restartPolicy: 'Never',
          initContainers: [step('init-1'), step('init-2')],
          containers: [step('main')],
          volumes: [{ name: 'work', emptyDir: {} }],
        },
      },
    });
    const pod = await eventually('pod ordered Succeeded', async () => {
      const p = await readPod('ordered');
      return p?.status?.phase === 'Succeeded' ? p : undefined;
    });
    expect(pod.status?.initContainerStatuses?.map((s) => s.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect(pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(0);
    const log = `${ns.clients.stateDir}/pods/${pod.metadata!.uid}/volumes/work/order`;
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(log, 'utf8')).toBe('init-1\ninit-2\nmain\n');
  });

  it('runs a Job to completion (pod Succeeded, Job Complete)', async () => {
    const batch = ns.clients.kc.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace: ns.name,
      body: {
        metadata: { name: 'once' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'main', image: 'searchkube/test-echo:1', args: ['--exit-after-ms', '100', '--exit-code', '0'] }],
            },
          },
        },
      },
    });
    const job = await eventually('Job once Complete', async () => {
      const j = await batch.readNamespacedJob({ name: 'once', namespace: ns.name });
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    });
    expect(job.status?.succeeded).toBe(1);
  });

  it('reports an image it cannot run and never makes the pod Ready', async () => {
    await ns.clients.core.createNamespacedPod({
      namespace: ns.name,
      body: { metadata: { name: 'unknown-image' }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } },
    });
    const pod = await eventually('ImagePullBackOff', async () => {
      const p = await readPod('unknown-image');
      return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff' ? p : undefined;
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.message).toMatch(/nginx:1.27/);
    await new Promise((r) => setTimeout(r, 3000));
    const later = await readPod('unknown-image');
    expect(isPodReady(later)).toBe(false);
    expect(later?.status?.phase).toBe('Pending');
  });

  it('stops a container that ignores SIGTERM with SIGKILL after the grace period, then removes the pod', async () => {
    const { core } = ns.clients;
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'stubborn' },
        spec: {
          terminationGracePeriodSeconds: 2,
          containers: [
            {
              name: 'main',
              image: 'searchkube/test-echo:1',
              args: ['--ignore-sigterm'],
              // Ready means listening, and so its SIGTERM handler is installed.
              readinessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    });
    const pod = await readyPod('stubborn');
    const pid = Number(pod.status!.containerStatuses![0]!.containerID!.replace('process://', ''));
    expect(pidAlive(pid)).toBe(true);
    const t0 = Date.now();
    await core.deleteNamespacedPod({ name: 'stubborn', namespace: ns.name });
    await eventually('stubborn removed', async () => (await readPod('stubborn')) === undefined, 20_000);
    const took = Date.now() - t0;
    expect(pidAlive(pid)).toBe(false);
    expect(took).toBeGreaterThanOrEqual(1500); // waited the grace period
  });
});

describe('process kubelet: the sized StorageClass', () => {
  it('backs a claim with a tmpfs of the requested size that fills, and unmounts and removes it when the claim is deleted', async () => {
    const core = ns.clients.core;
    await core.createNamespacedPersistentVolumeClaim({
      namespace: ns.name,
      body: { metadata: { name: 'small' }, spec: { storageClassName: SIZED_STORAGE_CLASS, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Mi' } } } },
    });
    const pvc = await eventually('claim small Bound', async () => {
      const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'small', namespace: ns.name });
      return claim.status?.phase === 'Bound' ? claim : undefined;
    }, 60_000);
    const pv = await core.readPersistentVolume({ name: pvc.spec!.volumeName! });
    const dir = pv.spec!.hostPath!.path;
    expect(pv.spec?.capacity?.['storage']).toBe('2Mi');
    expect(isMountPoint(dir)).toBe(true);
    expect(statfsSync(dir).blocks * statfsSync(dir).bsize).toBe(2 * 1024 * 1024);
    expect(writeZeros(path.join(dir, 'too-big'), 3 * 1024 * 1024), 'bytes written before ENOSPC').toBeLessThanOrEqual(2 * 1024 * 1024);
    await core.deleteNamespacedPersistentVolumeClaim({ name: 'small', namespace: ns.name });
    await eventually('volume unmounted and removed', async () => !isMountPoint(dir) && !existsSync(dir), 60_000);
  });

  it('reads storage quantities', () => {
    expect([quantityBytes('2Mi'), quantityBytes('1G'), quantityBytes('1.5Ki'), quantityBytes('1500000'), quantityBytes('2 bananas')]).toEqual([2 * 1024 * 1024, 1e9, 1536, 1_500_000, undefined]);
  });
});
