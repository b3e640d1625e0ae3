import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors/engine-error.ts';
import { jsonBody, pagination, queryOf, rejectUnknownQuery } from '../body.ts';
import { apiKeyAlreadyExists, findKeyByUidOrKey, keyView, parseKeyCreate, parseKeyUpdate } from '../../auth/key-validation.ts';

type Deps = { engine: () => Engine; masterKey: string | null };
type KeyParams = { Params: { key: string } };

export async function keyRoutes(app: FastifyInstance, { engine, masterKey }: Deps): Promise<void> {
  const view = (uid: string) => {
    const stored = engine().keys.get(uid);
    if (!stored) throw new EngineError('api_key_not_found', `API key \`${uid}\` not found.`);
    return keyView(stored, masterKey ?? '');
  };
  const find = (uidOrKey: string) => findKeyByUidOrKey(uidOrKey, {
    findKeyByUid: (uid) => engine().keys.get(uid),
    findKeyByKeyString: (key) => engine().keys.findByKeyString(key),
  });

  app.get('/keys', { config: { action: 'keys.get', index: 'none' } }, async (request) => {
    const query = queryOf(request);
    rejectUnknownQuery(query, ['offset', 'limit']);
    const { offset, limit } = pagination(query, { offset: 'invalid_api_key_offset', limit: 'invalid_api_key_limit' });
    const keys = engine().keys.list();
    return { results: keys.slice(offset, offset + limit).map((stored) => keyView(stored, masterKey ?? '')), offset, limit, total: keys.length };
  });

  app.post('/keys', { config: { action: 'keys.create', index: 'none' } }, async (request, reply) => {
    const stored = parseKeyCreate(jsonBody(request), new Date());
    if (engine().keys.get(stored.uid)) throw apiKeyAlreadyExists(stored.uid);
    await engine().keys.put(stored);
    return reply.status(201).send(view(stored.uid));
  });

  app.get<KeyParams>('/keys/:key', { config: { action: 'keys.get', index: 'none' } }, async (request) => view(find(request.params.key).uid));

  app.patch<KeyParams>('/keys/:key', { config: { action: 'keys.update', index: 'none' } }, async (request) => {
    const existing = find(request.params.key);
    const updated = parseKeyUpdate(jsonBody(request), existing, new Date());
    await engine().keys.put(updated);
    return view(updated.uid);
  });

  app.delete<KeyParams>('/keys/:key', { config: { action: 'keys.delete', index: 'none' } }, async (request, reply) => {
    const existing = find(request.params.key);
    await engine().keys.remove(existing.uid);
    return reply.status(204).send();
  });
}
