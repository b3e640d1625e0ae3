import type { Document } from '../../types/document.ts';
import type { Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import type { DocumentSource } from '../types.ts';

/**
 * A core under test and a reference core over one document store, written to together (ids are
 * numbers; documents get them as `id`): property tests compare their answers.
 */
export function twinCores(settings: Settings, options: ConstructorParameters<typeof SearchCore>[2] = {}) {
  const store = new Map<string, Document>();
  const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
  const tested = new SearchCore(settings, 'id', options);
  const reference = new SearchCore(settings, 'id');
  return {
    source,
    tested,
    reference,
    upsert(id: number, d: Document): void {
      const full = { id, ...d };
      store.set(String(id), full);
      tested.upsert(String(id), full);
      reference.upsert(String(id), full);
    },
    remove(id: number): void {
      store.delete(String(id));
      tested.remove(String(id));
      reference.remove(String(id));
    },
  };
}
