// Errors from the Kubernetes API, classified by what a controller does about them.

export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: unknown;

  constructor(status: number, reason: string, message: string, body?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

/** The resourceVersion a watch asked for is too old: list again. */
export class GoneError extends ApiError {
  constructor(message: string) {
    super(410, 'Expired', message);
    this.name = 'GoneError';
  }
}

export function apiErrorFromResponse(status: number, body: unknown, what: string): ApiError {
  const s = body as { reason?: string; message?: string } | undefined;
  const message = `${what}: ${status} ${s?.reason ?? ''} ${s?.message ?? (typeof body === 'string' ? body.slice(0, 300) : '')}`.replace(/\s+/g, ' ').trim();
  if (status === 410) return new GoneError(message);
  return new ApiError(status, s?.reason ?? '', message, body);
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;
export const isConflict = (e: unknown): boolean => e instanceof ApiError && e.status === 409 && e.reason !== 'AlreadyExists';
export const isAlreadyExists = (e: unknown): boolean => e instanceof ApiError && e.status === 409 && e.reason === 'AlreadyExists';
export const isGone = (e: unknown): boolean => e instanceof ApiError && e.status === 410;

/**
 * No HTTP answer at all: connection refused or reset (an apiserver restarting), or the transport's
 * request timeout (a hung one). A Warning Event about it could not be written either, and trying
 * would cost one more failed request per failed reconcile, or hold the worker for another timeout.
 */
export function isUnreachable(e: unknown): boolean {
  if (e instanceof ApiError) return e.status === 0;
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && SOCKET_ERRORS.has(code);
}

/** Node's socket errors (the transport is node:http; the engine clients use fetch, whose errors differ). */
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * The server's own hint for when to try again, in ms: `details.retryAfterSeconds` of the Status of
 * a 429 or 5xx (a restarted apiserver answers 503 "before all known HTTP paths have been
 * installed" with 5 s, then 429 "storage is (re)initializing" with 1 s, until it is ready).
 */
export function retryAfterMs(e: unknown): number | undefined {
  if (!(e instanceof ApiError) || (e.status !== 429 && e.status < 500)) return undefined;
  const seconds = (e.body as { details?: { retryAfterSeconds?: unknown } } | undefined)?.details?.retryAfterSeconds;
  return typeof seconds === 'number' && seconds > 0 ? Math.min(seconds, 60) * 1000 : undefined;
}

export function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
