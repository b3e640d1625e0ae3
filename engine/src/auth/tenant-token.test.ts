import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors/engine-error.ts';
import { decodeTenantClaims, fuseFilters, ruleForIndex, verifyTenantToken } from './tenant-token.ts';

const uid = '4bc0887a-0e41-4f3b-935d-0c451dcee9c8';
const secret = 'd9e776b8412f1db6974c9a5556b961c3559440b6588216f4ea5d9ed49f7c8f3c';
const now = new Date('2030-01-01T00:00:00Z');
const nowSeconds = now.getTime() / 1000;

async function sign(payload: Record<string, unknown>, alg = 'HS256', key = secret): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg }).sign(new TextEncoder().encode(key));
}

/** A token built by hand, for payloads SignJWT would not produce. */
function unsigned(payload: string, header = '{"alg":"HS256","typ":"JWT"}'): string {
  return `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}.c2ln`;
}

function decodeError(token: string): { code: string; message: string } {
  try {
    decodeTenantClaims(token);
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return { code: (error as EngineError).code, message: (error as EngineError).message };
  }
  throw new Error('expected an EngineError');
}

describe('decodeTenantClaims', () => {
  it('hands non-JWT strings back to the API key path', () => {
    expect(decodeTenantClaims(secret)).toBeUndefined();
    expect(decodeTenantClaims('a.b')).toBeUndefined();
    expect(decodeTenantClaims('')).toBeUndefined();
  });

  it('reads the array form of searchRules', async () => {
    const claims = decodeTenantClaims(await sign({ apiKeyUid: uid, searchRules: ['movies', 'prod_*'] }));
    expect(claims).toEqual({ apiKeyUid: uid, searchRules: { movies: null, 'prod_*': null }, exp: null });
  });

  it('reads the object form, keeping only filters', async () => {
    const token = await sign({
      apiKeyUid: uid.toUpperCase(),
      exp: nowSeconds + 60,
      searchRules: { '*': null, sales: { filter: 'color = blue', other: 1 }, 'sal*': {}, s: { filter: null }, x: ['user = 1'] },
    });
    expect(decodeTenantClaims(token)).toEqual({
      apiKeyUid: uid,
      exp: nowSeconds + 60,
      searchRules: { '*': null, sales: { filter: 'color = blue' }, 'sal*': {}, s: {}, x: { filter: 'user = 1' } },
    });
  });

  it('reports claim errors as Meilisearch does', () => {
    expect(decodeError(unsigned('{"tamo":"kefir"}'))).toEqual({
      code: 'invalid_api_key',
      message: 'Could not decode tenant token, JSON error: missing field `searchRules` at line 1 column 16.',
    });
    expect(decodeError(unsigned('{"searchRules":"kefir"}')).message).toBe(
      'Could not decode tenant token, JSON error: data did not match any variant of untagged enum SearchRules at line 1 column 23.',
    );
    expect(decodeError(unsigned('{"searchRules":["a"]}')).message).toMatch(/missing field `apiKeyUid`/);
    expect(decodeError(unsigned('{"searchRules":{"a":"x"},"apiKeyUid":"x"}')).message).toMatch(/untagged enum SearchRules/);
    expect(decodeError(unsigned(`{"searchRules":[],"apiKeyUid":"${uid}","exp":"soon"}`)).message).toMatch(/expected i64/);
    expect(decodeError(unsigned('{"searchRules":[],"apiKeyUid":"doggo"}')).message).toMatch(/UUID parsing failed: invalid character/);
    expect(decodeError(unsigned('[]')).code).toBe('invalid_api_key');
    expect(decodeError(unsigned('{', '{"alg":"HS256"}')).message).toMatch(/^Could not decode tenant token, JSON error: /);
    expect(decodeError(unsigned('{}', '{"alg":"none"}')).code).toBe('invalid_api_key');
    expect(decodeError('a=.b.c').message).toMatch(/Base64 error/);
  });
});

describe('verifyTenantToken', () => {
  it('accepts HS256, HS384 and HS512 signed with the parent key', async () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const token = await sign({ apiKeyUid: uid, searchRules: ['*'] }, alg);
      await expect(verifyTenantToken(token, decodeTenantClaims(token)!, secret, now)).resolves.toBeUndefined();
    }
  });

  it('rejects a wrong secret and a tampered payload', async () => {
    const token = await sign({ apiKeyUid: uid, searchRules: ['*'] }, 'HS256', 'not-the-parent-key');
    await expect(verifyTenantToken(token, decodeTenantClaims(token)!, secret, now)).rejects.toMatchObject({
      code: 'invalid_api_key',
      message: 'Could not decode tenant token, InvalidSignature.',
    });
    const narrow = await sign({ apiKeyUid: uid, searchRules: ['products'] });
    const wide = await sign({ apiKeyUid: uid, searchRules: ['*'] });
    const [h, , s] = narrow.split('.');
    const tampered = [h, wide.split('.')[1], s].join('.');
    await expect(verifyTenantToken(tampered, decodeTenantClaims(tampered)!, secret, now)).rejects.toMatchObject({
      message: 'Could not decode tenant token, InvalidSignature.',
    });
  });

  it('rejects algorithms other than HMAC ones', async () => {
    const token = unsigned(`{"apiKeyUid":"${uid}","searchRules":["*"]}`, '{"alg":"RS256"}');
    await expect(verifyTenantToken(token, decodeTenantClaims(token)!, secret, now)).rejects.toMatchObject({
      message: 'Could not decode tenant token, InvalidAlgorithm.',
    });
  });

  it('checks exp with no leeway: valid up to and including exp', async () => {
    const atExp = await sign({ apiKeyUid: uid, searchRules: ['*'], exp: nowSeconds });
    await expect(verifyTenantToken(atExp, decodeTenantClaims(atExp)!, secret, now)).resolves.toBeUndefined();
    const expired = await sign({ apiKeyUid: uid, searchRules: ['*'], exp: nowSeconds - 1 });
    await expect(verifyTenantToken(expired, decodeTenantClaims(expired)!, secret, now)).rejects.toMatchObject({
      code: 'invalid_api_key',
      message: `Tenant token expired. Was valid up to \`${nowSeconds - 1}\` and we're now \`${nowSeconds}\`.`,
    });
  });
});

describe('rules and filters', () => {
  it('picks the most specific rule', () => {
    const rules = { '*': { filter: 'color = green' }, sales: { filter: 'color = blue' }, 'sal*': null };
    expect(ruleForIndex(rules, 'sales')).toEqual({ filter: 'color = blue' });
    expect(ruleForIndex(rules, 'salsa')).toBeNull();
    expect(ruleForIndex(rules, 'movies')).toEqual({ filter: 'color = green' });
    expect(ruleForIndex({ movies: null }, 'sales')).toBeUndefined();
  });

  it('fuses filters like Meilisearch: flatten both sides into one AND array', () => {
    expect(fuseFilters(undefined, 'a = 1')).toBe('a = 1');
    expect(fuseFilters(null, undefined)).toBeNull();
    expect(fuseFilters('q = 1', undefined)).toBe('q = 1');
    expect(fuseFilters('q = 1', 'a = 1')).toEqual(['q = 1', 'a = 1']);
    expect(fuseFilters(['q = 1', ['x', 'y']], ['a = 1'])).toEqual(['q = 1', ['x', 'y'], 'a = 1']);
  });
});
