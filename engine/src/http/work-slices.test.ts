import { describe, expect, it } from 'vitest';
import { WorkSlices } from './work-slices.ts';

/** A clock that only jobs move: `spin(ms)` is a job taking that long. */
let clock = 0;
const now = (): number => clock;
function spin(ms: number): void {
  clock += ms;
}

describe('work slices', () => {
  it('run jobs in arrival order, a slice of the event loop at a time, letting other callbacks in between', async () => {
    const slices = new WorkSlices(5, 5, now);
    const log: string[] = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      slices.run(() => {
        spin(3);
        log.push(`job ${i}`);
        return i;
      }),
    );
    // A callback queued after the jobs, as an I/O callback or another request would be.
    setImmediate(() => log.push('other'));
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5]);
    // 3 ms jobs in 5 ms slices: two per slice, the other callback after the first slice.
    expect(log).toEqual(['job 0', 'job 1', 'other', 'job 2', 'job 3', 'job 4', 'job 5']);
    expect(slices.waiting).toBe(0);
  });

  it('run one job per slice when a job alone is longer than a slice', async () => {
    const slices = new WorkSlices(1, 1, now);
    const log: string[] = [];
    const jobs = [0, 1, 2].map((i) => slices.run(() => { spin(3); log.push(`job ${i}`); }));
    setImmediate(() => log.push('other'));
    await Promise.all(jobs);
    expect(log).toEqual(['job 0', 'other', 'job 1', 'job 2']);
  });

  it('give searches as long a slice as the other work had since the previous one, within bounds', async () => {
    const slices = new WorkSlices(5, 50, now);
    const log: string[] = [];
    const jobs = Array.from({ length: 40 }, (_, i) => slices.run(() => { spin(3); log.push('j'); return i; }));
    // Other work between slices: 20 ms after the first one, none after the others.
    let turn = 0;
    const other = (): void => {
      spin(turn++ === 0 ? 20 : 0);
      log.push('|');
      if (slices.waiting > 0) setImmediate(other);
    };
    setImmediate(other);
    await Promise.all(jobs);
    const sizes = log.join('').split('|').map((run) => run.length);
    // 50 ms first (nothing ran before it), then the 20 ms the other work took, then the minimum.
    expect(sizes.slice(0, 5)).toEqual([17, 7, 2, 2, 2]);
  });

  it("reject a job's promise with its error and go on with the others", async () => {
    const slices = new WorkSlices(5, 5, now);
    const failing = slices.run(() => {
      throw new Error('bad query');
    });
    const next = slices.run(() => 'ok');
    await expect(failing).rejects.toThrow('bad query');
    expect(await next).toBe('ok');
  });
});
