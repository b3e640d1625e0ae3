// The engine routes a SearchDump needs: create a dump (POST /dumps, Meilisearch's), follow its
// task, and manage the files through Searchkube's extension routes (GET /dumps, DELETE
// /dumps/:uid). Two base URLs: the engine itself, and where the file routes are served, which is
// the engine too, or the dumps-agent sidecar next to an upstream Meilisearch container.
import { EngineError } from './client.ts';

export type TaskStatus = 'enqueued' | 'processing' | 'succeeded' | 'failed' | 'canceled';

export interface EngineTask {
  uid: number;
  status: TaskStatus;
  type: string;
  details?: { dumpUid?: string | null } | null;
  error?: { message: string; code?: string; type?: string } | null;
  finishedAt?: string | null;
}

export interface DumpFileInfo {
  uid: string;
  fileName: string;
  sizeBytes: number;
  createdAt: string;
}

/** What the SearchDump controller asks of an engine (a fake in unit tests). */
export interface DumpsApi {
  /** POST /dumps -> the task uid. */
  createDump(): Promise<number>;
  /** GET /tasks/:uid; undefined when the engine does not know it (404). */
  task(uid: number): Promise<EngineTask | undefined>;
  /** The newest task uid, or -1 when the engine has none yet. */
  latestTaskUid(): Promise<number>;
  /** The most recent dumpCreation tasks, newest first. */
  dumpTasks(limit?: number): Promise<EngineTask[]>;
  /** Cancels a task that has not started yet (the engine ignores it otherwise). */
  cancelTask(uid: number): Promise<void>;
  /** The engine's version (GET /version, pkgVersion). */
  version(): Promise<string>;
  /** GET /dumps on the file routes. */
  listFiles(): Promise<DumpFileInfo[]>;
  /** DELETE /dumps/:uid on the file routes; false when the file was already gone. */
  deleteFile(dumpUid: string): Promise<boolean>;
}

export class EngineDumpsClient implements DumpsApi {
  readonly #engineUrl: string;
  readonly #filesUrl: string;
  readonly #key: string;
  readonly #timeoutMs: number;

  constructor(o: { engineUrl: string; filesUrl: string; masterKey: string; timeoutMs?: number }) {
    this.#engineUrl = o.engineUrl.replace(/\/+$/, '');
    this.#filesUrl = o.filesUrl.replace(/\/+$/, '');
    this.#key = o.masterKey;
    this.#timeoutMs = o.timeoutMs ?? 10_000;
  }

  async #call<T>(base: string, method: string, path: string, okStatuses: number[] = []): Promise<{ status: number; body: T | undefined }> {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${this.#key}` },
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await res.text();
    if (!res.ok && !okStatuses.includes(res.status)) throw new EngineError(res.status, `${method} ${base}${path}: ${res.status} ${text.slice(0, 300)}`);
    return { status: res.status, body: text ? (JSON.parse(text) as T) : undefined };
  }

  async createDump(): Promise<number> {
    const { body } = await this.#call<{ taskUid: number }>(this.#engineUrl, 'POST', '/dumps');
    if (typeof body?.taskUid !== 'number') throw new Error(`POST ${this.#engineUrl}/dumps answered without a taskUid`);
    return body.taskUid;
  }

  async task(uid: number): Promise<EngineTask | undefined> {
    const { status, body } = await this.#call<EngineTask>(this.#engineUrl, 'GET', `/tasks/${uid}`, [404]);
    return status === 404 ? undefined : body;
  }

  async latestTaskUid(): Promise<number> {
    const { body } = await this.#call<{ results: EngineTask[] }>(this.#engineUrl, 'GET', '/tasks?limit=1');
    return body?.results[0]?.uid ?? -1;
  }

  async dumpTasks(limit = 100): Promise<EngineTask[]> {
    const { body } = await this.#call<{ results: EngineTask[] }>(this.#engineUrl, 'GET', `/tasks?types=dumpCreation&limit=${limit}`);
    return body?.results ?? [];
  }

  async cancelTask(uid: number): Promise<void> {
    await this.#call(this.#engineUrl, 'POST', `/tasks/cancel?uids=${uid}`);
  }

  async version(): Promise<string> {
    const { body } = await this.#call<{ pkgVersion: string }>(this.#engineUrl, 'GET', '/version');
    return body?.pkgVersion ?? 'unknown';
  }

  async listFiles(): Promise<DumpFileInfo[]> {
    const { body } = await this.#call<{ results: DumpFileInfo[] }>(this.#filesUrl, 'GET', '/dumps');
    return body?.results ?? [];
  }

  async deleteFile(dumpUid: string): Promise<boolean> {
    const { status } = await this.#call(this.#filesUrl, 'DELETE', `/dumps/${encodeURIComponent(dumpUid)}`, [404]);
    return status !== 404;
  }
}
