import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

const MASTER = 'a-master-key-of-sufficient-length';
let engine: EngineProcess;
let open: EngineProcess;
let master: Api;

beforeAll(async () => {
  [engine, open] = await Promise.all([startEngine({ masterKey: MASTER }), startEngine()]);
  master = new Api(engine.url, MASTER);
  await master.run(master.post('/indexes/products/documents', [{ id: 1, name: 'lamp' }]));
  await master.run(master.post('/indexes/secret/documents', [{ id: 1, name: 'plans' }]));
});
afterAll(async () => Promise.all([engine?.stop(), open?.stop()]));

const errorShape = (code: string, type: string) => expect.objectContaining({ code, type, link: `https://docs.meilisearch.com/errors#${code}` });

describe('without a master key', () => {
  it('serves every route but the key routes, which say a master key is needed', async () => {
    const api = new Api(open.url);
    expect((await api.get('/indexes')).status).toBe(200);
    const keys = await api.get('/keys');
    expect(keys.status).toBe(401);
    expect(keys.body).toEqual(errorShape('missing_master_key', 'auth'));
  });
});

describe('with a master key', () => {
  it('needs a bearer token on every route but /health', async () => {
    const anonymous = new Api(engine.url);
    expect((await anonymous.get('/health')).status).toBe(200);
    const missing = await anonymous.get('/indexes');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(errorShape('missing_authorization_header', 'auth'));
    const wrong = await anonymous.withKey('not-the-key').get('/indexes');
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual(errorShape('invalid_api_key', 'auth'));
  });

  it('creates the default keys, and their key strings work', async () => {
    const keys = await master.get('/keys');
    expect(keys.status).toBe(200);
    const names = keys.body.results.map((key: { name: string }) => key.name);
    expect(names).toEqual(expect.arrayContaining(['Default Search API Key', 'Default Admin API Key']));
    const search = keys.body.results.find((key: { name: string }) => key.name === 'Default Search API Key');
    const searcher = master.withKey(search.key);
    expect((await searcher.post('/indexes/products/search', { q: 'lamp' })).status).toBe(200);
    expect((await searcher.get('/indexes')).status).toBe(403);
  });

  it('limits API keys by action, index and expiry', async () => {
    const created = await master.post('/keys', { actions: ['documents.*', 'search', 'tasks.get'], indexes: ['prod*'], expiresAt: null, name: 'scoped' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'scoped', actions: ['documents.*', 'search', 'tasks.get'], indexes: ['prod*'], expiresAt: null, key: expect.stringMatching(/^[0-9a-f]{64}$/), uid: expect.any(String) });
    const scoped = master.withKey(created.body.key);
    expect((await scoped.get('/indexes/products/documents/1')).status).toBe(200);
    expect((await scoped.get('/indexes/secret/documents/1')).status).toBe(403);
    expect((await scoped.get('/indexes/products/settings')).status).toBe(403);
    const add = await scoped.post('/indexes/products/documents', [{ id: 2, name: 'chair' }]);
    expect(add.status).toBe(202);
    expect((await scoped.waitTask(add.body.taskUid)).status).toBe('succeeded');
    // Tasks of indexes the key cannot see are hidden from it.
    expect((await scoped.get('/tasks?limit=100')).body.results.every((task: { indexUid: string | null }) => task.indexUid?.startsWith('prod'))).toBe(true);

    const byUid = await master.get(`/keys/${created.body.uid}`);
    expect(byUid.body.key).toBe(created.body.key);
    const renamed = await master.patch(`/keys/${created.body.key}`, { name: 'renamed' });
    expect(renamed.body.name).toBe('renamed');
    const immutable = await master.patch(`/keys/${created.body.uid}`, { actions: ['*'] });
    expect(immutable.status).toBe(400);
    expect(immutable.body).toEqual(errorShape('immutable_api_key_actions', 'invalid_request'));
    expect((await master.delete(`/keys/${created.body.uid}`)).status).toBe(204);
    expect((await scoped.get('/indexes/products/documents/1')).status).toBe(403);
    expect((await master.get(`/keys/${created.body.uid}`)).body).toEqual(errorShape('api_key_not_found', 'invalid_request'));
    // A uid or key far longer than any is not found either (it would not fit in a store key).
    expect((await master.get(`/keys/${'k'.repeat(10_000)}`)).body).toEqual(errorShape('api_key_not_found', 'invalid_request'));
  });

  it('refuses an expired key and invalid key bodies', async () => {
    const soon = new Date(Date.now() + 1500).toISOString();
    const created = await master.post('/keys', { actions: ['*'], indexes: ['*'], expiresAt: soon });
    expect(created.status).toBe(201);
    const key = master.withKey(created.body.key);
    expect((await key.get('/indexes')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await key.get('/indexes')).status).toBe(403);
    const past = await master.post('/keys', { actions: ['*'], indexes: ['*'], expiresAt: '2000-01-01T00:00:00Z' });
    expect(past.body).toEqual(errorShape('invalid_api_key_expires_at', 'invalid_request'));
    const badAction = await master.post('/keys', { actions: ['fly'], indexes: ['*'], expiresAt: null });
    expect(badAction.body).toEqual(errorShape('invalid_api_key_actions', 'invalid_request'));
    const noActions = await master.post('/keys', { indexes: ['*'], expiresAt: null });
    expect(noActions.body).toEqual(errorShape('missing_api_key_actions', 'invalid_request'));
  });
});
