/**
 * Starts the real engine (engine/src/main.ts) as a child process on a free loopback port, with
 * its own temporary database and dump directories, for tests that talk HTTP to it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');
export const NODE = process.execPath;

export interface EngineProcess {
  url: string;
  port: number;
  dbPath: string;
  dumpDir: string;
  logFile: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal) once the process is gone. */
  exited: Promise<number | string>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface StartOptions {
  dbPath?: string;
  dumpDir?: string;
  masterKey?: string;
  args?: string[];
  env?: Record<string, string>;
  /** The engine's main module: this checkout's unless a test runs another install. */
  entry?: string;
  /** Defaults to next to the database; a test that fills the database's volume puts it elsewhere. */
  logFile?: string;
  /** Wait for /health 200 (default), or only for the port to answer (imports answer 503). */
  waitFor?: 'ready' | 'listening' | 'nothing';
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `searchkube-${prefix}-`));
}

export async function startEngine(options: StartOptions = {}): Promise<EngineProcess> {
  const port = await freePort();
  const base = options.dbPath === undefined || options.dumpDir === undefined ? tempDir('engine') : '';
  const dbPath = options.dbPath ?? join(base, 'data.ms');
  const dumpDir = options.dumpDir ?? join(base, 'dumps');
  const logFile = options.logFile ?? `${dbPath.replace(/\/+$/, '')}.${port}.log`;
  const args = [options.entry ?? join(REPO, 'engine/src/main.ts'), '--db-path', dbPath, '--dump-dir', dumpDir, '--http-addr', `127.0.0.1:${port}`, ...(options.args ?? [])];
  if (options.masterKey !== undefined) args.push('--master-key', options.masterKey);
  const child = spawn(NODE, args, { env: { ...process.env, MEILI_LOG_LEVEL: 'info', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = createWriteStream(logFile);
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const exited = new Promise<number | string>((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown')));
  const url = `http://127.0.0.1:${port}`;
  const engine: EngineProcess = {
    url, port, dbPath, dumpDir, logFile, child, exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
  if (options.waitFor !== 'nothing') await waitForEngine(engine, options.waitFor ?? 'ready');
  return engine;
}

export async function waitForEngine(engine: EngineProcess, until: 'ready' | 'listening', timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: number | string | null = null;
  void engine.exited.then((code) => { exitedWith = code; });
  while (Date.now() < deadline) {
    if (exitedWith !== null) throw new Error(`engine exited (${exitedWith}) before it was ${until}; see ${engine.logFile}`);
    try {
      const response = await fetch(`${engine.url}/health`);
      if (response.status === 200 || (until === 'listening' && response.status === 503)) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
  throw new Error(`engine not ${until} after ${timeoutMs} ms; see ${engine.logFile}`);
}

/**
 * The engine's log lines announcing the rankings it prepared for `index` while idle (logged at
 * `debug`: start the engine with MEILI_LOG_LEVEL=debug), oldest first.
 */
export function preparedRankingsLog(engine: EngineProcess, index: string): Array<{ preparedRankings: number; durationMs: number }> {
  return readFileSync(engine.logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('search rankings prepared'))
    .map((line) => JSON.parse(line) as { index: string; preparedRankings: number; durationMs: number })
    .filter((entry) => entry.index === index);
}
