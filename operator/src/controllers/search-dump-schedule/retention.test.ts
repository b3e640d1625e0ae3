import { describe, expect, it } from 'vitest';
import { dumpsToPrune, parseMaxAge, type DumpRecord } from './retention.ts';

const day = 86_400_000;
const now = new Date('2026-06-30T00:00:00Z');

/** Dump `i` days old, completed an hour after its slot. */
function dump(name: string, phase: DumpRecord['phase'], daysOld: number): DumpRecord {
  const slot = new Date(now.getTime() - daysOld * day);
  return { name, phase, slot, ...(phase === 'Succeeded' || phase === 'Failed' ? { completedAt: new Date(slot.getTime() + 3_600_000) } : {}) };
}

describe('dumpsToPrune', () => {
  const history = [
    dump('s1', 'Succeeded', 5),
    dump('s2', 'Succeeded', 4),
    dump('f1', 'Failed', 3.5),
    dump('s3', 'Succeeded', 3),
    dump('f2', 'Failed', 2.5),
    dump('s4', 'Succeeded', 2),
    dump('f3', 'Failed', 1.5),
    dump('s5', 'Succeeded', 1),
    dump('r1', 'Running', 0),
    dump('p1', 'Pending', 0),
  ];

  it('keeps the newest N succeeded and M failed, pruning the oldest first', () => {
    expect(dumpsToPrune(history, { successfulLimit: 3, failedLimit: 1, now })).toEqual(['s1', 's2', 'f1', 'f2']);
    expect(dumpsToPrune(history, { successfulLimit: 7, failedLimit: 3, now })).toEqual([]);
    expect(dumpsToPrune(history, { successfulLimit: 1, failedLimit: 0, now })).toEqual(['s1', 's2', 'f1', 's3', 'f2', 's4', 'f3']);
  });

  it('never prunes a dump that is still pending or running', () => {
    expect(dumpsToPrune(history, { successfulLimit: 1, failedLimit: 0, maxAgeMs: 1, now })).not.toEqual(expect.arrayContaining(['r1', 'p1']));
  });

  it('prunes finished dumps older than maxAge too', () => {
    expect(dumpsToPrune(history, { successfulLimit: 10, failedLimit: 10, maxAgeMs: 2.8 * day, now })).toEqual(['s1', 's2', 'f1', 's3']);
  });

  it('never prunes the newest successful dump for age, however old it is', () => {
    const old = [dump('a', 'Succeeded', 40), dump('b', 'Succeeded', 30), dump('c', 'Failed', 20)];
    expect(dumpsToPrune(old, { successfulLimit: 7, failedLimit: 3, maxAgeMs: 7 * day, now })).toEqual(['a', 'c']);
  });

  it('keeps protected dumps (an instance bootstraps or upgrades from them)', () => {
    expect(dumpsToPrune(history, { successfulLimit: 3, failedLimit: 1, now, protectedNames: new Set(['s1']) })).toEqual(['s2', 'f1', 'f2']);
  });
});

describe('parseMaxAge', () => {
  it('reads weeks, days, hours, minutes and seconds, combined', () => {
    expect(parseMaxAge('7d')).toBe(7 * day);
    expect(parseMaxAge('36h')).toBe(36 * 3_600_000);
    expect(parseMaxAge('1w2d')).toBe(9 * day);
    expect(parseMaxAge('90m')).toBe(90 * 60_000);
    expect(parseMaxAge('45s')).toBe(45_000);
  });
  it('refuses anything else', () => {
    for (const s of ['', '7', 'd', '1.5d', '7 days', '-1d']) expect(parseMaxAge(s), s).toBeUndefined();
  });
});
