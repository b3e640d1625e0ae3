// Pure schedule arithmetic: which cron slot is due now, how many were missed, and when the next
// one comes. No clock is read here: `now` is always given, so every rule is tested with any
// instant, time zone and DST change (schedule.test.ts).
//
// Cron evaluation is croner's (5-field mode, Vixie cron semantics, day-of-month OR day-of-week),
// in the schedule's IANA time zone. Across DST changes a wall-clock time that does not exist
// (spring forward) runs at the first minute after the gap, and one that happens twice (fall back)
// runs once, at its first occurrence; sub-hourly patterns keep their cadence in absolute time.
//
// Missed slots follow the CronJob controller's rules:
//   - the window starts at the last scheduled slot (or the schedule's creation), but never
//     earlier than now - startingDeadlineSeconds when that is set;
//   - of the slots in (window start, now] only the most recent one is run: at most one catch-up;
//   - the older ones are reported as missed; more than MAX_MISSED of them is reported as "too
//     many missed" (a clock jump or a long outage), still running only the most recent one.
import { Cron } from 'croner';

export const MAX_MISSED = 100;

export interface ScheduleSpec {
  schedule: string;
  timeZone?: string | undefined;
}

/** A parsed schedule: the slots it fires at. */
export interface Slots {
  /** The first slot strictly after `t`, or undefined when none ever comes. */
  after(t: Date): Date | undefined;
}

export type ParsedSchedule = { ok: true; slots: Slots } | { ok: false; reason: 'InvalidTimeZone' | 'InvalidSchedule'; message: string };

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses and checks a schedule; the message is meant for a status condition and an event. */
export function parseSchedule(spec: ScheduleSpec, probe: Date = new Date(0)): ParsedSchedule {
  const timeZone = spec.timeZone ?? 'UTC';
  if (!isTimeZone(timeZone)) return { ok: false, reason: 'InvalidTimeZone', message: `timeZone "${timeZone}" is not a known IANA time zone (e.g. Europe/Paris, America/New_York, UTC)` };
  let cron: Cron;
  try {
    cron = new Cron(spec.schedule, { timezone: timeZone, mode: '5-part', paused: true });
  } catch (e) {
    return { ok: false, reason: 'InvalidSchedule', message: `schedule "${spec.schedule}" is not a valid 5-field cron expression: ${(e as Error).message.replace(/^CronPattern: /, '')}` };
  }
  // A pattern can be well formed and still never fire (31 February); say so instead of idling.
  if (!cron.nextRun(probe)) return { ok: false, reason: 'InvalidSchedule', message: `schedule "${spec.schedule}" never fires (no such date)` };
  return { ok: true, slots: { after: (t) => cron.nextRun(t) ?? undefined } };
}

export interface SlotInput {
  /** status.lastScheduleTime, else the schedule's creation time. */
  since: Date;
  now: Date;
  startingDeadlineSeconds?: number | undefined;
}

export interface SlotDecision {
  /** The slot to run now (the most recent one in the window), if any. */
  due?: Date;
  /** Slots since `since` that will never run: older ones in the window, or past the deadline. */
  missed: number;
  /** More than MAX_MISSED slots were missed (counting stops there). */
  tooManyMissed: boolean;
  /** The first slot after now. */
  next?: Date;
}

/** Which slot is due at `now`, given the last one scheduled (see the header for the rules). */
export function decideSlot(slots: Slots, input: SlotInput): SlotDecision {
  const { since, now } = input;
  const deadline = input.startingDeadlineSeconds;
  const windowStart = deadline === undefined ? since : new Date(Math.max(since.getTime(), now.getTime() - deadline * 1000));
  // Slots after `since` but before the window: they were missed and are past their deadline.
  let missed = 0;
  let t = slots.after(since);
  while (t && t.getTime() <= windowStart.getTime() && missed <= MAX_MISSED) {
    missed++;
    t = slots.after(t);
  }
  if (missed > MAX_MISSED) t = slots.after(windowStart);
  let due: Date | undefined;
  let inWindow = 0;
  while (t && t.getTime() <= now.getTime()) {
    inWindow++;
    due = t;
    if (inWindow + missed > MAX_MISSED + 1) {
      // A long outage without a deadline: jump to the last slot before now instead of walking.
      due = lastSlotAtOrBefore(slots, t, now);
      break;
    }
    t = slots.after(t);
  }
  const total = missed + Math.max(0, inWindow - 1);
  const next = slots.after(now);
  return { ...(due ? { due } : {}), missed: total, tooManyMissed: total > MAX_MISSED, ...(next ? { next } : {}) };
}

/**
 * The last slot <= now, given a slot `from` <= now that has later slots <= now. after(x) grows
 * with x, so the largest x whose next slot is still <= now is found by bisection (about 40 steps
 * for years of minutes); the answer is that x's next slot.
 */
function lastSlotAtOrBefore(slots: Slots, from: Date, now: Date): Date {
  let lo = from.getTime(); // after(lo) <= now
  let hi = now.getTime(); // after(hi) > now
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const n = slots.after(new Date(mid));
    if (n && n.getTime() <= now.getTime()) lo = mid;
    else hi = mid;
  }
  return slots.after(new Date(lo)) ?? from;
}

export type ConcurrencyPolicy = 'Forbid' | 'Allow' | 'Replace';

/** What to do with a due slot while dumps of the schedule are still running. */
export function concurrencyAction(policy: ConcurrencyPolicy, activeCount: number): 'create' | 'skip' | 'replace' {
  if (activeCount === 0) return 'create';
  if (policy === 'Allow') return 'create';
  return policy === 'Replace' ? 'replace' : 'skip';
}

/** Deterministic child name: <schedule>-<unix minutes of the slot>, as CronJob names its Jobs. */
export function dumpNameFor(schedule: string, slot: Date): string {
  return `${schedule}-${Math.floor(slot.getTime() / 60_000)}`;
}

/** The slot of the immediate run: the schedule's creation minute (stable across restarts). */
export function immediateSlot(created: Date): Date {
  return new Date(Math.floor(created.getTime() / 60_000) * 60_000);
}
