// SearchDump: one dump of one instance, a one-shot request like a Job (controller:
// operator/src/controllers/search-dump).
import { conditionsSchema, localRefSchema, type Condition, type CustomObject, type LocalObjectReference } from './common.ts';
import { int, obj, str, timestamp, type Schema } from './schema.ts';

export const SEARCH_DUMP = {
  kind: 'SearchDump',
  listKind: 'SearchDumpList',
  plural: 'searchdumps',
  singular: 'searchdump',
  shortNames: ['sd'],
} as const;

export type DumpPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface SearchDumpSpec {
  instanceRef: LocalObjectReference;
  /** Delete (default): deleting the SearchDump removes its file. Retain keeps the file. */
  deletionPolicy?: 'Delete' | 'Retain';
}

export interface SearchDumpStatus {
  phase?: DumpPhase;
  taskUid?: number;
  /**
   * The engine's newest task uid just before the operator asked for the dump (its intent, written
   * before POST /dumps): a restarted operator adopts the first dump task after it instead of
   * asking for a second dump. See controllers/search-dump/start-dump.ts.
   */
  requestedAfterTaskUid?: number;
  dumpUid?: string;
  path?: string;
  sizeBytes?: number;
  engineVersion?: string;
  startedAt?: string;
  completedAt?: string;
  error?: string;
  conditions?: Condition[];
}

export type SearchDump = CustomObject<SearchDumpSpec, SearchDumpStatus>;

export const searchDumpSchema: Schema = obj(
  {
    spec: obj(
      {
        instanceRef: localRefSchema('The SearchInstance to dump.'),
        deletionPolicy: str('Delete removes the dump file with this object; Retain keeps it.', { enum: ['Delete', 'Retain'], default: 'Delete' }),
      },
      {
        required: ['instanceRef'],
        // A dump is a record of something that happened; editing it would make the record lie.
        'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'SearchDump spec is immutable; create a new SearchDump instead' }],
      },
    ),
    status: obj({
      phase: str('Pending, Running, Succeeded or Failed.', { enum: ['Pending', 'Running', 'Succeeded', 'Failed'] }),
      taskUid: int('The engine task that creates the dump.'),
      requestedAfterTaskUid: int('The engine\'s newest task uid when the dump was requested (lets a restarted operator find the task instead of starting a second dump).'),
      dumpUid: str('The engine\'s dump uid, e.g. 20220621-161029217.'),
      path: str('The dump file in the instance\'s dumps volume, /dumps/<dumpUid>.dump.'),
      sizeBytes: int('Size of the dump file.'),
      engineVersion: str('Engine version that wrote the dump.'),
      startedAt: timestamp('When the dump task was started.'),
      completedAt: timestamp('When it finished.'),
      error: str('Why it failed.'),
      conditions: conditionsSchema,
    }),
  },
  { required: ['spec'] },
);

export const searchDumpColumns = [
  { name: 'Instance', type: 'string', jsonPath: '.spec.instanceRef.name' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Size', type: 'integer', jsonPath: '.status.sizeBytes', description: 'Dump file size in bytes' },
  { name: 'Path', type: 'string', jsonPath: '.status.path', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];
