/**
 * `searchkube-engine fetch-dump --url <url> --to <file> [--skip-if-exists <path>]`: copies a dump
 * file from another engine's `GET /dumps/<dumpUid>` (or a dumps agent's) into a local file, with
 * the master key of MEILI_MASTER_KEY. The operator runs it as an init container: a BlueGreen
 * upgrade's new pod pulls the old pod's pre-upgrade dump, and a bootstrapped instance pulls the
 * dump of another instance. Written to `<file>.part`, fsynced, then renamed: a visible file is
 * whole. `--skip-if-exists`: nothing to do when that path exists and is not empty (the database
 * it would be imported into is already there, so a restarted pod never fetches again).
 */
import { createWriteStream, existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

export interface FetchDumpOptions {
  url: string;
  to: string;
  skipIfExists: string | null;
  masterKey: string | null;
  attempts: number;
}

export function parseFetchDumpArgs(argv: string[], env: NodeJS.ProcessEnv): FetchDumpOptions {
  const { values } = parseArgs({
    args: argv,
    options: { url: { type: 'string' }, to: { type: 'string' }, 'skip-if-exists': { type: 'string' }, attempts: { type: 'string' } },
    strict: true,
    allowPositionals: false,
  });
  if (!values.url || !values.to) throw new Error('fetch-dump needs --url <url> and --to <file>');
  const attempts = Number(values.attempts ?? '5');
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error(`--attempts must be a positive integer, not ${values.attempts}`);
  return { url: values.url, to: values.to, skipIfExists: values['skip-if-exists'] ?? null, masterKey: env['MEILI_MASTER_KEY'] || null, attempts };
}

function present(path: string): boolean {
  if (!existsSync(path)) return false;
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).length > 0 : s.size > 0;
}

/** Returns the number of bytes written, or null when skipped. */
export async function fetchDump(o: FetchDumpOptions, log: (msg: string) => void = () => {}): Promise<number | null> {
  if (o.skipIfExists && present(o.skipIfExists)) {
    log(`${o.skipIfExists} exists; nothing to fetch`);
    return null;
  }
  if (present(o.to)) {
    log(`${o.to} is already here`);
    return statSync(o.to).size;
  }
  await mkdir(dirname(o.to), { recursive: true });
  const part = `${o.to}.part`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= o.attempts; attempt++) {
    try {
      const res = await fetch(o.url, { headers: o.masterKey ? { authorization: `Bearer ${o.masterKey}` } : {} });
      if (!res.ok || !res.body) throw new Error(`GET ${o.url}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      const expected = Number(res.headers.get('content-length') ?? NaN);
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(part));
      const size = statSync(part).size;
      if (Number.isFinite(expected) && size !== expected) throw new Error(`GET ${o.url}: got ${size} of ${expected} bytes`);
      const fh = await open(part, 'r');
      await fh.sync();
      await fh.close();
      await rename(part, o.to);
      log(`fetched ${o.url} into ${o.to} (${size} bytes)`);
      return size;
    } catch (error) {
      lastError = error;
      await rm(part, { force: true });
      log(`attempt ${attempt}/${o.attempts} failed: ${(error as Error).message}`);
      if (attempt < o.attempts) await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
    }
  }
  throw lastError;
}

export async function fetchDumpCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const say = (msg: string) => process.stderr.write(`fetch-dump: ${msg}\n`);
  try {
    await fetchDump(parseFetchDumpArgs(argv, env), say);
    return 0;
  } catch (error) {
    say((error as Error).message);
    return 1;
  }
}
