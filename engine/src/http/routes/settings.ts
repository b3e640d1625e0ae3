import type { FastifyInstance } from 'fastify';
import type { Engine } from '../../engine.ts';
import { jsonBody } from '../body.ts';
import { validateIndexUid } from '../index-uid.ts';
import { parseSettingValue, parseSettingsPatch } from '../../settings/parse-settings.ts';
import { defaultSettings, type Settings, type SettingsPatch } from '../../types/settings.ts';

type Deps = { engine: () => Engine };
type IndexParams = { Params: { uid: string } };

/** Sub-route name -> settings key, and the verb that updates it (as Meilisearch). */
const SUB_ROUTES: Array<[string, keyof Settings, 'put' | 'patch']> = [
  ['displayed-attributes', 'displayedAttributes', 'put'],
  ['searchable-attributes', 'searchableAttributes', 'put'],
  ['filterable-attributes', 'filterableAttributes', 'put'],
  ['sortable-attributes', 'sortableAttributes', 'put'],
  ['ranking-rules', 'rankingRules', 'put'],
  ['stop-words', 'stopWords', 'put'],
  ['non-separator-tokens', 'nonSeparatorTokens', 'put'],
  ['separator-tokens', 'separatorTokens', 'put'],
  ['dictionary', 'dictionary', 'put'],
  ['synonyms', 'synonyms', 'put'],
  ['distinct-attribute', 'distinctAttribute', 'put'],
  ['proximity-precision', 'proximityPrecision', 'put'],
  ['typo-tolerance', 'typoTolerance', 'patch'],
  ['faceting', 'faceting', 'patch'],
  ['pagination', 'pagination', 'patch'],
  ['embedders', 'embedders', 'patch'],
  ['search-cutoff-ms', 'searchCutoffMs', 'put'],
  ['localized-attributes', 'localizedAttributes', 'put'],
  ['facet-search', 'facetSearch', 'put'],
  ['prefix-search', 'prefixSearch', 'put'],
];

export async function settingsRoutes(app: FastifyInstance, { engine }: Deps): Promise<void> {
  const current = (uid: string): Settings => engine().registry.require(uid).record.settings;
  const enqueue = async (uid: string, settings: SettingsPatch, isDeletion: boolean, allowIndexCreation: boolean) => {
    engine().assertWritable();
    return engine().enqueue({ indexUid: uid, kind: { type: 'settingsUpdate', settings, isDeletion, allowIndexCreation } });
  };
  const read = { action: 'settings.get', index: 'param' as const };
  const write = { action: 'settings.update', index: 'param' as const };

  app.get<IndexParams>('/indexes/:uid/settings', { config: read }, async (request) => current(validateIndexUid(request.params.uid)));
  app.patch<IndexParams>('/indexes/:uid/settings', { config: write }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    const patch = parseSettingsPatch(jsonBody(request));
    return reply.status(202).send(await enqueue(uid, patch, false, request.auth.allows('indexes.create')));
  });
  app.delete<IndexParams>('/indexes/:uid/settings', { config: write }, async (request, reply) => {
    const uid = validateIndexUid(request.params.uid);
    const reset = Object.fromEntries(Object.keys(defaultSettings()).map((key) => [key, null])) as SettingsPatch;
    return reply.status(202).send(await enqueue(uid, reset, true, false));
  });

  for (const [path, key, verb] of SUB_ROUTES) {
    const url = `/indexes/:uid/settings/${path}`;
    app.get<IndexParams>(url, { config: read }, async (request) => current(validateIndexUid(request.params.uid))[key]);
    app.route<IndexParams>({
      method: verb === 'put' ? 'PUT' : 'PATCH',
      url,
      config: write,
      handler: async (request, reply) => {
        const uid = validateIndexUid(request.params.uid);
        const value = parseSettingValue(key, jsonBody(request));
        return reply.status(202).send(await enqueue(uid, { [key]: value } as SettingsPatch, false, request.auth.allows('indexes.create')));
      },
    });
    app.delete<IndexParams>(url, { config: write }, async (request, reply) => {
      const uid = validateIndexUid(request.params.uid);
      return reply.status(202).send(await enqueue(uid, { [key]: null } as SettingsPatch, true, false));
    });
  }
}
