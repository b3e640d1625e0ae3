// The SearchDumps a schedule owns: how one is built, and how the schedule finds its own (label
// and owner reference both: a label alone could be copied onto a stranger).
import { API_VERSION, GROUP, INSTANCE_LABEL, SCHEDULE_LABEL } from '../../api/group.ts';
import { SEARCH_DUMP, type SearchDump } from '../../api/search-dump.ts';
import { SEARCH_DUMP_SCHEDULE, type SearchDumpSchedule } from '../../api/search-dump-schedule.ts';
import { rfc3339 } from '../../kube/status.ts';
import type { ScheduleDeps } from './deps.ts';

/** The slot a scheduled dump was created for (its order in the history). */
export const SCHEDULED_AT_ANNOTATION = `${GROUP}/scheduled-at`;

export function buildScheduledDump(s: SearchDumpSchedule, name: string, slot: Date): SearchDump {
  return {
    apiVersion: API_VERSION,
    kind: SEARCH_DUMP.kind,
    metadata: {
      name,
      namespace: s.metadata.namespace!,
      labels: { [SCHEDULE_LABEL]: s.metadata.name!, [INSTANCE_LABEL]: s.spec.instanceRef.name },
      annotations: { [SCHEDULED_AT_ANNOTATION]: rfc3339(slot) },
      ownerReferences: [{ apiVersion: API_VERSION, kind: SEARCH_DUMP_SCHEDULE.kind, name: s.metadata.name!, uid: s.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    // Pruning a scheduled dump deletes its file: that is what the history limits are for.
    spec: { instanceRef: { name: s.spec.instanceRef.name }, deletionPolicy: 'Delete' },
  };
}

export function isOwnedBy(d: SearchDump, s: SearchDumpSchedule): boolean {
  return d.metadata.ownerReferences?.some((r) => r.uid === s.metadata.uid && r.controller) ?? false;
}

export function ownedDumps(deps: ScheduleDeps, s: SearchDumpSchedule): SearchDump[] {
  return deps.cache.dumps.list(s.metadata.namespace).filter((d) => d.metadata.labels?.[SCHEDULE_LABEL] === s.metadata.name && isOwnedBy(d, s));
}

export function slotOf(d: SearchDump): Date {
  const at = d.metadata.annotations?.[SCHEDULED_AT_ANNOTATION] ?? (d.metadata.creationTimestamp as unknown as string | undefined);
  return new Date(at ?? 0);
}
