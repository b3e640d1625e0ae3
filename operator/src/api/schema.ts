// A small vocabulary for writing OpenAPI v3 (structural) schemas of CRDs by hand, so each kind's
// schema reads like its YAML and stays next to its TypeScript type.

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps the CRDs use. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: (string | number)[];
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: Schema[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-validations'?: CelRule[];
}

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
}

type Extra = Omit<Schema, 'type' | 'properties' | 'items'>;

export function obj(properties: Record<string, Schema>, extra: Extra = {}): Schema {
  return { type: 'object', properties, ...extra };
}

export function str(description: string, extra: Extra = {}): Schema {
  return { type: 'string', description, ...extra };
}

export function int(description: string, extra: Extra = {}): Schema {
  return { type: 'integer', format: 'int64', description, ...extra };
}

export function bool(description: string, extra: Extra = {}): Schema {
  return { type: 'boolean', description, ...extra };
}

export function arr(items: Schema, description: string, extra: Extra = {}): Schema {
  return { type: 'array', items, description, ...extra };
}

export function stringMap(description: string): Schema {
  return { type: 'object', additionalProperties: { type: 'string' }, description };
}

/** A free-form object the apiserver keeps as given (Kubernetes types we pass through untouched). */
export function opaque(description: string): Schema {
  return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description };
}

export function timestamp(description: string): Schema {
  return { type: 'string', format: 'date-time', description };
}

/** A Kubernetes resource.Quantity given as a string ("10Gi"), checked with the CEL quantity library. */
export function quantity(description: string, what: string): Schema {
  return {
    type: 'string',
    description,
    'x-kubernetes-validations': [
      { rule: 'isQuantity(self) && quantity(self).isGreaterThan(quantity("0"))', message: `${what} must be a positive quantity such as 10Gi` },
    ],
  };
}

/** Quantities as Kubernetes itself types them (int or string), e.g. in resource requests. */
export const intOrStringQuantity: Schema = {
  anyOf: [{ type: 'integer' }, { type: 'string' }],
  'x-kubernetes-int-or-string': true,
  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
};

/** A field that can be set at creation and never changed (a CEL transition rule). */
export function immutable(s: Schema, message: string): Schema {
  return { ...s, 'x-kubernetes-validations': [...(s['x-kubernetes-validations'] ?? []), { rule: 'self == oldSelf', message }] };
}
