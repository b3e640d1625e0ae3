import { describe, expect, it } from 'vitest';
import { compareTimestamps, dumpUidFor, isoDuration, parseTimestamp } from './time.ts';

describe('dumpUidFor', () => {
  it('formats the UTC start time as YYYYMMDD-HHMMSSmmm', () => {
    expect(dumpUidFor(new Date('2022-06-21T16:10:29.217Z'))).toBe('20220621-161029217');
    expect(dumpUidFor(new Date('2025-01-02T03:04:05.006Z'))).toBe('20250102-030405006');
  });
});

describe('isoDuration', () => {
  it('prints the fraction with 3, 6 or 9 digits like Meilisearch', () => {
    expect(isoDuration('2025-01-01T00:00:00Z', '2025-01-01T00:00:00.012Z')).toBe('PT0.012S');
    expect(isoDuration('2025-01-01T00:00:00Z', '2025-01-01T00:00:01.000123Z')).toBe('PT1.000123S');
    expect(isoDuration('2025-02-04T10:15:21.275640274Z', '2025-02-04T10:15:21.420468164Z')).toBe('PT0.144827890S');
    expect(isoDuration('2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toBe('PT0S');
  });
  it('splits days off and omits the time part when it is zero', () => {
    expect(isoDuration('2025-01-01T00:00:00Z', '2025-01-02T00:00:02Z')).toBe('P1DT2S');
    expect(isoDuration('2025-01-01T00:00:00Z', '2025-01-03T00:00:00Z')).toBe('P2D');
  });
  it('is null without both dates or for a negative interval', () => {
    expect(isoDuration(null, '2025-01-01T00:00:00Z')).toBeNull();
    expect(isoDuration('2025-01-01T00:00:01Z', '2025-01-01T00:00:00Z')).toBeNull();
  });
});

describe('timestamps', () => {
  it('compare with nanosecond precision and time zone offsets', () => {
    expect(compareTimestamps('2022-10-07T11:38:54.743898990Z', '2022-10-07T11:38:54.74389899Z')).toBe(0);
    expect(compareTimestamps('2022-10-07T11:38:54.000000001Z', '2022-10-07T11:38:54Z')).toBe(1);
    expect(compareTimestamps('2022-10-07T13:00:00+02:00', '2022-10-07T11:00:00Z')).toBe(0);
    expect(parseTimestamp('not a date')).toBeNull();
  });
});
