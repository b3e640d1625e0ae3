import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * An API key string is never stored: it is the lowercase hex HMAC-SHA256 of the key's uid
 * (canonical lowercase hyphenated form, as stored) keyed with the master key. Changing the master
 * key therefore changes every key string, exactly as in Meilisearch, and dumps stay portable.
 */
export function deriveKey(masterKey: string, uid: string): string {
  return createHmac('sha256', masterKey).update(uid).digest('hex');
}

/** Compares through fixed-length digests so the time taken says nothing about the master key. */
export function masterKeyMatches(masterKey: string, candidate: string): boolean {
  const expected = createHash('sha256').update(masterKey).digest();
  const actual = createHash('sha256').update(candidate).digest();
  return timingSafeEqual(expected, actual);
}

/**
 * key string -> uid, so that `findKeyByKeyString` is one map lookup instead of an HMAC per stored
 * key per request (what Meilisearch does). The map is rebuilt lazily on the first lookup after
 * `invalidate()` (call it whenever a key is created or deleted) or after the master key changes.
 * Usage: `findKeyByKeyString: (k) => { const uid = index.uidFor(masterKey, k); return uid && store.get(uid); }`.
 */
export class KeyStringIndex {
  readonly #listUids: () => Iterable<string>;
  #masterKey: string | null = null;
  #byKeyString = new Map<string, string>();
  #stale = true;

  constructor(listUids: () => Iterable<string>) {
    this.#listUids = listUids;
  }

  invalidate(): void {
    this.#stale = true;
  }

  uidFor(masterKey: string, keyString: string): string | undefined {
    if (this.#stale || this.#masterKey !== masterKey) {
      const next = new Map<string, string>();
      for (const uid of this.#listUids()) next.set(deriveKey(masterKey, uid), uid);
      this.#byKeyString = next;
      this.#masterKey = masterKey;
      this.#stale = false;
    }
    return this.#byKeyString.get(keyString);
  }
}
