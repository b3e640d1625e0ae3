import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { gzipSync } from 'node:zlib';

let engine: EngineProcess;
let api: Api;

beforeAll(async () => {
  engine = await startEngine({ args: ['--http-payload-size-limit', '1kb'] });
  api = new Api(engine.url);
});
afterAll(async () => engine?.stop());

describe('payload limit and encodings', () => {
  it('refuses a payload over --http-payload-size-limit with 413 payload_too_large', async () => {
    const big = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ id: i, text: 'x'.repeat(20) })));
    const response = await api.post('/indexes/limited/documents', big, { 'content-type': 'application/json' });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ code: 'payload_too_large', type: 'invalid_request', link: 'https://docs.meilisearch.com/errors#payload_too_large' });
    expect((await api.get('/indexes/limited')).status).toBe(404);
  });

  it('accepts gzip-encoded bodies', async () => {
    const body = gzipSync(JSON.stringify([{ id: 1, title: 'zipped' }]));
    const response = await fetch(`${engine.url}/indexes/zipped/documents`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } });
    expect(response.status).toBe(202);
    const task = await api.waitTask(((await response.json()) as { taskUid: number }).taskUid);
    expect(task.status).toBe('succeeded');
  });
});

describe('start-up checks', () => {
  it('refuses to start in production without a long enough master key', async () => {
    await expect(startEngine({ args: ['--env', 'production'] })).rejects.toThrow(/exited \(1\)/);
    await expect(startEngine({ args: ['--env', 'production', '--master-key', 'short'] })).rejects.toThrow(/exited \(1\)/);
    const ok = await startEngine({ args: ['--env', 'production', '--master-key', 'sixteen-bytes-ok!'] });
    await ok.stop();
  });

  it('refuses a database written in another format, saying to migrate with a dump', async () => {
    const { writeFileSync, mkdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tempDir } = await import('../helpers/engine-process.ts');
    const dbPath = join(tempDir('oldformat'), 'db');
    mkdirSync(dbPath);
    writeFileSync(join(dbPath, 'VERSION'), 'searchkube-db-format 999\n');
    const failure = await startEngine({ dbPath, dumpDir: join(dbPath, '..', 'dumps') }).then(() => null, (error: Error) => error.message);
    expect(failure).toMatch(/exited \(1\)/);
    const logs = readFileSync(/see (\S+)$/.exec(failure!)![1]!, 'utf8');
    expect(logs).toMatch(/format 999/);
    expect(logs).toMatch(/dump/);
  });
});
