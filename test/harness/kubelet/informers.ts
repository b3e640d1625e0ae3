// List+watch caches that restart themselves after errors (client-node's ListWatch stops on error).
import { ListWatch, Watch, type KubernetesListObject, type KubernetesObject } from '@kubernetes/client-node';
import type { Clients } from './kube.ts';
import { log } from './log.ts';

export interface Handlers<T> {
  onUpsert(obj: T): void;
  onDelete(obj: T): void;
}

export function startInformer<T extends KubernetesObject>(
  name: string,
  clients: Clients,
  path: string,
  list: () => Promise<KubernetesListObject<T>>,
  handlers: Handlers<T>,
  fieldSelector?: string,
): ListWatch<T> {
  const lw = new ListWatch<T>(path, new Watch(clients.kc), list, false, undefined, fieldSelector);
  lw.on('add', (o) => handlers.onUpsert(o));
  lw.on('update', (o) => handlers.onUpsert(o));
  lw.on('delete', (o) => handlers.onDelete(o));
  lw.on('error', (err) => {
    log('informer', `${name} watch failed, restarting in 1s: ${(err as Error)?.message ?? String(err)}`);
    setTimeout(() => void lw.start().catch((e: unknown) => log('informer', `${name} restart failed: ${String(e)}`)), 1000);
  });
  void lw.start().catch((e: unknown) => log('informer', `${name} start failed: ${String(e)}`));
  return lw;
}
