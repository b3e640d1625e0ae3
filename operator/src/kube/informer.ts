// An informer: list, then watch from the list's resourceVersion, keeping a cache of the objects.
// Recovery rules (the JS client's own ListWatch stops on most errors; see research/operators.md):
//   - 410 Gone (status or ERROR event): forget the resourceVersion and list again at once;
//   - any other error (network, 5xx, idle timeout): wait with backoff, then resume the watch from
//     the last resourceVersion (or list again if the list is what failed); a 429/5xx that says
//     when to retry (Retry-After) is retried then, without growing the backoff, up to
//     MAX_HINTED_RETRIES times in a row (a restarting apiserver says so for a few seconds);
//   - every resyncMs: list again and deliver the list as the truth (objects that vanished while a
//     watch was broken are deleted), and tell handlers about every object ('resync').
// resourceVersions are opaque: compared for equality only, never ordered.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Backoff, type BackoffOptions } from './backoff.ts';
import type { Clock } from './clock.ts';
import type { KubeApi, WatchEvent } from './client.ts';
import { errMessage, GoneError, isGone, retryAfterMs } from './errors.ts';
import { apiVersionOf, type ResourceType } from './resource.ts';

export type InformerEvent = 'added' | 'modified' | 'deleted' | 'resync';
export type InformerHandler<T> = (event: InformerEvent, obj: T) => void;

export interface InformerObserver {
  listed?(type: ResourceType, items: number): void;
  watchError?(type: ResourceType, error: unknown, gone: boolean): void;
  /** A watch was accepted by the server (+1) or has ended (-1): the sum is the open watches. */
  watching?(type: ResourceType, delta: 1 | -1): void;
}

export interface InformerOptions {
  api: KubeApi;
  type: ResourceType;
  /** undefined: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  clock: Clock;
  resyncMs: number;
  /** Server-side watch timeout; the server ends the watch cleanly and we resume. */
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  observer?: InformerObserver;
  log?: (msg: string) => void;
}

/** Consecutive errors whose Retry-After is followed before falling back to the backoff. */
export const MAX_HINTED_RETRIES = 10;

export function objectKey(obj: KubernetesObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;
}

export class Informer<T extends KubernetesObject> {
  readonly #o: InformerOptions;
  readonly #cache = new Map<string, T>();
  readonly #handlers: InformerHandler<T>[] = [];
  readonly #backoff: Backoff;
  #rv = '';
  #hintedRetries = 0;
  #synced = false;
  #stopped = true;
  #watchAbort: AbortController | undefined;
  #wake: AbortController | undefined;
  #cancelResync: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #syncWaiters: Array<() => void> = [];

  constructor(o: InformerOptions) {
    this.#o = o;
    this.#backoff = new Backoff(o.backoff ?? { baseMs: 1000, maxMs: 30_000, jitter: 0.2 });
  }

  on(handler: InformerHandler<T>): void {
    this.#handlers.push(handler);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.#cache.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): T[] {
    const all = [...this.#cache.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  get hasSynced(): boolean {
    return this.#synced;
  }

  waitForSync(): Promise<void> {
    return this.#synced ? Promise.resolve() : new Promise((r) => this.#syncWaiters.push(r));
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#scheduleResync();
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelResync?.();
    this.#watchAbort?.abort();
    this.#wake?.abort();
    await this.#loop;
  }

  #scheduleResync(): void {
    this.#cancelResync = this.#o.clock.setTimer(() => {
      this.#rv = ''; // list again; the running watch is ended so the loop gets to it now
      this.#watchAbort?.abort();
      this.#wake?.abort();
      if (!this.#stopped) this.#scheduleResync();
    }, this.#o.resyncMs);
  }

  async #run(): Promise<void> {
    const { api, type, namespace, labelSelector } = this.#o;
    while (!this.#stopped) {
      try {
        if (!this.#rv) await this.#relist();
        this.#watchAbort = new AbortController();
        const timeoutSeconds = this.#o.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300);
        const began = this.#o.clock.now();
        let open = false;
        const onOpen = () => {
          open = true;
          this.#o.observer?.watching?.(type, 1);
        };
        try {
          await api.watch<T>(
            type,
            namespace,
            { ...(labelSelector ? { labelSelector } : {}), resourceVersion: this.#rv, timeoutSeconds, idleTimeoutMs: (timeoutSeconds + 60) * 1000, signal: this.#watchAbort.signal, onOpen },
            (e) => this.#onWatchEvent(e),
          );
        } finally {
          if (open) this.#o.observer?.watching?.(type, -1);
        }
        // A clean end is normal (server timeout); one right away, again and again, is not.
        if (this.#o.clock.now() - began < 1000 && !this.#watchAbort.signal.aborted) await this.#pause(this.#backoff.next());
      } catch (e) {
        if (this.#stopped) break;
        if (this.#watchAbort?.signal.aborted) continue; // a resync asked for a new list
        const gone = isGone(e);
        this.#o.observer?.watchError?.(type, e, gone);
        if (gone) {
          this.#rv = '';
          continue;
        }
        const hinted = this.#hintedRetries < MAX_HINTED_RETRIES ? retryAfterMs(e) : undefined;
        if (hinted !== undefined) this.#hintedRetries++;
        const delay = hinted ?? this.#backoff.next();
        this.#o.log?.(`${type.plural}: ${errMessage(e)}; retrying in ${delay} ms`);
        await this.#pause(delay);
      }
    }
  }

  /** Sleeps, but a resync or stop ends the pause early. */
  async #pause(ms: number): Promise<void> {
    this.#wake = new AbortController();
    await this.#o.clock.sleep(ms, this.#wake.signal);
  }

  async #relist(): Promise<void> {
    const { api, type, namespace, labelSelector } = this.#o;
    const list = await api.list<T>(type, namespace, labelSelector ? { labelSelector } : {});
    this.#o.observer?.listed?.(type, list.items.length);
    const seen = new Set<string>();
    for (const item of list.items) {
      // Items of a list carry no apiVersion/kind; watch events do. Make both look the same.
      const obj = { apiVersion: apiVersionOf(type), kind: type.kind, ...item } as T;
      const key = objectKey(obj);
      seen.add(key);
      const old = this.#cache.get(key);
      this.#cache.set(key, obj);
      if (!old) this.#emit('added', obj);
      else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.#emit('modified', obj);
      else this.#emit('resync', obj);
    }
    for (const [key, old] of [...this.#cache]) {
      if (seen.has(key)) continue;
      this.#cache.delete(key);
      this.#emit('deleted', old);
    }
    this.#rv = list.metadata?.resourceVersion ?? '';
    this.#backoff.reset();
    this.#hintedRetries = 0;
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
  }

  #onWatchEvent(e: WatchEvent<T>): void {
    if (e.type === 'ERROR') {
      const status = e.object as unknown as { code?: number; message?: string };
      if (status.code === 410) throw new GoneError(status.message ?? 'watch expired');
      throw new Error(`watch error event: ${status.message ?? JSON.stringify(status)}`);
    }
    const rv = e.object.metadata?.resourceVersion;
    if (rv) this.#rv = rv;
    this.#backoff.reset();
    this.#hintedRetries = 0;
    if (e.type === 'BOOKMARK') return;
    const key = objectKey(e.object);
    if (e.type === 'DELETED') {
      this.#cache.delete(key);
      this.#emit('deleted', e.object);
      return;
    }
    const old = this.#cache.get(key);
    if (old?.metadata?.resourceVersion === rv) return; // replayed after a reconnect
    this.#cache.set(key, e.object);
    this.#emit(old ? 'modified' : 'added', e.object);
  }

  #emit(event: InformerEvent, obj: T): void {
    for (const h of this.#handlers) {
      try {
        h(event, obj);
      } catch (e) {
        this.#o.log?.(`${this.#o.type.plural}: handler failed: ${errMessage(e)}`);
      }
    }
  }
}
