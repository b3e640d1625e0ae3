// Talks to one instance's engine over its HTTP API. Only what the operator needs today (health,
// stats); dumps, tasks and the write block come with the dump and upgrade controllers.
import type { InstanceStats } from '../api/search-instance.ts';
import type { EngineTask } from './dumps.ts';

/**
 * Task types whose work lands on the data volume (dumps and snapshots go elsewhere); only types
 * every Meilisearch v1 knows, so the same query works against an upstream image.
 */
const DATA_WRITE_TYPES = ['documentAdditionOrUpdate', 'documentDeletion', 'settingsUpdate', 'indexCreation', 'indexDeletion', 'indexUpdate', 'indexSwap', 'taskCancelation', 'taskDeletion'].join(',');

export interface EngineStatsResponse {
  databaseSize: number;
  indexes: Record<string, { numberOfDocuments: number }>;
}

export class EngineError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'EngineError';
    this.status = status;
  }
}

export class EngineClient {
  readonly baseUrl: string;
  readonly #key: string | undefined;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, masterKey: string | undefined, timeoutMs = 5000) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#key = masterKey;
    this.#timeoutMs = timeoutMs;
  }

  async #get<T>(path: string): Promise<T> {
    const res = await fetch(this.baseUrl + path, {
      headers: this.#key ? { authorization: `Bearer ${this.#key}` } : {},
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new EngineError(res.status, `GET ${this.baseUrl}${path}: ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as T;
  }

  health(): Promise<{ status: string }> {
    return this.#get('/health');
  }

  async stats(): Promise<InstanceStats> {
    return summarizeStats(await this.#get<EngineStatsResponse>('/stats'));
  }

  /** The newest finished task that wrote (or tried to write) to the data volume. */
  async latestFinishedWrite(): Promise<EngineTask | undefined> {
    const page = await this.#get<{ results: EngineTask[] }>(`/tasks?statuses=succeeded,failed&types=${DATA_WRITE_TYPES}&limit=1`);
    return page.results[0];
  }
}

export function summarizeStats(s: EngineStatsResponse): InstanceStats {
  const indexes = Object.values(s.indexes ?? {});
  return { indexes: indexes.length, documents: indexes.reduce((n, i) => n + (i.numberOfDocuments ?? 0), 0), databaseSize: s.databaseSize ?? 0 };
}

/**
 * How the operator reaches an engine. In a cluster, the Service name resolves and is stable; out
 * of a cluster (a laptop, the test harness) only the pod IP is reachable.
 */
export type EngineAccess = 'service' | 'pod-ip';

export function engineBaseUrl(access: EngineAccess, serviceUrl: string, podIP: string | undefined, port: number): string | undefined {
  if (access === 'service') return serviceUrl;
  return podIP ? `http://${podIP}:${port}` : undefined;
}
