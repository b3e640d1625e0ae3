/**
 * Request bodies arrive as text (one catch-all content parser) so that every route reports a
 * malformed body with Meilisearch's codes rather than the framework's.
 */
import type { FastifyRequest } from 'fastify';
import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { jsonDepthError } from '../documents/json-depth.ts';

export function rawBody(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}

/** Parses a JSON body; `optional` bodies may be empty (then `fallback` is returned). */
export function jsonBody(request: FastifyRequest, options: { optional?: boolean; fallback?: unknown; malformedCode?: ErrorCode } = {}): unknown {
  const text = rawBody(request);
  if (text.trim() === '') {
    if (options.optional) return options.fallback ?? {};
    throw new EngineError('missing_payload', 'A json payload is missing.');
  }
  const contentType = request.headers['content-type'];
  if (contentType === undefined) {
    throw new EngineError('missing_content_type', 'A Content-Type header is missing. Accepted values for the Content-Type header are: `application/json`');
  }
  if (contentType.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
    throw new EngineError('invalid_content_type', `The Content-Type \`${contentType}\` is invalid. Accepted values for the Content-Type header are: \`application/json\``);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    throw new EngineError(options.malformedCode ?? 'bad_request', `The json payload provided is malformed. \`${(error as Error).message}\`.`);
  }
  const tooDeep = typeof value === 'object' && value !== null ? jsonDepthError(text) : null;
  if (tooDeep !== null) throw new EngineError(options.malformedCode ?? 'bad_request', `The json payload provided is malformed. \`${tooDeep}\`.`);
  return value;
}

export type Query = Record<string, string | string[] | undefined>;

export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

export function singleQuery(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

/** offset/limit query parameters of the list routes, with the route's error codes. */
export function pagination(query: Query, codes: { offset: ErrorCode; limit: ErrorCode }, defaults = { offset: 0, limit: 20 }): { offset: number; limit: number } {
  const read = (name: 'offset' | 'limit'): number => {
    const raw = singleQuery(query, name);
    if (raw === undefined) return defaults[name];
    if (!/^\d+$/.test(raw)) throw new EngineError(codes[name], `Invalid value in parameter \`${name}\`: could not parse \`${raw}\` as a positive integer`);
    return Number(raw);
  };
  return { offset: read('offset'), limit: read('limit') };
}

export function rejectUnknownQuery(query: Query, allowed: readonly string[]): void {
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new EngineError('bad_request', `Unknown parameter \`${name}\`: expected one of ${allowed.map((p) => `\`${p}\``).join(', ')}`);
    }
  }
}
