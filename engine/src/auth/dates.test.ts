import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseExpiresAt, rfc3339ToEpochMs } from './dates.ts';

const now = new Date('2030-01-01T00:00:00Z');

describe('parseExpiresAt', () => {
  it('accepts RFC 3339 and keeps its offset, as the time crate formats it', () => {
    expect(parseExpiresAt('2050-11-13T00:00:00Z', now)).toBe('2050-11-13T00:00:00Z');
    expect(parseExpiresAt('2050-11-13t10:20:30z', now)).toBe('2050-11-13T10:20:30Z');
    expect(parseExpiresAt('2050-11-13T00:00:00.000Z', now)).toBe('2050-11-13T00:00:00Z');
    expect(parseExpiresAt('2050-11-13T00:00:00.120Z', now)).toBe('2050-11-13T00:00:00.12Z');
    expect(parseExpiresAt('2050-11-13T00:00:00.123456789123Z', now)).toBe('2050-11-13T00:00:00.123456789Z');
    expect(parseExpiresAt('2050-11-13T02:00:00+02:00', now)).toBe('2050-11-13T02:00:00+02:00');
    expect(parseExpiresAt('2050-11-13T02:00:00-00:00', now)).toBe('2050-11-13T02:00:00Z');
  });

  it('reads the offset-less forms as UTC', () => {
    expect(parseExpiresAt('2050-11-13', now)).toBe('2050-11-13T00:00:00Z');
    expect(parseExpiresAt('2050-11-13T00:00:00', now)).toBe('2050-11-13T00:00:00Z');
    expect(parseExpiresAt('2050-11-13 08:30:00', now)).toBe('2050-11-13T08:30:00Z');
  });

  it('rejects past dates and now itself', () => {
    expect(parseExpiresAt('2010-11-13T00:00:00Z', now)).toBeUndefined();
    expect(parseExpiresAt('2030-01-01T00:00:00Z', now)).toBeUndefined();
    expect(parseExpiresAt('2030-01-01T00:00:00.001Z', now)).toBe('2030-01-01T00:00:00.001Z');
    expect(parseExpiresAt('2030-01-01T01:00:00+01:00', now)).toBeUndefined();
  });

  it('rejects malformed or impossible dates', () => {
    for (const input of ['doggo', '2050-13-01', '2050-02-30', '2100-02-29', '2050-11-13T24:00:00Z', '2050-11-13T00:00:60Z', '2050-11-13T00:00', '2050-11-13t00:00:00', '2050-11-13T00:00:00.Z', '2050-11-13T00:00:00+24:00', '50-11-13', ' 2050-11-13']) {
      expect(parseExpiresAt(input, now), input).toBeUndefined();
    }
    expect(parseExpiresAt('2048-02-29', now)).toBe('2048-02-29T00:00:00Z');
  });
});

describe('rfc3339ToEpochMs and formatTimestamp', () => {
  it('reads stored dates, offsets and fractions included', () => {
    expect(rfc3339ToEpochMs('2050-11-13T02:00:00+02:00')).toBe(Date.parse('2050-11-13T00:00:00Z'));
    expect(rfc3339ToEpochMs('2050-11-13T00:00:00.5Z')).toBe(Date.parse('2050-11-13T00:00:00.500Z'));
    expect(rfc3339ToEpochMs('garbage')).toBeUndefined();
  });

  it('writes UTC with trimmed sub-seconds', () => {
    expect(formatTimestamp(new Date('2024-05-06T07:08:09.000Z'))).toBe('2024-05-06T07:08:09Z');
    expect(formatTimestamp(new Date('2024-05-06T07:08:09.120Z'))).toBe('2024-05-06T07:08:09.12Z');
    expect(formatTimestamp(new Date('2024-05-06T07:08:09.007Z'))).toBe('2024-05-06T07:08:09.007Z');
  });
});
