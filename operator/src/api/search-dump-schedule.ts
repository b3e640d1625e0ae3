// SearchDumpSchedule: creates SearchDumps on a cron schedule, like a CronJob creates Jobs, and
// prunes the oldest beyond the history limits (controller: operator/src/controllers/search-dump-schedule).
import { conditionsSchema, localRefSchema, type Condition, type CustomObject, type LocalObjectReference } from './common.ts';
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
  /** Finished dumps older than this ("7d", "36h", "1w2d") are pruned, except the newest successful one. */
  maxAge?: string;
  immediate?: boolean;
}

export interface SearchDumpScheduleStatus {
  lastScheduleTime?: string;
  lastSuccessfulTime?: string;
  nextScheduleTime?: string;
  active?: string[];
  conditions?: Condition[];
}

export type SearchDumpSchedule = CustomObject<SearchDumpScheduleSpec, SearchDumpScheduleStatus>;

/**
 * Five cron fields (minute hour day-of-month month day-of-week) or a macro such as @daily. Each
 * field is a list of `*`, values, ranges and steps within that field's bounds (names for months
 * and weekdays), so most mistakes are refused by the apiserver itself; what a pattern cannot see
 * (a date that never comes, such as 31 February) is reported by the controller in a condition.
 */
function cronField(value: string, extra = ''): string {
  // Steps only after * or a range, as in Vixie cron: "5/15" is refused, "5-59/15" is the way.
  const item = `(\\*|${value}-${value})/[0-9]+|\\*${extra}|${value}(-${value})?`;
  return `(${item})(,(${item}))*`;
}
const MINUTE = '[0-5]?[0-9]';
const HOUR = '(2[0-3]|[01]?[0-9])';
const DAY = '(3[01]|[12][0-9]|0?[1-9])';
/** jan|Jan|JAN: names in the three spellings people write (RE2 and JavaScript both read this). */
const names = (list: string): string => list.split(' ').flatMap((n) => [n, n[0]!.toUpperCase() + n.slice(1), n.toUpperCase()]).join('|');
const MONTH = `(1[0-2]|0?[1-9]|${names('jan feb mar apr may jun jul aug sep oct nov dec')})`;
const WEEKDAY = `([0-7]|${names('sun mon tue wed thu fri sat')})`;
const FIELDS = [cronField(MINUTE), cronField(HOUR), cronField(DAY, '|\\?'), cronField(MONTH), cronField(WEEKDAY, '|\\?')];
export const CRON_PATTERN = `^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|${FIELDS.map((f) => `(${f})`).join(' +')})$`;
export const CRON_MESSAGE = 'schedule must be 5 cron fields "minute hour day-of-month month day-of-week" within their ranges (0-59, 0-23, 1-31, 1-12 or jan-dec, 0-7 or sun-sat), e.g. "0 3 * * *", or a macro such as @daily';

/** IANA time zone names: Area/Location[/Sub], or UTC-like single names. Existence is checked in code. */
export const TIME_ZONE_PATTERN = '^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$';
/** A duration in weeks, days, hours, minutes and seconds: 7d, 36h, 1w2d, 90m. */
export const MAX_AGE_PATTERN = '^([0-9]+(w|d|h|m|s))+$';

export const searchDumpScheduleSchema: Schema = obj(
  {
    spec: obj(
      {
        instanceRef: { ...localRefSchema('The SearchInstance to dump.'), 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'instanceRef cannot be changed; create another schedule' }] },
        schedule: str('Standard 5-field cron expression, e.g. "0 3 * * *", or a macro like @daily.', {
          maxLength: 200,
          'x-kubernetes-validations': [{ rule: `self.matches(${JSON.stringify(CRON_PATTERN)})`, message: CRON_MESSAGE }],
        }),
        timeZone: str('IANA time zone of the schedule, e.g. Europe/Paris; UTC when omitted.', {
          minLength: 1,
          maxLength: 64,
          'x-kubernetes-validations': [{ rule: `self.matches(${JSON.stringify(TIME_ZONE_PATTERN)})`, message: 'timeZone must be an IANA time zone name such as Europe/Paris or America/New_York' }],
        }),
        suspend: bool('Stop creating dumps (running ones finish).', { default: false }),
        concurrencyPolicy: str('What to do when a slot comes while a dump is still running.', { enum: ['Forbid', 'Allow', 'Replace'], default: 'Forbid' }),
        startingDeadlineSeconds: int('A slot missed by more than this is skipped.', { minimum: 0, default: 300 }),
        successfulDumpsHistoryLimit: int('Succeeded dumps kept (with their files); at least 1, so the newest good dump is never pruned.', { minimum: 1, default: 7 }),
        failedDumpsHistoryLimit: int('Failed dumps kept.', { minimum: 0, default: 3 }),
        maxAge: str('Finished dumps older than this (e.g. 7d, 36h, 1w2d) are pruned too, except the newest successful one.', {
          maxLength: 32,
          'x-kubernetes-validations': [{ rule: `self.matches(${JSON.stringify(MAX_AGE_PATTERN)})`, message: 'maxAge must be a duration such as 7d, 36h, 90m or 1w2d' }],
        }),
        immediate: bool('Also take one dump right away when the schedule is created.', { default: false }),
      },
      { required: ['instanceRef', 'schedule'] },
    ),
    status: obj({
      lastScheduleTime: timestamp('Slot time of the last dump created.'),
      lastSuccessfulTime: timestamp('When the last dump succeeded.'),
      nextScheduleTime: timestamp('Next slot.'),
      active: arr(str('SearchDump name.'), 'SearchDumps of this schedule still running.'),
      conditions: conditionsSchema,
    }),
  },
  { required: ['spec'] },
);

export const searchDumpScheduleColumns = [
  { name: 'Instance', type: 'string', jsonPath: '.spec.instanceRef.name' },
  { name: 'Schedule', type: 'string', jsonPath: '.spec.schedule' },
  { name: 'Suspend', type: 'boolean', jsonPath: '.spec.suspend' },
  { name: 'Last', type: 'date', jsonPath: '.status.lastScheduleTime' },
  { name: 'Next', type: 'date', jsonPath: '.status.nextScheduleTime' },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];
