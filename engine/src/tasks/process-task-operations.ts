/** Cancelation and deletion of tasks. */
import type { Task } from '../types/task.ts';
import type { BatchPlan, WorkerContext } from './context.ts';

export function planTaskCancelation(ctx: WorkerContext, task: Task): BatchPlan {
  if (task.kind.type !== 'taskCancelation') throw new Error('unreachable');
  const now = new Date().toISOString();
  // Nothing else runs while this batch does, so no matched task is mid-processing.
  const cancelable = task.kind.tasks.map((uid) => ctx.db.tasks.get(uid)).filter((candidate): candidate is Task => candidate?.status === 'enqueued');
  return {
    outcomes: [{ status: 'succeeded', details: { matchedTasks: task.kind.tasks.length, canceledTasks: cancelable.length, originalFilter: task.kind.query } }],
    write: () => {
      for (const canceled of cancelable) {
        ctx.db.tasks.put(canceled.uid, { ...canceled, status: 'canceled', canceledBy: task.uid, startedAt: null, finishedAt: now });
        ctx.db.payloads.remove(canceled.uid);
      }
    },
  };
}

export function planTaskDeletion(ctx: WorkerContext, task: Task): BatchPlan {
  if (task.kind.type !== 'taskDeletion') throw new Error('unreachable');
  const deletable = task.kind.tasks.filter((uid) => {
    const candidate = ctx.db.tasks.get(uid);
    return candidate !== undefined && uid !== task.uid && (candidate.status === 'succeeded' || candidate.status === 'failed' || candidate.status === 'canceled');
  });
  return {
    outcomes: [{ status: 'succeeded', details: { matchedTasks: task.kind.tasks.length, deletedTasks: deletable.length, originalFilter: task.kind.query } }],
    write: () => {
      for (const uid of deletable) ctx.db.tasks.remove(uid);
    },
  };
}
