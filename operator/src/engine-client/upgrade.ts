// The engine routes the upgrade state machine uses: the write block (PUT/DELETE /write-block),
// whether the task queue is drained, stats, /health with the import progress (503 while a dump
// imports), and the database directories next to the engine's own (Searchkube extensions).
import { EngineError, summarizeStats, type EngineStatsResponse } from './client.ts';
import type { InstanceStats } from '../api/search-instance.ts';

export interface ImportProgress {
  indexesDone: number;
  indexesTotal: number;
  documentsDone: number;
  documentsTotal: number;
}

export interface UpgradeEngineApi {
  blockWrites(reason: string, retryAfterSeconds: number): Promise<void>;
  unblockWrites(): Promise<void>;
  /** Tasks enqueued or processing. */
  pendingTasks(): Promise<number>;
  stats(): Promise<InstanceStats>;
  /** 'available', or 'importing' with the import's progress (the engine answers 503 then). */
  health(): Promise<{ status: string; progress?: ImportProgress }>;
  /** DELETE /databases/<name>; false when it was not there. */
  removeDatabase(name: string): Promise<boolean>;
}

export class UpgradeEngineClient implements UpgradeEngineApi {
  readonly #base: string;
  readonly #key: string;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, masterKey: string, timeoutMs = 10_000) {
    this.#base = baseUrl.replace(/\/+$/, '');
    this.#key = masterKey;
    this.#timeoutMs = timeoutMs;
  }

  async #call<T>(method: string, path: string, body?: unknown, ok: number[] = []): Promise<{ status: number; body: T | undefined }> {
    const res = await fetch(this.#base + path, {
      method,
      headers: { authorization: `Bearer ${this.#key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await res.text();
    if (!res.ok && !ok.includes(res.status)) throw new EngineError(res.status, `${method} ${this.#base}${path}: ${res.status} ${text.slice(0, 300)}`);
    let parsed: T | undefined;
    try {
      parsed = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed };
  }

  async blockWrites(reason: string, retryAfterSeconds: number): Promise<void> {
    await this.#call('PUT', '/write-block', { reason, retryAfterSeconds });
  }

  async unblockWrites(): Promise<void> {
    await this.#call('DELETE', '/write-block');
  }

  async pendingTasks(): Promise<number> {
    const { body } = await this.#call<{ total?: number; results: unknown[] }>('GET', '/tasks?statuses=enqueued,processing&limit=1');
    return body?.total ?? body?.results.length ?? 0;
  }

  async stats(): Promise<InstanceStats> {
    const { body } = await this.#call<EngineStatsResponse>('GET', '/stats');
    return summarizeStats(body!);
  }

  async health(): Promise<{ status: string; progress?: ImportProgress }> {
    const { body } = await this.#call<{ status: string; progress?: ImportProgress }>('GET', '/health', undefined, [503]);
    return body ?? { status: 'unknown' };
  }

  async removeDatabase(name: string): Promise<boolean> {
    const { status } = await this.#call('DELETE', `/databases/${encodeURIComponent(name)}`, undefined, [404]);
    return status !== 404;
  }
}
