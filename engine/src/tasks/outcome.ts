import type { ErrorObject } from '../errors/engine-error.ts';

/** What processing decided for one task of a batch. */
export interface Outcome {
  status: 'succeeded' | 'failed' | 'canceled';
  details?: Record<string, unknown>;
  error?: ErrorObject;
}

/** ISO 8601 duration between two instants, as Meilisearch writes it (`PT0.012345S`). */
export function isoDuration(startMs: number, endMs: number): string {
  const seconds = Math.max(0, endMs - startMs) / 1000;
  return `PT${seconds.toFixed(6).replace(/\.?0+$/, '') || '0'}S`;
}
