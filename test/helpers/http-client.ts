/** A small HTTP client for API tests: JSON in, status + JSON out, and task waiting. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class Api {
  readonly url: string;
  readonly key: string | undefined;

  constructor(url: string, key?: string) {
    this.url = url;
    this.key = key;
  }

  withKey(key: string | undefined): Api {
    return new Api(this.url, key);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.key !== undefined) (init.headers as Record<string, string>)['authorization'] = `Bearer ${this.key}`;
    if (body !== undefined) {
      if (typeof body === 'string') {
        init.body = body;
      } else {
        init.body = JSON.stringify(body);
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
      }
    }
    const response = await fetch(`${this.url}${path}`, init);
    const text = await response.text();
    let parsed: unknown = text;
    try { parsed = text === '' ? null : JSON.parse(text); } catch { /* not JSON */ }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) { return this.request<T>('GET', path); }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('POST', path, body, headers); }
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) { return this.request<T>('PUT', path, body, headers); }
  patch<T = any>(path: string, body?: unknown) { return this.request<T>('PATCH', path, body); }
  delete<T = any>(path: string, body?: unknown) { return this.request<T>('DELETE', path, body); }

  /** Polls a task until it is finished; returns the task. */
  async waitTask(taskUid: number, timeoutMs = 60_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { status, body } = await this.get(`/tasks/${taskUid}`);
      if (status !== 200) throw new Error(`GET /tasks/${taskUid} answered ${status}: ${JSON.stringify(body)}`);
      if (['succeeded', 'failed', 'canceled'].includes(body.status)) return body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`task ${taskUid} not finished after ${timeoutMs} ms`);
  }

  /** Enqueues via `call` (expects 202) and waits for the task; returns the finished task. */
  async run(call: Promise<ApiResponse>): Promise<any> {
    const response = await call;
    if (response.status !== 202 && response.status !== 200) throw new Error(`expected 202, got ${response.status}: ${JSON.stringify(response.body)}`);
    return this.waitTask(response.body.taskUid);
  }
}
