// The process kubelet: a test-only stand-in for the kubelet that runs each pod's containers as
// local processes. Started by the cluster harness as `node test/harness/kubelet/main.ts --...`.
import path from 'node:path';
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { Binder } from './binder.ts';
import { parseArgs } from './config.ts';
import { startInformer } from './informers.ts';
import { IpPool } from './ip-pool.ts';
import { makeClients } from './kube.ts';
import { log } from './log.ts';
import { NodeAgent } from './node-agent.ts';
import { PodManager } from './pod-manager.ts';
import { killRecordedContainers, ProcRegistry } from './proc-registry.ts';
import { Provisioner } from './provisioner.ts';

const RESYNC_MS = 5000;
const SHUTDOWN_GRACE_SECONDS = 5;

async function main(): Promise<void> {
  const cfg = parseArgs(process.argv.slice(2));
  const clients = makeClients(cfg.kubeconfig);
  const leftovers = await killRecordedContainers(cfg.stateDir);
  if (leftovers) log('kubelet', `killed ${leftovers} container process group(s) left by an earlier run`);

  const node = new NodeAgent(clients, cfg.nodeName);
  await node.start();
  const provisioner = new Provisioner(clients, cfg.volumesDir);
  await provisioner.ensureStorageClass();

  const pods = new PodManager(
    {
      cfg,
      clients,
      ipPool: new IpPool(cfg.podIpOctet),
      registry: new ProcRegistry(cfg.procsDir),
      caFile: path.join(cfg.stateDir, 'pki', 'ca.crt'),
    },
    new Binder(clients, cfg.nodeName),
    cfg.nodeName,
  );
  const podInformer = startInformer<V1Pod>('pods', clients, '/api/v1/pods', () => clients.core.listPodForAllNamespaces(), {
    onUpsert: (p) => pods.onUpsert(p),
    onDelete: (p) => pods.onDelete(p),
  });
  const pvcInformer = startInformer<V1PersistentVolumeClaim>(
    'persistentvolumeclaims',
    clients,
    '/api/v1/persistentvolumeclaims',
    () => clients.core.listPersistentVolumeClaimForAllNamespaces(),
    { onUpsert: (c) => void provisioner.onClaim(c), onDelete: () => {} },
  );
  const pvInformer = startInformer<V1PersistentVolume>('persistentvolumes', clients, '/api/v1/persistentvolumes', () => clients.core.listPersistentVolume(), {
    onUpsert: (v) => void provisioner.onVolume(v),
    onDelete: () => {},
  });

  const resync = setInterval(() => {
    pods.resync(podInformer.list());
    pvcInformer.list().forEach((c) => void provisioner.onClaim(c));
    pvInformer.list().forEach((v) => void provisioner.onVolume(v));
  }, RESYNC_MS);
  log('kubelet', `node ${cfg.nodeName} running; pods get 127.${cfg.podIpOctet}.x.y`);

  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log('kubelet', `${sig}: stopping all containers`);
    clearInterval(resync);
    node.stop();
    await Promise.all([podInformer.stop(), pvcInformer.stop(), pvInformer.stop()]);
    await pods.shutdown(SHUTDOWN_GRACE_SECONDS);
    await killRecordedContainers(cfg.stateDir);
    log('kubelet', 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e: unknown) => {
  log('kubelet', `fatal: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
