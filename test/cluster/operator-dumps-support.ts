// Helpers of the dump cluster tests: SearchDumps and schedules through the API, the dumps PVC's
// directory on this machine (the process kubelet backs each PV with a local directory), and an
// Api client on an instance's engine by pod IP.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1Secret } from '@kubernetes/client-node';
import type { SearchDump } from '../../operator/src/api/search-dump.ts';
import type { SearchDumpSchedule } from '../../operator/src/api/search-dump-schedule.ts';
import { SEARCHDUMPS, SEARCHDUMPSCHEDULES } from '../../operator/src/controllers/search-dump/resource-types.ts';
import type { KubeClient } from '../../operator/src/kube/client.ts';
import { isNotFound } from '../../operator/src/kube/errors.ts';
import { PODS, PVCS, SECRETS, type ResourceType } from '../../operator/src/kube/resource.ts';
import { eventually } from '../harness/testing.ts';
import { Api } from '../helpers/http-client.ts';

const PVS: ResourceType = { group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false };

export async function createDump(api: KubeClient, ns: string, name: string, instance: string, deletionPolicy: 'Delete' | 'Retain' = 'Delete'): Promise<SearchDump> {
  return api.create<SearchDump>(SEARCHDUMPS, { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchDump', metadata: { name, namespace: ns }, spec: { instanceRef: { name: instance }, deletionPolicy } });
}

export function getDump(api: KubeClient, ns: string, name: string): Promise<SearchDump> {
  return api.get<SearchDump>(SEARCHDUMPS, ns, name);
}

export async function waitForDump(api: KubeClient, ns: string, name: string, phase: string, timeoutMs = 90_000, extra: (d: SearchDump) => boolean = () => true): Promise<SearchDump> {
  return eventually(`SearchDump ${ns}/${name} ${phase}`, async () => {
    const d = await getDump(api, ns, name);
    return d.status?.phase === phase && extra(d) ? d : false;
  }, timeoutMs, 200);
}

export async function gone(api: KubeClient, type: ResourceType, ns: string, name: string): Promise<boolean> {
  return api.get(type, ns, name).then(() => false, (e: unknown) => isNotFound(e));
}

export async function createSchedule(api: KubeClient, ns: string, name: string, spec: Partial<SearchDumpSchedule['spec']>): Promise<SearchDumpSchedule> {
  return api.create<SearchDumpSchedule>(SEARCHDUMPSCHEDULES, { apiVersion: 'searchkube.io/v1alpha1', kind: 'SearchDumpSchedule', metadata: { name, namespace: ns }, spec: { instanceRef: { name: 'x' }, schedule: '0 3 * * *', ...spec } } as SearchDumpSchedule);
}

export function getSchedule(api: KubeClient, ns: string, name: string): Promise<SearchDumpSchedule> {
  return api.get<SearchDumpSchedule>(SEARCHDUMPSCHEDULES, ns, name);
}

export async function scheduleDumps(api: KubeClient, ns: string, schedule: string): Promise<SearchDump[]> {
  return (await api.list<SearchDump>(SEARCHDUMPS, ns, { labelSelector: `searchkube.io/schedule=${schedule}` })).items;
}

/** The local directory behind an instance's dumps PVC. */
export async function dumpsDir(api: KubeClient, ns: string, instance: string): Promise<string> {
  const pvc = await eventually(`PVC ${instance}-dumps bound`, async () => {
    const p = await api.get<V1PersistentVolumeClaim>(PVCS, ns, `${instance}-dumps`);
    return p.spec?.volumeName ? p : false;
  }, 60_000);
  const pv = await api.get<V1PersistentVolume>(PVS, undefined, pvc.spec!.volumeName!);
  return pv.spec!.hostPath!.path;
}

export function dumpFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.dump')).sort() : [];
}

export function dumpFile(dir: string, dumpUid: string): string {
  return path.join(dir, `${dumpUid}.dump`);
}

export async function masterKey(api: KubeClient, ns: string, instance: string): Promise<string> {
  const secret = await api.get<V1Secret>(SECRETS, ns, `${instance}-master-key`);
  return Buffer.from(secret.data!.masterKey!, 'base64').toString();
}

/** An Api client on the instance's engine, through its pod IP. */
export async function engineApi(api: KubeClient, ns: string, instance: string): Promise<Api> {
  const pod = await api.get<V1Pod>(PODS, ns, `${instance}-0`);
  return new Api(`http://${pod.status!.podIP}:7700`, await masterKey(api, ns, instance));
}

export async function addDocuments(engine: Api, index: string, count: number, batch = 5000): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const docs = Array.from({ length: Math.min(batch, count - start) }, (_, k) => ({ id: start + k, title: `Book number ${start + k}`, body: `A story about item ${start + k} and its many adventures in a far away land` }));
    const res = await engine.post(`/indexes/${index}/documents`, docs);
    if (res.status !== 202) throw new Error(`add documents: ${res.status} ${JSON.stringify(res.body)}`);
    await engine.waitTask(res.body.taskUid);
  }
}
