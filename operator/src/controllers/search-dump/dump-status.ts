// Pure: the next status of a SearchDump. The Ready condition follows the phase: True only once
// the file is written and checked (Succeeded); its reason says what the dump waits for or why it
// failed.
import type { DumpPhase, SearchDump, SearchDumpStatus } from '../../api/search-dump.ts';
import { rfc3339, setCondition } from '../../kube/status.ts';

export const READY = 'Ready';

export function nextStatus(d: SearchDump, phase: DumpPhase, fields: Partial<SearchDumpStatus>, why: { reason: string; message: string }, now: Date): SearchDumpStatus {
  const old = d.status ?? {};
  const generation = d.metadata.generation;
  return {
    ...old,
    ...fields,
    phase,
    conditions: setCondition(old.conditions, { type: READY, status: phase === 'Succeeded' ? 'True' : 'False', reason: why.reason, message: why.message, ...(generation ? { observedGeneration: generation } : {}) }, now),
  };
}

export function isTerminal(phase: DumpPhase | undefined): phase is 'Succeeded' | 'Failed' {
  return phase === 'Succeeded' || phase === 'Failed';
}

export function dumpPath(dumpUid: string): string {
  return `/dumps/${dumpUid}.dump`;
}

export const timestamp = (ms: number): string => rfc3339(new Date(ms));

/**
 * How long to wait before looking at a running task again: a fifth of its age, between 0.5 s and
 * 10 s, so a short dump is seen done quickly and an hour-long one costs few requests.
 */
export function pollDelayMs(startedAt: string | undefined, now: number): number {
  const age = startedAt ? now - Date.parse(startedAt) : 0;
  return Math.min(10_000, Math.max(500, Math.round(age / 5)));
}
