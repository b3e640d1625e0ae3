/**
 * Requests the API fuzzer (test/chaos/api-fuzz.test.ts) found answered with a 500 or with a
 * body that is not Meilisearch's error object: JSON nested thousands of levels deep, and
 * headers too large for Node's HTTP parser.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import { Engine } from '../engine.ts';
import { ImportState } from '../dump/import-state.ts';
import { jsonDepthError } from '../documents/json-depth.ts';

let engine: Engine;
let app: FastifyInstance;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'searchkube-hostile-'));
  const logger = pino({ level: 'silent' });
  engine = await Engine.open({ dbPath: join(dir, 'db'), dumpDir: join(dir, 'dumps'), masterKey: null, logger });
  engine.start();
  app = await buildApp({ logger, payloadLimit: 10_000_000, masterKey: null, dumpDir: join(dir, 'dumps'), agent: false, engine: () => engine, importState: new ImportState() });
});
afterAll(async () => {
  await app?.close();
  await engine?.close();
});

const nested = (levels: number, kind: 'array' | 'object'): string =>
  kind === 'array' ? `${'['.repeat(levels)}${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('JSON nesting limit (serde_json: 128 levels)', () => {
  it('counts levels outside strings only and reports line and column', () => {
    expect(jsonDepthError(nested(128, 'array'))).toBeNull();
    expect(jsonDepthError(nested(129, 'array'))).toBe('recursion limit exceeded at line 1 column 129');
    expect(jsonDepthError(`{"a":"${'['.repeat(1000)}\\"[["}`)).toBeNull();
    expect(jsonDepthError(`[\n${nested(200, 'object')}]`)).toBe('recursion limit exceeded at line 2 column 636');
  });

  it.each([
    ['POST', '/indexes'], ['PUT', '/indexes/a/settings/stop-words'], ['PATCH', '/indexes/a/settings'], ['POST', '/indexes/a/search'],
    ['POST', '/multi-search'], ['POST', '/indexes/a/documents/fetch'], ['POST', '/swap-indexes'],
  ])('%s %s: a body 100 000 levels deep is a 400, not a stack overflow', async (method, url) => {
    for (const kind of ['array', 'object'] as const) {
      const response = await app.inject({ method: method as 'POST', url, headers: { 'content-type': 'application/json' }, payload: nested(100_000, kind) });
      expect(response.statusCode, `${kind}: ${response.body.slice(0, 200)}`).toBe(400);
      expect(response.json().message).toMatch(/recursion limit exceeded at line 1 column \d+/);
    }
  });

  it('refuses deep documents as malformed_payload (JSON and NDJSON)', async () => {
    const json = await app.inject({ method: 'POST', url: '/indexes/a/documents', headers: { 'content-type': 'application/json' }, payload: `[{"id":1,"x":${nested(5_000, 'object')}}]` });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ code: 'malformed_payload', message: expect.stringContaining('recursion limit exceeded') });
    const ndjson = await app.inject({ method: 'POST', url: '/indexes/a/documents', headers: { 'content-type': 'application/x-ndjson' }, payload: `{"id":1}\n{"id":2,"x":${nested(5_000, 'array')}}\n` });
    expect(ndjson.statusCode).toBe(400);
    expect(ndjson.json().message).toContain('recursion limit exceeded at line 2 column');
  });
});

describe('errors of the HTTP parser', () => {
  it('answers headers over the parser limit with a Meilisearch error object', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const response = await fetch(`${address}/indexes?q=${'x'.repeat(100_000)}`);
    expect(response.status).toBe(431);
    expect(await response.json()).toEqual({ message: expect.any(String), code: 'bad_request', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#bad_request' });
  });
});

describe('bodies that do not decompress (Content-Encoding)', () => {
  it('never kill the process: read bodies answer 400, unread ones are ignored', async () => {
    const address = app.server.listening ? `http://127.0.0.1:${(app.server.address() as { port: number }).port}` : await app.listen({ host: '127.0.0.1', port: 0 });
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const method of ['DELETE', 'POST', 'PATCH', 'PUT']) {
        const response = await fetch(`${address}/indexes/a/settings/stop-words`, { method, headers: { 'content-type': 'application/json', 'content-encoding': encoding }, body: 'this is not compressed at all, not even a little' });
        expect(response.status, `${encoding} ${method}`).toBeLessThan(500);
        const body = (await response.json()) as { code?: string; message?: string };
        if (method === 'PUT') expect(body).toMatchObject({ code: 'bad_request', message: expect.stringContaining('could not be decompressed') });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await fetch(`${address}/health`)).status).toBe(200);
  });
});

describe('long path parameters', () => {
  it('answer the route\'s own error (invalid_index_uid), not the router\'s 414', async () => {
    const response = await app.inject({ method: 'GET', url: `/indexes/${'a'.repeat(5_000)}/settings/search-cutoff-ms` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'invalid_index_uid' });
  });
});
