/**
 * API fuzzing of a real engine process from the Meilisearch OpenAPI description
 * (../shared/spec/meilisearch-openapi.json): every path and method it declares (the engine's
 * routes and the ones it does not implement), path parameters from real and hostile values,
 * query strings from the declared parameters, bodies generated from the declared schemas and
 * then mutated, random bodies (huge, deep, unicode, nulls), and random content types and
 * encodings. Asserted for every request: an answer within the per-request timeout; no 5xx (the
 * engine answers 503 only for `importing_dump` / `write_blocked`, neither reachable here, as
 * Meilisearch answers 5xx only for internal errors and unavailable features); every error body
 * is `{message, code, type, link}`; the process stays alive; RSS stays bounded.
 * The filter parser is fuzzed on its own in engine/src/filter/property.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';
import { count, report } from './scale.ts';

const REQUESTS = count('fuzz_requests', 10_000, 1_500);
const CONCURRENCY = 8;
const TIMEOUT_MS = 15_000;
const MASTER = 'fuzz-master-key-0123456789abcdef';
const SPEC = JSON.parse(readFileSync(join(REPO, '../shared/spec/meilisearch-openapi.json'), 'utf8'));
const RSS_LIMIT_MB = 1_536;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

let seed = Number(process.env['CHAOS_SEED'] ?? Date.now() % 1_000_000);
const SEED = seed;
function random(): number {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number): boolean => random() < p;
const int = (max: number): number => Math.floor(random() * max);

const STRINGS = ['', ' ', 'a', 'title', 'id', 'year', '*', 'fuzz', 'nope', 'title:asc', 'year > 2000', '_geo', '_geoRadius(1, 2, 3)', 'null', 'true', '0', '-1', '1e309', 'NaN',
  'ünïcödé', '日本語のテキスト', 'emoji 🦀🔥', '\u0000', '\ud800', 'a\nb', '"quoted"', "'", '\\', '%00', '../../etc/passwd', '<script>', 'x'.repeat(300), 'AND OR NOT', 'title = "a" AND (year > 1 OR', '[', '{}', 'ranking:desc', 'words'];
const NUMBERS = [0, 1, -1, 20, 1000, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, 0.5, -0.0];

function randomString(): string {
  if (chance(0.7)) return pick(STRINGS);
  const length = chance(0.9) ? int(40) : int(100_000);
  let out = '';
  for (let i = 0; i < length; i += 1) out += String.fromCodePoint(chance(0.8) ? 32 + int(95) : int(0x2ffff));
  return out;
}

function randomJson(depth = 0): Json {
  const roll = random();
  if (depth > 4 || roll < 0.4) return pick<Json>([null, true, false, pick(NUMBERS), randomString(), randomString()]);
  if (roll < 0.7) return Array.from({ length: int(5) }, () => randomJson(depth + 1));
  const out: Record<string, Json> = {};
  for (let i = int(5); i > 0; i -= 1) out[randomString()] = randomJson(depth + 1);
  return out;
}

function deref(schema: any): any {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 20; hops += 1) {
    current = current.$ref.replace(/^#\//, '').split('/').reduce((node: any, part: string) => node?.[part], SPEC);
  }
  return current ?? {};
}

/** A value that follows the schema most of the time, with a wrong one now and then. */
function fromSchema(raw: any, depth = 0): Json {
  const schema = deref(raw);
  if (chance(0.08) || depth > 3) return randomJson(depth + 2);
  if (schema.enum) return pick(schema.enum);
  if (schema.oneOf || schema.anyOf) return fromSchema(pick(schema.oneOf ?? schema.anyOf), depth + 1);
  if (schema.allOf) return schema.allOf.reduce((acc: any, part: any) => ({ ...acc, ...(fromSchema(part, depth + 1) as object) }), {});
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? (schema.properties ? 'object' : 'string')];
  switch (pick(types)) {
    case 'null': return null;
    case 'boolean': return chance(0.5);
    case 'integer': return chance(0.8) ? int(50) : pick(NUMBERS);
    case 'number': return chance(0.8) ? random() * 100 : pick(NUMBERS);
    case 'array': return Array.from({ length: int(4) }, () => fromSchema(schema.items ?? {}, depth + 1));
    case 'object': {
      const out: Record<string, Json> = {};
      // A few properties per object (the nested settings schemas would otherwise explode).
      const properties = Object.entries(schema.properties ?? {});
      for (let i = int(Math.min(6, properties.length + 1)); i > 0; i -= 1) {
        const [name, property] = pick(properties);
        out[name] = fromSchema(property, depth + 1);
      }
      if (chance(0.05)) out[randomString()] = randomJson(depth + 1);
      return out;
    }
    default: return chance(0.8) ? pick(STRINGS) : randomString();
  }
}

/** Deep nesting: arrays or objects tens of thousands of levels deep. */
function deep(levels: number, kind: 'array' | 'object'): string {
  return kind === 'array' ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
}

/** Percent-encodes a path segment; lone surrogates become U+FFFD first. */
const encode = (text: string): string => encodeURIComponent(text.toWellFormed());

interface Operation { method: string; path: string; op: any }
const OPERATIONS: Operation[] = Object.entries(SPEC.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
  Object.entries(methods).filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method)).map(([method, op]) => ({ method: method.toUpperCase(), path, op })));
// Engine extensions beside the spec: fuzzed too, except the write block (it would answer 503
// to every write, by design) and /databases (covered in test/engine/upgrade-extensions.test.ts).
OPERATIONS.push({ method: 'GET', path: '/dumps', op: {} }, { method: 'GET', path: '/dumps/{dump_uid}', op: {} }, { method: 'DELETE', path: '/dumps/{dump_uid}', op: {} }, { method: 'GET', path: '/write-block', op: {} });

function pathValue(name: string): string {
  if (/index/.test(name)) return chance(0.7) ? pick(['fuzz', 'fuzz', 'other', 'nope']) : encode(randomString()) || 'x';
  if (/document/.test(name)) return chance(0.6) ? String(int(300)) : encode(randomString()) || 'x';
  if (/task|batch/.test(name)) return chance(0.6) ? String(int(50)) : encode(pick(['-1', 'abc', '99999999999999999999', '1.5', randomString()])) || 'x';
  return encode(chance(0.5) ? randomString() : pick(['00000000-0000-0000-0000-000000000000', 'not-a-uuid'])) || 'x';
}

function queryString(op: any): string {
  const params = new URLSearchParams();
  for (const parameter of (op.parameters ?? []).map(deref).filter((p: any) => p.in === 'query')) {
    if (!chance(0.4)) continue;
    const value = fromSchema(parameter.schema ?? {});
    params.append(parameter.name, typeof value === 'string' ? value : Array.isArray(value) ? value.join(',') : JSON.stringify(value));
  }
  if (chance(0.1)) params.append(randomString(), randomString());
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

interface Shot { method: string; url: string; headers: Record<string, string>; body?: Buffer | string; label: string }

function generate(base: string): Shot {
  const headers: Record<string, string> = {};
  if (chance(0.92)) headers['authorization'] = `Bearer ${MASTER}`;
  else if (chance(0.5)) headers['authorization'] = pick(['Bearer', 'Bearer wrong', 'Basic abc', `Bearer ${'x'.repeat(5_000)}`, 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x']);
  if (chance(0.03)) {
    // A random path and method off the spec.
    const path = `/${Array.from({ length: 1 + int(4) }, () => encode(randomString()) || 'x').join('/')}`;
    return { method: pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), url: `${base}${path}`, headers, label: 'random path' };
  }
  const operation = pick(OPERATIONS);
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => pathValue(name));
  const method = chance(0.03) ? pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) : operation.method;
  const url = `${base}${path}${queryString(operation.op)}`;
  const label = `${method} ${operation.path}`;
  if (method === 'GET' || method === 'DELETE' && chance(0.8)) return { method, url, headers, label };
  const schema = operation.op.requestBody?.content?.['application/json']?.schema;
  let body: string | Buffer;
  const roll = random();
  if (roll < 0.55 && schema) body = JSON.stringify(fromSchema(schema));
  else if (roll < 0.62) body = deep(pick([100, 5_000, 100_000]), pick(['array', 'object'] as const));
  else if (roll < 0.66) body = JSON.stringify(Array.from({ length: 1 + int(2_000) }, (_, i) => ({ id: i, title: randomString(), nested: { a: [randomJson()] } })));
  else if (roll < 0.69) body = JSON.stringify({ q: 'x'.repeat(int(3_000_000)) });
  else if (roll < 0.71) body = randomString();
  else if (roll < 0.72) body = Buffer.concat([Buffer.from('{"q":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from('"}')]); // invalid UTF-8
  else if (roll < 0.75) body = JSON.stringify(randomString());
  else if (roll < 0.78) body = pick(['null', '[]', '{}', '[null]', '{"a":null}', '"', '{"id":1', '\u0000', '1e999999', '[1,]', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}']);
  else body = JSON.stringify(randomJson());
  const type = random();
  if (type < 0.8) headers['content-type'] = 'application/json';
  else if (type < 0.85) headers['content-type'] = pick(['application/x-ndjson', 'text/csv', 'application/json; charset=utf-16']);
  else if (type < 0.9) headers['content-type'] = pick(['text/plain', 'multipart/form-data; boundary=x', 'application/xml', '*/*', ';;;', 'application/json;;a=b']);
  // else: no content type at all
  if (chance(0.03)) {
    headers['content-encoding'] = pick(['gzip', 'gzip', 'br', 'deflate', 'compress', 'identity']);
    if (headers['content-encoding'] === 'gzip' && chance(0.7)) body = gzipSync(body);
  }
  return { method, url, headers, body, label };
}

let engine: EngineProcess;
beforeAll(async () => {
  engine = await startEngine({ masterKey: MASTER });
  const api = new Api(engine.url, MASTER);
  await api.run(api.post('/indexes/fuzz/documents', Array.from({ length: 300 }, (_, i) => ({ id: i, title: `title ${i} ünïcödé`, year: 1950 + (i % 70), tags: [`t${i % 5}`], _geo: { lat: i % 90, lng: i % 180 } }))));
  await api.run(api.patch('/indexes/fuzz/settings', { filterableAttributes: ['year', 'tags', '_geo'], sortableAttributes: ['year', '_geo'] }));
  await api.run(api.post('/indexes/other/documents', [{ id: 1 }]));
});
afterAll(async () => engine?.stop());

/** Resident memory in MB: the whole, the process's own (anonymous: heaps, buffers) and the
 * pages of mapped files (the LMDB database is memory-mapped: its pages count in RSS while they
 * are cached, but the kernel drops them under pressure and they are not the engine's to free). */
interface Rss { total: number; anon: number; file: number }
function rssMb(pid: number): Rss {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { total: field('VmRSS'), anon: field('RssAnon'), file: field('RssFile') + field('RssShmem') };
}

describe('API fuzzing', () => {
  it(`survives ${REQUESTS} generated requests: no 5xx, error objects, no hang, bounded memory`, async () => {
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    const codes = new Map<string, number>();
    const rss: Rss[] = [rssMb(engine.child.pid!)];
    const sampler = setInterval(() => { try { rss.push(rssMb(engine.child.pid!)); } catch { /* gone */ } }, 250);
    const latencies: number[] = [];
    let done = 0;
    let earlyCloses = 0;
    const started = Date.now();
    const worker = async (): Promise<void> => {
      while (done < REQUESTS && problems.length < 20) {
        done += 1;
        const shot = generate(engine.url);
        const t0 = performance.now();
        let status = 0;
        let text = '';
        try {
          const response = await fetch(shot.url, { method: shot.method, headers: shot.headers, body: shot.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
          status = response.status;
          text = await response.text();
        } catch (error) {
          const cause = (error as Error & { cause?: NodeJS.ErrnoException }).cause;
          if (cause?.code === 'EPIPE' || cause?.code === 'ECONNRESET') {
            // The engine answered before reading the whole body (auth, size) and closed: not a
            // hang, as long as it still serves (checked at the end and by the exit check).
            earlyCloses += 1;
            continue;
          }
          problems.push(`${shot.label} (${shot.method} ${shot.url.slice(0, 200)}): no answer: ${(error as Error).message} ${(error as Error & { cause?: Error }).cause?.message ?? ''}`);
          continue;
        }
        latencies.push(performance.now() - t0);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500) problems.push(`${shot.label}: ${status} ${text.slice(0, 300)} (${shot.method} ${shot.url.slice(0, 200)}, body ${String(shot.body ?? '').slice(0, 200)})`);
        if (status >= 400) {
          let error: any = null;
          try { error = JSON.parse(text); } catch { /* checked below */ }
          const ok = error && ['message', 'code', 'type', 'link'].every((field) => typeof error[field] === 'string');
          if (!ok) problems.push(`${shot.label}: ${status} without an error object: ${text.slice(0, 200)}`);
          else codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
        }
        if (engine.child.exitCode !== null || engine.child.signalCode !== null) problems.push(`engine exited after ${shot.label}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    clearInterval(sampler);
    expect(problems, `seed ${SEED}`).toEqual([]);
    expect(engine.child.exitCode).toBeNull();
    const health = await fetch(`${engine.url}/health`);
    expect(health.status).toBe(200);
    // The tasks the fuzz enqueued ran: none may have failed with an internal error.
    const api = new Api(engine.url, MASTER);
    for (let i = 0; i < 600 && (await api.get('/tasks?statuses=enqueued,processing&limit=0')).body.total > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    const failed = (await api.get('/tasks?statuses=failed&limit=100000')).body.results as Array<{ uid: number; type: string; error: { code: string; message: string } }>;
    const internal = failed.filter((task) => task.error.code === 'internal');
    expect(internal.map((task) => `task ${task.uid} ${task.type}: ${task.error.message.slice(0, 200)}`), `seed ${SEED}`).toEqual([]);
    const peak = (part: keyof Rss): number => Math.max(...rss.map((sample) => sample[part]));
    expect(peak('total'), `peak RSS (MB), seed ${SEED} (CHAOS_SEED replays it)`).toBeLessThan(RSS_LIMIT_MB);
    latencies.sort((a, b) => a - b);
    const seconds = (Date.now() - started) / 1000;
    report(`api fuzz: ${done} requests (seed ${SEED}, ${OPERATIONS.length} operations) in ${seconds.toFixed(1)} s, ${CONCURRENCY} concurrent; statuses ${[...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(' ')}; 0 5xx, 0 hangs (timeout ${TIMEOUT_MS} ms), ${earlyCloses} connections closed before the body was sent, p99 ${latencies[Math.floor(latencies.length * 0.99)]!.toFixed(0)} ms, max ${latencies.at(-1)!.toFixed(0)} ms; RSS start ${rss[0]!.total.toFixed(0)} MB, peak ${peak('total').toFixed(0)} MB (anonymous ${peak('anon').toFixed(0)} MB, mapped files ${peak('file').toFixed(0)} MB), end ${rss.at(-1)!.total.toFixed(0)} MB (anonymous ${rss.at(-1)!.anon.toFixed(0)} MB)`);
    report(`api fuzz tasks: ${(await api.get('/tasks?limit=0')).body.total} tasks in the queue after the fuzz, ${failed.length} failed (none with an internal error)`);
    // Where the memory is: the same database opened by a fresh process (which rebuilds its
    // in-memory index from what is stored and holds nothing else). What the fuzzed process holds
    // beyond that is the allocator's: freed memory glibc keeps (the heap snapshot of a fuzzed
    // engine holds ~150 MB of live objects), bounded by the peak checked above.
    const stats = (await api.get('/stats')).body as { databaseSize: number; indexes: Record<string, { numberOfDocuments: number }> };
    const documents = Object.values(stats.indexes).reduce((sum, index) => sum + index.numberOfDocuments, 0);
    const fuzzedAnon = rss.at(-1)!.anon;
    await engine.stop();
    engine = await startEngine({ masterKey: MASTER, dbPath: engine.dbPath, dumpDir: engine.dumpDir });
    const fresh = rssMb(engine.child.pid!);
    report(`api fuzz memory: ${Object.keys(stats.indexes).length} indexes, ${documents} documents, database ${(stats.databaseSize / 2 ** 20).toFixed(0)} MiB; a fresh process on the same database: RSS ${fresh.total.toFixed(0)} MB (anonymous ${fresh.anon.toFixed(0)} MB) vs ${fuzzedAnon.toFixed(0)} MB anonymous in the fuzzed one`);
    report(`api fuzz error codes: ${[...codes].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c}:${n}`).join(' ')}`);
  });
});
