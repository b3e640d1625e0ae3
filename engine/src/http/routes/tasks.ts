import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../../engine.ts';
import { EngineError } from '../../errors/engine-error.ts';
import { queryOf } from '../body.ts';
import { parseTaskFilter } from '../../tasks/task-filter.ts';
import { taskView, type Task } from '../../types/task.ts';
import type { BatchRecord } from '../../store/database.ts';

type Deps = { engine: () => Engine };

function parseUid(raw: string, code: 'task_not_found' | 'batch_not_found', kind: string): number {
  if (!/^\d+$/.test(raw)) throw new EngineError(code === 'task_not_found' ? 'invalid_task_uids' : 'invalid_batch_uids', `Invalid value in parameter \`${kind}Uid\`: could not parse \`${raw}\` as a positive integer`);
  return Number(raw);
}

/** A key limited to some indexes sees only their tasks; global tasks need access to all. */
function visibility(request: FastifyRequest): (task: Task) => boolean {
  return (task) => (task.indexUid === null ? request.auth.canSeeAllIndexes() : request.auth.canSeeIndex(task.indexUid));
}

function batchView(batch: BatchRecord) {
  const { taskUids: _taskUids, ...view } = batch;
  return { ...view, progress: null };
}

export async function taskRoutes(app: FastifyInstance, { engine }: Deps): Promise<void> {
  app.get('/tasks', { config: { action: 'tasks.get', index: 'any' } }, async (request) => {
    const { filter, page } = parseTaskFilter(queryOf(request), { allowPage: true, requireFilter: false, route: 'list' });
    const { results, total, next } = engine().queue.list({ ...filter, visible: visibility(request) }, page);
    return { results: results.map(taskView), total, limit: page.limit, from: results[0]?.uid ?? null, next };
  });

  app.get<{ Params: { uid: string } }>('/tasks/:uid', { config: { action: 'tasks.get', index: 'any' } }, async (request) => {
    const uid = parseUid(request.params.uid, 'task_not_found', 'task');
    const task = engine().queue.get(uid);
    if (!task || !visibility(request)(task)) throw new EngineError('task_not_found', `Task \`${uid}\` not found.`);
    return taskView(task);
  });

  app.post('/tasks/cancel', { config: { action: 'tasks.cancel', index: 'any' } }, async (request) => {
    const { filter, originalFilter } = parseTaskFilter(queryOf(request), { allowPage: false, requireFilter: true, route: 'cancel' });
    const matched = engine().queue.matching({ ...filter, visible: visibility(request) })
      .filter((task) => task.status === 'enqueued' || task.status === 'processing')
      .map((task) => task.uid);
    return engine().enqueue({ indexUid: null, kind: { type: 'taskCancelation', query: originalFilter, tasks: matched } });
  });

  app.delete('/tasks', { config: { action: 'tasks.delete', index: 'any' } }, async (request) => {
    const { filter, originalFilter } = parseTaskFilter(queryOf(request), { allowPage: false, requireFilter: true, route: 'delete' });
    const matched = engine().queue.matching({ ...filter, visible: visibility(request) })
      .filter((task) => task.status !== 'enqueued' && task.status !== 'processing')
      .map((task) => task.uid);
    return engine().enqueue({ indexUid: null, kind: { type: 'taskDeletion', query: originalFilter, tasks: matched } });
  });

  app.get('/batches', { config: { action: 'tasks.get', index: 'any' } }, async (request) => {
    const { page } = parseTaskFilter(queryOf(request), { allowPage: true, requireFilter: false, route: 'list' });
    const db = engine().db;
    const results: ReturnType<typeof batchView>[] = [];
    let total = 0;
    let next: number | null = null;
    for (const { value } of db.batches.getRange({ reverse: !page.reverse })) {
      total += 1;
      if (page.from !== null && (page.reverse ? value.uid < page.from : value.uid > page.from)) continue;
      if (results.length < page.limit) results.push(batchView(value));
      else if (next === null) next = value.uid;
    }
    return { results, total, limit: page.limit, from: results[0]?.uid ?? null, next };
  });

  app.get<{ Params: { uid: string } }>('/batches/:uid', { config: { action: 'tasks.get', index: 'any' } }, async (request) => {
    const uid = parseUid(request.params.uid, 'batch_not_found', 'batch');
    const batch = engine().db.batches.get(uid);
    if (!batch) throw new EngineError('batch_not_found', `Batch \`${uid}\` not found.`);
    return batchView(batch);
  });
}
