// Builds the three CustomResourceDefinitions from the schemas: the one source of crds/*.yaml.
import { GROUP, VERSION } from './group.ts';
import type { Schema } from './schema.ts';
import { SEARCH_INSTANCE } from './search-instance.ts';
import { searchInstanceColumns, searchInstanceSchema } from './search-instance-schema.ts';
import { SEARCH_DUMP, searchDumpColumns, searchDumpSchema } from './search-dump.ts';
import { SEARCH_DUMP_SCHEDULE, searchDumpScheduleColumns, searchDumpScheduleSchema } from './search-dump-schedule.ts';

interface Names {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
}

interface Column {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

function crd(names: Names, schema: Schema, columns: Column[]): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${names.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { ...names, shortNames: [...names.shortNames], categories: ['searchkube'] },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}

/** File name (in crds/) -> CRD object. */
export function buildCrds(): Map<string, Record<string, unknown>> {
  return new Map([
    [`${GROUP}_${SEARCH_INSTANCE.plural}.yaml`, crd(SEARCH_INSTANCE, searchInstanceSchema, searchInstanceColumns)],
    [`${GROUP}_${SEARCH_DUMP.plural}.yaml`, crd(SEARCH_DUMP, searchDumpSchema, searchDumpColumns)],
    [`${GROUP}_${SEARCH_DUMP_SCHEDULE.plural}.yaml`, crd(SEARCH_DUMP_SCHEDULE, searchDumpScheduleSchema, searchDumpScheduleColumns)],
  ]);
}
