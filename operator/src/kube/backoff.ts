// Exponential backoff: base * factor^n, capped, with optional jitter so that many retrying
// workers do not hit the apiserver in step.

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  factor?: number;
  /** 0..1: the delay is reduced by up to this fraction at random. */
  jitter?: number;
  random?: () => number;
}

export function backoffDelay(attempt: number, o: BackoffOptions): number {
  const raw = Math.min(o.maxMs, o.baseMs * Math.pow(o.factor ?? 2, attempt));
  const j = o.jitter ?? 0;
  return j > 0 ? Math.round(raw * (1 - j * (o.random ?? Math.random)())) : raw;
}

export class Backoff {
  readonly #o: BackoffOptions;
  #attempt = 0;

  constructor(o: BackoffOptions) {
    this.#o = o;
  }

  next(): number {
    return backoffDelay(this.#attempt++, this.#o);
  }

  reset(): void {
    this.#attempt = 0;
  }

  get attempts(): number {
    return this.#attempt;
  }
}
