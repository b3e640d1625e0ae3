import type { Task } from '../types/task.ts';
import type { BatchPlan, WorkerContext } from './context.ts';
import { planDocumentAdditions, planDocumentDeletions } from './process-documents.ts';
import { planSettingsUpdate } from './process-settings.ts';
import { planIndexCreation, planIndexDeletion, planIndexSwap, planIndexUpdate } from './process-indexes.ts';
import { planTaskCancelation, planTaskDeletion } from './process-task-operations.ts';
import { EngineError } from '../errors/engine-error.ts';

/** Routes a batch (one kind of task, see autobatcher) to its processor. */
export async function processBatch(ctx: WorkerContext, batch: Task[]): Promise<BatchPlan> {
  const first = batch[0]!;
  switch (first.kind.type) {
    case 'documentAdditionOrUpdate': return planDocumentAdditions(ctx, batch);
    case 'documentDeletion':
    case 'documentDeletionByFilter':
    case 'documentClear': return planDocumentDeletions(ctx, batch);
    case 'settingsUpdate': return planSettingsUpdate(ctx, first);
    case 'indexCreation': return planIndexCreation(ctx, first);
    case 'indexUpdate': return planIndexUpdate(ctx, first);
    case 'indexDeletion': return planIndexDeletion(ctx, first);
    case 'indexSwap': return planIndexSwap(ctx, first);
    case 'taskCancelation': return planTaskCancelation(ctx, first);
    case 'taskDeletion': return planTaskDeletion(ctx, first);
    case 'dumpCreation': {
      if (!ctx.createDump) throw new EngineError('internal', 'This engine was started without a dump directory.');
      return { outcomes: [{ status: 'succeeded', details: await ctx.createDump(first) }] };
    }
    case 'snapshotCreation':
    case 'upgradeDatabase':
      return { outcomes: [{ status: 'failed', error: new EngineError('feature_not_enabled', `Tasks of type \`${first.type}\` are not supported by Searchkube.`).toJSON() }] };
  }
}
