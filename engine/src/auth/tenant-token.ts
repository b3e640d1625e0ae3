import { compactVerify, errors } from 'jose';
import { EngineError } from '../errors/engine-error.ts';
import { mostSpecificPattern } from './index-patterns.ts';
import { parseUuid } from './uuid.ts';

/**
 * Tenant tokens: JWTs signed (HS256/384/512) with a parent API key string, carrying
 * `apiKeyUid`, `searchRules` and an optional `exp`. The steps and their messages follow
 * Meilisearch's extractor: claims are read before the signature is checked, a string that is
 * not JWT-shaped is handed back to the API-key path, and every failure is `invalid_api_key`.
 */

/** A search rule: null or `{}` adds nothing; `filter` (string or array) is ANDed to the query. */
export type SearchRule = { filter?: unknown } | null;
/** Index pattern -> rule. The array form of `searchRules` becomes `{ pattern: null }`. */
export type SearchRules = Record<string, SearchRule>;

export interface TenantClaims {
  apiKeyUid: string;
  searchRules: SearchRules;
  exp: number | null;
}

const ALGORITHMS = ['HS256', 'HS384', 'HS512'];
/** The `alg` values Meilisearch's JWT library knows; any other is a decoding error. */
const KNOWN_ALGORITHMS = new Set([...ALGORITHMS, 'ES256', 'ES384', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA']);

function decodeError(detail: string): EngineError {
  return new EngineError('invalid_api_key', `Could not decode tenant token, ${detail}.`);
}

function decodeSegment(segment: string): { text: string; value: unknown } {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) throw decodeError('Base64 error: Invalid input');
  const text = Buffer.from(segment, 'base64url').toString('utf8');
  try {
    return { text, value: JSON.parse(text) as unknown };
  } catch (error) {
    throw decodeError(`JSON error: ${(error as Error).message}`);
  }
}

/**
 * serde reports struct-level errors (missing field, no matching search-rules variant) at the end
 * of the claims object; we do the same for every claim error so the shape stays familiar.
 */
function claimError(text: string, detail: string): EngineError {
  const end = text.replace(/[ \t\n\r]+$/, '');
  const line = end.split('\n').length;
  const column = Buffer.byteLength(end.slice(end.lastIndexOf('\n') + 1));
  return decodeError(`JSON error: ${detail} at line ${line} column ${column}`);
}

/**
 * Reads the claims without checking the signature. Returns undefined when the token does not have
 * the `header.payload.signature` shape, so the caller tries it as an API key.
 */
export function decodeTenantClaims(token: string): TenantClaims | undefined {
  const last = token.lastIndexOf('.');
  const previous = last > 0 ? token.lastIndexOf('.', last - 1) : -1;
  if (previous < 0) return undefined;
  const header = decodeSegment(token.slice(0, previous));
  const alg = (header.value as { alg?: unknown } | null)?.alg;
  if (typeof alg !== 'string' || !KNOWN_ALGORITHMS.has(alg)) throw decodeError('JSON error: invalid JWT header');
  const { text, value } = decodeSegment(token.slice(previous + 1, last));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw claimError(text, 'invalid type: expected struct Claims');
  }
  let searchRules: SearchRules | undefined;
  let exp: number | null = null;
  let apiKeyUid: string | undefined;
  for (const [claim, claimValue] of Object.entries(value)) {
    if (claim === 'searchRules') {
      searchRules = parseSearchRules(claimValue);
      if (searchRules === undefined) throw claimError(text, 'data did not match any variant of untagged enum SearchRules');
    } else if (claim === 'exp') {
      if (claimValue !== null && !Number.isSafeInteger(claimValue)) throw claimError(text, 'invalid type: expected i64');
      exp = claimValue as number | null;
    } else if (claim === 'apiKeyUid') {
      if (typeof claimValue !== 'string') throw claimError(text, 'invalid type: expected a UUID string');
      const parsed = parseUuid(claimValue);
      if (!parsed.ok) throw claimError(text, `UUID parsing failed: ${parsed.message}`);
      apiKeyUid = parsed.uuid;
    }
  }
  if (searchRules === undefined) throw claimError(text, 'missing field `searchRules`');
  if (apiKeyUid === undefined) throw claimError(text, 'missing field `apiKeyUid`');
  return { apiKeyUid, searchRules, exp };
}

/**
 * Array form: a list of patterns. Object form: pattern -> null | { filter }. Patterns are not
 * validated (upstream does not either). A one-element array rule is serde's sequence form of
 * `{ filter }`, accepted upstream, so accepted here.
 */
function parseSearchRules(value: unknown): SearchRules | undefined {
  const rules: SearchRules = Object.create(null) as SearchRules;
  if (Array.isArray(value)) {
    for (const pattern of value) {
      if (typeof pattern !== 'string') return undefined;
      rules[pattern] = null;
    }
    return rules;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [pattern, rule] of Object.entries(value)) {
    if (rule === null) rules[pattern] = null;
    else if (Array.isArray(rule) && rule.length === 1) rules[pattern] = withFilter(rule[0]);
    else if (typeof rule === 'object' && !Array.isArray(rule)) rules[pattern] = withFilter((rule as { filter?: unknown }).filter);
    else return undefined;
  }
  return rules;
}

function withFilter(filter: unknown): SearchRule {
  return filter === undefined || filter === null ? {} : { filter };
}

/** Checks the signature against the parent key string, then `exp` (no leeway: `now > exp` fails). */
export async function verifyTenantToken(token: string, claims: TenantClaims, parentKey: string, now: Date): Promise<void> {
  try {
    await compactVerify(token, new TextEncoder().encode(parentKey), { algorithms: ALGORITHMS });
  } catch (error) {
    if (error instanceof errors.JWSSignatureVerificationFailed) throw decodeError('InvalidSignature');
    if (error instanceof errors.JOSEAlgNotAllowed) throw decodeError('InvalidAlgorithm');
    throw decodeError('InvalidToken');
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (claims.exp !== null && nowSeconds > claims.exp) {
    throw new EngineError(
      'invalid_api_key',
      `Tenant token expired. Was valid up to \`${claims.exp}\` and we're now \`${nowSeconds}\`.`,
    );
  }
}

/** The rule of the most specific matching pattern (exact uid first, then longest). */
export function ruleForIndex(rules: SearchRules, indexUid: string): SearchRule | undefined {
  const pattern = mostSpecificPattern(Object.keys(rules), indexUid);
  return pattern === undefined ? undefined : rules[pattern];
}

/**
 * Meilisearch's `fuse_filters`: absent sides disappear, otherwise both sides are flattened into
 * one top-level array, whose elements are ANDed.
 */
export function fuseFilters(queryFilter: unknown, ruleFilter: unknown): unknown {
  if (queryFilter === undefined || queryFilter === null) return ruleFilter ?? queryFilter;
  if (ruleFilter === undefined || ruleFilter === null) return queryFilter;
  const left = Array.isArray(queryFilter) ? queryFilter : [queryFilter];
  const right = Array.isArray(ruleFilter) ? ruleFilter : [ruleFilter];
  return [...left, ...right];
}
