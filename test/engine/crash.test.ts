import { describe, expect, it } from 'vitest';
import { startEngine } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

describe('durability', () => {
  it('loses no acknowledged task when SIGKILLed during a large batch of additions', async () => {
    const first = await startEngine();
    const api = new Api(first.url);
    const acknowledged: number[] = [];
    const batches = 12;
    const perBatch = 5_000;
    for (let batch = 0; batch < batches; batch += 1) {
      const documents = Array.from({ length: perBatch }, (_, i) => ({ id: batch * perBatch + i, title: `title ${i} of batch ${batch}`, body: 'lorem ipsum dolor sit amet '.repeat(4) }));
      const response = await api.post('/indexes/crash/documents', documents);
      expect(response.status).toBe(202);
      acknowledged.push(response.body.taskUid);
    }
    // Killed right after the last 202, while the worker is still indexing earlier batches.
    await first.kill();
    const killedAt = Date.now();

    const second = await startEngine({ dbPath: first.dbPath, dumpDir: first.dumpDir });
    const restarted = new Api(second.url);
    try {
      let finishedAfterRestart = 0;
      for (const uid of acknowledged) {
        const task = await restarted.waitTask(uid, 300_000);
        expect(task.status, `task ${uid}`).toBe('succeeded');
        if (Date.parse(task.finishedAt) > killedAt) finishedAfterRestart += 1;
      }
      // Some acknowledged tasks were still pending at the kill, or the test proved nothing.
      expect(finishedAfterRestart).toBeGreaterThan(0);
      const stats = await restarted.get('/indexes/crash/stats');
      expect(stats.body.numberOfDocuments).toBe(batches * perBatch);
      const hit = await restarted.get(`/indexes/crash/documents/${batches * perBatch - 1}`);
      expect(hit.status).toBe(200);
    } finally {
      await second.stop();
    }
  });
});
