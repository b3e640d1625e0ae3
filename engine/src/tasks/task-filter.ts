/**
 * The filters shared by GET /tasks, POST /tasks/cancel, DELETE /tasks and GET /batches,
 * parsed from the query string with Meilisearch's error codes.
 */
import { EngineError } from '../errors/engine-error.ts';
import type { ErrorCode } from '../errors/codes.ts';
import { TASK_STATUSES, TASK_TYPES, type Task, type TaskStatus, type TaskType } from '../types/task.ts';

export interface TaskFilter {
  uids?: Set<number>;
  batchUids?: Set<number>;
  indexUids?: Set<string>;
  statuses?: Set<TaskStatus>;
  types?: Set<TaskType>;
  canceledBy?: Set<number>;
  beforeEnqueuedAt?: number;
  afterEnqueuedAt?: number;
  beforeStartedAt?: number;
  afterStartedAt?: number;
  beforeFinishedAt?: number;
  afterFinishedAt?: number;
  /** Restricts to what the caller's API key may see. */
  visible?: (task: Task) => boolean;
}

export interface TaskPage {
  limit: number;
  from: number | null;
  reverse: boolean;
}

const FILTER_PARAMS = [
  'uids', 'batchUids', 'indexUids', 'statuses', 'types', 'canceledBy',
  'beforeEnqueuedAt', 'afterEnqueuedAt', 'beforeStartedAt', 'afterStartedAt', 'beforeFinishedAt', 'afterFinishedAt',
] as const;
const PAGE_PARAMS = ['limit', 'from', 'reverse'] as const;

type Query = Record<string, string | string[] | undefined>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function list(raw: string): string[] | '*' {
  const items = raw.split(',').map((item) => item.trim()).filter((item) => item !== '');
  return items.includes('*') ? '*' : items;
}

function uidSet(raw: string, code: ErrorCode, name: string): Set<number> | undefined {
  const items = list(raw);
  if (items === '*') return undefined;
  return new Set(items.map((item) => {
    if (!/^\d+$/.test(item) || Number(item) > 2 ** 32 - 1) {
      throw new EngineError(code, `Invalid value in parameter \`${name}\`: could not parse \`${item}\` as a positive integer`);
    }
    return Number(item);
  }));
}

function dateBound(raw: string, name: string, before: boolean): number {
  const code = `invalid_task_${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}` as ErrorCode;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const time = Date.parse(raw);
  if (Number.isNaN(time) || !(dateOnly || /^\d{4}-\d{2}-\d{2}T/.test(raw))) {
    throw new EngineError(code, `Invalid value in parameter \`${name}\`: \`${raw}\` is an invalid date-time. It should follow the YYYY-MM-DD or RFC 3339 date-time format.`);
  }
  // A bare date means the whole day: `after 2024-01-01` starts at the next day, as Meilisearch.
  if (dateOnly && !before) return time + 86_400_000 - 1;
  return time;
}

export function parseTaskFilter(query: Query, options: { allowPage: boolean; requireFilter: boolean; route: string }): { filter: TaskFilter; page: TaskPage; originalFilter: string } {
  const allowed: string[] = [...FILTER_PARAMS, ...(options.allowPage ? PAGE_PARAMS : [])];
  for (const name of Object.keys(query)) {
    if (!allowed.includes(name)) {
      throw new EngineError('bad_request', `Unknown parameter \`${name}\`: expected one of ${allowed.map((p) => `\`${p}\``).join(', ')}`);
    }
  }
  const filter: TaskFilter = {};
  const raw = (name: string): string | undefined => single(query, name);
  let provided = 0;
  for (const name of FILTER_PARAMS) if (raw(name) !== undefined) provided += 1;
  if (options.requireFilter && provided === 0) {
    throw new EngineError('missing_task_filters', `Query parameters to filter the tasks to ${options.route} are missing. Available query parameters are: \`uids\`, \`indexUids\`, \`statuses\`, \`types\`, \`canceledBy\`, \`beforeEnqueuedAt\`, \`afterEnqueuedAt\`, \`beforeStartedAt\`, \`afterStartedAt\`, \`beforeFinishedAt\`, \`afterFinishedAt\`.`);
  }
  const uids = raw('uids');
  if (uids !== undefined) filter.uids = uidSet(uids, 'invalid_task_uids', 'uids');
  const batchUids = raw('batchUids');
  if (batchUids !== undefined) filter.batchUids = uidSet(batchUids, 'invalid_task_batch_uids', 'batchUids');
  const canceledBy = raw('canceledBy');
  if (canceledBy !== undefined) filter.canceledBy = uidSet(canceledBy, 'invalid_task_canceled_by', 'canceledBy');
  const indexUids = raw('indexUids');
  if (indexUids !== undefined) {
    const items = list(indexUids);
    if (items !== '*') {
      for (const item of items) {
        if (!/^[A-Za-z0-9_-]{1,400}$/.test(item)) {
          throw new EngineError('invalid_index_uid', `Invalid value in parameter \`indexUids\`: \`${item}\` is not a valid index uid. Index uid can be an integer or a string containing only alphanumeric characters, hyphens (-) and underscores (_), and can not be more than 400 bytes.`);
        }
      }
      filter.indexUids = new Set(items);
    }
  }
  const statuses = raw('statuses');
  if (statuses !== undefined) filter.statuses = enumSet(statuses, TASK_STATUSES, 'statuses', 'status', 'invalid_task_statuses');
  const types = raw('types');
  if (types !== undefined) filter.types = enumSet(types, TASK_TYPES, 'types', 'type', 'invalid_task_types');
  for (const name of ['beforeEnqueuedAt', 'afterEnqueuedAt', 'beforeStartedAt', 'afterStartedAt', 'beforeFinishedAt', 'afterFinishedAt'] as const) {
    const value = raw(name);
    if (value !== undefined) filter[name] = dateBound(value, name, name.startsWith('before'));
  }
  const page: TaskPage = { limit: 20, from: null, reverse: false };
  const limit = raw('limit');
  if (limit !== undefined) {
    if (!/^\d+$/.test(limit)) throw new EngineError('invalid_task_limit', `Invalid value in parameter \`limit\`: could not parse \`${limit}\` as a positive integer`);
    page.limit = Number(limit);
  }
  const from = raw('from');
  if (from !== undefined) {
    if (!/^\d+$/.test(from)) throw new EngineError('invalid_task_from', `Invalid value in parameter \`from\`: could not parse \`${from}\` as a positive integer`);
    page.from = Number(from);
  }
  const reverse = raw('reverse');
  if (reverse !== undefined) {
    if (reverse !== 'true' && reverse !== 'false') throw new EngineError('invalid_task_reverse', `Invalid value in parameter \`reverse\`: could not parse \`${reverse}\` as a boolean`);
    page.reverse = reverse === 'true';
  }
  const originalFilter = '?' + FILTER_PARAMS.filter((name) => raw(name) !== undefined).map((name) => `${name}=${raw(name)}`).join('&');
  return { filter, page, originalFilter };
}

/** A comma list of known names, matched case-insensitively; `*` means no filter. */
function enumSet<T extends string>(raw: string, known: readonly T[], parameter: string, noun: string, code: ErrorCode): Set<T> | undefined {
  const items = list(raw);
  if (items === '*') return undefined;
  return new Set(items.map((item) => {
    const value = known.find((candidate) => candidate.toLowerCase() === item.toLowerCase());
    if (!value) throw new EngineError(code, `Invalid value in parameter \`${parameter}\`: \`${item}\` is not a valid task ${noun}. Available ${parameter} are ${known.map((name) => `\`${name}\``).join(', ')}.`);
    return value;
  }));
}

const time = (value: string | null): number | null => (value === null ? null : Date.parse(value));

export function taskMatches(task: Task, filter: TaskFilter): boolean {
  if (filter.visible && !filter.visible(task)) return false;
  if (filter.uids && !filter.uids.has(task.uid)) return false;
  if (filter.batchUids && (task.batchUid === null || !filter.batchUids.has(task.batchUid))) return false;
  if (filter.indexUids && !(task.indexUid !== null && filter.indexUids.has(task.indexUid)) && !swapTouches(task, filter.indexUids)) return false;
  if (filter.statuses && !filter.statuses.has(task.status)) return false;
  if (filter.types && !filter.types.has(task.type)) return false;
  if (filter.canceledBy && (task.canceledBy === null || !filter.canceledBy.has(task.canceledBy))) return false;
  const enqueued = Date.parse(task.enqueuedAt);
  if (filter.beforeEnqueuedAt !== undefined && !(enqueued < filter.beforeEnqueuedAt)) return false;
  if (filter.afterEnqueuedAt !== undefined && !(enqueued > filter.afterEnqueuedAt)) return false;
  const started = time(task.startedAt);
  if (filter.beforeStartedAt !== undefined && !(started !== null && started < filter.beforeStartedAt)) return false;
  if (filter.afterStartedAt !== undefined && !(started !== null && started > filter.afterStartedAt)) return false;
  const finished = time(task.finishedAt);
  if (filter.beforeFinishedAt !== undefined && !(finished !== null && finished < filter.beforeFinishedAt)) return false;
  if (filter.afterFinishedAt !== undefined && !(finished !== null && finished > filter.afterFinishedAt)) return false;
  return true;
}

/** An index swap has no single indexUid; it matches a filter on either index it swaps. */
function swapTouches(task: Task, indexUids: Set<string>): boolean {
  return task.kind.type === 'indexSwap' && task.kind.swaps.some((swap) => swap.indexes.some((uid) => indexUids.has(uid)));
}
