/**
 * The only place that turns errors into Meilisearch's wire object `{message, code, type, link}`.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { EngineError } from '../errors/engine-error.ts';

export function installErrorHandler(app: FastifyInstance, payloadLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const engineError = translate(error, payloadLimit);
    if (engineError.code === 'internal') request.log.error({ err: error }, 'internal error');
    if (engineError.retryAfterSeconds !== undefined) reply.header('Retry-After', String(engineError.retryAfterSeconds));
    void reply.status(engineError.status).send(engineError.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(new EngineError('not_found', `Route \`${request.method} ${request.url.split('?')[0]}\` not found.`).toJSON());
  });
}

function translate(error: FastifyError, payloadLimit: number): EngineError {
  if (error instanceof EngineError) return error;
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new EngineError('payload_too_large', `The provided payload reached the size limit. The maximum accepted payload size is ${formatBytes(payloadLimit)}.`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new EngineError('missing_payload', 'A json payload is missing.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new EngineError('invalid_content_type', error.message);
    case 'FST_ERR_BAD_URL':
      return new EngineError('bad_request', error.message);
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return new EngineError('bad_request', error.message);
      return new EngineError('internal', error.message, { cause: error });
  }
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1 && value % 1000 === 0) { value /= 1000; unit += 1; }
  return `${value} ${units[unit]}`;
}
