// A scripted KubeApi for pure-logic unit tests of the runtime (informer, leader election, status
// helpers): an in-memory object store with resourceVersions, 404/409, and watches the test drives.
// Integration tests use the real apiserver; this never stands in for it there.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeApi, ListOptions, ObjectList, WatchEvent } from '../kube/client.ts';
import { ApiError } from '../kube/errors.ts';
import type { ResourceType } from '../kube/resource.ts';

export interface Call {
  verb: 'list' | 'get' | 'create' | 'replace' | 'apply' | 'mergePatch' | 'delete' | 'watch';
  plural: string;
  name?: string;
  body?: unknown;
  subresource?: string;
}

export interface OpenWatch {
  plural: string;
  resourceVersion: string;
  send(e: WatchEvent<KubernetesObject>): void;
  end(error?: unknown): void;
}

const WRITES = new Set(['create', 'replace', 'apply', 'mergePatch', 'delete']);

function merge(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> = target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete out[k];
    else out[k] = merge(out[k], v);
  }
  return out;
}

export class FakeApi implements KubeApi {
  readonly store = new Map<string, KubernetesObject>();
  readonly calls: Call[] = [];
  readonly watches: OpenWatch[] = [];
  /** Next list calls fail with these errors, in order. */
  listErrors: unknown[] = [];
  #rv = 100;

  #key(t: ResourceType, ns: string | undefined, name: string): string {
    return `${t.plural}/${ns ?? ''}/${name}`;
  }

  writes(): Call[] {
    return this.calls.filter((c) => WRITES.has(c.verb));
  }

  put<T extends KubernetesObject>(t: ResourceType, obj: T): T {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.#rv), uid: obj.metadata?.uid ?? `uid-${obj.metadata?.name}`, generation: obj.metadata?.generation ?? 1 } } as T;
    this.store.set(this.#key(t, obj.metadata?.namespace, obj.metadata!.name!), stored);
    return stored;
  }

  async list<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, _opts?: ListOptions): Promise<ObjectList<T>> {
    this.calls.push({ verb: 'list', plural: t.plural });
    const err = this.listErrors.shift();
    if (err) throw err;
    const prefix = `${t.plural}/${namespace ?? ''}`;
    const items = [...this.store.entries()].filter(([k]) => (namespace ? k.startsWith(prefix + '/') : k.startsWith(`${t.plural}/`))).map(([, v]) => v as T);
    return { metadata: { resourceVersion: String(this.#rv) }, items };
  }

  async get<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    this.calls.push({ verb: 'get', plural: t.plural, name });
    const o = this.store.get(this.#key(t, namespace, name));
    if (!o) throw new ApiError(404, 'NotFound', `${t.plural} "${name}" not found`);
    return structuredClone(o) as T;
  }

  async create<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T> {
    this.calls.push({ verb: 'create', plural: t.plural, name: obj.metadata?.name, body: obj });
    if (this.store.has(this.#key(t, obj.metadata?.namespace, obj.metadata!.name!))) throw new ApiError(409, 'AlreadyExists', 'already exists');
    return this.put(t, obj);
  }

  async replace<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T> {
    this.calls.push({ verb: 'replace', plural: t.plural, name: obj.metadata?.name, body: obj });
    const cur = this.store.get(this.#key(t, obj.metadata?.namespace, obj.metadata!.name!));
    if (cur && obj.metadata?.resourceVersion && cur.metadata?.resourceVersion !== obj.metadata.resourceVersion) throw new ApiError(409, 'Conflict', 'conflict');
    return this.put(t, obj);
  }

  async apply<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T> {
    this.calls.push({ verb: 'apply', plural: t.plural, name: obj.metadata?.name, body: obj });
    const cur = this.store.get(this.#key(t, obj.metadata?.namespace, obj.metadata!.name!));
    return this.put(t, merge(cur, obj) as T);
  }

  async mergePatch<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, name: string, patch: unknown, subresource?: string): Promise<T> {
    this.calls.push({ verb: 'mergePatch', plural: t.plural, name, body: patch, ...(subresource ? { subresource } : {}) });
    const cur = this.store.get(this.#key(t, namespace, name));
    if (!cur) throw new ApiError(404, 'NotFound', 'not found');
    const rv = (patch as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
    if (rv && rv !== cur.metadata?.resourceVersion) throw new ApiError(409, 'Conflict', 'the object has been modified');
    return this.put(t, merge(cur, patch) as T);
  }

  async delete(t: ResourceType, namespace: string | undefined, name: string): Promise<void> {
    this.calls.push({ verb: 'delete', plural: t.plural, name });
    if (!this.store.delete(this.#key(t, namespace, name))) throw new ApiError(404, 'NotFound', 'not found');
  }

  watch<T extends KubernetesObject>(t: ResourceType, _ns: string | undefined, opts: { resourceVersion: string; signal?: AbortSignal; onOpen?: () => void }, onEvent: (e: WatchEvent<T>) => void): Promise<void> {
    this.calls.push({ verb: 'watch', plural: t.plural });
    opts.onOpen?.();
    return new Promise((resolve, reject) => {
      const w: OpenWatch = {
        plural: t.plural,
        resourceVersion: opts.resourceVersion,
        send: (e) => {
          try {
            onEvent(e as WatchEvent<T>);
          } catch (err) {
            w.end(err);
          }
        },
        end: (error) => {
          this.watches.splice(this.watches.indexOf(w), 1);
          if (error) reject(error);
          else resolve();
        },
      };
      this.watches.push(w);
      opts.signal?.addEventListener('abort', () => w.end(new Error('aborted')), { once: true });
    });
  }
}
