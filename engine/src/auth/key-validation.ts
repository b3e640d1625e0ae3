import { randomUUID } from 'node:crypto';
import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import type { KeyView, StoredKey } from '../types/key.ts';
import { ACTIONS, isAction, isGlobalAction } from './actions.ts';
import { formatTimestamp, parseExpiresAt } from './dates.ts';
import { isValidIndexPattern } from './index-patterns.ts';
import {
  immutableFieldMessage,
  invalidTypeMessage,
  invalidValueMessage,
  missingFieldMessage,
  unknownFieldMessage,
  unknownValueMessage,
} from './json-errors.ts';
import { deriveKey } from './key-derivation.ts';
import { parseUuid } from './uuid.ts';

/**
 * Bodies of POST /keys and PATCH /keys/{key}. Like Meilisearch (deserr), fields are read in the
 * order they appear in the body and the first problem is reported; missing required fields are
 * reported afterwards, in declaration order (actions, indexes, expiresAt).
 */

const CREATE_FIELDS = ['description', 'name', 'uid', 'actions', 'indexes', 'expiresAt'] as const;
const PATCH_FIELDS = ['description', 'name'] as const;

/** Fields that PATCH names as immutable. `key` is not among them upstream: it is an unknown field. */
const IMMUTABLE_FIELDS: ReadonlyMap<string, ErrorCode> = new Map<string, ErrorCode>([
  ['uid', 'immutable_api_key_uid'],
  ['actions', 'immutable_api_key_actions'],
  ['indexes', 'immutable_api_key_indexes'],
  ['expiresAt', 'immutable_api_key_expires_at'],
  ['createdAt', 'immutable_api_key_created_at'],
  ['updatedAt', 'immutable_api_key_updated_at'],
]);

const INDEX_PATTERN_HINT =
  'is not a valid index uid pattern. Index uid patterns can be an integer or a string containing only ' +
  'alphanumeric characters, hyphens (-), underscores (_), and optionally end with a star (*).';

// The trailing newline is upstream's (`writeln!`), and clients compare messages verbatim.
const EXPIRES_AT_HINT =
  'is not a valid date. It should follow the RFC 3339 format to represents a date or datetime in the future ' +
  "or specified as a null value. e.g. 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS'.\n";

function fail(code: ErrorCode, message: string): never {
  throw new EngineError(code, message);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nullableString(value: unknown, field: string, code: ErrorCode): string | null {
  if (value === null || typeof value === 'string') return value;
  return fail(code, invalidTypeMessage(`.${field}`, 'a string', value));
}

function parseUid(value: unknown): string {
  if (typeof value !== 'string') return fail('invalid_api_key_uid', invalidTypeMessage('.uid', 'a string', value));
  const parsed = parseUuid(value);
  return parsed.ok ? parsed.uuid : fail('invalid_api_key_uid', invalidValueMessage('.uid', parsed.message));
}

function parseActions(value: unknown): string[] {
  const code = 'invalid_api_key_actions';
  if (!Array.isArray(value)) return fail(code, invalidTypeMessage('.actions', 'an array', value));
  return value.map((action: unknown, i) => {
    const path = `.actions[${i}]`;
    if (typeof action !== 'string') return fail(code, invalidTypeMessage(path, 'a string', action));
    if (!isAction(action)) return fail(code, unknownValueMessage(action, path, ACTIONS));
    return action;
  });
}

function parseIndexes(value: unknown): string[] {
  const code = 'invalid_api_key_indexes';
  if (!Array.isArray(value)) return fail(code, invalidTypeMessage('.indexes', 'an array', value));
  return value.map((pattern: unknown, i) => {
    const path = `.indexes[${i}]`;
    if (typeof pattern !== 'string') return fail(code, invalidTypeMessage(path, 'a string', pattern));
    if (!isValidIndexPattern(pattern)) return fail(code, invalidValueMessage(path, `\`${pattern}\` ${INDEX_PATTERN_HINT}`));
    return pattern;
  });
}

function parseExpiration(value: unknown, now: Date): string | null {
  const code = 'invalid_api_key_expires_at';
  if (value === null) return null;
  if (typeof value !== 'string') return fail(code, invalidTypeMessage('.expiresAt', 'a string', value));
  return parseExpiresAt(value, now) ?? fail(code, invalidValueMessage('.expiresAt', `\`${value}\` ${EXPIRES_AT_HINT}`));
}

/** Validates a POST /keys body into the key to store (uid generated when not given). */
export function parseKeyCreate(body: unknown, now: Date): StoredKey {
  if (!isObject(body)) return fail('bad_request', invalidTypeMessage('', 'an object', body));
  let description: string | null = null;
  let name: string | null = null;
  let uid: string | undefined;
  let actions: string[] | undefined;
  let indexes: string[] | undefined;
  let expiresAt: string | null | undefined;
  for (const [field, value] of Object.entries(body)) {
    switch (field) {
      case 'description':
        description = nullableString(value, field, 'invalid_api_key_description');
        break;
      case 'name':
        name = nullableString(value, field, 'invalid_api_key_name');
        break;
      case 'uid':
        uid = parseUid(value);
        break;
      case 'actions':
        actions = parseActions(value);
        break;
      case 'indexes':
        indexes = parseIndexes(value);
        break;
      case 'expiresAt':
        expiresAt = parseExpiration(value, now);
        break;
      default:
        fail('bad_request', unknownFieldMessage(field, CREATE_FIELDS));
    }
  }
  if (actions === undefined) return fail('missing_api_key_actions', missingFieldMessage('actions'));
  if (indexes === undefined) return fail('missing_api_key_indexes', missingFieldMessage('indexes'));
  if (expiresAt === undefined) return fail('missing_api_key_expires_at', missingFieldMessage('expiresAt'));
  rejectGlobalActionsOnScopedKey(actions, indexes);
  const timestamp = formatTimestamp(now);
  return {
    uid: uid ?? randomUUID(),
    name,
    description,
    actions,
    indexes,
    expiresAt,
    createdAt: timestamp,
    updatedAt: timestamp,
  };
}

/**
 * A key restricted to some indexes cannot hold an instance-wide action (see actions.ts).
 * Upstream's message for this code was not found; this one names the action and the fix.
 */
function rejectGlobalActionsOnScopedKey(actions: readonly string[], indexes: readonly string[]): void {
  if (indexes.includes('*')) return;
  const index = actions.findIndex(isGlobalAction);
  if (index === -1) return;
  fail(
    'index_scoped_api_key_with_global_action',
    invalidValueMessage(
      `.actions[${index}]`,
      `\`${actions[index]}\` is a global action: it can only be given to an API key with \`"indexes": ["*"]\`, ` +
        'not to an API key scoped to a subset of indexes.',
    ),
  );
}

/** Validates a PATCH /keys/{key} body: only `name` and `description` change (null clears). */
export function parseKeyUpdate(body: unknown, existing: StoredKey, now: Date): StoredKey {
  if (!isObject(body)) return fail('bad_request', invalidTypeMessage('', 'an object', body));
  let { name, description } = existing;
  for (const [field, value] of Object.entries(body)) {
    if (field === 'description') description = nullableString(value, field, 'invalid_api_key_description');
    else if (field === 'name') name = nullableString(value, field, 'invalid_api_key_name');
    else {
      const code = IMMUTABLE_FIELDS.get(field);
      fail(code ?? 'bad_request', code ? immutableFieldMessage(field, PATCH_FIELDS) : unknownFieldMessage(field, PATCH_FIELDS));
    }
  }
  return { ...existing, name, description, updatedAt: formatTimestamp(now) };
}

/** The wire object, fields in Meilisearch's order, with the key string derived on the fly. */
export function keyView(stored: StoredKey, masterKey: string): KeyView {
  return {
    name: stored.name,
    description: stored.description,
    key: deriveKey(masterKey, stored.uid),
    uid: stored.uid,
    actions: [...stored.actions],
    indexes: [...stored.indexes],
    expiresAt: stored.expiresAt,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

const DEFAULT_KEYS: ReadonlyArray<readonly [name: string, description: string, actions: readonly string[]]> = [
  ['Default Search API Key', 'Use it to search from the frontend', ['search']],
  [
    'Default Admin API Key',
    'Use it for anything that is not a search operation. Caution! Do not expose it on a public frontend',
    ['*'],
  ],
  [
    'Default Read-Only Admin API Key',
    'Use it to read information across the whole database. Caution! Do not expose this key on a public frontend',
    ['*.get', 'keys.get'],
  ],
  ['Default Chat API Key', 'Use it to chat and search from the frontend', ['chatCompletions', 'search']],
];

/**
 * The keys created when the key store is empty at startup (Meilisearch >= 1.16). Upstream creates
 * them one after the other, so GET /keys (newest first) lists Search, Admin, Read-Only Admin, Chat.
 * Each is dated one second before the previous one: a createdAt-descending sort then gives that
 * order whether it compares instants or the strings (same sub-second digits, so same length).
 */
export function defaultKeys(now: Date): StoredKey[] {
  return DEFAULT_KEYS.map(([name, description, actions], i) => {
    const timestamp = formatTimestamp(new Date(now.getTime() - i * 1000));
    return {
      uid: randomUUID(),
      name,
      description,
      actions: [...actions],
      indexes: ['*'],
      expiresAt: null,
      createdAt: timestamp,
      updatedAt: timestamp,
    };
  });
}

/** GET/PATCH/DELETE /keys/{uidOrKey}: a uid if it parses as one, otherwise a key string. */
export function findKeyByUidOrKey(
  uidOrKey: string,
  lookups: { findKeyByUid(uid: string): StoredKey | undefined; findKeyByKeyString(key: string): StoredKey | undefined },
): StoredKey {
  const parsed = parseUuid(uidOrKey);
  const found = parsed.ok ? lookups.findKeyByUid(parsed.uuid) : lookups.findKeyByKeyString(uidOrKey);
  return found ?? fail('api_key_not_found', `API key \`${parsed.ok ? parsed.uuid : uidOrKey}\` not found.`);
}

/** POST /keys with a uid that is already taken (409). */
export function apiKeyAlreadyExists(uid: string): EngineError {
  return new EngineError('api_key_already_exists', `\`uid\` field value \`${uid}\` is already an existing API key.`);
}
