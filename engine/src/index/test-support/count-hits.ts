/**
 * Wraps `object[method]` so that `hit()` runs after each call that returns something (not
 * undefined): how the property tests check that a cache or prepared entry was actually read.
 */
export function countHits<O extends object, K extends keyof O>(object: O, method: K, hit: () => void): void {
  const original = (object[method] as (...args: unknown[]) => unknown).bind(object);
  object[method] = ((...args: unknown[]) => {
    const got = original(...args);
    if (got !== undefined) hit();
    return got;
  }) as O[K];
}
