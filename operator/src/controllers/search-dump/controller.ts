// Wiring: an informer over SearchDumps; every dump event enqueues the dump, and an instance
// event (it became Ready, its pod moved) enqueues that instance's unfinished dumps.
import type { SearchDump } from '../../api/search-dump.ts';
import type { BackoffOptions } from '../../kube/backoff.ts';
import { Controller, type ControllerObserver } from '../../kube/controller.ts';
import { InformerSet } from '../../kube/informer-set.ts';
import type { InformerSettings } from '../search-instance/controller.ts';
import type { InstanceCaches } from '../search-instance/deps.ts';
import type { DumpCaches, DumpDeps } from './deps.ts';
import { isTerminal } from './dump-status.ts';
import { reconcileDump } from './reconcile.ts';
import { SEARCHDUMPS } from './resource-types.ts';

export function makeDumpInformer(s: InformerSettings): InformerSet<SearchDump> {
  return new InformerSet<SearchDump>(s.namespaces, { api: s.api, clock: s.clock, resyncMs: s.resyncMs, type: SEARCHDUMPS, ...(s.observer ? { observer: s.observer } : {}), ...(s.log ? { log: s.log } : {}) });
}

export function dumpCaches(dumps: InformerSet<SearchDump>, instance: InstanceCaches): DumpCaches {
  return { dumps, instances: instance.instances, pods: instance.pods, secrets: instance.secrets };
}

export function makeDumpController(deps: DumpDeps, o: { workers: number; observer?: ControllerObserver; backoff?: BackoffOptions }): Controller {
  const controller = new Controller({
    name: 'searchdump',
    clock: deps.clock,
    workers: o.workers,
    reconcile: (key) => reconcileDump(deps, key),
    ...(o.observer ? { observer: o.observer } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
    log: deps.log,
  });
  const c = deps.cache;
  c.dumps.on((e, d) => {
    // A finished dump's resync has nothing to do; its deletion (a finalizer) does.
    if (e === 'resync' && isTerminal(d.status?.phase) && !d.metadata.deletionTimestamp) return;
    controller.enqueue(`${d.metadata.namespace}/${d.metadata.name}`);
  });
  const wake = (ns: string, instance: string) => {
    for (const d of c.dumps.list(ns)) if (d.spec.instanceRef.name === instance && (!isTerminal(d.status?.phase) || d.metadata.deletionTimestamp)) controller.enqueue(`${ns}/${d.metadata.name}`);
  };
  c.instances.on((e, si) => {
    if (e !== 'resync') wake(si.metadata.namespace!, si.metadata.name!);
  });
  return controller;
}
