import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../harness/eventually.ts';
import { preparedRankingsLog, startEngine, type EngineProcess } from '../helpers/engine-process.ts';
import { Api } from '../helpers/http-client.ts';

/**
 * While its task queue is idle the engine prepares the rankings of common one-word queries
 * (engine/src/index/search/prepared-rankings.ts) and, after each write, carries them over it or
 * ranks them again. Over HTTP, every search for such a word must answer what the full pipeline
 * answers: the same search asking for ranking scores never reads a kept or prepared ranking.
 */
const MASTER = 'prepared-suite-master-key-0123456789';
let engine: EngineProcess;
let api: Api;

const COLORS = ['red', 'green', 'yellow'];
const KINDS = ['apple', 'apricot', 'avocado', 'banana'];
const docs = Array.from({ length: 1200 }, (_, i) => ({ id: i, title: `${COLORS[i % 3]} ${KINDS[i % 4]}`, note: i % 5 === 0 ? 'apple pie' : 'fresh' }));

beforeAll(async () => {
  engine = await startEngine({ masterKey: MASTER, env: { MEILI_LOG_LEVEL: 'debug' } });
  api = new Api(engine.url, MASTER);
  await api.run(api.patch('/indexes/fruit/settings', { searchableAttributes: ['title', 'note'] }));
  await api.run(api.post('/indexes/fruit/documents', docs));
});
afterAll(async () => engine?.stop());

const preparedLines = (): Array<{ preparedRankings: number }> => preparedRankingsLog(engine, 'fruit');

/** Every query and page answered as the full pipeline answers it. */
async function expectPipelineAnswers(): Promise<void> {
  for (const q of ['a', 'ap', 'apple', 'apri', 'red', 'gree', 'yellow', 'fresh', 'Apple']) {
    for (const page of [{}, { limit: 3 }, { offset: 150, limit: 5 }]) {
      const got = (await api.post('/indexes/fruit/search', { q, ...page })).body;
      const full = (await api.post('/indexes/fruit/search', { q, ...page, showRankingScore: true })).body;
      const { processingTimeMs: _a, ...rest } = got;
      const { processingTimeMs: _b, ...want } = full;
      want.hits = want.hits.map(({ _rankingScore, ...hit }: { _rankingScore: number }) => hit);
      expect(rest, `${q} ${JSON.stringify(page)}`).toEqual(want);
    }
  }
}

describe('rankings prepared while idle', () => {
  it('answer common one-word queries as the full pipeline does, before and after writes', async () => {
    await eventually('prepared rankings', async () => preparedLines().some((entry) => entry.preparedRankings > 0), 30_000, 50);
    await expectPipelineAnswers();
    const writes: Array<() => Promise<unknown>> = [
      // A document kept at the top of "apple" replaced; one that ranks first added; one removed.
      () => api.run(api.post('/indexes/fruit/documents', [{ id: 3, title: 'red pear', note: 'fresh' }])),
      () => api.run(api.post('/indexes/fruit/documents', [{ id: 5000, title: 'apple', note: 'apple' }])),
      () => api.run(api.delete('/indexes/fruit/documents/0')),
      // A new word within a typo of "apple", and one extending "apri".
      () => api.run(api.post('/indexes/fruit/documents', [{ id: 5001, title: 'appel', note: 'apricots' }])),
    ];
    for (const write of writes) {
      const before = preparedLines().length;
      await write();
      // The engine's idle work after the write is done: the rankings the write set aside are
      // carried over it or ranked again (logged when it changed their number).
      await eventually('the rankings set aside by the write', async () => preparedLines().length > before, 30_000, 50);
      await expectPipelineAnswers();
    }
  });
});
