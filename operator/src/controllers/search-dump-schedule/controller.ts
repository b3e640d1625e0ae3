// Wiring: an informer over SearchDumpSchedules; a schedule is enqueued on its own events and when
// one of its dumps changes (finished: history and Forbid; deleted: pruning done).
import { SCHEDULE_LABEL } from '../../api/group.ts';
import type { SearchDumpSchedule } from '../../api/search-dump-schedule.ts';
import type { BackoffOptions } from '../../kube/backoff.ts';
import { Controller, type ControllerObserver } from '../../kube/controller.ts';
import { InformerSet } from '../../kube/informer-set.ts';
import { SEARCHDUMPSCHEDULES } from '../search-dump/resource-types.ts';
import type { InformerSettings } from '../search-instance/controller.ts';
import type { ScheduleDeps } from './deps.ts';
import { reconcileSchedule } from './reconcile.ts';

export function makeScheduleInformer(s: InformerSettings): InformerSet<SearchDumpSchedule> {
  return new InformerSet<SearchDumpSchedule>(s.namespaces, { api: s.api, clock: s.clock, resyncMs: s.resyncMs, type: SEARCHDUMPSCHEDULES, ...(s.observer ? { observer: s.observer } : {}), ...(s.log ? { log: s.log } : {}) });
}

export function makeScheduleController(deps: ScheduleDeps, o: { workers: number; observer?: ControllerObserver; backoff?: BackoffOptions }): Controller {
  const controller = new Controller({
    name: 'searchdumpschedule',
    clock: deps.clock,
    workers: o.workers,
    reconcile: (key) => reconcileSchedule(deps, key),
    ...(o.observer ? { observer: o.observer } : {}),
    ...(o.backoff ? { backoff: o.backoff } : {}),
    log: deps.log,
  });
  deps.cache.schedules.on((_e, s) => controller.enqueue(`${s.metadata.namespace}/${s.metadata.name}`));
  deps.cache.dumps.on((e, d) => {
    const owner = d.metadata.labels?.[SCHEDULE_LABEL];
    if (e !== 'resync' && owner) controller.enqueue(`${d.metadata.namespace}/${owner}`);
  });
  return controller;
}
