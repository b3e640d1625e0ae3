// One logical informer over several namespaces (a list of watched namespaces), or over all.
import type { KubernetesObject } from '@kubernetes/client-node';
import { Informer, type InformerHandler, type InformerOptions } from './informer.ts';

export class InformerSet<T extends KubernetesObject> {
  readonly #byNs = new Map<string, Informer<T>>();
  readonly #all: Informer<T> | undefined;

  /** namespaces empty: one cluster-wide informer. */
  constructor(namespaces: readonly string[], options: Omit<InformerOptions, 'namespace'>) {
    if (namespaces.length === 0) this.#all = new Informer<T>(options);
    else for (const ns of namespaces) this.#byNs.set(ns, new Informer<T>({ ...options, namespace: ns }));
  }

  #informers(): Informer<T>[] {
    return this.#all ? [this.#all] : [...this.#byNs.values()];
  }

  on(handler: InformerHandler<T>): void {
    for (const i of this.#informers()) i.on(handler);
  }

  get(namespace: string, name: string): T | undefined {
    return (this.#all ?? this.#byNs.get(namespace))?.get(namespace, name);
  }

  list(namespace?: string): T[] {
    if (this.#all) return this.#all.list(namespace);
    if (namespace !== undefined) return this.#byNs.get(namespace)?.list(namespace) ?? [];
    return this.#informers().flatMap((i) => i.list());
  }

  get hasSynced(): boolean {
    return this.#informers().every((i) => i.hasSynced);
  }

  start(): void {
    for (const i of this.#informers()) i.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.#informers().map((i) => i.waitForSync()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.#informers().map((i) => i.stop()));
  }
}
