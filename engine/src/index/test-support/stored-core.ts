import type { Document } from '../../types/document.ts';
import type { Settings } from '../../types/settings.ts';
import { SearchCore } from '../core.ts';
import type { DocumentSource, SearchParams } from '../types.ts';

/** A core over `docs` (given ids 0, 1, ... as `id`) and the store its searches read them from. */
export function storedCore(settings: Settings, docs: readonly object[]): { core: SearchCore; source: DocumentSource } {
  const store = new Map<string, Document>();
  const source: DocumentSource = { get: (id) => store.get(id), entries: () => store.entries() };
  const core = new SearchCore(settings, 'id');
  docs.forEach((d, i) => {
    const full: Document = { id: i, ...d };
    store.set(String(i), full);
    core.upsert(String(i), full);
  });
  return { core, source };
}

/**
 * What a search answers, for comparing two ways of answering it: the result without its timing,
 * or the error's code.
 */
export function searchAnswer(core: SearchCore, params: SearchParams, source: DocumentSource): unknown {
  try {
    const { processingTimeMs: _ignored, ...rest } = core.search(params, source);
    return rest;
  } catch (e) {
    return { error: (e as { code?: string }).code };
  }
}

/**
 * searchAnswer with `policy[key]` set to `value`, the read caches dropped first (nothing kept by
 * a search made the other way is read), and the switch set back after: how the property tests
 * compare two ways of answering.
 */
export function answerWith<K extends string>(policy: Record<K, boolean>, key: K, value: boolean, core: SearchCore, params: SearchParams, source: DocumentSource): unknown {
  const before = policy[key];
  policy[key] = value;
  core.dropReadCaches();
  try {
    return searchAnswer(core, params, source);
  } finally {
    policy[key] = before;
  }
}
