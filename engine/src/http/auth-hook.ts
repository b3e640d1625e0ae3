/**
 * Authentication and authorization of every request, from the route's declared action and
 * index source (see route-config.ts). Decorates `request.auth` with what the key may see, so
 * list routes filter and search routes apply tenant-token rules.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../engine.ts';
import { EngineError } from '../errors/engine-error.ts';
import { authorize, isIndexAuthorized, tenantFilterFor, type AuthResult } from '../auth/authorize.ts';
import { actionAllows } from '../auth/actions.ts';

export interface RequestAuth {
  allows(action: string): boolean;
  canSeeIndex(uid: string): boolean;
  canSeeAllIndexes(): boolean;
  /** Throws invalid_api_key when the key may not touch this index. */
  assertIndex(uid: string): void;
  /** The tenant token's filter for this index, if any. */
  ruleFilter(uid: string): unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

const OPEN: RequestAuth = {
  allows: () => true,
  canSeeIndex: () => true,
  canSeeAllIndexes: () => true,
  assertIndex: () => undefined,
  ruleFilter: () => undefined,
};

function fromResult(result: AuthResult): RequestAuth {
  // Checks the key's indexes and, for a tenant token, its search rules too.
  const canSeeIndex = (uid: string): boolean => isIndexAuthorized(result, uid);
  return {
    allows: (action) => result.isMaster || actionAllows(result.actions, action),
    canSeeIndex,
    canSeeAllIndexes: () => result.isMaster || (result.allowedIndexes.includes('*') && result.searchRules === undefined),
    assertIndex: (uid) => {
      if (!canSeeIndex(uid)) throw new EngineError('invalid_api_key', 'The provided API key is invalid.');
    },
    ruleFilter: (uid) => tenantFilterFor(result, uid),
  };
}

export function installAuth(app: FastifyInstance, options: { masterKey: string | null; engine: () => Engine | null }): void {
  app.decorateRequest('auth', null as unknown as RequestAuth);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config;
    if (config.action === null || config.action === undefined) {
      request.auth = OPEN;
      return;
    }
    const params = (request.params ?? {}) as Record<string, string>;
    const indexUids = config.index === 'param' && params['uid'] !== undefined ? [params['uid']] : null;
    const keys = options.engine()?.keys;
    const result = await authorize(
      { authorization: request.headers.authorization, action: config.action, indexUids, allowTenantToken: config.tenantToken === true },
      {
        masterKey: options.masterKey,
        findKeyByKeyString: (key) => keys?.findByKeyString(key),
        findKeyByUid: (uid) => keys?.get(uid),
        now: new Date(),
      },
    );
    request.auth = options.masterKey === null ? OPEN : fromResult(result);
  });
}
