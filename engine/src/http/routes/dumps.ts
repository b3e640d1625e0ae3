/**
 * POST /dumps (Meilisearch), and Searchkube's extensions for the operator: the dump files
 * (GET /dumps, GET/DELETE /dumps/:dumpUid) and the write block (/write-block). The file routes
 * are also what the engine serves in --agent mode.
 */
import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { deleteDumpFile, listDumpFiles, openDumpFile } from '../../dump/dump-files.ts';
import { jsonBody } from '../body.ts';
import { isPlainObject, typeError, unknownField } from '../../settings/value-checks.ts';

export async function dumpRoutes(app: FastifyInstance, { engine }: { engine: () => Engine }): Promise<void> {
  app.post('/dumps', { config: { action: 'dumps.create', index: 'none' } }, async (_request, reply) => {
    return reply.status(202).send(await engine().enqueue({ indexUid: null, kind: { type: 'dumpCreation' } }));
  });

  app.get('/write-block', { config: { action: '*', index: 'none' } }, async () => ({ enabled: engine().writeBlock !== null, ...engine().writeBlock }));
  app.put('/write-block', { config: { action: '*', index: 'none' } }, async (request) => {
    const body = jsonBody(request, { optional: true, fallback: {} });
    if (!isPlainObject(body)) throw typeError('bad_request', '', 'an object', body);
    for (const field of Object.keys(body)) if (field !== 'reason' && field !== 'retryAfterSeconds') throw unknownField('bad_request', '', field, ['reason', 'retryAfterSeconds']);
    const reason = body['reason'] ?? 'an upgrade is in progress';
    const retryAfterSeconds = body['retryAfterSeconds'] ?? 5;
    if (typeof reason !== 'string') throw typeError('bad_request', '.reason', 'a string', reason);
    if (typeof retryAfterSeconds !== 'number' || !Number.isInteger(retryAfterSeconds) || retryAfterSeconds < 1) throw typeError('bad_request', '.retryAfterSeconds', 'a positive integer', retryAfterSeconds);
    await engine().setWriteBlock({ reason, retryAfterSeconds });
    return { enabled: true, reason, retryAfterSeconds };
  });
  app.delete('/write-block', { config: { action: '*', index: 'none' } }, async () => {
    await engine().setWriteBlock(null);
    return { enabled: false };
  });
}

export async function dumpFileRoutes(app: FastifyInstance, { dumpDir }: { dumpDir: string; engine: () => Engine | null }): Promise<void> {
  const config = { action: 'dumps.create', index: 'none' as const, agent: true };
  app.get('/dumps', { config }, async () => ({ results: await listDumpFiles(dumpDir) }));
  app.get<{ Params: { dumpUid: string } }>('/dumps/:dumpUid', { config }, async (request, reply) => {
    const { stream, sizeBytes } = await openDumpFile(dumpDir, request.params.dumpUid);
    return reply
      .header('content-type', 'application/gzip')
      .header('content-length', String(sizeBytes))
      .header('content-disposition', `attachment; filename="${request.params.dumpUid}.dump"`)
      .send(stream);
  });
  app.delete<{ Params: { dumpUid: string } }>('/dumps/:dumpUid', { config }, async (request, reply) => {
    await deleteDumpFile(dumpDir, request.params.dumpUid);
    return reply.status(204).send();
  });
}
