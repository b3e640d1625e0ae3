import { EngineError } from '../errors/engine-error.ts';
import type { StoredKey } from '../types/key.ts';
import { actionAllows, isGlobalAction } from './actions.ts';
import { rfc3339ToEpochMs } from './dates.ts';
import { indexAllowed } from './index-patterns.ts';
import { deriveKey, masterKeyMatches } from './key-derivation.ts';
import { decodeTenantClaims, ruleForIndex, verifyTenantToken, type SearchRules } from './tenant-token.ts';

/**
 * Request authorization, following Meilisearch's authentication extractor step by step (order
 * matters: it decides which error a request gets).
 *
 * `indexUids`:
 * - `string[]`: the index(es) named in the route path. Each is checked here, with Meilisearch's
 *   descriptive messages ("The API key cannot acces the index ...").
 * - `'all'`: a route spanning indexes (GET /indexes, /stats, /tasks, multi-search, swap-indexes).
 *   Nothing is checked here; the route filters with `isIndexAuthorized` (and, for multi-search and
 *   swap, answers "The provided API key is invalid." itself for a forbidden index, as upstream).
 * - `null`: a route with no index (version, dumps, keys, ...). Same checks as `'all'`.
 * Whatever the route, an action that is global (actions.ts) needs a key with `"indexes": ["*"]`.
 */

export interface AuthRequest {
  /** The raw `Authorization` header. */
  authorization: string | undefined;
  /** The route's action, e.g. `documents.add`. */
  action: string;
  indexUids: string[] | 'all' | null;
  /** True on search (and chat completion) routes only; elsewhere a JWT is just an unknown API key. */
  allowTenantToken: boolean;
}

export interface AuthContext {
  masterKey: string | null;
  /** Key string -> stored key; `KeyStringIndex` (key-derivation.ts) makes this O(1). */
  findKeyByKeyString(key: string): StoredKey | undefined;
  /** Canonical (lowercase hyphenated) uid -> stored key. */
  findKeyByUid(uid: string): StoredKey | undefined;
  now: Date;
}

export interface AuthResult {
  /** Index patterns of the key; `['*']` for the master key or when no master key is set. */
  allowedIndexes: string[];
  /** Actions of the key (check more with `actionAllows`); `['*']` for master / no master key. */
  actions: string[];
  /** Tenant-token rules; an index must also match one of these patterns. */
  searchRules?: SearchRules;
  /** True only when the master key itself was presented. */
  isMaster: boolean;
  /** The API key used (the parent key for a tenant token); null for master / no master key. */
  keyUid: string | null;
  /** Whether document additions may auto-create a missing index (key grants `indexes.create`). */
  allowIndexCreation: boolean;
}

const INVALID_API_KEY = 'The provided API key is invalid.';

const invalidApiKey = (message = INVALID_API_KEY): EngineError => new EngineError('invalid_api_key', message);

const missingAuthorizationHeader = (): EngineError =>
  new EngineError(
    'missing_authorization_header',
    'The Authorization header is missing. It must use the bearer authorization method.',
  );

const missingMasterKey = (): EngineError =>
  new EngineError(
    'missing_master_key',
    'Meilisearch is running without a master key. To access this API endpoint, you must have set a master key at launch.',
  );

const EVERYTHING = (isMaster: boolean): AuthResult => ({
  allowedIndexes: ['*'],
  actions: ['*'],
  isMaster,
  keyUid: null,
  allowIndexCreation: true,
});

/**
 * The bearer token, or undefined when there is no header. Upstream splits the header on its first
 * space and requires exactly `Bearer` before it; this runs before anything else, so a non-Bearer
 * header is a 401 and a bare `Bearer` a 403 even on an instance without a master key.
 */
function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  // A header value that is not visible ASCII reads as empty upstream (HeaderValue::to_str fails).
  const value = /^[\t\x20-\x7e]*$/.test(header) ? header : '';
  const space = value.indexOf(' ');
  const scheme = space === -1 ? value : value.slice(0, space);
  if (scheme !== 'Bearer') throw missingAuthorizationHeader();
  if (space === -1) throw invalidApiKey();
  return value.slice(space + 1);
}

export async function authorize(request: AuthRequest, context: AuthContext): Promise<AuthResult> {
  const token = bearerToken(request.authorization);
  const { masterKey, now } = context;
  // Without a master key (development) everything is open except the key routes.
  if (masterKey === null) {
    if (request.action.startsWith('keys.')) throw missingMasterKey();
    return EVERYTHING(false);
  }
  if (token === undefined) throw missingAuthorizationHeader();
  if (masterKeyMatches(masterKey, token)) return EVERYTHING(true);

  let key: StoredKey | undefined;
  let searchRules: SearchRules | undefined;
  const claims = request.allowTenantToken ? decodeTenantClaims(token) : undefined;
  if (claims !== undefined) {
    // The secret is derived from the claimed uid, as upstream: a token for a deleted key still
    // has a checkable signature and then fails as an unknown key.
    await verifyTenantToken(token, claims, deriveKey(masterKey, claims.apiKeyUid), now);
    key = context.findKeyByUid(claims.apiKeyUid);
    searchRules = claims.searchRules;
  } else {
    key = context.findKeyByKeyString(token);
  }
  if (key === undefined) throw invalidApiKey();

  if (Array.isArray(request.indexUids)) {
    for (const indexUid of request.indexUids) checkIndex(key, searchRules, indexUid);
  }
  if (!keyGrants(key, request.action, now)) throw invalidApiKey();
  return {
    allowedIndexes: [...key.indexes],
    actions: [...key.actions],
    ...(searchRules === undefined ? {} : { searchRules }),
    isMaster: false,
    keyUid: key.uid,
    allowIndexCreation: keyGrants(key, 'indexes.create', now),
  };
}

/** Tenant-token rules first (public information, so the message lists them), then the key's. */
function checkIndex(key: StoredKey, searchRules: SearchRules | undefined, indexUid: string): void {
  if (searchRules !== undefined && !indexAllowed(Object.keys(searchRules), indexUid)) {
    throw invalidApiKey(
      `The provided tenant token cannot acces the index \`${indexUid}\`, allowed indexes are ${rustList(Object.keys(searchRules))}.`,
    );
  }
  if (indexAllowed(key.indexes, indexUid)) return;
  if (searchRules !== undefined) {
    // The parent key's indexes are not the token holder's business.
    throw invalidApiKey(`The API key used to generate this tenant token cannot acces the index \`${indexUid}\`.`);
  }
  throw invalidApiKey(`The API key cannot acces the index \`${indexUid}\`, authorized indexes are ${rustList(key.indexes)}.`);
}

/** Action granted, not expired, and holding at least one index (upstream stores no grant otherwise). */
function keyGrants(key: StoredKey, action: string, now: Date): boolean {
  if (!actionAllows(key.actions, action) || key.indexes.length === 0) return false;
  // Routes that need `*` itself (the write block, database directories: instance-wide
  // extensions) are global too: a `*` key restricted to some indexes may not use them.
  if ((isGlobalAction(action) || action === '*') && !key.indexes.includes('*')) return false;
  return !isExpired(key, now);
}

/** A key is valid while `now < expiresAt`. An unreadable date counts as expired (fail closed). */
export function isExpired(key: StoredKey, now: Date): boolean {
  if (key.expiresAt === null) return false;
  const expiresAt = rfc3339ToEpochMs(key.expiresAt);
  return expiresAt === undefined || now.getTime() >= expiresAt;
}

/** Rust's `{:?}` of a deduplicated, byte-sorted `Vec<String>`, as upstream prints index lists. */
function rustList(items: readonly string[]): string {
  const sorted = [...new Set(items)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const escape = (s: string): string =>
    s.replace(/[\\"\n\r\t\0]|[\u0001-\u001f\u007f]/g, (c) => {
      const named: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\0': '\\0' };
      return named[c] ?? `\\u{${c.charCodeAt(0).toString(16)}}`;
    });
  return `[${sorted.map((s) => `"${escape(s)}"`).join(', ')}]`;
}

/** Whether a route spanning indexes may touch (or show) this index. */
export function isIndexAuthorized(result: AuthResult, indexUid: string): boolean {
  if (!indexAllowed(result.allowedIndexes, indexUid)) return false;
  return result.searchRules === undefined || indexAllowed(Object.keys(result.searchRules), indexUid);
}

/**
 * The tenant-token filter to AND with the query's filter on this index (see `fuseFilters`), or
 * undefined when there is none. Call after the index was authorized.
 */
export function tenantFilterFor(result: AuthResult, indexUid: string): unknown {
  if (result.searchRules === undefined) return undefined;
  return ruleForIndex(result.searchRules, indexUid)?.filter;
}
