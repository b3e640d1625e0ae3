// Wiring of the two dump controllers next to the SearchInstance one: their informers (SearchDumps
// shared by both, SearchDumpSchedules) and controllers, built over the instance controller's
// caches (instances, pods, generated Secrets), lookups and event recorder.
import type { KubernetesObject } from '@kubernetes/client-node';
import { EngineDumpsClient } from '../engine-client/dumps.ts';
import type { Controller, ControllerObserver } from '../kube/controller.ts';
import type { InformerSet } from '../kube/informer-set.ts';
import { makeScheduleController, makeScheduleInformer } from './search-dump-schedule/controller.ts';
import { dumpCaches, makeDumpController, makeDumpInformer } from './search-dump/controller.ts';
import { KeyedLock } from './search-dump/keyed-lock.ts';
import type { InformerSettings } from './search-instance/controller.ts';
import type { InstanceDeps } from './search-instance/deps.ts';

export function makeDumpControllers(instance: InstanceDeps, settings: InformerSettings, o: { workers: number; observer?: ControllerObserver }): { controllers: Controller[]; informers: Array<InformerSet<KubernetesObject>> } {
  const dumps = makeDumpInformer(settings);
  const schedules = makeScheduleInformer(settings);
  const common = { api: instance.api, clock: instance.clock, events: instance.events, log: instance.log };
  const dumpController = makeDumpController(
    {
      ...common,
      cache: dumpCaches(dumps, instance.cache),
      lookups: instance.lookups,
      engineAccess: instance.engineAccess,
      dumpsApi: (e) => new EngineDumpsClient(e),
      locks: new KeyedLock(),
      pendingRequeueMs: instance.pendingRequeueMs,
    },
    o,
  );
  const scheduleController = makeScheduleController({ ...common, cache: { schedules, dumps, instances: instance.cache.instances }, reported: new Set() }, o);
  return { controllers: [dumpController, scheduleController], informers: [dumps, schedules] as unknown as Array<InformerSet<KubernetesObject>> };
}
