import type { Document } from '../../types/document.ts';
import { defaultSettings, type Settings } from '../../types/settings.ts';
import { createIndexCore } from '../index.ts';
import type { DocumentSource, IndexCore, SearchParams, SearchResult } from '../types.ts';

/** A core plus an in-memory document store, for tests. */
export class MemoryIndex implements DocumentSource {
  readonly docs = new Map<string, Document>();
  readonly core: IndexCore;
  settings: Settings;
  readonly #primaryKey: string;

  constructor(documents: Document[], patch: Partial<Settings> = {}, primaryKey = 'id') {
    this.settings = { ...defaultSettings(), ...patch };
    this.#primaryKey = primaryKey;
    this.core = createIndexCore(this.settings, primaryKey);
    this.add(documents);
  }

  get(id: string): Document | undefined {
    return this.docs.get(id);
  }

  entries(): Iterable<[string, Document]> {
    return this.docs.entries();
  }

  add(documents: Document[]): void {
    for (const d of documents) {
      const id = String(d[this.#primaryKey]);
      this.docs.set(id, d);
      this.core.upsert(id, d);
    }
  }

  remove(id: string): void {
    this.docs.delete(id);
    this.core.remove(id);
  }

  update(patch: Partial<Settings>): void {
    this.settings = { ...this.settings, ...patch };
    this.core.applySettings(this.settings, this);
  }

  search(params: SearchParams): SearchResult {
    return this.core.search(params, this);
  }

  /** Primary keys of the hits, in order. */
  ids(params: SearchParams): unknown[] {
    return this.search(params).hits.map((h) => h[this.#primaryKey]);
  }
}
