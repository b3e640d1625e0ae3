// Kubernetes Events for what the operator does and for every failure. The same event repeated
// within the correlation window updates the count of the existing Event instead of adding one, as
// kubectl describe expects. Recording never fails a reconcile: an event is help, not state.
import { randomBytes } from 'node:crypto';
import type { CoreV1Event, KubernetesObject } from '@kubernetes/client-node';
import type { Clock } from './clock.ts';
import type { KubeApi } from './client.ts';
import { errMessage } from './errors.ts';
import { EVENTS } from './resource.ts';
import { rfc3339 } from './status.ts';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  api: KubeApi;
  clock: Clock;
  component: string;
  instance: string;
  windowMs?: number;
  log?: (msg: string) => void;
}

export class EventRecorder {
  readonly #o: EventRecorderOptions;
  readonly #recent = new Map<string, { name: string; namespace: string; count: number; at: number }>();

  constructor(o: EventRecorderOptions) {
    this.#o = o;
  }

  async record(obj: KubernetesObject, type: EventType, reason: string, message: string): Promise<void> {
    const { api, clock } = this.#o;
    const ns = obj.metadata?.namespace ?? 'default';
    const key = `${obj.metadata?.uid}|${type}|${reason}|${message}`;
    const now = clock.now();
    const ts = rfc3339(new Date(now));
    const seen = this.#recent.get(key);
    try {
      if (seen && now - seen.at < (this.#o.windowMs ?? 10 * 60_000)) {
        seen.count++;
        seen.at = now;
        await api.mergePatch(EVENTS, seen.namespace, seen.name, { count: seen.count, lastTimestamp: ts });
        return;
      }
      const name = `${obj.metadata?.name}.${randomBytes(6).toString('hex')}`;
      const event = {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata?.name, namespace: ns, uid: obj.metadata?.uid, resourceVersion: obj.metadata?.resourceVersion },
        type,
        reason,
        message,
        count: 1,
        firstTimestamp: ts,
        lastTimestamp: ts,
        source: { component: this.#o.component },
        reportingComponent: this.#o.component,
        reportingInstance: this.#o.instance,
      } as unknown as CoreV1Event;
      await api.create(EVENTS, event);
      this.#recent.set(key, { name, namespace: ns, count: 1, at: now });
      if (this.#recent.size > 5000) this.#recent.delete(this.#recent.keys().next().value!);
    } catch (e) {
      this.#recent.delete(key);
      this.#o.log?.(`event ${reason} on ${ns}/${obj.metadata?.name} not recorded: ${errMessage(e)}`);
    }
  }
}
