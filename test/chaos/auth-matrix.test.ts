/**
 * The auth matrix: every route the app serves (walked from buildApp's route table, with each
 * route's declared action) against no key, a wrong key, an expired key, one key per action,
 * index-scoped keys, tenant tokens (valid, expired, wrong secret, parent without `search`,
 * unknown parent) and the master key, on a real engine process. The expectation of each cell
 * is written here from Meilisearch's rules (../shared/spec/meilisearch-api.md §6), not taken
 * from the engine's auth code: a cell that answers anything but 401/403 where Meilisearch
 * refuses fails the test (and the reverse: a refusal where Meilisearch lets the key through).
 * Afterwards the engine's log must contain no secret: master key, key strings, tokens.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type RouteEntry } from '../../engine/src/http/app.ts';
import { ImportState } from '../../engine/src/dump/import-state.ts';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { report } from './scale.ts';

const MASTER = 'auth-matrix-master-key-0123456789';

/** Meilisearch's `Action::is_read` (what `*.get` grants; `keys.get` is not in it). */
const READ = new Set(['search', 'documents.get', 'indexes.get', 'tasks.get', 'settings.get', 'stats.get', 'metrics.get', 'version', 'experimental.get', 'network.get', 'export', 'chats.get', 'chatsSettings.get', 'webhooks.get']);
/** Actions of routes that span the instance: an index-restricted key never gets them. */
const GLOBAL = new Set(['version', 'dumps.create', 'keys.create', 'keys.get', 'keys.update', 'keys.delete', '*']);
const ACTIONS = ['*', 'search', 'documents.*', 'documents.add', 'documents.get', 'documents.delete', 'indexes.*', 'indexes.create', 'indexes.get', 'indexes.update',
  'indexes.delete', 'indexes.swap', 'tasks.*', 'tasks.cancel', 'tasks.delete', 'tasks.get', 'settings.*', 'settings.get', 'settings.update', 'stats.*', 'stats.get',
  'metrics.*', 'metrics.get', 'dumps.*', 'dumps.create', 'snapshots.*', 'snapshots.create', 'version', 'keys.create', 'keys.get', 'keys.update', 'keys.delete', '*.get'];

function grants(actions: readonly string[], required: string): boolean {
  return actions.some((action) => action === '*' || action === required || (action === '*.get' && READ.has(required))
    || (action.endsWith('.*') && required.startsWith(action.slice(0, -1))));
}
const indexMatches = (patterns: readonly string[], uid: string): boolean =>
  patterns.some((pattern) => pattern === '*' || pattern === uid || (pattern.endsWith('*') && uid.startsWith(pattern.slice(0, -1))));

interface Credential {
  name: string;
  header: string | undefined;
  /** Whether Meilisearch lets this credential through on `route` for index `uid` (if any). */
  allowed(route: RouteEntry, uid: string | undefined): boolean;
}

function apiKey(name: string, key: string, actions: string[], indexes: string[]): Credential {
  return {
    name, header: `Bearer ${key}`,
    allowed: (route, uid) => grants(actions, route.config.action!) && (!GLOBAL.has(route.config.action!) || indexes.includes('*')) && (uid === undefined || indexMatches(indexes, uid)),
  };
}

let engine: EngineProcess;
let api: Api;
let routes: RouteEntry[];
const credentials: Credential[] = [];
const secrets: string[] = [MASTER];

beforeAll(async () => {
  const app = await buildApp({ logger: pino({ level: 'silent' }), payloadLimit: 1_000_000, masterKey: MASTER, dumpDir: join(tmpdir(), 'unused'), agent: false, engine: () => null, importState: new ImportState() });
  await app.ready();
  routes = [...app.routeTable];
  await app.close();
  engine = await startEngine({ masterKey: MASTER });
  api = new Api(engine.url, MASTER);
  await api.run(api.post('/indexes/alpha/documents', [{ id: 1, n: 1 }, { id: 2, n: 2 }]));
  await api.run(api.post('/indexes/beta/documents', [{ id: 1, n: 1 }]));
  await api.run(api.patch('/indexes/alpha/settings', { filterableAttributes: ['n'] }));
  const create = async (body: Record<string, unknown>) => {
    const response = await api.post('/keys', { expiresAt: null, ...body });
    if (response.status !== 201) throw new Error(`POST /keys ${JSON.stringify(body)}: ${response.status} ${JSON.stringify(response.body)}`);
    secrets.push(response.body.key);
    return response.body as { key: string; uid: string };
  };
  credentials.push({ name: 'no key', header: undefined, allowed: () => false });
  credentials.push({ name: 'wrong key', header: 'Bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', allowed: () => false });
  credentials.push({ name: 'not Bearer', header: `Basic ${MASTER}`, allowed: () => false });
  credentials.push({ name: 'master key', header: `Bearer ${MASTER}`, allowed: () => true });
  const expired = await create({ name: 'expired', actions: ['*'], indexes: ['*'], expiresAt: new Date(Date.now() + 1_500).toISOString() });
  credentials.push({ name: 'expired key', header: `Bearer ${expired.key}`, allowed: () => false });
  for (const action of ACTIONS) credentials.push(apiKey(`key [${action}] on *`, (await create({ actions: [action], indexes: ['*'] })).key, [action], ['*']));
  const scoped: Array<[string[], string[]]> = [[['*'], ['alpha*']], [['search', 'documents.get', 'settings.*'], ['alpha']], [['*.get'], ['beta']], [['tasks.*', 'stats.get', 'indexes.*'], ['alpha', 'gamma']], [['documents.*'], []]];
  for (const [actions, indexes] of scoped) credentials.push(apiKey(`key [${actions}] on [${indexes}]`, (await create({ actions, indexes })).key, actions, indexes));
  // Tenant tokens, signed with the parent key string (HS256), on search routes only.
  const searchKey = await create({ name: 'token parent', actions: ['search'], indexes: ['*'] });
  const narrowParent = await create({ name: 'narrow parent', actions: ['search'], indexes: ['beta'] });
  const getKey = await create({ name: 'no search', actions: ['documents.get'], indexes: ['*'] });
  const sign = async (claims: Record<string, unknown>, secret: string, exp?: number) => {
    let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' });
    if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
    const token = await jwt.sign(new TextEncoder().encode(secret));
    secrets.push(token);
    return token;
  };
  const inFuture = Math.floor(Date.now() / 1000) + 3600;
  const tokenCases: Array<[string, string, (uid: string | undefined) => boolean]> = [
    ['token alpha rules', await sign({ apiKeyUid: searchKey.uid, searchRules: ['alpha'] }, searchKey.key, inFuture), (uid) => uid === undefined || uid === 'alpha'],
    ['token alpha* filter rules', await sign({ apiKeyUid: searchKey.uid, searchRules: { 'alpha*': { filter: 'n = 1' } } }, searchKey.key), (uid) => uid === undefined || uid.startsWith('alpha')],
    ['token * rules, parent on beta', await sign({ apiKeyUid: narrowParent.uid, searchRules: ['*'] }, narrowParent.key), (uid) => uid === undefined || uid === 'beta'],
    ['expired token', await sign({ apiKeyUid: searchKey.uid, searchRules: ['*'] }, searchKey.key, Math.floor(Date.now() / 1000) - 10), () => false],
    ['token with a wrong secret', await sign({ apiKeyUid: searchKey.uid, searchRules: ['*'] }, 'f'.repeat(64)), () => false],
    ['token of a key without search', await sign({ apiKeyUid: getKey.uid, searchRules: ['*'] }, getKey.key), () => false],
    ['token of an unknown key', await sign({ apiKeyUid: randomUUID(), searchRules: ['*'] }, searchKey.key), () => false],
  ];
  for (const [name, token, allowedIndex] of tokenCases) {
    credentials.push({ name, header: `Bearer ${token}`, allowed: (route, uid) => route.config.tenantToken === true && allowedIndex(uid) });
  }
  await sleep(Math.max(0, 1_600 - 0)); // the expired key is expired by now
}, 120_000);
afterAll(async () => engine?.stop());

/** A concrete request for a route: harmless values (indexes that do not exist, no body). */
function requestsFor(route: RouteEntry): Array<{ url: string; uid: string | undefined }> {
  // `:uid` is an index uid only where the route says so (tasks and batches have numeric uids).
  const uids = route.config.index === 'param' ? ['alpha', 'alpha-x', 'beta', 'gamma'] : [undefined];
  return uids.map((uid) => ({
    uid,
    url: route.url
      .replace(':uid', uid ?? '1')
      .replace(':id', '1')
      .replace(':key', randomUUID())
      .replace(':dumpUid', '20200101-000000000')
      .replace(':name', 'db-none'),
  }));
}

describe('auth matrix', () => {
  it('refuses exactly what Meilisearch refuses, on every route, for every credential', async () => {
    expect(routes.length).toBeGreaterThan(50);
    const cells: Array<{ route: RouteEntry; url: string; uid: string | undefined; credential: Credential }> = [];
    for (const route of routes) for (const { url, uid } of requestsFor(route)) for (const credential of credentials) cells.push({ route, url, uid, credential });
    // Destructive cells that would change the fixture (deleting alpha or beta) run last.
    const destructive = (cell: (typeof cells)[number]) => cell.route.method === 'DELETE' && (cell.uid === 'alpha' || cell.uid === 'beta');
    cells.sort((a, b) => Number(destructive(a)) - Number(destructive(b)));
    const wrong: string[] = [];
    let refused = 0;
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cells.length) {
        const { route, url, uid, credential } = cells[next++]!;
        if (destructive({ route, url, uid, credential }) && credential.allowed(route, uid)) continue; // checked below on a throwaway index
        const headers: Record<string, string> = {};
        if (credential.header !== undefined) headers['authorization'] = credential.header;
        const response = await fetch(`${engine.url}${url}`, { method: route.method, headers, signal: AbortSignal.timeout(30_000) });
        const body = await response.text();
        const isRefused = response.status === 401 || response.status === 403;
        const expected = route.config.action === null || credential.allowed(route, uid);
        if (isRefused) refused += 1;
        if (isRefused === expected) wrong.push(`${credential.name} ${route.method} ${url} (action ${route.config.action}): ${response.status} ${body.slice(0, 160)}, expected ${expected ? 'access' : 'refusal'}`);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    expect(wrong).toEqual([]);
    report(`auth matrix: ${routes.length} routes x ${credentials.length} credentials (${cells.length} requests with index variants): ${refused} refused, ${cells.length - refused} let through, 0 differences from Meilisearch's rules`);
  });

  it('list routes show an index-restricted key only its indexes', async () => {
    const key = (await api.post('/keys', { actions: ['*'], indexes: ['alpha*'], expiresAt: null })).body.key as string;
    secrets.push(key);
    const scoped = api.withKey(key);
    expect((await scoped.get('/indexes')).body.results.map((index: { uid: string }) => index.uid)).toEqual(['alpha']);
    expect(Object.keys((await scoped.get('/stats')).body.indexes)).toEqual(['alpha']);
    const tasks = (await scoped.get('/tasks?limit=1000')).body.results as Array<{ indexUid: string | null }>;
    expect(tasks.length).toBeGreaterThan(0);
    expect(tasks.every((task) => task.indexUid !== null && task.indexUid.startsWith('alpha'))).toBe(true);
    expect((await scoped.post('/multi-search', { queries: [{ indexUid: 'beta' }] })).status).toBe(403);
    expect((await scoped.post('/swap-indexes', [{ indexes: ['alpha', 'beta'] }])).status).toBe(403);
    expect((await scoped.post('/indexes', { uid: 'beta2' })).status).toBe(403);
    // A tenant token's filter is applied: alpha holds n=1 and n=2, the token sees n=1 only.
    const parent = (await api.post('/keys', { actions: ['search'], indexes: ['*'], expiresAt: null })).body;
    secrets.push(parent.key);
    const token = await new SignJWT({ apiKeyUid: parent.uid, searchRules: { alpha: { filter: 'n = 1' } } }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(parent.key));
    secrets.push(token);
    const hits = (await api.withKey(token).post('/indexes/alpha/search', { q: '' })).body.hits as Array<{ id: number }>;
    expect(hits.map((hit) => hit.id)).toEqual([1]);
  });

  it('deletions allowed by the matrix work, on throwaway indexes', async () => {
    for (const credential of credentials.filter((c) => c.allowed({ method: 'DELETE', url: '/indexes/:uid', config: { action: 'indexes.delete', index: 'param' } }, 'alpha-throwaway'))) {
      await api.run(api.post('/indexes', { uid: 'alpha-throwaway' }));
      const headers: Record<string, string> = credential.header ? { authorization: credential.header } : {};
      const response = await fetch(`${engine.url}/indexes/alpha-throwaway`, { method: 'DELETE', headers });
      expect(response.status, credential.name).toBe(202);
      await api.waitTask(((await response.json()) as { taskUid: number }).taskUid);
    }
  });

  it('never writes a secret to the log', async () => {
    await engine.stop();
    const log = readFileSync(engine.logFile, 'utf8');
    expect(log.length).toBeGreaterThan(10_000);
    const leaked = secrets.filter((secret) => log.includes(secret));
    expect(leaked, 'secrets found in the engine log').toEqual([]);
    report(`auth logs: ${secrets.length} secrets (master key, ${secrets.length - 1} key strings and tenant tokens) absent from ${log.split('\n').length} log lines`);
  });
});
