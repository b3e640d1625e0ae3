import { describe, expect, it } from 'vitest';
import { concurrencyAction, decideSlot, dumpNameFor, immediateSlot, MAX_MISSED, parseSchedule, type Slots } from './schedule.ts';

function slots(schedule: string, timeZone?: string): Slots {
  const parsed = parseSchedule({ schedule, timeZone });
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.slots;
}

/** The n slots after `from`, as ISO strings (UTC). */
function after(s: Slots, from: string, n: number): string[] {
  const out: string[] = [];
  let t = new Date(from);
  for (let i = 0; i < n; i++) {
    t = s.after(t)!;
    out.push(t.toISOString());
  }
  return out;
}

const at = (iso: string) => new Date(iso);

describe('parseSchedule', () => {
  it('accepts 5-field cron and macros, in UTC by default', () => {
    expect(after(slots('0 3 * * *'), '2026-01-10T12:00:00Z', 2)).toEqual(['2026-01-11T03:00:00.000Z', '2026-01-12T03:00:00.000Z']);
    expect(after(slots('@hourly'), '2026-01-10T12:30:00Z', 1)).toEqual(['2026-01-10T13:00:00.000Z']);
    expect(after(slots('*/15 9-17 * * MON-FRI'), '2026-01-09T17:50:00Z', 2)).toEqual(['2026-01-12T09:00:00.000Z', '2026-01-12T09:15:00.000Z']);
  });

  it('matches day-of-month OR day-of-week when both are restricted (Vixie cron)', () => {
    // 1st of the month or any Monday: 2026-02-01 is a Sunday, 2026-02-02 a Monday.
    expect(after(slots('0 0 1 * 1'), '2026-01-31T12:00:00Z', 2)).toEqual(['2026-02-01T00:00:00.000Z', '2026-02-02T00:00:00.000Z']);
  });

  it('refuses bad expressions, unknown time zones and dates that never come, with readable messages', () => {
    expect(parseSchedule({ schedule: '61 * * * *' })).toMatchObject({ ok: false, reason: 'InvalidSchedule', message: expect.stringContaining('minute: 61') });
    expect(parseSchedule({ schedule: '0 0 3 * * *' })).toMatchObject({ ok: false, reason: 'InvalidSchedule', message: expect.stringContaining('5') });
    expect(parseSchedule({ schedule: '0 0 31 2 *' })).toMatchObject({ ok: false, reason: 'InvalidSchedule', message: 'schedule "0 0 31 2 *" never fires (no such date)' });
    expect(parseSchedule({ schedule: '0 3 * * *', timeZone: 'Europe/Pariss' })).toMatchObject({ ok: false, reason: 'InvalidTimeZone', message: expect.stringContaining('"Europe/Pariss" is not a known IANA time zone') });
  });
});

describe('time zones and DST', () => {
  it('reads the fields as wall-clock time of the time zone (winter and summer offsets)', () => {
    const paris = slots('0 3 * * *', 'Europe/Paris');
    expect(after(paris, '2026-01-10T12:00:00Z', 1)).toEqual(['2026-01-11T02:00:00.000Z']); // CET, UTC+1
    expect(after(paris, '2026-07-10T12:00:00Z', 1)).toEqual(['2026-07-11T01:00:00.000Z']); // CEST, UTC+2
    const ny = slots('0 3 * * *', 'America/New_York');
    expect(after(ny, '2026-01-10T12:00:00Z', 1)).toEqual(['2026-01-11T08:00:00.000Z']); // EST, UTC-5
    expect(after(ny, '2026-07-10T12:00:00Z', 1)).toEqual(['2026-07-11T07:00:00.000Z']); // EDT, UTC-4
  });

  it('Europe/Paris spring forward (29 March 2026, 02:00 -> 03:00): 02:30 runs at 03:00, once', () => {
    expect(after(slots('30 2 * * *', 'Europe/Paris'), '2026-03-27T12:00:00Z', 3)).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist: 03:00 CEST, the first minute after the gap
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
  });

  it('Europe/Paris fall back (25 October 2026, 03:00 -> 02:00): 02:30 runs once, at its first occurrence', () => {
    expect(after(slots('30 2 * * *', 'Europe/Paris'), '2026-10-24T12:00:00Z', 3)).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST; the second 02:30 (CET, 01:30Z) is not run again
      '2026-10-26T01:30:00.000Z',
      '2026-10-27T01:30:00.000Z',
    ]);
  });

  it('America/New_York spring forward (8 March 2026) and fall back (1 November 2026)', () => {
    expect(after(slots('30 2 * * *', 'America/New_York'), '2026-03-07T12:00:00Z', 2)).toEqual(['2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
    expect(after(slots('30 1 * * *', 'America/New_York'), '2026-10-31T12:00:00Z', 2)).toEqual(['2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z']);
  });

  it('keeps an hourly cadence in absolute time through both changes', () => {
    expect(after(slots('0 * * * *', 'America/New_York'), '2026-11-01T04:30:00Z', 3)).toEqual(['2026-11-01T05:00:00.000Z', '2026-11-01T06:00:00.000Z', '2026-11-01T07:00:00.000Z']);
    expect(after(slots('0 * * * *', 'Europe/Paris'), '2026-03-29T00:30:00Z', 2)).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z']);
  });
});

describe('decideSlot', () => {
  const everyMinute = slots('* * * * *');
  const hourly = slots('0 * * * *');

  it('runs nothing before the first slot and says when it comes', () => {
    expect(decideSlot(hourly, { since: at('2026-01-01T10:00:05Z'), now: at('2026-01-01T10:30:00Z'), startingDeadlineSeconds: 300 })).toEqual({ missed: 0, tooManyMissed: false, next: at('2026-01-01T11:00:00Z') });
  });

  it('runs the slot that just came', () => {
    expect(decideSlot(hourly, { since: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T11:00:00.200Z'), startingDeadlineSeconds: 300 })).toEqual({
      due: at('2026-01-01T11:00:00Z'),
      missed: 0,
      tooManyMissed: false,
      next: at('2026-01-01T12:00:00Z'),
    });
  });

  it('catches up at most once: only the most recent of several missed slots runs', () => {
    const d = decideSlot(everyMinute, { since: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:05:30Z') });
    expect(d).toEqual({ due: at('2026-01-01T10:05:00Z'), missed: 4, tooManyMissed: false, next: at('2026-01-01T10:06:00Z') });
  });

  it('skips a slot older than startingDeadlineSeconds and counts it as missed', () => {
    // Operator down from 10:50 to 11:10: the 11:00 slot is 10 minutes late, past a 5 minute deadline.
    expect(decideSlot(hourly, { since: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T11:10:00Z'), startingDeadlineSeconds: 300 })).toEqual({
      missed: 1,
      tooManyMissed: false,
      next: at('2026-01-01T12:00:00Z'),
    });
    // Within the deadline it still runs, late.
    expect(decideSlot(hourly, { since: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T11:04:00Z'), startingDeadlineSeconds: 300 }).due).toEqual(at('2026-01-01T11:00:00Z'));
    const d = decideSlot(everyMinute, { since: at('2026-01-01T10:00:00Z'), now: at('2026-01-01T10:05:30Z'), startingDeadlineSeconds: 60 });
    expect(d).toMatchObject({ due: at('2026-01-01T10:05:00Z'), missed: 4 });
  });

  it('reports too many missed slots after a long outage without a deadline, and still runs only the last one', () => {
    const d = decideSlot(everyMinute, { since: at('2025-01-01T00:00:00Z'), now: at('2026-01-02T00:00:30Z') });
    expect(d.due).toEqual(at('2026-01-02T00:00:00Z'));
    expect(d.tooManyMissed).toBe(true);
    expect(d.missed).toBeGreaterThan(MAX_MISSED);
    const daily = decideSlot(slots('0 3 * * *', 'Europe/Paris'), { since: at('2020-01-01T00:00:00Z'), now: at('2026-07-10T12:00:00Z') });
    expect(daily.due).toEqual(at('2026-07-10T01:00:00Z'));
    expect(daily.tooManyMissed).toBe(true);
  });

  it('with a deadline, an outage of any length costs only the slots past it', () => {
    const d = decideSlot(everyMinute, { since: at('2025-01-01T00:00:00Z'), now: at('2026-01-02T00:00:30Z'), startingDeadlineSeconds: 120 });
    expect(d.due).toEqual(at('2026-01-02T00:00:00Z'));
    expect(d.tooManyMissed).toBe(true); // more than 100 slots were skipped: worth an event
  });

  it('runs a DST-shifted slot once: the fall-back hour does not bring the same daily slot twice', () => {
    const paris = slots('30 2 * * *', 'Europe/Paris');
    const first = decideSlot(paris, { since: at('2026-10-24T12:00:00Z'), now: at('2026-10-25T00:31:00Z'), startingDeadlineSeconds: 300 });
    expect(first.due).toEqual(at('2026-10-25T00:30:00Z'));
    // An hour later the wall clock says 02:31 again; nothing is due.
    expect(decideSlot(paris, { since: first.due!, now: at('2026-10-25T01:31:00Z'), startingDeadlineSeconds: 300 })).toEqual({ missed: 0, tooManyMissed: false, next: at('2026-10-26T01:30:00Z') });
  });
});

describe('concurrencyAction', () => {
  it('creates when nothing runs, whatever the policy', () => {
    for (const p of ['Forbid', 'Allow', 'Replace'] as const) expect(concurrencyAction(p, 0)).toBe('create');
  });
  it('Forbid skips, Allow creates beside, Replace replaces a running dump', () => {
    expect(concurrencyAction('Forbid', 1)).toBe('skip');
    expect(concurrencyAction('Allow', 2)).toBe('create');
    expect(concurrencyAction('Replace', 1)).toBe('replace');
  });
});

describe('names', () => {
  it('names a slot\'s dump <schedule>-<unix minutes>, the same after any restart', () => {
    expect(dumpNameFor('nightly', at('2026-01-01T03:00:00Z'))).toBe('nightly-29453940');
    expect(dumpNameFor('nightly', at('2026-01-01T03:00:59Z'))).toBe('nightly-29453940');
  });
  it('gives the immediate run the creation minute', () => {
    expect(immediateSlot(at('2026-01-01T03:00:42.5Z'))).toEqual(at('2026-01-01T03:00:00Z'));
  });
});
