/**
 * V4 -> V5: `index_uid` moves into the task content, `Succeded` gets its second `e`, and keys,
 * which V4 identified by an 8-byte prefix of the key itself, get a fresh random uuid and no
 * name (so their key strings change after import, exactly as with Meilisearch). The V4-only
 * `dumps.get` action no longer exists and is dropped.
 */
import { randomUUID } from 'node:crypto';
import { isObject } from '../jsonl.ts';
import { variantOf } from '../readers/events.ts';
import type { V4Source } from '../readers/v4.ts';

function contentV4ToV5(content: unknown, indexUid: unknown): unknown {
  const variant = variantOf(content);
  if (variant === null) return content; // reported by v5-to-v6
  if (variant.name === 'DocumentDeletion') return { DocumentDeletion: { index_uid: indexUid, deletion: (content as Record<string, unknown>).DocumentDeletion } };
  return { [variant.name]: { index_uid: indexUid, ...variant.body } };
}

function eventsV4ToV5(events: unknown): unknown {
  if (!Array.isArray(events)) return events;
  return events.map((event) => (isObject(event) && 'Succeded' in event ? { Succeeded: event.Succeded } : event));
}

export function v4ToV5(source: V4Source): V4Source {
  return {
    ...source,
    async *keys() {
      for await (const { key, origin } of source.keys()) {
        const actions = Array.isArray(key.actions) ? key.actions.filter((action) => action !== 'dumps.get') : key.actions;
        yield {
          key: {
            description: key.description ?? null, name: null, uid: randomUUID(), actions, indexes: key.indexes,
            expires_at: key.expires_at ?? null, created_at: key.created_at, updated_at: key.updated_at,
          },
          origin,
        };
      }
    },
    async *tasks() {
      for await (const { task, origin, payload } of source.tasks()) {
        const upgraded = { id: task.id, content: contentV4ToV5(task.content, task.index_uid), events: eventsV4ToV5(task.events) };
        yield payload ? { task: upgraded, origin, payload } : { task: upgraded, origin };
      }
    },
  };
}
