/**
 * npm run bench:dump — dump creation and import, each against a floor measured in the same run:
 * - creation vs `tar czf` of the same documents written as NDJSON (the compression floor);
 * - import (`--import-dump` until /health is 200) vs indexing the same documents via the API.
 * Datasets: debian-packages-63k, and a generated set (1M documents; BENCH_DUMP_GENERATED=N).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startEngine, tempDir } from '../test/helpers/engine-process.ts';
import { Api } from '../test/helpers/http-client.ts';
import { mib, printRows, rssBytes, sampleRss } from './process-stats.ts';

const DEBIAN = resolve(import.meta.dirname, '../../shared/datasets/debian-packages-63k.ndjson');
const GENERATED = Number(process.env['BENCH_DUMP_GENERATED'] ?? 1_000_000);
/** Bodies stay under the engine's default 100 MB payload limit. */
const DOCUMENTS_PER_REQUEST = 250_000;

function generated(count: number): string {
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet'];
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    lines.push(JSON.stringify({ id: i, title: `${words[i % 10]} ${words[(i * 7) % 10]} ${i}`, group: i % 100, score: (i * 37) % 1000 }));
  }
  return lines.join('\n');
}

async function bench(name: string, ndjson: string): Promise<void> {
  const dir = tempDir(`bench-dump-${name}`);
  const lines = ndjson.split('\n').filter((line) => line.trim() !== '');
  const ndjsonFile = join(dir, 'documents.ndjson');
  writeFileSync(ndjsonFile, lines.join('\n'));

  const source = await startEngine({ dbPath: join(dir, 'source'), dumpDir: join(dir, 'dumps') });
  const api = new Api(source.url);
  const indexStarted = performance.now();
  for (let start = 0; start < lines.length; start += DOCUMENTS_PER_REQUEST) {
    const response = await api.post('/indexes/bench/documents', lines.slice(start, start + DOCUMENTS_PER_REQUEST).join('\n'), { 'content-type': 'application/x-ndjson' });
    if (response.status !== 202) throw new Error(`addition refused: ${JSON.stringify(response.body)}`);
    const task = await api.waitTask(response.body.taskUid, 1_800_000);
    if (task.status !== 'succeeded') throw new Error(`indexing failed: ${JSON.stringify(task.error)}`);
  }
  const indexSeconds = (performance.now() - indexStarted) / 1000;

  const rssBefore = rssBytes(source.child.pid!);
  const sampler = sampleRss(source.child.pid!);
  const dumpStarted = performance.now();
  const dumpTask = await api.run(api.post('/dumps'));
  const dumpSeconds = (performance.now() - dumpStarted) / 1000;
  const dumpPeak = sampler.stop();
  if (dumpTask.status !== 'succeeded') throw new Error(`dump failed: ${JSON.stringify(dumpTask.error)}`);
  const dumpFile = join(source.dumpDir, `${dumpTask.details.dumpUid}.dump`);
  await source.stop();

  const tarStarted = performance.now();
  execFileSync('tar', ['czf', join(dir, 'floor.tar.gz'), '-C', dir, 'documents.ndjson']);
  const tarSeconds = (performance.now() - tarStarted) / 1000;

  const importStarted = performance.now();
  const imported = await startEngine({ dbPath: join(dir, 'imported'), dumpDir: join(dir, 'dumps2'), args: ['--import-dump', dumpFile] });
  const importSeconds = (performance.now() - importStarted) / 1000;
  const importPeak = rssBytes(imported.child.pid!, 'VmHWM');
  const count = (await new Api(imported.url).get('/indexes/bench/stats')).body.numberOfDocuments;
  await imported.stop();
  if (count !== lines.length) throw new Error(`imported ${count} documents, expected ${lines.length}`);

  console.log(`\n## ${name}: ${lines.length} documents, ${(statSync(ndjsonFile).size / 1e6).toFixed(1)} MB of NDJSON`);
  printRows([
    ['dump creation (POST /dumps to task succeeded)', `${dumpSeconds.toFixed(2)} s, file ${mib(statSync(dumpFile).size)}`],
    ['floor: tar czf of the NDJSON', `${tarSeconds.toFixed(2)} s, file ${mib(statSync(join(dir, 'floor.tar.gz')).size)}`],
    ['ratio dump / tar czf', `${(dumpSeconds / tarSeconds).toFixed(2)}x`],
    ['engine RSS before the dump -> peak during it', `${mib(rssBefore)} -> ${mib(dumpPeak)} (+${mib(dumpPeak - rssBefore)})`],
    ['import (--import-dump until /health 200)', `${importSeconds.toFixed(2)} s, peak RSS ${mib(importPeak)}`],
    ['indexing the same documents via the API', `${indexSeconds.toFixed(2)} s`],
    ['ratio import / API indexing', `${(importSeconds / indexSeconds).toFixed(2)}x`],
  ]);
}

await bench('debian-packages-63k', readFileSync(DEBIAN, 'utf8'));
if (GENERATED > 0) await bench(`generated-${GENERATED}`, generated(GENERATED));
