import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors/engine-error.ts';
import { jsonBody, pagination, queryOf, rejectUnknownQuery } from '../body.ts';
import { validateIndexUid } from '../index-uid.ts';
import { isPlainObject, typeError, unknownField } from '../../settings/value-checks.ts';
import { indexStats } from './health.ts';
import type { IndexSwap } from '../../types/task.ts';

type Deps = { engine: () => Engine };

const indexView = (record: { uid: string; primaryKey: string | null; createdAt: string; updatedAt: string }) => ({
  uid: record.uid, createdAt: record.createdAt, updatedAt: record.updatedAt, primaryKey: record.primaryKey,
});

function primaryKeyField(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw typeError('invalid_index_primary_key', '.primaryKey', 'a string', value);
  return value;
}

export async function indexRoutes(app: FastifyInstance, { engine }: Deps): Promise<void> {
  app.get('/indexes', { config: { action: 'indexes.get', index: 'any' } }, async (request) => {
    const query = queryOf(request);
    rejectUnknownQuery(query, ['offset', 'limit']);
    const { offset, limit } = pagination(query, { offset: 'invalid_index_offset', limit: 'invalid_index_limit' });
    const visible = engine().registry.list().filter((handle) => request.auth.canSeeIndex(handle.uid));
    return { results: visible.slice(offset, offset + limit).map((handle) => indexView(handle.record)), offset, limit, total: visible.length };
  });

  app.post('/indexes', { config: { action: 'indexes.create', index: 'none' } }, async (request, reply) => {
    const body = jsonBody(request);
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    for (const field of Object.keys(body)) if (field !== 'uid' && field !== 'primaryKey') throw unknownField('bad_request', '', field, ['uid', 'primaryKey']);
    if (body['uid'] === undefined) throw new EngineError('missing_index_uid', 'Missing field `uid`');
    const uid = validateIndexUid(body['uid']);
    request.auth.assertIndex(uid);
    const primaryKey = primaryKeyField(body['primaryKey']);
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'indexCreation', primaryKey } }));
  });

  app.get<{ Params: { uid: string } }>('/indexes/:uid', { config: { action: 'indexes.get', index: 'param' } }, async (request) => {
    const uid = validateIndexUid(request.params.uid);
    return indexView(engine().registry.require(uid).record);
  });

  app.patch<{ Params: { uid: string } }>('/indexes/:uid', { config: { action: 'indexes.update', index: 'param' } }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    const body = jsonBody(request);
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    for (const field of Object.keys(body)) {
      if (field === 'createdAt' || field === 'updatedAt') throw new EngineError(field === 'createdAt' ? 'immutable_index_created_at' : 'immutable_index_updated_at', `Immutable field \`${field}\`: expected one of \`primaryKey\`, \`uid\``);
      if (field !== 'primaryKey' && field !== 'uid') throw unknownField('bad_request', '', field, ['primaryKey', 'uid']);
    }
    const newUid = body['uid'] === undefined || body['uid'] === null ? null : validateIndexUid(body['uid']);
    if (newUid !== null) request.auth.assertIndex(newUid);
    engine().assertWritable();
    const primaryKey = primaryKeyField(body['primaryKey']);
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'indexUpdate', primaryKey, newUid } }));
  });

  app.delete<{ Params: { uid: string } }>('/indexes/:uid', { config: { action: 'indexes.delete', index: 'param' } }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: uid, kind: { type: 'indexDeletion' } }));
  });

  app.get<{ Params: { uid: string } }>('/indexes/:uid/stats', { config: { action: 'stats.get', index: 'param' } }, async (request) => {
    return indexStats(engine(), validateIndexUid(request.params.uid));
  });

  app.post('/swap-indexes', { config: { action: 'indexes.swap', index: 'none' } }, async (request, reply) => {
    const body = jsonBody(request);
    if (!Array.isArray(body)) throw typeError('bad_request', '', 'an array', body);
    const seen = new Set<string>();
    const swaps: IndexSwap[] = body.map((item, position) => {
      if (!isPlainObject(item)) throw typeError('bad_request', `[${position}]`, 'an object', item);
      for (const field of Object.keys(item)) if (field !== 'indexes' && field !== 'rename') throw unknownField('bad_request', `[${position}]`, field, ['indexes', 'rename']);
      const indexes = item['indexes'];
      if (indexes === undefined) throw new EngineError('missing_swap_indexes', `Missing field \`indexes\` inside \`[${position}]\``);
      if (!Array.isArray(indexes) || indexes.length !== 2) {
        throw new EngineError('invalid_swap_indexes', `Invalid value at \`[${position}].indexes\`: two indexes must be given for each swap. The list \`${JSON.stringify(indexes)}\` contains ${Array.isArray(indexes) ? indexes.length : 0} indexes.`);
      }
      const pair = indexes.map((uid) => validateIndexUid(uid, 'invalid_swap_indexes')) as [string, string];
      const rename = item['rename'] ?? false;
      if (typeof rename !== 'boolean') throw typeError('invalid_swap_rename', `[${position}].rename`, 'a boolean', rename);
      for (const uid of pair) {
        if (seen.has(uid)) throw new EngineError('invalid_swap_duplicate_index_found', `Indexes must be declared only once during a swap. \`${uid}\` was specified several times.`);
        seen.add(uid);
        request.auth.assertIndex(uid);
      }
      return { indexes: pair, rename };
    });
    engine().assertWritable();
    return reply.status(202).send(await engine().enqueue({ indexUid: null, kind: { type: 'indexSwap', swaps } }));
  });
}
