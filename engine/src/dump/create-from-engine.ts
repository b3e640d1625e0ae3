/**
 * Processes a dumpCreation task: the instance as it is when the worker reaches the task (every
 * earlier task is finished, since the worker runs one batch at a time) is streamed through the
 * dump writer. Later tasks are not in the dump; the dump task itself is written as succeeded, as
 * Meilisearch does, so an imported instance does not run it again.
 */
import type { Engine } from '../engine.ts';
import type { Task } from '../types/task.ts';
import { ENGINE_VERSION } from '../version.ts';
import { dumpUidFor, writeDump, type DumpSource } from './writer.ts';

export async function createDumpFromEngine(engine: Engine, dumpTask: Task, dumpDir: string): Promise<Record<string, unknown>> {
  const dumpUid = dumpUidFor(new Date(dumpTask.startedAt ?? Date.now()));
  const now = new Date().toISOString();
  const source: DumpSource = {
    instanceUid: engine.instanceUid,
    engineVersion: ENGINE_VERSION,
    keys: engine.keys.list(),
    dumpTaskUid: dumpTask.uid,
    *tasks() {
      for (const task of engine.queue.all()) {
        if (task.uid > dumpTask.uid) break;
        if (task.uid === dumpTask.uid) {
          yield { task: { ...task, status: 'succeeded', startedAt: task.startedAt ?? now, finishedAt: now } };
          continue;
        }
        const payload = task.status === 'enqueued' ? engine.queue.payload(task.uid) : undefined;
        yield payload ? { task, payload: () => payload } : { task };
      }
    },
    *indexes() {
      for (const handle of engine.registry.list()) {
        const { uid, primaryKey, createdAt, updatedAt, settings } = handle.record;
        yield {
          uid, primaryKey, createdAt, updatedAt, settings,
          *documents() {
            for (const [, document] of handle.source.entries()) yield document;
          },
        };
      }
    },
  };
  const { path, sizeBytes } = await writeDump({ dumpDir, dumpUid, source });
  engine.config.logger.info({ dumpUid, path, sizeBytes }, 'dump created');
  return { dumpUid };
}
