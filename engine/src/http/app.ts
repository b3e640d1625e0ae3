/**
 * buildApp(): the fastify application, no listen (tests use inject, main.ts listens).
 * Only this folder imports fastify.
 */
import { createGunzip, createInflate, createBrotliDecompress } from 'node:zlib';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import './route-config.ts';
import { clientErrorHandler, installErrorHandler, undecodable } from './error-handler.ts';
import { installAuth } from './auth-hook.ts';
import { EngineError } from '../errors/engine-error.ts';
import type { Engine } from '../engine.ts';
import type { ImportState } from '../dump/import-state.ts';
import { healthRoutes } from './routes/health.ts';
import { indexRoutes } from './routes/indexes.ts';
import { documentRoutes } from './routes/documents.ts';
import { searchRoutes } from './routes/search.ts';
import { settingsRoutes } from './routes/settings.ts';
import { taskRoutes } from './routes/tasks.ts';
import { keyRoutes } from './routes/keys.ts';
import { dumpRoutes, dumpFileRoutes } from './routes/dumps.ts';
import { databaseRoutes } from './routes/databases.ts';

export interface AppOptions {
  logger: Logger;
  payloadLimit: number;
  masterKey: string | null;
  dumpDir: string;
  /** Agent mode: only /health, the dump-file routes and the database-directory routes are served. */
  agent: boolean;
  /** --db-path: the database-directory routes work on its siblings (in agent mode too). */
  dbPath?: string;
  /** Null until the database is open (during a dump import) and always in agent mode. */
  engine: () => Engine | null;
  importState: ImportState;
}

/** Every route served, with its declared config (route-config.ts): the auth matrix test walks it. */
export interface RouteEntry {
  method: string;
  url: string;
  config: { action?: string | null; index?: 'param' | 'none' | 'any'; tenantToken?: boolean };
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteEntry[];
  }
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.payloadLimit,
    // Over maxParamLength the router answers 414 with its own body; the URL is bounded anyway by
    // Node's 16 KiB header limit (431, clientErrorHandler), and a long uid gets its 400 here.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 100_000 },
    clientErrorHandler,
  });
  const routeTable: RouteEntry[] = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routeTable.push({ method, url: route.url, config: (route.config ?? {}) as RouteEntry['config'] });
  });
  // One JSON line per request, as the standards ask (fastify's default logs two).
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 100) / 100 }, 'request');
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: options.payloadLimit }, (_request, body, done) => done(null, body));
  app.addHook('preParsing', async (request, _reply, payload) => {
    const encoding = request.headers['content-encoding'];
    if (encoding === undefined || encoding === 'identity') return payload;
    delete request.headers['content-length'];
    const decoder = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
    if (decoder !== null) {
      // Listened to from the start: a body nobody reads (GET, an early error) that does not
      // decompress must not be an unhandled 'error' event, which killed the process. When the
      // body is read, the parser gets the same error and the handler answers 400.
      decoder.on('error', (error) => { undecodable.add(error); });
      return payload.pipe(decoder);
    }
    throw new EngineError('unsupported_media_type', `The Content-Encoding \`${encoding}\` is not supported. Supported encodings are \`gzip\`, \`deflate\` and \`br\`.`);
  });
  installErrorHandler(app, options.payloadLimit);
  app.addHook('onRequest', async (request) => {
    const progress = options.importState.progress();
    if (progress && !request.routeOptions.config.duringImport) {
      throw new EngineError('importing_dump', `The instance is importing a dump (${progress.indexesDone}/${progress.indexesTotal} indexes, ${progress.documentsDone}/${progress.documentsTotal} documents); it serves requests once the import is done.`, { retryAfterSeconds: 5 });
    }
  });
  installAuth(app, { masterKey: options.masterKey, engine: options.engine });
  const engine = (): Engine => {
    const current = options.engine();
    if (!current) throw new EngineError('importing_dump', 'The instance is starting; it serves requests once its database is open.');
    return current;
  };
  await app.register(healthRoutes, { engine: options.engine, importState: options.importState });
  await app.register(dumpFileRoutes, { dumpDir: options.dumpDir, engine: options.engine });
  if (!options.agent) {
    await app.register(indexRoutes, { engine });
    await app.register(documentRoutes, { engine });
    await app.register(searchRoutes, { engine });
    await app.register(settingsRoutes, { engine });
    await app.register(taskRoutes, { engine });
    await app.register(keyRoutes, { engine, masterKey: options.masterKey });
    await app.register(dumpRoutes, { engine });
  }
  // Also in agent mode: next to upstream Meilisearch the agent manages its database directories.
  await app.register(databaseRoutes, { dbPath: () => options.dbPath ?? engine().config.dbPath });
  return app;
}
