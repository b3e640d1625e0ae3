/**
 * The filter expression tree (see grammar in parse.ts). Attribute names are dot paths as written
 * (`author.name`); values keep their raw text so they can be compared as numbers when they parse
 * as finite floats and as normalized strings otherwise.
 */
export type ComparisonOperator = '=' | '!=' | '>' | '>=' | '<' | '<=';

export interface FilterValue {
  /** The text as written, without quotes, escapes resolved. */
  raw: string;
  /** Number(raw) when raw is a finite number, else null. */
  number: number | null;
}

export type FilterNode =
  | { kind: 'or'; children: FilterNode[] }
  | { kind: 'and'; children: FilterNode[] }
  | { kind: 'not'; child: FilterNode }
  | { kind: 'compare'; attribute: string; operator: ComparisonOperator; value: FilterValue }
  | { kind: 'range'; attribute: string; from: FilterValue; to: FilterValue }
  | { kind: 'in'; attribute: string; values: FilterValue[] }
  | { kind: 'exists'; attribute: string }
  | { kind: 'isNull'; attribute: string }
  | { kind: 'isEmpty'; attribute: string }
  | { kind: 'contains'; attribute: string; value: FilterValue }
  | { kind: 'startsWith'; attribute: string; value: FilterValue }
  | { kind: 'geoRadius'; lat: number; lng: number; radius: number }
  | { kind: 'geoBoundingBox'; topRight: [number, number]; bottomLeft: [number, number] }
  | { kind: 'true' };
