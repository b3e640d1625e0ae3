/**
 * V2 -> V3: update metas go from `{"type":"DocumentsAddition",...}` to externally tagged variants,
 * failures from `error.errorCode` to `msg` + a V3 `Code`, and ranking rules from `asc(field)` to
 * `field:asc`. An unfinished addition without a payload cannot be replayed and becomes a failed
 * task, as in Meilisearch (which dates that failure "now"; we use the dump date).
 */
import { isObject } from '../jsonl.ts';
import { invalidContent } from '../errors.ts';
import type { LegacyUpdate } from '../readers/legacy.ts';
import type { V2Source } from '../readers/v2.ts';
import type { V3Source } from '../readers/v3.ts';
import type { Origin } from '../readers/source.ts';
import { v2CodeToV3 } from './error-codes.ts';

/** Meilisearch marks payloads it will never read again with this uuid. */
const NO_CONTENT = '00112233-4455-6677-8899-aabbccddeeff';

export function patchRankingRule(rule: string): string {
  const m = /^(asc|desc)\((.+)\)$/.exec(rule);
  return m ? `${m[2]}:${m[1]}` : rule;
}

export function settingsV2ToV3(settings: Record<string, unknown>): Record<string, unknown> {
  const out = { ...settings };
  if (Array.isArray(out.rankingRules)) out.rankingRules = out.rankingRules.map((rule) => (typeof rule === 'string' ? patchRankingRule(rule) : rule));
  return out;
}

function metaV2ToV3(meta: unknown, content: unknown, origin: Origin): unknown {
  if (!isObject(meta) || typeof meta.type !== 'string') throw invalidContent(origin.file, 'update without a `meta.type`', origin.line);
  const { type, ...rest } = meta;
  switch (type) {
    case 'DocumentsAddition':
      return { DocumentAddition: { primary_key: rest.primary_key ?? null, method: rest.method, content_uuid: typeof content === 'string' ? content : NO_CONTENT } };
    case 'ClearDocuments': return 'ClearDocuments';
    case 'DeleteDocuments': return { DeleteDocuments: rest.ids };
    case 'Settings': return { Settings: settingsV2ToV3(rest) };
    default: throw invalidContent(origin.file, `unknown update type ${JSON.stringify(type)}`, origin.line);
  }
}

function updateV2ToV3(update: Record<string, unknown>, origin: Origin, dumpDate: string): Record<string, unknown> {
  const { content, error, ...rest } = update;
  const out: Record<string, unknown> = { ...rest, meta: metaV2ToV3(update.meta, content, origin) };
  const unfinished = update.status === 'enqueued' || update.status === 'processing';
  if (unfinished && isObject(update.meta) && update.meta.type === 'DocumentsAddition' && typeof content !== 'string') {
    return { ...out, status: 'failed', startedProcessingAt: update.startedProcessingAt ?? dumpDate, msg: 'Malformed task.', code: 'MalformedDump', failedAt: dumpDate };
  }
  if (update.status === 'failed') {
    const e = isObject(error) ? error : {};
    return { ...out, msg: typeof e.message === 'string' ? e.message : '', code: v2CodeToV3(e.errorCode) };
  }
  return out;
}

export function v2ToV3(source: V2Source): V3Source {
  const dumpDate = source.dumpDate!;
  return {
    ...source,
    version: source.version,
    indexes: source.indexes.map((index) => ({ ...index, settings: settingsV2ToV3(index.settings) })),
    async *tasks() {
      for await (const { task, origin, payload } of source.tasks()) {
        const upgraded: LegacyUpdate = { uuid: task.uuid, update: updateV2ToV3(task.update, origin, dumpDate) };
        yield payload ? { task: upgraded, origin, payload } : { task: upgraded, origin };
      }
    },
  };
}
