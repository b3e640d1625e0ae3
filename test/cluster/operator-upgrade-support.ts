// Helpers of the upgrade cluster tests: the instance's data PVC directory (which database
// directories exist), the engine of whichever pod serves, a writer that posts documents
// continuously and retries on 503, a reader that searches every 100 ms, and a record of the
// upgrade steps seen in status.
import { existsSync, readdirSync } from 'node:fs';
import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod, V1Service } from '@kubernetes/client-node';
import type { SearchInstance } from '../../operator/src/api/search-instance.ts';
import type { KubeClient } from '../../operator/src/kube/client.ts';
import { PODS, PVCS, SERVICES, type ResourceType } from '../../operator/src/kube/resource.ts';
import { eventually } from '../harness/testing.ts';
import { Api } from '../helpers/http-client.ts';
import { masterKey } from './operator-dumps-support.ts';
import { getInstance } from './operator-support.ts';

const PVS: ResourceType = { group: '', version: 'v1', plural: 'persistentvolumes', kind: 'PersistentVolume', namespaced: false };

export async function dataDir(api: KubeClient, ns: string, instance: string): Promise<string> {
  const pvc = await eventually(`PVC ${instance}-data bound`, async () => {
    const p = await api.get<V1PersistentVolumeClaim>(PVCS, ns, `${instance}-data`);
    return p.spec?.volumeName ? p : false;
  }, 60_000);
  const pv = await api.get<V1PersistentVolume>(PVS, undefined, pvc.spec!.volumeName!);
  return pv.spec!.hostPath!.path;
}

/** Database directories in the data volume (db-<version>). */
export function databases(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('db-')).sort() : [];
}

/** The pod the instance's Service selects (by the pod-name label when it names one), as the tests' "current pod". */
export async function servedPod(api: KubeClient, ns: string, instance: string): Promise<V1Pod | undefined> {
  const svc = await api.get<V1Service>(SERVICES, ns, instance);
  const sel = svc.spec?.selector ?? {};
  const selector = Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = (await api.list<V1Pod>(PODS, ns, { labelSelector: selector })).items;
  return pods.find((p) => !p.metadata?.deletionTimestamp && p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

export async function servedEngine(api: KubeClient, ns: string, instance: string): Promise<Api> {
  const pod = await eventually(`a ready pod behind Service ${instance}`, () => servedPod(api, ns, instance), 120_000, 200);
  return new Api(`http://${pod.status!.podIP}:7700`, await masterKey(api, ns, instance));
}

/** Polls the instance and keeps every distinct upgrade step it shows, in order. */
export function watchSteps(api: KubeClient, ns: string, instance: string): { steps: string[]; phases: string[]; stop: () => void } {
  const steps: string[] = [];
  const phases: string[] = [];
  let on = true;
  void (async () => {
    while (on) {
      const si = await getInstance(api, ns, instance).catch(() => undefined);
      const step = si?.status?.upgrade?.step;
      if (step && steps.at(-1) !== step) steps.push(step);
      const phase = si?.status?.phase;
      if (phase && phases.at(-1) !== phase) phases.push(phase);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return { steps, phases, stop: () => { on = false; } };
}

export async function waitForUpgrade(api: KubeClient, ns: string, instance: string, result: 'Succeeded' | 'RolledBack', to: string, timeoutMs = 150_000): Promise<SearchInstance> {
  return eventually(`upgrade of ${instance} to ${to}: ${result}`, async () => {
    const si = await getInstance(api, ns, instance);
    const u = si.status?.upgrade;
    return u?.to === to && u.result === result && u.finishedAt && si.status?.phase === 'Ready' ? si : false;
  }, timeoutMs, 250);
}

/**
 * Posts one document at a time to `index` on whichever pod serves, retrying the same document on
 * 503 (and on connection errors while pods change) until it is acknowledged (202). Returns the ids
 * acknowledged and how many 503s carried Retry-After.
 */
export function startWriter(api: KubeClient, ns: string, instance: string, index: string, firstId: number): { acked: number[]; blocked: number; withRetryAfter: number; errors: number; stop: () => Promise<void> } {
  const state = { acked: [] as number[], blocked: 0, withRetryAfter: 0, errors: 0 };
  let on = true;
  const done = (async () => {
    let id = firstId;
    let engine: Api | undefined;
    while (on) {
      try {
        engine ??= await servedEngine(api, ns, instance);
        const res = await engine.post(`/indexes/${index}/documents`, [{ id, title: `written during the upgrade ${id}` }]);
        if (res.status === 202) {
          state.acked.push(id);
          id++;
        } else if (res.status === 503) {
          state.blocked++;
          if (res.headers.get('retry-after')) state.withRetryAfter++;
          await new Promise((r) => setTimeout(r, 200));
        } else throw new Error(`POST: ${res.status} ${JSON.stringify(res.body)}`);
      } catch {
        state.errors++;
        engine = undefined; // the pod changed: find the current one
        await new Promise((r) => setTimeout(r, 200));
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return Object.assign(state, { stop: async () => { on = false; await done; } });
}
