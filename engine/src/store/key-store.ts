/**
 * API keys. Keys are written directly (Meilisearch's key routes are synchronous, not tasks).
 * A key string is an HMAC of the uid with the master key, so lookups by key string go through
 * a map rebuilt whenever the keys change.
 */
import type { Database } from './database.ts';
import type { StoredKey } from '../types/key.ts';
import { deriveKey } from '../auth/key-derivation.ts';
import { rfc3339ToEpochMs } from '../auth/dates.ts';

export class KeyStore {
  readonly #db: Database;
  readonly #masterKey: string | null;
  #byKeyString: Map<string, string> | null = null;

  constructor(db: Database, masterKey: string | null) {
    this.#db = db;
    this.#masterKey = masterKey;
  }

  list(): StoredKey[] {
    return [...this.#db.keys.getRange({})].map(({ value }) => value)
      .sort((a, b) => (rfc3339ToEpochMs(b.createdAt) ?? 0) - (rfc3339ToEpochMs(a.createdAt) ?? 0));
  }

  get(uid: string): StoredKey | undefined {
    return this.#db.keys.get(uid);
  }

  /** By uid or by key string, as the /keys/:uidOrKey routes accept both. */
  find(uidOrKey: string): StoredKey | undefined {
    return this.get(uidOrKey) ?? this.findByKeyString(uidOrKey);
  }

  findByKeyString(key: string): StoredKey | undefined {
    if (this.#masterKey === null) return undefined;
    if (this.#byKeyString === null) {
      const masterKey = this.#masterKey;
      this.#byKeyString = new Map(this.list().map((stored) => [deriveKey(masterKey, stored.uid), stored.uid]));
    }
    const uid = this.#byKeyString.get(key);
    return uid === undefined ? undefined : this.get(uid);
  }

  keyString(uid: string): string {
    return this.#masterKey === null ? '' : deriveKey(this.#masterKey, uid);
  }

  async put(key: StoredKey): Promise<void> {
    await this.#db.write(() => this.#db.keys.put(key.uid, key));
    this.#byKeyString = null;
  }

  async remove(uid: string): Promise<void> {
    await this.#db.write(() => this.#db.keys.remove(uid));
    this.#byKeyString = null;
  }

  async replaceAll(keys: StoredKey[]): Promise<void> {
    await this.#db.write(() => {
      for (const { key } of this.#db.keys.getRange({})) this.#db.keys.remove(key);
      for (const key of keys) this.#db.keys.put(key.uid, key);
    });
    this.#byKeyString = null;
  }

  isEmpty(): boolean {
    for (const _ of this.#db.keys.getKeys({ limit: 1 })) return false;
    return true;
  }
}
