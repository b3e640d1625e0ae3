/**
 * V5 -> V6: the event log becomes a status with dates and details, the content becomes the V6
 * internal kind, error codes get their V6 names, and settings lose ranking rules that no longer
 * exist. Follows Meilisearch's own upgrade (its V5 TaskView): enqueuedAt is the `Created` event,
 * startedAt the first `Processing`, finishedAt the final `Succeeded`/`Failed`; details start
 * from the content and take the counts of the result (0 on failure); a task still `processing`
 * (the dump task itself, in V5 dumps) becomes `enqueued` without a start date.
 */
import { invalidContent } from '../errors.ts';
import { isObject } from '../jsonl.ts';
import type { DumpTask } from '../task-shape.ts';
import { eventTime, eventsOf, isSucceeded, variantOf } from '../readers/events.ts';
import type { Origin, V6Source } from '../readers/source.ts';
import type { V4Source } from '../readers/v4.ts';
import { errorWithCode, v5CodeToV6 } from './error-codes.ts';

const RANKING_RULE = /^(words|typo|proximity|attribute|sort|exactness|attributeRank|wordPosition)$|^.+:(asc|desc)$/;

export function settingsV5ToV6(settings: Record<string, unknown>, where: string, warnings: string[]): Record<string, unknown> {
  const out = { ...settings };
  if (Array.isArray(out.rankingRules)) {
    out.rankingRules = out.rankingRules.filter((rule) => {
      const ok = typeof rule === 'string' && RANKING_RULE.test(rule);
      if (!ok) warnings.push(`${where}: ranking rule ${JSON.stringify(rule)} does not exist anymore and was dropped`);
      return ok;
    });
  }
  return out;
}

type Details = Record<string, Record<string, unknown>>;

/** Kind and initial details of a V5 content, as upstream's TaskView computes them. */
function kindAndDetails(content: unknown, instanceUid: string | null, origin: Origin): { type: DumpTask['type']; details: Details } {
  const variant = variantOf(content);
  const body = variant?.body ?? {};
  switch (variant?.name) {
    case 'DocumentAddition':
      return {
        type: { documentImport: { primary_key: body.primary_key ?? null, method: body.merge_strategy, documents_count: body.documents_count, allow_index_creation: body.allow_index_creation ?? true } },
        details: { DocumentAdditionOrUpdate: { received_documents: body.documents_count, indexed_documents: null } },
      };
    case 'DocumentDeletion': {
      const deletion = body.deletion;
      if (deletion === 'Clear') return { type: 'documentClear', details: { ClearAll: { deleted_documents: null } } };
      const ids = isObject(deletion) && Array.isArray(deletion.Ids) ? deletion.Ids : null;
      if (ids === null) break;
      return { type: { documentDeletion: { documents_ids: ids } }, details: { DocumentDeletion: { provided_ids: ids.length, deleted_documents: null } } };
    }
    case 'SettingsUpdate':
      return {
        type: { settings: { settings: body.settings, is_deletion: body.is_deletion ?? false, allow_index_creation: body.allow_index_creation ?? true } },
        details: { SettingsUpdate: { settings: body.settings } },
      };
    case 'IndexDeletion': return { type: 'indexDeletion', details: { ClearAll: { deleted_documents: null } } };
    case 'IndexCreation': return { type: { indexCreation: { primary_key: body.primary_key ?? null } }, details: { IndexInfo: { primary_key: body.primary_key ?? null } } };
    case 'IndexUpdate': return { type: { indexUpdate: { primary_key: body.primary_key ?? null } }, details: { IndexInfo: { primary_key: body.primary_key ?? null } } };
    case 'Dump': return { type: { dumpCreation: { keys: [], instance_uid: instanceUid } }, details: { Dump: { dump_uid: body.uid ?? null } } };
    default: break;
  }
  throw invalidContent(origin.file, `unknown task content ${JSON.stringify(content)}`, origin.line);
}

export function taskV5ToV6(task: Record<string, unknown>, instanceUid: string | null, origin: Origin): DumpTask {
  const events = eventsOf(task);
  const first = events[0];
  if (first?.name !== 'Created' || typeof first.body !== 'string') throw invalidContent(origin.file, 'task without a `Created` event', origin.line);
  const last = events.at(-1)!;
  const { type, details } = kindAndDetails(task.content, instanceUid, origin);
  const counts = Object.values(details)[0]!;
  const out: DumpTask = {
    uid: task.id as number,
    batchUid: null,
    indexUid: null,
    status: 'enqueued',
    type,
    enqueuedAt: first.body,
  };
  const indexUid = variantOf(task.content)?.body.index_uid;
  if (typeof indexUid === 'string') out.indexUid = indexUid;
  const started = events.find((event) => event.name === 'Processing');
  if (isSucceeded(last)) {
    out.status = 'succeeded';
    const result = variantOf(isObject(last.body) ? last.body.result : undefined);
    if (result?.name === 'DocumentAddition' && 'indexed_documents' in counts) counts.indexed_documents = result.body.indexed_documents;
    if ((result?.name === 'DocumentDeletion' || result?.name === 'ClearAll') && 'deleted_documents' in counts) counts.deleted_documents = result.body.deleted_documents;
  } else if (last.name === 'Failed') {
    out.status = 'failed';
    for (const key of ['indexed_documents', 'deleted_documents']) if (key in counts) counts[key] = 0;
    const error = isObject(last.body) && isObject(last.body.error) ? last.body.error : {};
    out.error = errorWithCode(typeof error.message === 'string' ? error.message : '', v5CodeToV6(error.code)) as DumpTask['error'];
  }
  // `processing` (last event) stays `enqueued` with no start date, like upstream's compat.
  if (out.status !== 'enqueued') {
    const startedAt = eventTime(started);
    const finishedAt = eventTime(last);
    if (startedAt !== null) out.startedAt = startedAt;
    if (finishedAt !== null) out.finishedAt = finishedAt;
  }
  out.details = details;
  return out;
}

export function v5ToV6(source: V4Source): V6Source {
  const { warnings, instanceUid } = source;
  return {
    ...source,
    indexes: source.indexes.map((index) => ({ ...index, settings: settingsV5ToV6(index.settings, index.settingsFile, warnings) })),
    experimentalFeatures: null,
    async *batches() {},
    async *tasks() {
      for await (const { task, origin, payload } of source.tasks()) {
        const upgraded = taskV5ToV6(task, instanceUid, origin) as unknown as Record<string, unknown>;
        yield payload ? { task: upgraded, origin, payload } : { task: upgraded, origin };
      }
    },
  };
}
