/**
 * V3 -> V4: per-index updates become global tasks. Task ids are renumbered by position in
 * updates/data.jsonl (the old ids restart at 0 in every index), the index uuid is resolved to
 * its uid, and the status becomes an event log. V3 did not record how many documents an
 * addition carried, so `documents_count` is 0, and there were no API keys, so index creation is
 * allowed. An update of an index missing from index_uuids keeps its history under the uid
 * `unknown` when finished and is dropped (with a warning) when still pending, as upstream does.
 */
import { invalidContent } from '../errors.ts';
import { isObject } from '../jsonl.ts';
import type { Origin } from '../readers/source.ts';
import type { V3Source } from '../readers/v3.ts';
import type { V4Source } from '../readers/v4.ts';
import { errorWithCode, v3CodeToV4Name } from './error-codes.ts';

function contentV3ToV4(meta: unknown, origin: Origin): unknown {
  if (meta === 'ClearDocuments') return { DocumentDeletion: 'Clear' };
  if (isObject(meta)) {
    if (Array.isArray(meta.DeleteDocuments)) return { DocumentDeletion: { Ids: meta.DeleteDocuments } };
    if (isObject(meta.Settings)) return { SettingsUpdate: { settings: meta.Settings, is_deletion: false, allow_index_creation: true } };
    if (isObject(meta.DocumentAddition)) {
      const { primary_key: primaryKey, method, content_uuid: contentUuid } = meta.DocumentAddition;
      return { DocumentAddition: {
        content_uuid: contentUuid, merge_strategy: method, primary_key: primaryKey ?? null,
        documents_count: 0, allow_index_creation: true,
      } };
    }
  }
  throw invalidContent(origin.file, `unknown update meta ${JSON.stringify(meta)}`, origin.line);
}

function eventsV3ToV4(update: Record<string, unknown>, origin: Origin): unknown[] {
  const created = { Created: update.enqueuedAt };
  switch (update.status) {
    case 'enqueued':
    case 'processing':
      return [created];
    case 'processed': {
      const success = update.success;
      let result: unknown = 'Other';
      if (isObject(success) && isObject(success.DocumentsAddition)) result = { DocumentAddition: { indexed_documents: success.DocumentsAddition.nb_documents } };
      else if (isObject(success) && isObject(success.DocumentDeletion)) result = { DocumentDeletion: { deleted_documents: success.DocumentDeletion.deleted } };
      return [created, { Processing: update.startedProcessingAt }, { Succeded: { result, timestamp: update.processedAt } }];
    }
    case 'failed': {
      const message = typeof update.msg === 'string' ? update.msg : '';
      return [created, { Processing: update.startedProcessingAt }, { Failed: { error: errorWithCode(message, v3CodeToV4Name(update.code)), timestamp: update.failedAt } }];
    }
    case 'aborted':
      return [created, { Failed: {
        error: errorWithCode('Task was aborted in a previous version of meilisearch.', 'unretrievable_error_code'),
        timestamp: update.abortedAt,
      } }];
    default:
      throw invalidContent(origin.file, `unknown update status ${JSON.stringify(update.status)}`, origin.line);
  }
}

export function v3ToV4(source: V3Source): V4Source {
  return {
    ...source,
    async *tasks() {
      let id = -1;
      for await (const { task, origin, payload } of source.tasks()) {
        id += 1; // numbering counts dropped updates too, as upstream's enumerate() does
        const finished = task.update.status !== 'enqueued' && task.update.status !== 'processing';
        let indexUid = source.indexUuids.get(task.uuid);
        if (indexUid === undefined) {
          if (!finished) {
            source.warnings.push(`${origin.file} line ${origin.line}: pending update of unknown index ${task.uuid} was dropped`);
            continue;
          }
          source.warnings.push(`${origin.file} line ${origin.line}: update of unknown index ${task.uuid} kept under index uid \`unknown\``);
          indexUid = 'unknown';
        }
        const upgraded = { id, index_uid: indexUid, content: contentV3ToV4(task.update.meta, origin), events: eventsV3ToV4(task.update, origin) };
        yield payload ? { task: upgraded, origin, payload } : { task: upgraded, origin };
      }
    },
  };
}
