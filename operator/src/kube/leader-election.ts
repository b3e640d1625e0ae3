// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: try to acquire or renew
// every retryPeriod; a lease held by another is only taken once it has not changed for
// leaseDuration as measured on OUR clock (the holder's renewTime is never compared with our time,
// so clock skew cannot split the brain); a leader that cannot renew within renewDeadline stops
// leading at once. renewDeadline < leaseDuration leaves a gap in which nobody acts.
import type { V1Lease } from '@kubernetes/client-node';
import type { Clock } from './clock.ts';
import type { KubeApi } from './client.ts';
import { errMessage, isNotFound } from './errors.ts';
import { LEASES } from './resource.ts';

export interface LeaderElectionOptions {
  api: KubeApi;
  clock: Clock;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  log?: (msg: string) => void;
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectionOptions, 'log'>> & Pick<LeaderElectionOptions, 'log'>;
  #observed = '';
  #observedAt = 0;
  #lastRenew = 0;
  #leading = false;

  constructor(o: LeaderElectionOptions) {
    this.#o = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, ...o };
    if (this.#o.renewDeadlineMs >= this.#o.leaseDurationMs) throw new Error('renewDeadline must be shorter than leaseDuration');
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** Blocks until this process holds the lease (or the signal aborts: returns false). */
  async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) {
        this.#leading = true;
        return true;
      }
      await this.#o.clock.sleep(this.#o.retryPeriodMs, signal);
    }
    return false;
  }

  /**
   * Renews until renewal fails for renewDeadline (resolves: leadership lost) or the signal aborts.
   * An attempt still pending at the deadline counts as failed (client-go bounds it the same way):
   * a renewal stuck on a hung apiserver must not keep a leader acting past its deadline.
   */
  async holdUntilLost(signal: AbortSignal): Promise<'lost' | 'stopped'> {
    while (!signal.aborted) {
      await this.#o.clock.sleep(this.#o.retryPeriodMs, signal);
      if (signal.aborted) break;
      const left = this.#lastRenew + this.#o.renewDeadlineMs - this.#o.clock.now();
      const ok = await this.#within(this.tryAcquireOrRenew(), Math.max(left, 0), signal);
      if (ok !== true && this.#o.clock.now() - this.#lastRenew >= this.#o.renewDeadlineMs) {
        this.#leading = false;
        return 'lost';
      }
    }
    return 'stopped';
  }

  /** The attempt's outcome, or 'late' when it has not settled within ms. */
  async #within(attempt: Promise<boolean>, ms: number, signal: AbortSignal): Promise<boolean | 'late'> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await Promise.race([attempt, this.#o.clock.sleep(ms, stop.signal).then(() => 'late' as const)]);
    } finally {
      stop.abort();
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** One attempt: true when we hold the lease afterwards. Never throws. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { api, clock, namespace, name, identity } = this.#o;
    const now = clock.now();
    const durationSeconds = Math.ceil(this.#o.leaseDurationMs / 1000);
    try {
      let lease: V1Lease;
      try {
        lease = await api.get<V1Lease>(LEASES, namespace, name);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        await api.create<V1Lease>(LEASES, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { holderIdentity: identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now) as never, renewTime: microTime(now) as never, leaseTransitions: 0 },
        });
        this.#lastRenew = now;
        return true;
      }
      const spec = lease.spec ?? {};
      const record = `${spec.holderIdentity}|${String(spec.renewTime)}`;
      if (record !== this.#observed) {
        this.#observed = record;
        this.#observedAt = now;
      }
      const holder = spec.holderIdentity ?? '';
      const ours = holder === identity;
      const expired = this.#observedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000 <= now;
      if (!ours && holder !== '' && !expired) return false;
      const next: V1Lease = {
        ...lease,
        spec: {
          ...spec,
          holderIdentity: identity,
          leaseDurationSeconds: durationSeconds,
          renewTime: microTime(now) as never,
          acquireTime: (ours ? spec.acquireTime : microTime(now)) as never,
          leaseTransitions: (spec.leaseTransitions ?? 0) + (ours ? 0 : 1),
        },
      };
      await api.replace(LEASES, next); // resourceVersion in metadata: a concurrent writer gets 409
      this.#lastRenew = now;
      return true;
    } catch (e) {
      this.#o.log?.(`leader election: ${errMessage(e)}`);
      return false;
    }
  }

  /** Gives the lease up (on shutdown) so a standby takes over without waiting for it to expire. */
  async release(): Promise<void> {
    if (!this.#leading) return;
    this.#leading = false;
    const { api, namespace, name, identity } = this.#o;
    try {
      const lease = await api.get<V1Lease>(LEASES, namespace, name);
      if (lease.spec?.holderIdentity !== identity) return;
      await api.replace(LEASES, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1 } });
    } catch (e) {
      this.#o.log?.(`leader election: release failed: ${errMessage(e)}`);
    }
  }
}
