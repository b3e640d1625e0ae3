import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import type { StoredKey } from '../types/key.ts';
import { ACTIONS } from './actions.ts';
import { apiKeyAlreadyExists, defaultKeys, findKeyByUidOrKey, keyView, parseKeyCreate, parseKeyUpdate } from './key-validation.ts';
import { deriveKey } from './key-derivation.ts';

const now = new Date('2030-01-01T00:00:00.250Z');
const valid = { actions: ['search'], indexes: ['products'], expiresAt: null };

function errorOf(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    const { code, message } = error as EngineError;
    return { code, message };
  }
  throw new Error('expected an EngineError');
}

describe('parseKeyCreate', () => {
  it('builds the stored key, with a generated uid and now as both dates', () => {
    const key = parseKeyCreate({ ...valid, name: 'indexing', description: null }, now);
    expect(key).toEqual({
      uid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      name: 'indexing',
      description: null,
      actions: ['search'],
      indexes: ['products'],
      expiresAt: null,
      createdAt: '2030-01-01T00:00:00.25Z',
      updatedAt: '2030-01-01T00:00:00.25Z',
    });
  });

  it('keeps a client uid in canonical form, nil uuid included', () => {
    expect(parseKeyCreate({ ...valid, uid: '4BC0887A0E414F3B935D0C451DCEE9C8' }, now).uid).toBe('4bc0887a-0e41-4f3b-935d-0c451dcee9c8');
    expect(parseKeyCreate({ ...valid, uid: '00000000-0000-0000-0000-000000000000' }, now).uid).toBe('00000000-0000-0000-0000-000000000000');
  });

  it('normalizes expiresAt and keeps the order and duplicates of lists', () => {
    const key = parseKeyCreate({ actions: ['documents.add', 'search', 'search'], indexes: ['b', 'a*', '*'], expiresAt: '2050-11-13' }, now);
    expect(key.expiresAt).toBe('2050-11-13T00:00:00Z');
    expect(key.actions).toEqual(['documents.add', 'search', 'search']);
    expect(key.indexes).toEqual(['b', 'a*', '*']);
  });

  it('rejects a body that is not an object', () => {
    expect(errorOf(() => parseKeyCreate([], now))).toEqual({
      code: 'bad_request',
      message: 'Invalid value type: expected an object, but found an array: `[]`',
    });
  });

  it('reports missing fields in declaration order', () => {
    expect(errorOf(() => parseKeyCreate({ indexes: ['doggo'], expiresAt: null }, now))).toEqual({ code: 'missing_api_key_actions', message: 'Missing field `actions`' });
    expect(errorOf(() => parseKeyCreate({ actions: ['*'], expiresAt: null }, now))).toEqual({ code: 'missing_api_key_indexes', message: 'Missing field `indexes`' });
    expect(errorOf(() => parseKeyCreate({ actions: ['*'], indexes: ['doggo'] }, now))).toEqual({ code: 'missing_api_key_expires_at', message: 'Missing field `expiresAt`' });
  });

  it('reports the first invalid field in body order, before missing ones', () => {
    expect(errorOf(() => parseKeyCreate({ actions: 'doggo' }, now))).toEqual({
      code: 'invalid_api_key_actions',
      message: 'Invalid value type at `.actions`: expected an array, but found a string: `"doggo"`',
    });
    expect(errorOf(() => parseKeyCreate({ name: ['doggo'], description: ['doggo'] }, now)).code).toBe('invalid_api_key_name');
  });

  it('validates name and description types', () => {
    expect(errorOf(() => parseKeyCreate({ description: { name: 'products' } }, now))).toEqual({
      code: 'invalid_api_key_description',
      message: 'Invalid value type at `.description`: expected a string, but found an object: `{"name":"products"}`',
    });
    expect(errorOf(() => parseKeyCreate({ name: 3 }, now))).toEqual({
      code: 'invalid_api_key_name',
      message: 'Invalid value type at `.name`: expected a string, but found a positive integer: `3`',
    });
  });

  it('validates the uid', () => {
    expect(errorOf(() => parseKeyCreate({ uid: ['doggo'] }, now))).toEqual({
      code: 'invalid_api_key_uid',
      message: 'Invalid value type at `.uid`: expected a string, but found an array: `["doggo"]`',
    });
    expect(errorOf(() => parseKeyCreate({ uid: 'doggo' }, now))).toEqual({
      code: 'invalid_api_key_uid',
      message: 'Invalid value at `.uid`: invalid character: found `o` at 1',
    });
    expect(errorOf(() => parseKeyCreate({ uid: 'aaaaabbbbbccc' }, now)).message).toBe(
      'Invalid value at `.uid`: invalid length: expected length 32 for simple format, found 13',
    );
  });

  it('validates actions against the full list', () => {
    expect(errorOf(() => parseKeyCreate({ actions: ['doggo'] }, now))).toEqual({
      code: 'invalid_api_key_actions',
      message: `Unknown value \`doggo\` at \`.actions[0]\`: expected one of ${ACTIONS.map((a) => `\`${a}\``).join(', ')}`,
    });
    expect(errorOf(() => parseKeyCreate({ actions: ['search', 'serch'] }, now)).message).toMatch(
      /^Unknown value `serch` at `\.actions\[1\]`: did you mean `search`\? expected one of `\*`, `search`, /,
    );
    expect(errorOf(() => parseKeyCreate({ actions: [1] }, now)).message).toBe(
      'Invalid value type at `.actions[0]`: expected a string, but found a positive integer: `1`',
    );
  });

  it('validates index patterns', () => {
    expect(errorOf(() => parseKeyCreate({ indexes: 'doggo' }, now))).toEqual({
      code: 'invalid_api_key_indexes',
      message: 'Invalid value type at `.indexes`: expected an array, but found a string: `"doggo"`',
    });
    expect(errorOf(() => parseKeyCreate({ indexes: ['good doggo'] }, now))).toEqual({
      code: 'invalid_api_key_indexes',
      message:
        'Invalid value at `.indexes[0]`: `good doggo` is not a valid index uid pattern. Index uid patterns can be an integer or a string containing only alphanumeric characters, hyphens (-), underscores (_), and optionally end with a star (*).',
    });
    expect(errorOf(() => parseKeyCreate({ indexes: ['ok', 'no*pe'] }, now)).message).toMatch(/^Invalid value at `\.indexes\[1\]`: `no\*pe`/);
  });

  it('validates expiresAt: type, format and future', () => {
    expect(errorOf(() => parseKeyCreate({ expiresAt: { name: 'products' } }, now))).toEqual({
      code: 'invalid_api_key_expires_at',
      message: 'Invalid value type at `.expiresAt`: expected a string, but found an object: `{"name":"products"}`',
    });
    expect(errorOf(() => parseKeyCreate({ expiresAt: '2010-11-13T00:00:00Z' }, now))).toEqual({
      code: 'invalid_api_key_expires_at',
      message:
        "Invalid value at `.expiresAt`: `2010-11-13T00:00:00Z` is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.\n",
    });
    expect(errorOf(() => parseKeyCreate({ expiresAt: 'doggo' }, now)).code).toBe('invalid_api_key_expires_at');
  });

  it('rejects unknown fields with a suggestion', () => {
    expect(errorOf(() => parseKeyCreate({ ...valid, doggo: 'bork' }, now))).toEqual({
      code: 'bad_request',
      message: 'Unknown field `doggo`: expected one of `description`, `name`, `uid`, `actions`, `indexes`, `expiresAt`',
    });
    expect(errorOf(() => parseKeyCreate({ expires_at: ['doggo'] }, now)).message).toBe(
      'Unknown field `expires_at`: did you mean `expiresAt`? expected one of `description`, `name`, `uid`, `actions`, `indexes`, `expiresAt`',
    );
  });

  it('refuses global actions on an index-scoped key, not on an unrestricted one', () => {
    const error = errorOf(() => parseKeyCreate({ actions: ['search', 'dumps.create'], indexes: ['products'], expiresAt: null }, now));
    expect(error.code).toBe('index_scoped_api_key_with_global_action');
    expect(error.message).toContain('`.actions[1]`');
    expect(error.message).toContain('`dumps.create`');
    expect(errorOf(() => parseKeyCreate({ actions: ['keys.get'], indexes: [], expiresAt: null }, now)).code).toBe('index_scoped_api_key_with_global_action');
    expect(parseKeyCreate({ actions: ['dumps.create'], indexes: ['*'], expiresAt: null }, now).actions).toEqual(['dumps.create']);
    expect(parseKeyCreate({ actions: ['*', '*.get', 'tasks.*', 'indexes.swap'], indexes: ['products'], expiresAt: null }, now).indexes).toEqual(['products']);
  });
});

const existing: StoredKey = {
  uid: '4bc0887a-0e41-4f3b-935d-0c451dcee9c8',
  name: 'old',
  description: 'old description',
  actions: ['search'],
  indexes: ['products'],
  expiresAt: null,
  createdAt: '2029-01-01T00:00:00Z',
  updatedAt: '2029-01-01T00:00:00Z',
};

describe('parseKeyUpdate', () => {
  it('changes name and description only, and updatedAt', () => {
    expect(parseKeyUpdate({ name: 'new' }, existing, now)).toEqual({ ...existing, name: 'new', updatedAt: '2030-01-01T00:00:00.25Z' });
    expect(parseKeyUpdate({ description: null, name: null }, existing, now)).toMatchObject({ name: null, description: null });
    expect(parseKeyUpdate({}, existing, now)).toEqual({ ...existing, updatedAt: '2030-01-01T00:00:00.25Z' });
  });

  it('names immutable fields with their own codes', () => {
    const cases: Array<[string, string]> = [
      ['uid', 'immutable_api_key_uid'],
      ['actions', 'immutable_api_key_actions'],
      ['indexes', 'immutable_api_key_indexes'],
      ['expiresAt', 'immutable_api_key_expires_at'],
      ['createdAt', 'immutable_api_key_created_at'],
      ['updatedAt', 'immutable_api_key_updated_at'],
    ];
    for (const [field, code] of cases) {
      expect(errorOf(() => parseKeyUpdate({ [field]: 'doggo' }, existing, now))).toEqual({
        code,
        message: `Immutable field \`${field}\`: expected one of \`description\`, \`name\``,
      });
    }
  });

  it('rejects unknown fields (key included, as upstream) and bad types', () => {
    expect(errorOf(() => parseKeyUpdate({ doggo: 'bork' }, existing, now))).toEqual({
      code: 'bad_request',
      message: 'Unknown field `doggo`: expected one of `description`, `name`',
    });
    expect(errorOf(() => parseKeyUpdate({ key: 'x' }, existing, now)).code).toBe('bad_request');
    expect(errorOf(() => parseKeyUpdate({ description: ['doggo'] }, existing, now))).toEqual({
      code: 'invalid_api_key_description',
      message: 'Invalid value type at `.description`: expected a string, but found an array: `["doggo"]`',
    });
    expect(errorOf(() => parseKeyUpdate('x', existing, now)).code).toBe('bad_request');
  });
});

describe('keyView', () => {
  it('derives the key string and orders fields as Meilisearch', () => {
    const view = keyView(existing, 'MASTER_KEY');
    expect(Object.keys(view)).toEqual(['name', 'description', 'key', 'uid', 'actions', 'indexes', 'expiresAt', 'createdAt', 'updatedAt']);
    expect(view.key).toBe('d9e776b8412f1db6974c9a5556b961c3559440b6588216f4ea5d9ed49f7c8f3c');
  });
});

describe('defaultKeys', () => {
  it('creates the four keys of Meilisearch 1.16+', () => {
    const keys = defaultKeys(now);
    expect(keys.map(({ name, description, actions, indexes, expiresAt }) => ({ name, description, actions, indexes, expiresAt }))).toEqual([
      { name: 'Default Search API Key', description: 'Use it to search from the frontend', actions: ['search'], indexes: ['*'], expiresAt: null },
      {
        name: 'Default Admin API Key',
        description: 'Use it for anything that is not a search operation. Caution! Do not expose it on a public frontend',
        actions: ['*'],
        indexes: ['*'],
        expiresAt: null,
      },
      {
        name: 'Default Read-Only Admin API Key',
        description: 'Use it to read information across the whole database. Caution! Do not expose this key on a public frontend',
        actions: ['*.get', 'keys.get'],
        indexes: ['*'],
        expiresAt: null,
      },
      { name: 'Default Chat API Key', description: 'Use it to chat and search from the frontend', actions: ['chatCompletions', 'search'], indexes: ['*'], expiresAt: null },
    ]);
    expect(new Set(keys.map((k) => k.uid)).size).toBe(4);
  });

  it('dates them so that newest-first listing keeps Search, Admin, Read-Only, Chat', () => {
    const keys = defaultKeys(now);
    const byString = [...keys].reverse().sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
    expect(byString.map((k) => k.name)).toEqual(keys.map((k) => k.name));
    expect(keys[0]!.createdAt).toBe('2030-01-01T00:00:00.25Z');
    expect(keys[3]!.createdAt).toBe('2029-12-31T23:59:57.25Z');
  });
});

describe('key lookups by uid or key string', () => {
  const lookups = {
    findKeyByUid: (uid: string) => (uid === existing.uid ? existing : undefined),
    findKeyByKeyString: (key: string) => (key === deriveKey('MASTER_KEY', existing.uid) ? existing : undefined),
  };

  it('finds by any uid form or by key string', () => {
    expect(findKeyByUidOrKey('4BC0887A-0E41-4F3B-935D-0C451DCEE9C8', lookups)).toBe(existing);
    expect(findKeyByUidOrKey(deriveKey('MASTER_KEY', existing.uid), lookups)).toBe(existing);
  });

  it('answers api_key_not_found with the canonical uid or the string given', () => {
    expect(errorOf(() => findKeyByUidOrKey('11111111-1111-1111-1111-111111111111', lookups))).toEqual({
      code: 'api_key_not_found',
      message: 'API key `11111111-1111-1111-1111-111111111111` not found.',
    });
    expect(errorOf(() => findKeyByUidOrKey('d0552b41', lookups)).message).toBe('API key `d0552b41` not found.');
  });

  it('builds the conflict error', () => {
    const error = apiKeyAlreadyExists(existing.uid);
    expect(error.code).toBe('api_key_already_exists');
    expect(error.status).toBe(409);
    expect(error.message).toBe('`uid` field value `4bc0887a-0e41-4f3b-935d-0c451dcee9c8` is already an existing API key.');
  });
});
