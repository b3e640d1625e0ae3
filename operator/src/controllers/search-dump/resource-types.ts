import { GROUP, VERSION } from '../../api/group.ts';
import { SEARCH_DUMP } from '../../api/search-dump.ts';
import { SEARCH_DUMP_SCHEDULE } from '../../api/search-dump-schedule.ts';
import type { ResourceType } from '../../kube/resource.ts';

export const SEARCHDUMPS: ResourceType = { group: GROUP, version: VERSION, plural: SEARCH_DUMP.plural, kind: SEARCH_DUMP.kind, namespaced: true };
export const SEARCHDUMPSCHEDULES: ResourceType = { group: GROUP, version: VERSION, plural: SEARCH_DUMP_SCHEDULE.plural, kind: SEARCH_DUMP_SCHEDULE.kind, namespaced: true };

/** Held on a SearchDump with deletionPolicy Delete until its file is deleted. */
export const DUMP_FINALIZER = `${GROUP}/dump-file`;

/** The schema's default deletionPolicy, applied again in code so an object without it still works. */
export const DUMP_DEFAULT_POLICY = 'Delete';
