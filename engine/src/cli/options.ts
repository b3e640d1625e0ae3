/**
 * Flags and MEILI_* environment variables -> one typed Options, validated once.
 * Flags win over the environment, as in Meilisearch. No other module reads process.env.
 */
import { parseArgs } from 'node:util';

export interface Options {
  dbPath: string;
  httpAddr: { host: string; port: number };
  masterKey: string | null;
  env: 'development' | 'production';
  dumpDir: string;
  importDump: string | null;
  ignoreMissingDump: boolean;
  ignoreDumpIfDbExists: boolean;
  httpPayloadSizeLimit: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Serve only the dump-file routes over dumpDir (operator sidecar next to upstream Meilisearch). */
  agent: boolean;
  /**
   * Searchkube extension for upgrades: when a dump is imported at launch (and only then), the
   * write block is turned on with this reason before the first request is served, so the new
   * version takes no write until the operator has verified it.
   */
  importWriteBlock: string | null;
}

export class OptionsError extends Error {
  override name = 'OptionsError';
}

/** flag name -> [env var, kind]. `--dumps-dir` is the spelling older docs use. */
const FLAGS = {
  'db-path': ['MEILI_DB_PATH', 'string'],
  'http-addr': ['MEILI_HTTP_ADDR', 'string'],
  'master-key': ['MEILI_MASTER_KEY', 'string'],
  env: ['MEILI_ENV', 'string'],
  'dump-dir': ['MEILI_DUMP_DIR', 'string'],
  'dumps-dir': ['MEILI_DUMPS_DIR', 'string'],
  'import-dump': ['MEILI_IMPORT_DUMP', 'string'],
  'ignore-missing-dump': ['MEILI_IGNORE_MISSING_DUMP', 'boolean'],
  'ignore-dump-if-db-exists': ['MEILI_IGNORE_DUMP_IF_DB_EXISTS', 'boolean'],
  'http-payload-size-limit': ['MEILI_HTTP_PAYLOAD_SIZE_LIMIT', 'string'],
  'log-level': ['MEILI_LOG_LEVEL', 'string'],
  'no-analytics': ['MEILI_NO_ANALYTICS', 'boolean'],
  agent: ['SEARCHKUBE_AGENT', 'boolean'],
  'import-write-block': ['SEARCHKUBE_IMPORT_WRITE_BLOCK', 'string'],
} as const;

type FlagName = keyof typeof FLAGS;

const MIN_PRODUCTION_KEY_BYTES = 16;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const parseConfig = Object.fromEntries(
    Object.entries(FLAGS).map(([name, [, type]]) => [name, { type }]),
  ) as Record<FlagName, { type: 'string' | 'boolean' }>;
  let values: Partial<Record<FlagName, string | boolean>>;
  try {
    ({ values } = parseArgs({ args: argv, options: parseConfig, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new OptionsError((error as Error).message);
  }
  const read = (name: FlagName): string | boolean | undefined => {
    if (values[name] !== undefined) return values[name];
    const [envName, type] = FLAGS[name];
    const raw = env[envName];
    if (raw === undefined || raw === '') return undefined;
    if (type === 'boolean') return parseBooleanEnv(envName, raw);
    return raw;
  };
  const str = (name: FlagName): string | undefined => read(name) as string | undefined;
  const bool = (name: FlagName): boolean => (read(name) as boolean | undefined) ?? false;

  // Accepted for compatibility (Searchkube sends no analytics), but still validated.
  bool('no-analytics');
  const envName = str('env') ?? 'development';
  if (envName !== 'development' && envName !== 'production') {
    throw new OptionsError(`Invalid value for --env: \`${envName}\`. Expected \`development\` or \`production\`.`);
  }
  const masterKey = str('master-key') ?? null;
  if (envName === 'production' && (masterKey === null || Buffer.byteLength(masterKey) < MIN_PRODUCTION_KEY_BYTES)) {
    throw new OptionsError(
      masterKey === null
        ? 'In production the master key is mandatory: launch with --master-key or MEILI_MASTER_KEY set to a key of at least 16 bytes.'
        : `The master key must be at least ${MIN_PRODUCTION_KEY_BYTES} bytes in production; the one provided is ${Buffer.byteLength(masterKey)} bytes.`,
    );
  }
  return {
    dbPath: str('db-path') ?? './data.ms',
    httpAddr: parseHttpAddr(str('http-addr') ?? 'localhost:7700'),
    masterKey,
    env: envName,
    dumpDir: str('dump-dir') ?? str('dumps-dir') ?? 'dumps/',
    importDump: str('import-dump') ?? null,
    ignoreMissingDump: bool('ignore-missing-dump'),
    ignoreDumpIfDbExists: bool('ignore-dump-if-db-exists'),
    httpPayloadSizeLimit: parseByteSize(str('http-payload-size-limit') ?? '100MB'),
    logLevel: parseLogLevel(str('log-level') ?? 'info'),
    agent: bool('agent'),
    importWriteBlock: str('import-write-block') ?? null,
  };
}

function parseBooleanEnv(name: string, raw: string): boolean {
  const lowered = raw.toLowerCase();
  if (lowered === 'true' || lowered === '1') return true;
  if (lowered === 'false' || lowered === '0') return false;
  throw new OptionsError(`Invalid value for ${name}: \`${raw}\`. Expected \`true\` or \`false\`.`);
}

export function parseHttpAddr(raw: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(raw);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535) throw new OptionsError(`Invalid --http-addr \`${raw}\`: expected HOST:PORT, e.g. localhost:7700.`);
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}

const UNITS: Record<string, number> = {
  '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/** Accepts Meilisearch's byte sizes: `100MB`, `100 Mb`, `1GiB`, `1048576`. */
export function parseByteSize(raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(raw);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new OptionsError(`Invalid byte size \`${raw}\`: expected e.g. 100MB, 1GiB or a number of bytes.`);
  return Math.floor(Number(match[1]) * unit);
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

function parseLogLevel(raw: string): Options['logLevel'] {
  const lowered = raw.toLowerCase() === 'off' ? 'silent' : raw.toLowerCase();
  const level = LOG_LEVELS.find((candidate) => candidate === lowered);
  if (!level) throw new OptionsError(`Invalid log level \`${raw}\`: expected one of ${LOG_LEVELS.join(', ')}, or off.`);
  return level;
}
