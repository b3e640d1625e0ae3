/**
 * V4/V5 tasks store their life as an event log (`[{"Created":ts},{"Batched":{...}},
 * {"Processing":ts},{"Succeeded":{"result":...,"timestamp":ts}}]`; V4 spells it `Succeded`).
 * Status and dates are derived from it; these helpers read one event without trusting it.
 */
import { isObject } from '../jsonl.ts';

export interface Event {
  name: string;
  body: unknown;
}

export function eventsOf(task: Record<string, unknown>): Event[] {
  const events = Array.isArray(task.events) ? task.events : [];
  return events.flatMap((event): Event[] => {
    if (!isObject(event)) return [];
    const entries = Object.entries(event);
    return entries.length === 1 ? [{ name: entries[0]![0], body: entries[0]![1] }] : [];
  });
}

export const isSucceeded = (event: Event | undefined): boolean => event?.name === 'Succeeded' || event?.name === 'Succeded';
export const isFinished = (event: Event | undefined): boolean => isSucceeded(event) || event?.name === 'Failed';

/** The timestamp of an event, whether it is the body itself or `body.timestamp`. */
export function eventTime(event: Event | undefined): string | null {
  if (!event) return null;
  if (typeof event.body === 'string') return event.body;
  return isObject(event.body) && typeof event.body.timestamp === 'string' ? event.body.timestamp : null;
}

/** The single key of an externally tagged content (`{"DocumentAddition":{...}}` or `"IndexDeletion"`). */
export function variantOf(content: unknown): { name: string; body: Record<string, unknown> } | null {
  if (typeof content === 'string') return { name: content, body: {} };
  if (!isObject(content)) return null;
  const entries = Object.entries(content);
  if (entries.length !== 1) return null;
  const [name, body] = entries[0]!;
  return { name, body: isObject(body) ? body : {} };
}

/**
 * V4/V5 index dates, as Meilisearch derives them, fed the tasks newest first (file order):
 * updated = the finish of the newest succeeded task of the index; created = the creation date of
 * the task that created it (`creation_task_id`), when that task is an index creation, addition
 * or settings update. Streaming, so a long history is never held in memory.
 */
export class IndexDates {
  readonly #creationTaskIds: Map<string, number | null>;
  readonly #dates = new Map<string, { createdAt?: string; updatedAt?: string; done?: boolean }>();

  constructor(creationTaskIds: Map<string, number | null>) {
    this.#creationTaskIds = creationTaskIds;
  }

  add(task: { id: number; indexUid: string | null; content: unknown; events: Event[] }): void {
    if (task.indexUid === null || !this.#creationTaskIds.has(task.indexUid)) return;
    const entry = this.#dates.get(task.indexUid) ?? {};
    this.#dates.set(task.indexUid, entry);
    if (entry.done) return;
    const last = task.events.at(-1);
    if (entry.updatedAt === undefined && isSucceeded(last)) entry.updatedAt = eventTime(last) ?? undefined;
    if (task.id === this.#creationTaskIds.get(task.indexUid)) {
      const kind = variantOf(task.content)?.name;
      const first = task.events[0];
      if ((kind === 'IndexCreation' || kind === 'DocumentAddition' || kind === 'SettingsUpdate') && first?.name === 'Created') {
        entry.createdAt = eventTime(first) ?? undefined;
      }
      entry.done = true;
    }
  }

  of(indexUid: string): { createdAt?: string; updatedAt?: string } {
    const { createdAt, updatedAt } = this.#dates.get(indexUid) ?? {};
    return { ...(createdAt !== undefined ? { createdAt } : {}), ...(updatedAt !== undefined ? { updatedAt } : {}) };
  }
}
