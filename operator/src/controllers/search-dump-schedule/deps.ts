// What the SearchDumpSchedule reconciler works with.
import type { SearchDump } from '../../api/search-dump.ts';
import type { SearchDumpSchedule } from '../../api/search-dump-schedule.ts';
import type { SearchInstance } from '../../api/search-instance.ts';
import type { Clock } from '../../kube/clock.ts';
import type { KubeApi } from '../../kube/client.ts';
import type { EventRecorder } from '../../kube/events.ts';
import type { InformerSet } from '../../kube/informer-set.ts';

export interface ScheduleCaches {
  schedules: InformerSet<SearchDumpSchedule>;
  /** Shared with the SearchDump controller. */
  dumps: InformerSet<SearchDump>;
  /** Shared with the SearchInstance controller (dumps an instance depends on are never pruned). */
  instances: InformerSet<SearchInstance>;
}

export interface ScheduleDeps {
  api: KubeApi;
  clock: Clock;
  events: EventRecorder;
  cache: ScheduleCaches;
  /** Missed-slot windows already reported by this process. */
  reported: Set<string>;
  log: (msg: string) => void;
}
