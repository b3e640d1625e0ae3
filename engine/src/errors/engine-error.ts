import { codeInfo, errorLink, type ErrorCode, type ErrorType } from './codes.ts';

/** The wire shape of every Meilisearch error, in HTTP answers and in failed tasks. */
export interface ErrorObject {
  message: string;
  code: string;
  type: ErrorType;
  link: string;
}

/** Every error the engine raises on purpose carries a Meilisearch code. */
export class EngineError extends Error {
  readonly code: ErrorCode;
  /** For 503s: how long a client should wait before retrying (sent as Retry-After). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }

  get status(): number {
    return codeInfo(this.code).status;
  }

  toJSON(): ErrorObject {
    return { message: this.message, code: this.code, type: codeInfo(this.code).type, link: errorLink(this.code) };
  }
}

/** Turns anything thrown into the error object stored on a failed task. */
export function toErrorObject(error: unknown): ErrorObject {
  if (error instanceof EngineError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  return new EngineError('internal', message).toJSON();
}
