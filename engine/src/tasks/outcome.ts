import type { ErrorObject } from '../errors/engine-error.ts';

/** What processing decided for one task of a batch. */
export interface Outcome {
  status: 'succeeded' | 'failed' | 'canceled';
  details?: Record<string, unknown>;
  error?: ErrorObject;
}
