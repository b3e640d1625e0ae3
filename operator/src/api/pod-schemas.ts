// Schemas for the Kubernetes pod fields a SearchInstance passes through to its pod. They are
// typed as far as a user benefits from early, readable errors; the rest (affinity, env sources)
// is kept as given and left to the apiserver's own Pod validation.
import { arr, int, intOrStringQuantity, obj, opaque, str, stringMap, type Schema } from './schema.ts';

/** Env vars the operator sets itself; a user value would silently fight it. */
export const RESERVED_ENV = ['MEILI_MASTER_KEY', 'MEILI_ENV', 'MEILI_DB_PATH', 'MEILI_HTTP_ADDR', 'MEILI_DUMP_DIR', 'MEILI_IMPORT_DUMP'];

export const resourcesSchema: Schema = obj(
  {
    limits: { type: 'object', additionalProperties: intOrStringQuantity, description: 'Maximum resources, e.g. memory: 2Gi.' },
    requests: { type: 'object', additionalProperties: intOrStringQuantity, description: 'Reserved resources, e.g. cpu: 500m.' },
  },
  { description: 'Compute resources of the engine container. A change rolls the pod.' },
);

export const envSchema: Schema = arr(
  obj(
    {
      name: str('Variable name.', { minLength: 1 }),
      value: str('Literal value.'),
      valueFrom: opaque('A source for the value (secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef).'),
    },
    { required: ['name'] },
  ),
  'Extra environment variables of the engine container (e.g. MEILI_LOG_LEVEL). A change rolls the pod.',
  {
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
    'x-kubernetes-validations': [
      {
        rule: `self.all(e, !(e.name in ${JSON.stringify(RESERVED_ENV)}))`,
        message: `env must not set ${RESERVED_ENV.join(', ')}: the operator sets them from the spec`,
      },
    ],
  },
);

export const tolerationsSchema: Schema = arr(
  obj({
    key: str('Taint key; empty with operator Exists matches all taints.'),
    operator: str('Exists or Equal (default).', { enum: ['Exists', 'Equal'] }),
    value: str('Taint value for operator Equal.'),
    effect: str('NoSchedule, PreferNoSchedule or NoExecute; empty matches all.', { enum: ['', 'NoSchedule', 'PreferNoSchedule', 'NoExecute'] }),
    tolerationSeconds: int('For NoExecute: how long the pod stays bound after the taint appears.'),
  }),
  'Tolerations of the engine pod. A change rolls the pod.',
  { 'x-kubernetes-list-type': 'atomic' },
);

export const nodeSelectorSchema: Schema = stringMap('Node labels the engine pod must run on. A change rolls the pod.');

export const affinitySchema: Schema = opaque('Affinity of the engine pod (nodeAffinity, podAffinity, podAntiAffinity). A change rolls the pod.');
