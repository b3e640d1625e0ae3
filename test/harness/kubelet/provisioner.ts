// A tiny external provisioner: a default StorageClass whose claims get a hostPath PV backed by a
// local directory. kube-controller-manager's persistentvolume-binder binds claim and volume, so
// PVC phases are real (helm --wait and the operator can rely on Bound). Released volumes of the
// Delete policy lose their directory and PV, as with any dynamic provisioner.
// A plain directory never fills, so a second class, `process-local-sized`, enforces the claim's
// size: its directory is a tmpfs of that size (the kernel answers ENOSPC), unmounted when the
// volume is deleted and at cluster:down. Mounting needs root; without it the claim stays Pending
// and the kubelet log says why.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { errMessage, isAlreadyExists, isNotFound, type Clients } from './kube.ts';
import { log } from './log.ts';
import { isMountPoint, mountTmpfs, unmountTmpfs } from '../../helpers/small-volume.ts';

export const STORAGE_CLASS = 'process-local';
export const SIZED_STORAGE_CLASS = 'process-local-sized';
export const PROVISIONER = 'searchkube.test/process-kubelet';
const PROVISIONER_ANNOTATIONS = ['volume.kubernetes.io/storage-provisioner', 'volume.beta.kubernetes.io/storage-provisioner'];

export class Provisioner {
  readonly #clients: Clients;
  readonly #volumesDir: string;
  readonly #inFlight = new Set<string>();

  constructor(clients: Clients, volumesDir: string) {
    this.#clients = clients;
    this.#volumesDir = volumesDir;
    mkdirSync(volumesDir, { recursive: true });
  }

  async ensureStorageClass(): Promise<void> {
    await this.#createStorageClass(STORAGE_CLASS, { 'storageclass.kubernetes.io/is-default-class': 'true' }, true);
    // A tmpfs keeps its size once mounted: no expansion.
    await this.#createStorageClass(SIZED_STORAGE_CLASS, {}, false);
  }

  async #createStorageClass(name: string, annotations: Record<string, string>, allowVolumeExpansion: boolean): Promise<void> {
    try {
      await this.#clients.storage.createStorageClass({
        body: {
          apiVersion: 'storage.k8s.io/v1',
          kind: 'StorageClass',
          metadata: { name, annotations },
          provisioner: PROVISIONER,
          reclaimPolicy: 'Delete',
          volumeBindingMode: 'Immediate',
          allowVolumeExpansion,
        },
      });
      log('provisioner', `created StorageClass ${name}`);
    } catch (e) {
      if (!isAlreadyExists(e)) throw e;
    }
  }

  #wants(pvc: V1PersistentVolumeClaim): boolean {
    const ann = pvc.metadata?.annotations ?? {};
    const className = pvc.spec?.storageClassName;
    const ours = PROVISIONER_ANNOTATIONS.some((a) => ann[a] === PROVISIONER) || className === STORAGE_CLASS || className === SIZED_STORAGE_CLASS;
    return ours && !pvc.spec?.volumeName && pvc.status?.phase !== 'Bound' && !pvc.metadata?.deletionTimestamp;
  }

  async onClaim(pvc: V1PersistentVolumeClaim): Promise<void> {
    const uid = pvc.metadata?.uid;
    if (!uid || !this.#wants(pvc) || this.#inFlight.has(uid)) return;
    this.#inFlight.add(uid);
    const name = `pvc-${uid}`;
    const dir = path.join(this.#volumesDir, name);
    const storage = pvc.spec?.resources?.requests?.storage ?? '1Gi';
    try {
      mkdirSync(dir, { recursive: true });
      if (pvc.spec?.storageClassName === SIZED_STORAGE_CLASS && !isMountPoint(dir)) {
        const bytes = quantityBytes(storage);
        if (bytes === undefined) throw new Error(`cannot enforce a size of ${storage}: not a storage quantity this provisioner reads`);
        mountTmpfs(dir, bytes);
        log('provisioner', `mounted a ${bytes}-byte tmpfs on ${dir}`);
      }
      await this.#clients.core.createPersistentVolume({
        body: {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': PROVISIONER } },
          spec: {
            capacity: { storage },
            accessModes: pvc.spec?.accessModes?.length ? pvc.spec.accessModes : ['ReadWriteOnce'],
            persistentVolumeReclaimPolicy: 'Delete',
            storageClassName: pvc.spec?.storageClassName ?? STORAGE_CLASS,
            volumeMode: pvc.spec?.volumeMode ?? 'Filesystem',
            hostPath: { path: dir, type: 'DirectoryOrCreate' },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata!.namespace!, name: pvc.metadata!.name!, uid },
          },
        },
      });
      log('provisioner', `provisioned ${name} at ${dir} for ${pvc.metadata?.namespace}/${pvc.metadata?.name}`);
    } catch (e) {
      if (!isAlreadyExists(e)) log('provisioner', `provisioning ${name} failed: ${errMessage(e)}`);
    } finally {
      this.#inFlight.delete(uid);
    }
  }

  async onVolume(pv: V1PersistentVolume): Promise<void> {
    const name = pv.metadata?.name;
    if (!name || pv.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'] !== PROVISIONER) return;
    if (pv.status?.phase !== 'Released' || pv.spec?.persistentVolumeReclaimPolicy !== 'Delete' || this.#inFlight.has(name)) return;
    this.#inFlight.add(name);
    try {
      const dir = pv.spec?.hostPath?.path;
      if (dir && path.resolve(dir).startsWith(this.#volumesDir + path.sep)) {
        unmountTmpfs(dir);
        rmSync(dir, { recursive: true, force: true });
      }
      await this.#clients.core.deletePersistentVolume({ name });
      log('provisioner', `deleted released volume ${name}`);
    } catch (e) {
      if (!isNotFound(e)) log('provisioner', `deleting ${name} failed: ${errMessage(e)}`);
    } finally {
      this.#inFlight.delete(name);
    }
  }
}

const UNITS: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** Bytes of a Kubernetes storage quantity such as `4Mi`, `1G` or `1500000`. */
export function quantityBytes(quantity: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(quantity.trim());
  if (!match) return undefined;
  return Math.ceil(Number(match[1]) * UNITS[match[2] ?? '']!);
}
