/**
 * Stored documents, kept in insertion order: each document gets a sequence number the first
 * time its id is seen (a replacement keeps it, as Meilisearch keeps the internal docid). Ties in
 * ranking, placeholder search and dumps follow that order, so they are the same after a restart
 * and after a dump is imported elsewhere.
 *
 * Layout: `documents` [indexInternalId, seq] -> [externalId, document];
 *         `documentIds` [indexInternalId, externalId] -> seq.
 * Writes must run inside a Database.write transaction.
 */
import type { Database as LmdbDb } from 'lmdb';
import type { Document } from '../types/document.ts';
import { MAX_ID_BYTES } from '../documents/primary-key.ts';

export type StoredDocument = [id: string, document: Document];

export class DocumentStore {
  readonly #documents: LmdbDb<StoredDocument, [number, number]>;
  readonly #ids: LmdbDb<number, [number, string]>;
  readonly #meta: LmdbDb<unknown, string>;

  constructor(documents: LmdbDb<StoredDocument, [number, number]>, ids: LmdbDb<number, [number, string]>, meta: LmdbDb<unknown, string>) {
    this.#documents = documents;
    this.#ids = ids;
    this.#meta = meta;
  }

  get(index: number, id: string): Document | undefined {
    if (!storable(id)) return undefined;
    const seq = this.#ids.get([index, id]);
    return seq === undefined ? undefined : this.#documents.get([index, seq])?.[1];
  }

  has(index: number, id: string): boolean {
    return storable(id) && this.#ids.doesExist([index, id]);
  }

  put(index: number, id: string, document: Document): void {
    let seq = this.#ids.get([index, id]);
    if (seq === undefined) {
      seq = this.#nextSeq(index);
      this.#ids.put([index, id], seq);
    }
    this.#documents.put([index, seq], [id, document]);
  }

  remove(index: number, id: string): void {
    if (!storable(id)) return;
    const seq = this.#ids.get([index, id]);
    if (seq === undefined) return;
    this.#ids.remove([index, id]);
    this.#documents.remove([index, seq]);
  }

  clear(index: number): void {
    for (const key of this.#ids.getKeys({ start: [index], end: [index + 1] })) this.#ids.remove(key);
    for (const key of this.#documents.getKeys({ start: [index], end: [index + 1] })) this.#documents.remove(key);
    this.#meta.remove(`nextSeq:${index}`);
  }

  *entries(index: number): Iterable<StoredDocument> {
    for (const { value } of this.#documents.getRange({ start: [index], end: [index + 1] })) yield value;
  }

  #nextSeq(index: number): number {
    const key = `nextSeq:${index}`;
    const next = (this.#meta.get(key) as number | undefined) ?? 0;
    this.#meta.put(key, next + 1);
    return next;
  }
}

/**
 * Whether a document could be stored under `id`: longer ids are refused when documents are
 * written, and would not fit in an LMDB key (looking one up threw instead of finding nothing).
 */
function storable(id: string): boolean {
  return id.length <= MAX_ID_BYTES || Buffer.byteLength(id) <= MAX_ID_BYTES;
}
