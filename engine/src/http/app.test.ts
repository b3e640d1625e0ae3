/** Units of the HTTP layer through fastify's inject: error translation and route guards. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { Engine } from '../engine.ts';
import { ImportState } from '../dump/import-state.ts';

let engine: Engine;
let app: FastifyInstance;
const importState = new ImportState();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'searchkube-inject-'));
  const logger = pino({ level: 'silent' });
  engine = await Engine.open({ dbPath: join(dir, 'db'), dumpDir: join(dir, 'dumps'), masterKey: null, logger });
  engine.start();
  app = await buildApp({ logger, payloadLimit: 1000, masterKey: null, dumpDir: join(dir, 'dumps'), agent: false, engine: () => engine, importState });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
});

describe('buildApp', () => {
  it('answers unknown routes with a Meilisearch-shaped 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'not_found', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#not_found' });
  });

  it('turns an oversized body into payload_too_large', async () => {
    const response = await app.inject({ method: 'POST', url: '/indexes', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ uid: 'x'.repeat(2000) }) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining('1 KB') });
  });

  it('refuses a JSON route body sent with another content type', async () => {
    const response = await app.inject({ method: 'POST', url: '/indexes', headers: { 'content-type': 'text/plain' }, payload: '{"uid":"a"}' });
    expect(response.statusCode).toBe(415);
    expect(response.json().code).toBe('invalid_content_type');
  });

  it('answers every route but /health with 503 and Retry-After while a dump imports', async () => {
    importState.begin({ indexes: 2, documents: 10 });
    try {
      const health = await app.inject({ method: 'GET', url: '/health' });
      expect(health.statusCode).toBe(503);
      expect(health.json()).toEqual({ status: 'importing', progress: { indexesDone: 0, indexesTotal: 2, documentsDone: 0, documentsTotal: 10 } });
      const other = await app.inject({ method: 'GET', url: '/indexes' });
      expect(other.statusCode).toBe(503);
      expect(other.headers['retry-after']).toBe('5');
      expect(other.json().code).toBe('importing_dump');
    } finally {
      importState.finish();
    }
    expect((await app.inject({ method: 'GET', url: '/indexes' })).statusCode).toBe(200);
  });

  it('keeps the write block across a re-open and names it in the 503', async () => {
    await engine.setWriteBlock({ reason: 'testing', retryAfterSeconds: 3 });
    const response = await app.inject({ method: 'POST', url: '/indexes', headers: { 'content-type': 'application/json' }, payload: '{"uid":"blocked"}' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('3');
    expect(engine.db.meta.get('writeBlock')).toEqual({ reason: 'testing', retryAfterSeconds: 3 });
    await engine.setWriteBlock(null);
    expect((await app.inject({ method: 'POST', url: '/indexes', headers: { 'content-type': 'application/json' }, payload: '{"uid":"open"}' })).statusCode).toBe(202);
  });
});
