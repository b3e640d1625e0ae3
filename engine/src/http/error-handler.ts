/**
 * The only place that turns errors into Meilisearch's wire object `{message, code, type, link}`.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
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

/**
 * Errors Node's HTTP parser raises before a request exists (headers over 16 KiB, a malformed
 * request line, a header timeout): the same wire object as every other error, where fastify's
 * default answers `{error, message, statusCode}`.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request was not received in time.']
    : error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'The request headers (or URL) are too large.']
      : [400, 'The request is not a valid HTTP request.'];
  const body = JSON.stringify({ message, code: 'bad_request', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#bad_request' });
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  socket.destroy(error);
}

/** Errors of a request body's decompression (Content-Encoding), marked where they are raised. */
export const undecodable = new WeakSet<Error>();

function translate(error: FastifyError, payloadLimit: number): EngineError {
  if (error instanceof EngineError) return error;
  if (undecodable.has(error)) return new EngineError('bad_request', `The request body could not be decompressed (\`${decompressionDetail(error)}\`).`);
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

function decompressionDetail(error: Error): string {
  return error.message.replace(/`/g, "'");
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1 && value % 1000 === 0) { value /= 1000; unit += 1; }
  return `${value} ${units[unit]}`;
}
