import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { StoredKey } from '../types/key.ts';
import { authorize, isExpired, isIndexAuthorized, tenantFilterFor, type AuthContext, type AuthRequest } from './authorize.ts';
import { deriveKey } from './key-derivation.ts';

const MASTER = 'MASTER_KEY_0123456789';
const now = new Date('2030-01-01T00:00:00Z');
const nowSeconds = now.getTime() / 1000;

function key(uid: string, actions: string[], indexes: string[], expiresAt: string | null = null): StoredKey {
  return { uid, name: null, description: null, actions, indexes, expiresAt, createdAt: '2029-01-01T00:00:00Z', updatedAt: '2029-01-01T00:00:00Z' };
}

const keys = {
  admin: key('11111111-1111-4111-8111-111111111111', ['*'], ['*']),
  search: key('22222222-2222-4222-8222-222222222222', ['search'], ['*']),
  salesSearch: key('33333333-3333-4333-8333-333333333333', ['search', 'documents.*'], ['sales', 'prod_*']),
  expired: key('44444444-4444-4444-8444-444444444444', ['*'], ['*'], '2030-01-01T00:00:00Z'),
  future: key('55555555-5555-4555-8555-555555555555', ['*'], ['*'], '2030-01-01T00:00:01Z'),
  readOnly: key('66666666-6666-4666-8666-666666666666', ['*.get', 'keys.get'], ['*']),
  scopedAll: key('77777777-7777-4777-8777-777777777777', ['*'], ['products']),
  noSearch: key('88888888-8888-4888-8888-888888888888', ['documents.get', 'settings.*'], ['*']),
  noIndexes: key('99999999-9999-4999-8999-999999999999', ['*'], []),
  scopedGlobal: key('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', ['dumps.create', 'search'], ['products']),
};
const all = Object.values(keys);
const keyString = (k: StoredKey): string => deriveKey(MASTER, k.uid);

function context(masterKey: string | null = MASTER): AuthContext {
  return {
    masterKey,
    findKeyByKeyString: (s) => all.find((k) => deriveKey(MASTER, k.uid) === s),
    findKeyByUid: (uid) => all.find((k) => k.uid === uid),
    now,
  };
}

function request(authorization: string | undefined, action: string, indexUids: AuthRequest['indexUids'] = null, allowTenantToken = false): AuthRequest {
  return { authorization, action, indexUids, allowTenantToken };
}

const bearer = (token: string): string => `Bearer ${token}`;

async function tenantToken(parent: StoredKey, payload: Record<string, unknown>, alg = 'HS256', secret = keyString(parent)): Promise<string> {
  return new SignJWT({ apiKeyUid: parent.uid, ...payload }).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
}

const INVALID = { code: 'invalid_api_key', message: 'The provided API key is invalid.' };

describe('without a master key', () => {
  it('opens every route but the key routes', async () => {
    await expect(authorize(request(undefined, 'documents.add', ['movies']), context(null))).resolves.toEqual({
      allowedIndexes: ['*'],
      actions: ['*'],
      isMaster: false,
      keyUid: null,
      allowIndexCreation: true,
    });
    await expect(authorize(request(bearer('anything'), 'version'), context(null))).resolves.toMatchObject({ allowedIndexes: ['*'] });
  });

  it('answers missing_master_key on key routes, with or without a token', async () => {
    for (const header of [undefined, bearer('anything'), bearer(MASTER)]) {
      await expect(authorize(request(header, 'keys.get'), context(null))).rejects.toMatchObject({
        code: 'missing_master_key',
        status: 401,
        message: 'Meilisearch is running without a master key. To access this API endpoint, you must have set a master key at launch.',
      });
    }
  });

  it('still rejects a malformed Authorization header first, as upstream', async () => {
    await expect(authorize(request('Basic abc', 'search', ['movies']), context(null))).rejects.toMatchObject({ code: 'missing_authorization_header' });
    await expect(authorize(request('Bearer', 'search', ['movies']), context(null))).rejects.toMatchObject(INVALID);
  });
});

describe('the Authorization header', () => {
  it('is required when a master key is set', async () => {
    await expect(authorize(request(undefined, 'search', ['movies']), context())).rejects.toMatchObject({
      code: 'missing_authorization_header',
      status: 401,
      message: 'The Authorization header is missing. It must use the bearer authorization method.',
    });
  });

  it('must use the case-sensitive Bearer scheme', async () => {
    for (const header of ['Basic abc', 'bearer ' + MASTER, 'Token ' + MASTER, '', MASTER, 'Bearér x']) {
      await expect(authorize(request(header, 'search', ['movies']), context()), header).rejects.toMatchObject({ code: 'missing_authorization_header' });
    }
  });

  it('with no token, or an empty or padded one, is an invalid API key', async () => {
    for (const header of ['Bearer', 'Bearer ', `Bearer  ${MASTER}`, `Bearer ${MASTER} `]) {
      await expect(authorize(request(header, 'search', ['movies']), context()), header).rejects.toMatchObject({ ...INVALID, status: 403 });
    }
  });
});

describe('the master key', () => {
  it('grants everything, keys and global actions included', async () => {
    for (const action of ['keys.create', 'dumps.create', 'search', 'documents.delete']) {
      await expect(authorize(request(bearer(MASTER), action, ['anything']), context())).resolves.toEqual({
        allowedIndexes: ['*'],
        actions: ['*'],
        isMaster: true,
        keyUid: null,
        allowIndexCreation: true,
      });
    }
  });
});

describe('API keys', () => {
  it('unknown key strings are invalid', async () => {
    await expect(authorize(request(bearer('d4000bd7225f77d1eb22cc706ed36772bbc36767c016a27f76def7537b68600d'), 'search', ['movies']), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(deriveKey('OTHER_MASTER', keys.admin.uid)), 'search', ['movies']), context())).rejects.toMatchObject(INVALID);
  });

  it('grants the actions of the key, on its indexes', async () => {
    const result = await authorize(request(bearer(keyString(keys.salesSearch)), 'documents.add', ['prod_eu']), context());
    expect(result).toEqual({
      allowedIndexes: ['sales', 'prod_*'],
      actions: ['search', 'documents.*'],
      isMaster: false,
      keyUid: keys.salesSearch.uid,
      allowIndexCreation: false,
    });
    await expect(authorize(request(bearer(keyString(keys.search)), 'documents.add', ['movies']), context())).rejects.toMatchObject(INVALID);
    expect((await authorize(request(bearer(keyString(keys.admin)), 'keys.create'), context())).allowIndexCreation).toBe(true);
  });

  it('names the authorized indexes when the path index is forbidden', async () => {
    await expect(authorize(request(bearer(keyString(keys.salesSearch)), 'search', ['movies']), context())).rejects.toMatchObject({
      code: 'invalid_api_key',
      message: 'The API key cannot acces the index `movies`, authorized indexes are ["prod_*", "sales"].',
    });
  });

  it('checks the index before the action, as upstream', async () => {
    await expect(authorize(request(bearer(keyString(keys.salesSearch)), 'settings.update', ['movies']), context())).rejects.toMatchObject({
      message: 'The API key cannot acces the index `movies`, authorized indexes are ["prod_*", "sales"].',
    });
    await expect(authorize(request(bearer(keyString(keys.salesSearch)), 'settings.update', ['sales']), context())).rejects.toMatchObject(INVALID);
  });

  it('leaves index filtering to the route for cross-index requests', async () => {
    const result = await authorize(request(bearer(keyString(keys.salesSearch)), 'search', 'all'), context());
    expect(isIndexAuthorized(result, 'sales')).toBe(true);
    expect(isIndexAuthorized(result, 'prod_us')).toBe(true);
    expect(isIndexAuthorized(result, 'movies')).toBe(false);
  });

  it('rejects expired keys, valid until strictly before expiresAt', async () => {
    await expect(authorize(request(bearer(keyString(keys.expired)), 'search', ['movies']), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(keyString(keys.future)), 'search', ['movies']), context())).resolves.toMatchObject({ keyUid: keys.future.uid });
    expect(isExpired(keys.future, new Date('2030-01-01T00:00:01Z'))).toBe(true);
    expect(isExpired({ ...keys.future, expiresAt: 'not a date' }, now)).toBe(true);
  });

  it('applies wildcard actions: *.get reads, keys.get stays explicit', async () => {
    const readOnly = bearer(keyString(keys.readOnly));
    await expect(authorize(request(readOnly, 'documents.get', ['movies']), context())).resolves.toBeDefined();
    await expect(authorize(request(readOnly, 'version'), context())).resolves.toBeDefined();
    await expect(authorize(request(readOnly, 'keys.get'), context())).resolves.toBeDefined();
    await expect(authorize(request(readOnly, 'keys.create'), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(readOnly, 'documents.add', ['movies']), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(keyString(keys.salesSearch)), 'documents.delete', ['sales']), context())).resolves.toBeDefined();
  });

  it('refuses global actions to index-scoped keys, even with *', async () => {
    await expect(authorize(request(bearer(keyString(keys.scopedAll)), 'version'), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(keyString(keys.scopedAll)), 'keys.get'), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(keyString(keys.scopedGlobal)), 'dumps.create'), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(keyString(keys.scopedAll)), 'tasks.get', 'all'), context())).resolves.toBeDefined();
    await expect(authorize(request(bearer(keyString(keys.scopedAll)), 'indexes.swap', 'all'), context())).resolves.toBeDefined();
    await expect(authorize(request(bearer(keyString(keys.admin)), 'dumps.create'), context())).resolves.toBeDefined();
  });

  it('grants nothing to a key without indexes', async () => {
    await expect(authorize(request(bearer(keyString(keys.noIndexes)), 'tasks.get', 'all'), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(keyString(keys.noIndexes)), 'search', ['movies']), context())).rejects.toMatchObject({
      message: 'The API key cannot acces the index `movies`, authorized indexes are [].',
    });
  });

  it('does not take a JWT for an API key where tenant tokens are not allowed', async () => {
    const token = await tenantToken(keys.admin, { searchRules: ['*'] });
    await expect(authorize(request(bearer(token), 'documents.get', ['sales'], false), context())).rejects.toMatchObject(INVALID);
    await expect(authorize(request(bearer(token), 'search', ['sales'], false), context())).rejects.toMatchObject(INVALID);
  });
});

describe('tenant tokens', () => {
  const search = (token: string, index = 'sales'): Promise<unknown> => authorize(request(bearer(token), 'search', [index], true), context());

  it('accepts HS256 and HS512 tokens and returns the rules', async () => {
    for (const alg of ['HS256', 'HS512']) {
      const token = await tenantToken(keys.search, { searchRules: { sales: { filter: 'user = 1' } }, exp: nowSeconds + 3600 }, alg);
      const result = await authorize(request(bearer(token), 'search', ['sales'], true), context());
      expect(result).toMatchObject({ allowedIndexes: ['*'], isMaster: false, keyUid: keys.search.uid, searchRules: { sales: { filter: 'user = 1' } } });
      expect(tenantFilterFor(result, 'sales')).toBe('user = 1');
    }
  });

  it('supports the array form (no filter) and picks the most specific object rule', async () => {
    const arrayForm = await authorize(request(bearer(await tenantToken(keys.search, { searchRules: ['sa*'] })), 'search', ['sales'], true), context());
    expect(arrayForm.searchRules).toEqual({ 'sa*': null });
    expect(tenantFilterFor(arrayForm, 'sales')).toBeUndefined();

    const objectForm = await authorize(
      request(bearer(await tenantToken(keys.search, { searchRules: { '*': { filter: 'color = green' }, sales: { filter: ['color = blue'] } } })), 'search', 'all', true),
      context(),
    );
    expect(tenantFilterFor(objectForm, 'sales')).toEqual(['color = blue']);
    expect(tenantFilterFor(objectForm, 'movies')).toBe('color = green');
    expect(isIndexAuthorized(objectForm, 'movies')).toBe(true);
  });

  it('restricts to the token rules, naming them', async () => {
    const token = await tenantToken(keys.search, { searchRules: ['doggo', 'catto'] });
    await expect(search(token, 'dog')).rejects.toMatchObject({
      code: 'invalid_api_key',
      message: 'The provided tenant token cannot acces the index `dog`, allowed indexes are ["catto", "doggo"].',
    });
    const result = await authorize(request(bearer(token), 'search', 'all', true), context());
    expect(isIndexAuthorized(result, 'doggo')).toBe(true);
    expect(isIndexAuthorized(result, 'dog')).toBe(false);
  });

  it('also restricts to the parent key indexes, without naming them', async () => {
    const token = await tenantToken(keys.salesSearch, { searchRules: ['*'] });
    await expect(search(token, 'sales')).resolves.toMatchObject({ allowedIndexes: ['sales', 'prod_*'] });
    await expect(search(token, 'movies')).rejects.toMatchObject({
      code: 'invalid_api_key',
      message: 'The API key used to generate this tenant token cannot acces the index `movies`.',
    });
    const result = await authorize(request(bearer(token), 'search', 'all', true), context());
    expect(isIndexAuthorized(result, 'movies')).toBe(false);
  });

  it('rejects expired tokens', async () => {
    const token = await tenantToken(keys.search, { searchRules: ['*'], exp: nowSeconds - 1 });
    await expect(search(token)).rejects.toMatchObject({
      code: 'invalid_api_key',
      message: `Tenant token expired. Was valid up to \`${nowSeconds - 1}\` and we're now \`${nowSeconds}\`.`,
    });
  });

  it('rejects a token signed with another secret', async () => {
    const token = await tenantToken(keys.search, { searchRules: ['*'] }, 'HS256', keyString(keys.admin));
    await expect(search(token)).rejects.toMatchObject({ code: 'invalid_api_key', message: 'Could not decode tenant token, InvalidSignature.' });
  });

  it('rejects an unknown apiKeyUid', async () => {
    const ghost = key('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', ['*'], ['*']);
    await expect(search(await tenantToken(ghost, { searchRules: ['*'] }))).rejects.toMatchObject(INVALID);
    await expect(search(await tenantToken(ghost, { searchRules: ['*'] }, 'HS256', 'guess'))).rejects.toMatchObject({
      message: 'Could not decode tenant token, InvalidSignature.',
    });
  });

  it('rejects a parent key without search, or expired', async () => {
    await expect(search(await tenantToken(keys.noSearch, { searchRules: ['*'] }))).rejects.toMatchObject(INVALID);
    await expect(search(await tenantToken(keys.expired, { searchRules: ['*'] }))).rejects.toMatchObject(INVALID);
    await expect(search(await tenantToken(keys.admin, { searchRules: ['*'] }))).resolves.toMatchObject({ keyUid: keys.admin.uid });
  });

  it('is checked against the route action (chat completions need chatCompletions)', async () => {
    const token = await tenantToken(keys.search, { searchRules: ['*'] });
    await expect(authorize(request(bearer(token), 'chatCompletions', 'all', true), context())).rejects.toMatchObject(INVALID);
  });

  it('reports malformed claims', async () => {
    const token = await tenantToken(keys.search, { searchRules: 'kefir' });
    await expect(search(token)).rejects.toMatchObject({ code: 'invalid_api_key', message: expect.stringMatching(/^Could not decode tenant token, JSON error: data did not match/) });
  });

  it('leaves plain API keys working on tenant-token routes', async () => {
    await expect(search(keyString(keys.search))).resolves.toMatchObject({ keyUid: keys.search.uid });
    const result = await authorize(request(bearer(keyString(keys.search)), 'search', ['sales'], true), context());
    expect(result.searchRules).toBeUndefined();
    expect(tenantFilterFor(result, 'sales')).toBeUndefined();
  });
});

describe('routes that need `*` itself (found by test/chaos/auth-matrix.test.ts)', () => {
  it('refuse a `*` key restricted to some indexes (write block, database directories)', async () => {
    await expect(authorize(request(`Bearer ${keyString(keys.scopedAll)}`, '*'), context())).rejects.toMatchObject({ code: 'invalid_api_key' });
    await expect(authorize(request(`Bearer ${keyString(keys.admin)}`, '*'), context())).resolves.toMatchObject({ isMaster: false });
    await expect(authorize(request(`Bearer ${MASTER}`, '*'), context())).resolves.toMatchObject({ isMaster: true });
  });
});
