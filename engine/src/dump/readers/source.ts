/**
 * What every per-version reader (and every compat step) exposes: the dump's records in that
 * version's own shapes, streamed. A `VersionSource<V3Task, ...>` upgraded by compat/v3-to-v4
 * becomes a `VersionSource<V4Task, ...>`, and so on up to V6, whose shapes are the lines of a V6
 * archive; reader.ts converts those to our types. Each record carries where it came from, so a
 * bad record found late in the chain is still reported with its original file and line.
 */
import type { Document } from '../../types/document.ts';
import type { ReadableDumpVersion } from '../format.ts';

export interface Origin {
  file: string;
  line?: number;
}

export interface SourceTask<T> {
  task: T;
  origin: Origin;
  /** Documents of a still-enqueued document addition. */
  payload?: () => AsyncIterable<Document>;
}

export interface SourceIndex<S> {
  uid: string;
  primaryKey: string | null;
  createdAt: string;
  updatedAt: string;
  settings: S;
  /** Where the settings came from (for messages). */
  settingsFile: string;
  documentCount: number;
  documents(): AsyncIterable<Document>;
}

export interface VersionSource<Task, Key, Settings> {
  version: ReadableDumpVersion;
  dbVersion: string;
  dumpDate: string | null;
  instanceUid: string | null;
  /** Things dropped or fixed on the way (unknown ranking rules, unsupported tasks...). */
  warnings: string[];
  keys(): AsyncIterable<{ key: Key; origin: Origin }>;
  tasks(): AsyncIterable<SourceTask<Task>>;
  /** Index metadata is read when the dump is opened (for totals); documents stream on demand. */
  indexes: Array<SourceIndex<Settings>>;
}

/** The V6 level: raw lines of a V6 archive, validated by reader.ts. */
export interface V6Source extends VersionSource<Record<string, unknown>, Record<string, unknown>, Record<string, unknown>> {
  experimentalFeatures: Record<string, unknown> | null;
  batches(): AsyncIterable<Record<string, unknown>>;
}
