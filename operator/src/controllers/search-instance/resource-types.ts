import { GROUP, VERSION } from '../../api/group.ts';
import { SEARCH_INSTANCE } from '../../api/search-instance.ts';
import type { ResourceType } from '../../kube/resource.ts';

export const SEARCHINSTANCES: ResourceType = { group: GROUP, version: VERSION, plural: SEARCH_INSTANCE.plural, kind: SEARCH_INSTANCE.kind, namespaced: true };
