/**
 * API key actions. ACTIONS keeps Meilisearch's declaration order because the
 * `invalid_api_key_actions` message lists them in that order ("expected one of `*`, `search`, ...",
 * snapshot in meilisearch/crates/meilisearch/tests/auth/errors.rs).
 */

export const ACTIONS = [
  '*',
  'search',
  'documents.*',
  'documents.add',
  'documents.get',
  'documents.delete',
  'indexes.*',
  'indexes.create',
  'indexes.get',
  'indexes.update',
  'indexes.delete',
  'indexes.swap',
  'tasks.*',
  'tasks.cancel',
  'tasks.delete',
  'tasks.get',
  'settings.*',
  'settings.get',
  'settings.update',
  'stats.*',
  'stats.get',
  'metrics.*',
  'metrics.get',
  'dumps.*',
  'dumps.create',
  'snapshots.*',
  'snapshots.create',
  'version',
  'keys.create',
  'keys.get',
  'keys.update',
  'keys.delete',
  'experimental.get',
  'experimental.update',
  'export',
  'network.get',
  'network.update',
  'chatCompletions',
  'chats.*',
  'chats.get',
  'chats.delete',
  'chatsSettings.*',
  'chatsSettings.get',
  'chatsSettings.update',
  '*.get',
  'webhooks.get',
  'webhooks.update',
  'webhooks.delete',
  'webhooks.create',
  'webhooks.*',
  'indexes.compact',
  'fields.post',
  'tasks.compact',
  'dynamicSearchRules.get',
  'dynamicSearchRules.create',
  'dynamicSearchRules.update',
  'dynamicSearchRules.delete',
  'dynamicSearchRules.*',
] as const;

export type Action = (typeof ACTIONS)[number];

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

export function isAction(value: string): value is Action {
  return ACTION_SET.has(value);
}

/** What each `family.*` wildcard grants (Meilisearch expands them when a key is stored). */
const FAMILIES: ReadonlyMap<string, readonly Action[]> = new Map<string, readonly Action[]>([
  ['documents.*', ['documents.add', 'documents.get', 'documents.delete']],
  ['indexes.*', ['indexes.create', 'indexes.get', 'indexes.update', 'indexes.delete', 'indexes.swap', 'indexes.compact']],
  ['tasks.*', ['tasks.cancel', 'tasks.delete', 'tasks.get', 'tasks.compact']],
  ['settings.*', ['settings.get', 'settings.update']],
  ['stats.*', ['stats.get']],
  ['metrics.*', ['metrics.get']],
  ['dumps.*', ['dumps.create']],
  ['snapshots.*', ['snapshots.create']],
  ['chats.*', ['chats.get', 'chats.delete']],
  ['chatsSettings.*', ['chatsSettings.get', 'chatsSettings.update']],
  ['webhooks.*', ['webhooks.get', 'webhooks.update', 'webhooks.delete', 'webhooks.create']],
  [
    'dynamicSearchRules.*',
    ['dynamicSearchRules.get', 'dynamicSearchRules.create', 'dynamicSearchRules.update', 'dynamicSearchRules.delete'],
  ],
]);

/**
 * What `*.get` grants: Meilisearch's `Action::is_read`. `keys.get` is left out on purpose
 * (privilege escalation: it reveals every key), `chatCompletions` too (it creates chats);
 * `export` is in, as upstream has it.
 */
const READ_ACTIONS: ReadonlySet<string> = new Set<Action>([
  'search',
  'documents.get',
  'export',
  'indexes.get',
  'tasks.get',
  'settings.get',
  'stats.get',
  'metrics.get',
  'version',
  'experimental.get',
  'network.get',
  'chats.get',
  'chatsSettings.get',
  'webhooks.get',
  'dynamicSearchRules.get',
]);

/** Whether a key holding `granted` may perform the concrete action `required`. */
export function actionAllows(granted: readonly string[], required: string): boolean {
  for (const action of granted) {
    if (action === required || action === '*') return true;
    if (action === '*.get' && READ_ACTIONS.has(required)) return true;
    if (FAMILIES.get(action)?.includes(required as Action)) return true;
  }
  return false;
}

/**
 * Actions about the whole instance rather than some indexes. A key restricted to some indexes
 * may not hold them (`index_scoped_api_key_with_global_action` on POST /keys) and cannot call
 * their routes. Confirmed by Meilisearch's authorization tests: dumps, snapshots, version,
 * metrics (and logs), keys, experimental, network, tasks.compact. Inferred from their routes
 * having no index at all: export, webhooks, chats, chatsSettings, dynamicSearchRules.
 * `*`, `*.get` and `tasks.*` stay allowed on index-scoped keys, as upstream.
 */
const GLOBAL_ACTIONS: ReadonlySet<string> = new Set<Action>([
  'dumps.*',
  'dumps.create',
  'snapshots.*',
  'snapshots.create',
  'version',
  'metrics.*',
  'metrics.get',
  'keys.create',
  'keys.get',
  'keys.update',
  'keys.delete',
  'experimental.get',
  'experimental.update',
  'network.get',
  'network.update',
  'tasks.compact',
  'export',
  'webhooks.*',
  'webhooks.get',
  'webhooks.update',
  'webhooks.delete',
  'webhooks.create',
  'chats.*',
  'chats.get',
  'chats.delete',
  'chatsSettings.*',
  'chatsSettings.get',
  'chatsSettings.update',
  'dynamicSearchRules.*',
  'dynamicSearchRules.get',
  'dynamicSearchRules.create',
  'dynamicSearchRules.update',
  'dynamicSearchRules.delete',
]);

export function isGlobalAction(action: string): boolean {
  return GLOBAL_ACTIONS.has(action);
}
