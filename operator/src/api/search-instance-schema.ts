// The OpenAPI schema of SearchInstance: defaults, enums and CEL rules, so the apiserver rejects
// a bad object with a message that names the field.
import { conditionsSchema } from './common.ts';
import { INSTANCE_DEFAULTS } from './search-instance.ts';
import { affinitySchema, envSchema, nodeSelectorSchema, resourcesSchema, tolerationsSchema } from './pod-schemas.ts';
import { arr, bool, int, obj, quantity, str, timestamp, type Schema } from './schema.ts';

/** "0.3.0", "v1.14.0", "1.2.3-rc.1": a tag and a directory name at the same time. */
export const VERSION_PATTERN = '^v?[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?$';

/** CEL transition rule: an optional field may not be added, removed or changed after creation. */
function unchangedOptional(field: string): string {
  return `has(self.${field}) == has(oldSelf.${field}) && (!has(self.${field}) || self.${field} == oldSelf.${field})`;
}

function volume(what: string, defaultSize: string, mount: string): Schema {
  const s = obj(
    {
      size: { ...quantity(`Requested size (default ${defaultSize}). Can grow where the StorageClass allows volume expansion; never shrinks.`, `${what}.size`), default: defaultSize },
      storageClassName: str('StorageClass of the claim; the cluster default when omitted. Fixed at creation.'),
    },
    {
      description: `The ${what} volume, mounted at ${mount}.`,
      default: {},
      'x-kubernetes-validations': [
        { rule: unchangedOptional('storageClassName'), message: `${what}.storageClassName cannot be changed after creation`, fieldPath: '.storageClassName' },
      ],
    },
  );
  return s;
}

const specSchema: Schema = obj(
  {
    version: str('Engine version: the image tag, and the database directory /data/db-<version>. A change is an upgrade.', {
      pattern: VERSION_PATTERN,
      maxLength: 63,
    }),
    image: obj(
      {
        repository: str('Image repository; the image is <repository>:<version>.', { default: INSTANCE_DEFAULTS.repository, minLength: 1 }),
        pullPolicy: str('Image pull policy.', { enum: ['Always', 'IfNotPresent', 'Never'], default: INSTANCE_DEFAULTS.pullPolicy }),
      },
      { default: {} },
    ),
    masterKey: obj(
      {
        secretRef: obj(
          {
            name: str('Secret in the same namespace.', { minLength: 1, maxLength: 253 }),
            key: str('Key in the Secret holding the master key (at least 16 bytes).', { default: INSTANCE_DEFAULTS.masterKeyKey, minLength: 1 }),
          },
          { required: ['name'] },
        ),
      },
      { required: ['secretRef'], description: 'Master key from your Secret. Omitted: the operator generates <name>-master-key once and never rotates it.' },
    ),
    storage: volume('storage', INSTANCE_DEFAULTS.storageSize, '/data (PVC <name>-data)'),
    dumps: volume('dumps', INSTANCE_DEFAULTS.dumpsSize, '/dumps (PVC <name>-dumps)'),
    resources: resourcesSchema,
    env: envSchema,
    nodeSelector: nodeSelectorSchema,
    tolerations: tolerationsSchema,
    affinity: affinitySchema,
    upgrade: obj(
      {
        strategy: str('Recreate: stop, dump, restart on the new version. BlueGreen: run the new version beside the old one, switch when verified.', {
          enum: ['Recreate', 'BlueGreen'],
          default: 'Recreate',
        }),
        verify: bool('Compare index and document counts before and after an upgrade.', { default: true }),
        blockWrites: bool('Refuse writes while the pre-upgrade dump is taken, so none is lost.', { default: true }),
        readyTimeoutSeconds: int('How long the new version may take to become Ready, dump import included, before the upgrade is rolled back.', { default: 3600, minimum: 10 }),
      },
      { default: {} },
    ),
    bootstrap: obj(
        {
          fromDump: obj(
            {
              name: str('A SearchDump (in this namespace) whose file is imported.'),
              path: str('A dump file in the dumps volume.', { pattern: '^/dumps/[^/]+\\.dump$' }),
            },
            { 'x-kubernetes-validations': [{ rule: 'has(self.name) != has(self.path)', message: 'bootstrap.fromDump needs exactly one of name or path' }] },
          ),
        },
        { required: ['fromDump'], description: 'Start a new instance from a dump (imported once; a restart never re-imports over live data). Fixed at creation.' },
      ),
    deletionPolicy: str('Retain keeps the PVCs, the dump files and the generated Secret when the instance is deleted; Delete removes them.', {
      enum: ['Retain', 'Delete'],
      default: INSTANCE_DEFAULTS.deletionPolicy,
    }),
  },
  {
    required: ['version'],
    'x-kubernetes-validations': [
      { rule: unchangedOptional('bootstrap'), message: 'bootstrap is only read when the instance is created and cannot be added, changed or removed', fieldPath: '.bootstrap' },
    ],
    description: 'One engine: a single writer, so always exactly one pod (there is no replicas field on purpose).',
  },
);

function engineStartSchema(description: string): Schema {
  return obj(
    {
      importDump: str('Dump file imported on first start.'),
      extraArgs: arr(str('An engine flag.'), 'Engine flags beyond the base ones.'),
      fetchFrom: str('URL the init step fetches the dump from.'),
      fetchKey: obj({ name: str('Secret name.'), key: str('Key in the Secret.') }, { description: 'Master key of the engine the dump is fetched from.' }),
      copyFrom: str('Database directory the init step copies (in-place upgrades).'),
    },
    { description },
  );
}

const statusSchema: Schema = obj({
  phase: str('Pending, Provisioning, Ready, Upgrading, RollingBack or Failed.', {
    enum: ['Pending', 'Provisioning', 'Ready', 'Upgrading', 'RollingBack', 'Failed'],
  }),
  observedGeneration: int('The .metadata.generation this status was computed from.'),
  currentVersion: str('The engine version the running database belongs to.'),
  endpoint: str('In-cluster URL of the engine.'),
  conditions: conditionsSchema,
  statefulSet: str('The StatefulSet running the engine: <name>, or <name>-v<version> after a BlueGreen upgrade.'),
  upgrade: obj({
    from: str('Version before the upgrade.'),
    to: str('Target version.'),
    step: str('Current step of the upgrade state machine (each is recorded before it is acted on).', {
      enum: ['BlockingWrites', 'Dumping', 'Restarting', 'Importing', 'Verifying', 'Switching', 'Completed', 'RollingBack', 'RolledBack'],
    }),
    dump: str('SearchDump taken before the upgrade.'),
    startedAt: timestamp('When the upgrade started.'),
    before: obj({ indexes: int('Indexes before the upgrade.'), documents: int('Documents before the upgrade.') }),
    strategy: str('Recreate or BlueGreen, as it was when the upgrade started.'),
    mode: str('Dump (dump, then --import-dump) or Dumpless (upstream in-place upgrade flag).'),
    stepStartedAt: timestamp('When the current step started.'),
    dumpPath: str('The dump file the new version imports.'),
    blockWrites: bool('Whether writes are blocked during this upgrade.'),
    fromStart: engineStartSchema('How the previous version was started (restored on a rollback).'),
    toStart: engineStartSchema('How the new version is started.'),
    fromStatefulSet: str('StatefulSet of the previous version.'),
    toStatefulSet: str('StatefulSet of the new version.'),
    progress: obj({ indexesDone: int('Indexes imported.'), indexesTotal: int('Indexes in the dump.'), documentsDone: int('Documents imported.'), documentsTotal: int('Documents in the dump.') }, { description: 'Import progress of the new version, from its /health.' }),
    after: obj({ indexes: int('Indexes after the import.'), documents: int('Documents after the import.') }),
    failure: obj({ reason: str('Why the upgrade failed, as a CamelCase reason.'), message: str('What failed.') }),
    finishedAt: timestamp('When the upgrade completed or its rollback finished.'),
    result: str('Succeeded or RolledBack.'),
  }),
  stats: obj({
    indexes: int('Number of indexes.'),
    documents: int('Number of documents over all indexes.'),
    databaseSize: int('Database size in bytes.'),
  }),
});

export const searchInstanceSchema: Schema = obj({ spec: specSchema, status: statusSchema }, { required: ['spec'] });

export const searchInstanceColumns = [
  { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'Desired engine version' },
  { name: 'Phase', type: 'string', jsonPath: '.status.phase' },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Step', type: 'string', jsonPath: '.status.upgrade.step', priority: 1, description: 'Step of the current or last upgrade' },
  { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', priority: 1 },
  { name: 'Documents', type: 'integer', jsonPath: '.status.stats.documents', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];
