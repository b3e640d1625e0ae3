// SearchDumpSchedule: creates SearchDumps on a cron schedule, like a CronJob creates Jobs, and
// prunes the oldest beyond the history limits (its controller is a later issue).
import { localRefSchema, type CustomObject, type LocalObjectReference } from './common.ts';
import { arr, bool, int, obj, str, timestamp, type Schema } from './schema.ts';

export const SEARCH_DUMP_SCHEDULE = {
  kind: 'SearchDumpSchedule',
  listKind: 'SearchDumpScheduleList',
  plural: 'searchdumpschedules',
  singular: 'searchdumpschedule',
  shortNames: ['sds'],
} as const;

export interface SearchDumpScheduleSpec {
  instanceRef: LocalObjectReference;
  schedule: string;
  timeZone?: string;
  suspend?: boolean;
  concurrencyPolicy?: 'Forbid' | 'Allow' | 'Replace';
  startingDeadlineSeconds?: number;
  successfulDumpsHistoryLimit?: number;
  failedDumpsHistoryLimit?: number;
  immediate?: boolean;
}

export interface SearchDumpScheduleStatus {
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  nextScheduleTime?: string;
  active?: string[];
}

export type SearchDumpSchedule = CustomObject<SearchDumpScheduleSpec, SearchDumpScheduleStatus>;

/** Five cron fields (minute hour day-of-month month day-of-week) or a macro such as @daily. */
export const CRON_PATTERN = '^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|([^\\s]+\\s+){4}[^\\s]+)$';

export const searchDumpScheduleSchema: Schema = obj(
  {
    spec: obj(
      {
        instanceRef: { ...localRefSchema('The SearchInstance to dump.'), 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'instanceRef cannot be changed; create another schedule' }] },
        schedule: str('Standard 5-field cron expression, e.g. "0 3 * * *", or a macro like @daily.', { pattern: CRON_PATTERN }),
        timeZone: str('IANA time zone of the schedule, e.g. Europe/Paris; UTC when omitted.', { minLength: 1 }),
        suspend: bool('Stop creating dumps (running ones finish).', { default: false }),
        concurrencyPolicy: str('What to do when a slot comes while a dump is still running.', { enum: ['Forbid', 'Allow', 'Replace'], default: 'Forbid' }),
        startingDeadlineSeconds: int('A slot missed by more than this is skipped.', { minimum: 0, default: 300 }),
        successfulDumpsHistoryLimit: int('Succeeded dumps kept (with their files).', { minimum: 0, default: 7 }),
        failedDumpsHistoryLimit: int('Failed dumps kept.', { minimum: 0, default: 3 }),
        immediate: bool('Also take one dump right away when the schedule is created.', { default: false }),
      },
      { required: ['instanceRef', 'schedule'] },
    ),
    status: obj({
      lastScheduleTime: timestamp('Slot time of the last dump created.'),
      lastSuccessfulTime: timestamp('When the last dump succeeded.'),
      nextScheduleTime: timestamp('Next slot.'),
      active: arr(str('SearchDump name.'), 'SearchDumps of this schedule still running.'),
    }),
  },
  { required: ['spec'] },
);

export const searchDumpScheduleColumns = [
  { name: 'Instance', type: 'string', jsonPath: '.spec.instanceRef.name' },
  { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
  { name: 'Last', type: 'date', jsonPath: '.status.lastScheduleTime' },
  { name: 'Next', type: 'date', jsonPath: '.status.nextScheduleTime' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];
