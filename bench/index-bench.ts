/**
 * npm run bench:index — indexes debian-packages-63k through the HTTP API and compares the
 * throughput with a floor measured in the same run: reading, parsing and writing the same
 * bytes to disk (fsynced), which no engine that stores the documents can beat.
 */
import { readFileSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEngine, tempDir } from '../test/helpers/engine-process.ts';
import { Api } from '../test/helpers/http-client.ts';
import { dirSize, rssBytes } from './process-stats.ts';

const DATASET = resolve(import.meta.dirname, '../../shared/datasets/debian-packages-63k.ndjson');

function floor(text: string): { seconds: number; documents: number } {
  const started = performance.now();
  const documents = text.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
  const out = join(tempDir('floor'), 'copy.ndjson');
  writeFileSync(out, documents.map((document) => JSON.stringify(document)).join('\n'));
  const fd = openSync(out, 'r+');
  fsyncSync(fd);
  closeSync(fd);
  return { seconds: (performance.now() - started) / 1000, documents: documents.length };
}

const text = readFileSync(DATASET, 'utf8');
const bytes = Buffer.byteLength(text);
const base = floor(text);

const engine = await startEngine();
try {
  const api = new Api(engine.url);
  const started = performance.now();
  const response = await api.post('/indexes/packages/documents', text, { 'content-type': 'application/x-ndjson' });
  if (response.status !== 202) throw new Error(`addition refused: ${response.status} ${JSON.stringify(response.body)}`);
  const acknowledged = performance.now();
  const task = await api.waitTask(response.body.taskUid, 600_000);
  const finished = performance.now();
  if (task.status !== 'succeeded') throw new Error(`indexing failed: ${JSON.stringify(task.error)}`);
  const seconds = (finished - started) / 1000;
  const documents = task.details.indexedDocuments as number;
  const rss = rssBytes(engine.child.pid!, 'VmHWM');
  const dbSize = dirSize(engine.dbPath);
  const search = await api.post('/indexes/packages/search', { q: 'python library' });
  const rows: Array<[string, string]> = [
    ['dataset', `${DATASET} (${(bytes / 1e6).toFixed(1)} MB, ${documents} documents)`],
    ['engine: total time (POST to task succeeded)', `${seconds.toFixed(2)} s (202 after ${((acknowledged - started) / 1000).toFixed(2)} s)`],
    ['engine: documents/s', `${Math.round(documents / seconds)}`],
    ['engine: peak RSS', `${(rss / 2 ** 20).toFixed(0)} MiB`],
    ['engine: database size on disk', `${(dbSize / 2 ** 20).toFixed(1)} MiB (${(dbSize / bytes).toFixed(2)}x the input)`],
    ['floor: read + parse + write + fsync', `${base.seconds.toFixed(2)} s, ${Math.round(base.documents / base.seconds)} documents/s`],
    ['ratio engine time / floor time', `${(seconds / base.seconds).toFixed(1)}x`],
    ['sanity: hits for "python library"', `${search.body.estimatedTotalHits}`],
  ];
  for (const [name, value] of rows) console.log(`${name.padEnd(46)} ${value}`);
} finally {
  await engine.stop();
}
