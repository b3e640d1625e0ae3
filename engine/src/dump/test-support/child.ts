/**
 * Child process for the tests that need a process of their own (run with Node 24 directly):
 *
 *   child.ts loop <dumpDir> <docs>            write dumps of <docs> generated documents back to
 *                                             back until killed (the SIGKILL test)
 *   child.ts measure <dumpDir> <docs>         write one dump, read it back whole, and print
 *                                             timings and memory as one JSON line
 */
import { defaultSettings } from '../../types/settings.ts';
import type { Task } from '../../types/task.ts';
import { openDump } from '../reader.ts';
import { dumpUidFor, writeDump, type DumpSource } from '../writer.ts';

const [mode, dumpDir, docsArg] = process.argv.slice(2);
const docs = Number(docsArg);

export function* generatedDocuments(count: number, offset = 0): Generator<Record<string, unknown>> {
  for (let i = offset; i < offset + count; i++) {
    yield { id: i, title: `Document number ${i}`, year: 1900 + (i % 125), tags: [`t${i % 7}`, `t${i % 13}`], body: `lorem ipsum ${i} dolor sit amet consectetur ${(i * 7919) % 100003}` };
  }
}

const pending: Task = {
  uid: 0, batchUid: null, indexUid: 'generated', status: 'enqueued', type: 'documentAdditionOrUpdate', canceledBy: null,
  details: { receivedDocuments: 100, indexedDocuments: null }, error: null, duration: null,
  enqueuedAt: '2025-01-01T00:00:00Z', startedAt: null, finishedAt: null,
  kind: { type: 'documentAdditionOrUpdate', method: 'replace', primaryKey: 'id', documentsCount: 100, allowIndexCreation: true },
};

function source(): DumpSource {
  return {
    instanceUid: null,
    engineVersion: '1.13.0',
    keys: [],
    *tasks() { yield { task: pending, payload: () => generatedDocuments(100, docs) }; },
    *indexes() {
      yield { uid: 'generated', primaryKey: 'id', createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z', settings: defaultSettings(), documents: () => generatedDocuments(docs) };
    },
  };
}

if (mode === 'loop') {
  let last = '';
  for (;;) {
    let uid = dumpUidFor(new Date());
    while (uid === last) uid = dumpUidFor(new Date());
    last = uid;
    await writeDump({ dumpDir: dumpDir!, dumpUid: uid, source: source() });
  }
} else if (mode === 'measure') {
  const baselineRss = process.memoryUsage().rss;
  let peakHeap = 0;
  let peakRss = 0;
  const sample = () => {
    const { heapUsed, rss } = process.memoryUsage();
    peakHeap = Math.max(peakHeap, heapUsed);
    peakRss = Math.max(peakRss, rss);
  };
  const timer = setInterval(sample, 20);
  const t0 = performance.now();
  const { path, sizeBytes } = await writeDump({ dumpDir: dumpDir!, dumpUid: dumpUidFor(new Date()), source: source() });
  const writeMs = performance.now() - t0;
  sample();
  const writePeakRss = peakRss;
  const t1 = performance.now();
  const reader = await openDump(path);
  let read = 0;
  for await (const index of reader.indexes()) for await (const _document of index.documents()) read += 1;
  await reader.close();
  const readMs = performance.now() - t1;
  sample();
  clearInterval(timer);
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  console.log(JSON.stringify({
    docs, read, sizeBytes, writeMs: Math.round(writeMs), readMs: Math.round(readMs),
    baselineRssMb: mb(baselineRss), writePeakRssMb: mb(writePeakRss), peakRssMb: mb(peakRss), peakHeapMb: mb(peakHeap),
    maxRssMb: mb(process.resourceUsage().maxRSS * 1024),
  }));
}
