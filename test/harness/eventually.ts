import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `fn` until it returns a value that is not undefined/false; throws with the last state on
 * timeout. An error `fatal` accepts ends the wait at once (a bench's "this will never happen").
 * Free of vitest, so benchmark scripts use it too.
 */
export async function eventually<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  intervalMs = 250,
  fatal: (error: unknown) => boolean = () => false,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (e) {
      if (fatal(e)) throw e;
      last = e;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(intervalMs);
  }
}
