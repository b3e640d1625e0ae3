import { describe, expect, it } from 'vitest';
import { searchDumpColumns } from './search-dump.ts';
import { CRON_PATTERN, MAX_AGE_PATTERN, searchDumpScheduleColumns, TIME_ZONE_PATTERN } from './search-dump-schedule.ts';

describe('kubectl get sd / sds', () => {
  it('shows instance, phase, size and age for SearchDumps (path with -o wide)', () => {
    expect(searchDumpColumns.filter((c) => !('priority' in c)).map((c) => `${c.name}:${c.jsonPath}`)).toEqual([
      'Instance:.spec.instanceRef.name',
      'Phase:.status.phase',
      'Size:.status.sizeBytes',
      'Age:.metadata.creationTimestamp',
    ]);
  });

  it('shows instance, schedule, suspend, last, next and age for SearchDumpSchedules', () => {
    expect(searchDumpScheduleColumns.map((c) => `${c.name}:${c.jsonPath}`)).toEqual([
      'Instance:.spec.instanceRef.name',
      'Schedule:.spec.schedule',
      'Suspend:.spec.suspend',
      'Last:.status.lastScheduleTime',
      'Next:.status.nextScheduleTime',
      'Age:.metadata.creationTimestamp',
    ]);
  });
});

describe('schedule field patterns (the CEL rules use the same regexes)', () => {
  it('checks each cron field against its range', () => {
    const re = new RegExp(CRON_PATTERN);
    for (const s of ['0 0 1 JAN,jul MON-FRI', '30 2 * * ?', '0-30/5 */2 1-15 * *', '59 23 31 12 7']) expect(re.test(s), s).toBe(true);
    for (const s of ['61 * * * *', '0 24 * * *', '0 0 0 * *', '* * * 13 *', '* * * * 8', '5/15 * * * *', 'a b c d e']) expect(re.test(s), s).toBe(false);
  });

  it('accepts IANA-shaped zone names and duration texts only', () => {
    const tz = new RegExp(TIME_ZONE_PATTERN);
    for (const s of ['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5']) expect(tz.test(s), s).toBe(true);
    for (const s of ['Europe Paris', '/Paris', '../etc', '']) expect(tz.test(s), s).toBe(false);
    const age = new RegExp(MAX_AGE_PATTERN);
    expect(['7d', '1w2d', '36h'].every((s) => age.test(s))).toBe(true);
    expect(['7', 'a week', '1.5d'].some((s) => age.test(s))).toBe(false);
  });
});
