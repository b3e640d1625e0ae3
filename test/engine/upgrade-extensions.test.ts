// The engine extensions the upgrade state machine uses, on real engine processes: the database
// directories next to --db-path (list, remove, never its own), --import-write-block (writes
// blocked right after a launch-time import, and only then), and the fetch-dump / copy-db modes
// the operator runs as init containers.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE, REPO, startEngine, tempDir, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

const KEY = 'upgrade-extensions-master-key-0123';
const engines: EngineProcess[] = [];
afterAll(async () => {
  await Promise.all(engines.map((e) => e.stop()));
});

async function engine(dir: string, version: string, args: string[] = []): Promise<{ e: EngineProcess; api: Api }> {
  const e = await startEngine({ dbPath: join(dir, `db-${version}`), dumpDir: join(dir, 'dumps'), masterKey: KEY, args, env: { SEARCHKUBE_ENGINE_VERSION: version } });
  engines.push(e);
  return { e, api: new Api(e.url, KEY) };
}

function cli(args: string[], env: Record<string, string> = {}): { code: number; stderr: string } {
  try {
    execFileSync(NODE, [join(REPO, 'engine/src/main.ts'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    return { code: 0, stderr: '' };
  } catch (e) {
    const err = e as { status: number; stderr: Buffer };
    return { code: err.status, stderr: err.stderr.toString() };
  }
}

describe('upgrade extensions', () => {
  const dir = tempDir('upgrade-ext');
  let dumpUid = '';

  it('lists the database directories and removes others, never its own', async () => {
    mkdirSync(join(dir, 'db-0.0.9'), { recursive: true });
    writeFileSync(join(dir, 'db-0.0.9', 'x'), 'old');
    mkdirSync(join(dir, 'not-a-db'));
    const { api } = await engine(dir, '0.1.0');
    expect((await api.get('/databases')).body.results).toEqual([{ name: 'db-0.0.9', current: false }, { name: 'db-0.1.0', current: true }]);
    expect((await api.delete('/databases/db-0.1.0')).status).toBe(400);
    expect((await api.delete('/databases/not-a-db')).status).toBe(404);
    expect((await api.delete('/databases/..')).status).toBe(404);
    expect((await api.delete('/databases/db-0.0.9')).status).toBe(204);
    expect((await api.delete('/databases/db-0.0.9')).status).toBe(404);
    expect(existsSync(join(dir, 'db-0.0.9'))).toBe(false);
    expect(existsSync(join(dir, 'not-a-db'))).toBe(true);
    expect((await api.withKey(undefined).get('/databases')).status).toBe(401);

    await api.run(api.post('/indexes/books/documents', [{ id: 1, title: 'Dune' }, { id: 2, title: 'Emma' }]));
    const task = await api.run(api.post('/dumps'));
    dumpUid = task.details.dumpUid;
  });

  it('the dumps agent (next to upstream Meilisearch) serves the database routes over its --db-path too', async () => {
    const agentDir = tempDir('upgrade-ext-agent');
    mkdirSync(join(agentDir, 'db-v1.13.0'));
    mkdirSync(join(agentDir, 'db-v1.14.0'));
    const agent = await startEngine({ dbPath: join(agentDir, 'db-v1.14.0'), dumpDir: join(agentDir, 'dumps'), masterKey: KEY, args: ['--agent'] });
    engines.push(agent);
    const api = new Api(agent.url, KEY);
    expect((await api.get('/databases')).body.results).toEqual([{ name: 'db-v1.13.0', current: false }, { name: 'db-v1.14.0', current: true }]);
    expect((await api.delete('/databases/db-v1.13.0')).status).toBe(204);
    expect((await api.delete('/databases/db-v1.14.0')).status).toBe(400);
    expect((await api.get('/indexes')).status).toBe(404);
  });

  it('--import-write-block: a launch-time import leaves writes blocked; a restart over the database does not block again', async () => {
    const file = join(dir, 'dumps', `${dumpUid}.dump`);
    const args = ['--import-dump', file, '--ignore-dump-if-db-exists', '--ignore-missing-dump', '--import-write-block', 'upgrade from 0.1.0 to 0.2.0 in progress'];
    const first = await engine(dir, '0.2.0', args);
    expect((await first.api.get('/indexes/books/stats')).body.numberOfDocuments).toBe(2);
    const refused = await first.api.post('/indexes/books/documents', [{ id: 3 }]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.message).toContain('upgrade from 0.1.0 to 0.2.0 in progress');
    expect((await first.api.delete('/write-block')).status).toBe(200);
    await first.e.stop();
    const again = await engine(dir, '0.2.0', args);
    expect((await again.api.get('/write-block')).body.enabled).toBe(false);
    expect((await again.api.get('/version')).body.pkgVersion).toBe('0.2.0');
  });

  it('fetch-dump copies a dump over HTTP with the master key, and skips when the database exists', async () => {
    const source = engines.find((e) => e.dbPath.endsWith('db-0.2.0') && e.child.exitCode === null)!;
    const to = join(dir, 'import', `${dumpUid}.dump`);
    const url = `${source.url}/dumps/${dumpUid}`;
    expect(cli(['fetch-dump', '--url', url, '--to', to, '--attempts', '1'], { MEILI_MASTER_KEY: 'wrong-key-wrong-key-wrong' }).code).toBe(1);
    expect(existsSync(to)).toBe(false);
    expect(cli(['fetch-dump', '--url', url, '--to', to], { MEILI_MASTER_KEY: KEY }).code).toBe(0);
    expect(readdirSync(join(dir, 'import'))).toEqual([`${dumpUid}.dump`]);
    const other = join(dir, 'import2', 'x.dump');
    expect(cli(['fetch-dump', '--url', url, '--to', other, '--skip-if-exists', join(dir, 'db-0.2.0')], { MEILI_MASTER_KEY: KEY }).code).toBe(0);
    expect(existsSync(other)).toBe(false);
    const imported = await startEngine({ masterKey: KEY, args: ['--import-dump', to] });
    engines.push(imported);
    expect((await new Api(imported.url, KEY).get('/indexes/books/stats')).body.numberOfDocuments).toBe(2);
  });

  it('copy-db copies a database directory once', () => {
    const from = join(dir, 'db-0.2.0');
    const to = join(dir, 'db-0.3.0');
    expect(cli(['copy-db', '--from', from, '--to', to]).code).toBe(0);
    expect(readdirSync(to).sort()).toEqual(readdirSync(from).sort());
    const r = cli(['copy-db', '--from', join(dir, 'nope'), '--to', join(dir, 'db-0.4.0')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not exist');
  });
});
