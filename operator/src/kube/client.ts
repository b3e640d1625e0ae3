// A small generic client over the transport: the verbs controllers need, for any resource type.
// Objects travel as plain JSON (wire format), so timestamps are strings.
import type { KubernetesObject } from '@kubernetes/client-node';
import { PatchStrategy } from '@kubernetes/client-node';
import { resourcePath, type ResourceType } from './resource.ts';
import type { Transport } from './transport.ts';

export interface ObjectList<T> {
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface KubeApi {
  list<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, opts?: ListOptions): Promise<ObjectList<T>>;
  get<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, name: string): Promise<T>;
  create<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T>;
  replace<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T>;
  /** Server-side apply with our field manager; force takes over fields another manager set. */
  apply<T extends KubernetesObject>(t: ResourceType, obj: T, fieldManager: string): Promise<T>;
  /** JSON merge patch, on the object or a subresource (e.g. 'status'). */
  mergePatch<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, name: string, patch: unknown, subresource?: string): Promise<T>;
  delete(t: ResourceType, namespace: string | undefined, name: string, opts?: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; uid?: string }): Promise<void>;
  watch<T extends KubernetesObject>(
    t: ResourceType,
    namespace: string | undefined,
    opts: ListOptions & { resourceVersion: string; timeoutSeconds: number; idleTimeoutMs: number; signal?: AbortSignal; onOpen?: () => void },
    onEvent: (e: WatchEvent<T>) => void,
  ): Promise<void>;
}

export class KubeClient implements KubeApi {
  readonly #t: Transport;

  constructor(transport: Transport) {
    this.#t = transport;
  }

  async list<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, opts: ListOptions = {}): Promise<ObjectList<T>> {
    // Paged, so one huge namespace never becomes one huge response.
    const items: T[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    do {
      const page = await this.#t.request<ObjectList<T>>({ method: 'GET', path: resourcePath(t, namespace), query: { ...opts, limit: 500, continue: cont } });
      items.push(...page.items);
      cont = page.metadata?.continue || undefined;
      rv = page.metadata?.resourceVersion;
    } while (cont);
    return { metadata: { resourceVersion: rv }, items };
  }

  get<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.#t.request<T>({ method: 'GET', path: resourcePath(t, namespace, name) });
  }

  create<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T> {
    return this.#t.request<T>({ method: 'POST', path: resourcePath(t, obj.metadata?.namespace), body: obj });
  }

  replace<T extends KubernetesObject>(t: ResourceType, obj: T): Promise<T> {
    return this.#t.request<T>({ method: 'PUT', path: resourcePath(t, obj.metadata?.namespace, obj.metadata?.name), body: obj });
  }

  apply<T extends KubernetesObject>(t: ResourceType, obj: T, fieldManager: string): Promise<T> {
    return this.#t.request<T>({
      method: 'PATCH',
      path: resourcePath(t, obj.metadata?.namespace, obj.metadata?.name),
      query: { fieldManager, force: true },
      body: obj, // JSON is YAML, so the apply content type takes it as is
      contentType: PatchStrategy.ServerSideApply,
    });
  }

  mergePatch<T extends KubernetesObject>(t: ResourceType, namespace: string | undefined, name: string, patch: unknown, subresource?: string): Promise<T> {
    return this.#t.request<T>({ method: 'PATCH', path: resourcePath(t, namespace, name, subresource), body: patch, contentType: PatchStrategy.MergePatch });
  }

  async delete(t: ResourceType, namespace: string | undefined, name: string, opts: { propagationPolicy?: 'Background' | 'Foreground' | 'Orphan'; uid?: string } = {}): Promise<void> {
    const body = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: opts.propagationPolicy ?? 'Background', ...(opts.uid ? { preconditions: { uid: opts.uid } } : {}) };
    await this.#t.request({ method: 'DELETE', path: resourcePath(t, namespace, name), body });
  }

  watch<T extends KubernetesObject>(
    t: ResourceType,
    namespace: string | undefined,
    opts: ListOptions & { resourceVersion: string; timeoutSeconds: number; idleTimeoutMs: number; signal?: AbortSignal; onOpen?: () => void },
    onEvent: (e: WatchEvent<T>) => void,
  ): Promise<void> {
    const { idleTimeoutMs, signal, onOpen, ...query } = opts;
    return this.#t.stream(
      { method: 'GET', path: resourcePath(t, namespace), query: { ...query, watch: true, allowWatchBookmarks: true }, ...(signal ? { signal } : {}) },
      (line) => onEvent(line as WatchEvent<T>),
      idleTimeoutMs,
      onOpen,
    );
  }
}
