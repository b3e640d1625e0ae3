/** An API key as stored. The `key` string is derived (HMAC of the uid with the master key), never stored. */
export interface StoredKey {
  uid: string;
  name: string | null;
  description: string | null;
  actions: string[];
  indexes: string[];
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface KeyView extends StoredKey {
  key: string;
}
