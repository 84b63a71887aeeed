// JSON Schemas (from zod's toJSONSchema, as the OpenAPI document and the journal's facts give them) in a few
// words and as one table row per field, for the generated reference pages.
import { code, prose } from './markdown.ts';

export type Schema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
  format?: string;
  $ref?: string;
};

const HUGE = 2 ** 52;

function bounds(s: Schema): string {
  const min =
    s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (s.type === 'integer' ? 1 : 0) : undefined);
  const max = s.maximum;
  const low = min !== undefined && Math.abs(min) < HUGE ? min : undefined;
  const high = max !== undefined && Math.abs(max) < HUGE ? max : undefined;
  if (low !== undefined && high !== undefined) return ` ${low}–${high}`;
  if (low !== undefined) return ` ≥ ${low}`;
  if (high !== undefined) return ` ≤ ${high}`;
  return '';
}

/** A schema in a few words: "integer 1–1000", "string or null", "array of object", "`a` \| `b`". */
export function typeText(s: Schema | undefined): string {
  if (!s) return 'any';
  if (s.$ref) return s.$ref.split('/').at(-1)!;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const tagged = taggedObjects(alternatives.filter((a) => a.type !== 'null'));
    const nullable = alternatives.some((a) => a.type === 'null') ? ' or null' : '';
    if (tagged) return `object, by ${code(tagged.field)}: ${tagged.values.map((v) => code(v)).join(', ')}${nullable}`;
    return [...new Set(alternatives.map(typeText))].join(' or ');
  }
  if (s.const !== undefined) return code(JSON.stringify(s.const));
  if (s.enum) return s.enum.map((v) => code(String(v))).join(' | ');
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return 'any';
  return types
    .map((type) => {
      if (type === 'array') return `array of ${typeText(s.items)}`;
      if (type === 'integer' || type === 'number') return `${type}${bounds(s)}`;
      if (type === 'string' && s.format) return `string (${s.format})`;
      return type;
    })
    .join(' or ');
}

/** The object a schema describes, seen through `X or null` and `array of X`. */
function objectOf(s: Schema | undefined): Schema | undefined {
  if (!s) return undefined;
  if (s.properties) return s;
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) {
    const objects = alternatives.map(objectOf).filter((o): o is Schema => o !== undefined);
    return objects.length === 1 ? objects[0] : undefined;
  }
  if (s.items) return objectOf(s.items);
  return undefined;
}

function isArray(s: Schema): boolean {
  if (s.type === 'array' || (Array.isArray(s.type) && s.type.includes('array'))) return true;
  return (s.anyOf ?? s.oneOf ?? []).some(isArray);
}

/** Rows for every field of an object, nested fields as a.b and a[].b, a few levels deep. */
export function fieldRows(s: Schema | undefined, prefix = '', depth = 0): string[][] {
  const object = objectOf(s);
  if (!object?.properties || depth > 4) return [];
  const rows: string[][] = [];
  for (const [name, field] of Object.entries(object.properties)) {
    const fieldPath = `${prefix}${name}`;
    rows.push([
      code(fieldPath),
      typeText(field),
      (object.required ?? []).includes(name) ? 'yes' : '',
      prose(field.description ?? ''),
    ]);
    rows.push(...fieldRows(field, `${fieldPath}${isArray(field) ? '[]' : ''}.`, depth + 1));
  }
  return rows;
}

/**
 * The variants of a schema that is one of several objects (a fact whose fields depend on its outcome), each
 * with a label naming the field that tells them apart; a single object is one unlabelled variant.
 */
export function objectVariants(s: Schema): { label: string | undefined; schema: Schema }[] {
  const alternatives = s.oneOf ?? s.anyOf;
  if (!alternatives || alternatives.some((a) => !a.properties)) return [{ label: undefined, schema: s }];
  return alternatives.map((variant) => {
    const tag = Object.entries(variant.properties ?? {}).find(([, p]) => p.const !== undefined || p.enum?.length === 1);
    const value = tag ? (tag[1].const ?? tag[1].enum?.[0]) : undefined;
    const label = variant.description
      ? prose(variant.description)
      : tag
        ? `When ${code(tag[0])} is ${code(String(value))}:`
        : undefined;
    return { label, schema: variant };
  });
}

/** Several objects told apart by one field of constant value (a run event's `type`): that field and its values. */
function taggedObjects(alternatives: Schema[]): { field: string; values: string[] } | undefined {
  if (alternatives.length < 3 || alternatives.some((a) => !a.properties)) return undefined;
  const constant = (p: Schema | undefined) =>
    p?.const !== undefined ? String(p.const) : p?.enum?.length === 1 ? String(p.enum[0]) : undefined;
  for (const field of Object.keys(alternatives[0]!.properties!)) {
    const values = alternatives.map((a) => constant(a.properties?.[field]));
    if (values.every((v): v is string => v !== undefined) && new Set(values).size === values.length)
      return { field, values };
  }
  return undefined;
}
