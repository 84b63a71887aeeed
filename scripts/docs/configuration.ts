// docs/reference/configuration.md: every setting of src/config/schema.ts with its type, bounds, default,
// environment variable and description, read from the zod schema itself (descriptions are `.describe()`).
import { z } from 'zod';
import { envNameOf } from '../../src/config/config.ts';
import { configSchema } from '../../src/config/schema.ts';
import { banner, code, page, prose, table } from './markdown.ts';

export interface Setting {
  /** Path of keys; a record's key is written <id>. */
  path: string[];
  /** A group of settings (an object) rather than a value. */
  group: boolean;
  description: string | undefined;
  type: string;
  /** The default as text, or undefined when there is none (optional, or derived at load time). */
  default: string | undefined;
  /** Keys a record accepts (endpoints). */
  keys?: readonly string[];
  /** No default and not optional: to be given whenever its group is (isc.smtp.host). */
  required?: boolean;
}

/** Every group and setting of the schema, in declaration order. */
export function settings(schema: z.ZodType = configSchema): Setting[] {
  const found: Setting[] = [];
  walk(schema, [], found);
  return found;
}

function walk(schema: z.ZodType, path: string[], found: Setting[]): void {
  let current: z.ZodType = schema;
  let description: string | undefined;
  let fallback: unknown;
  let hasDefault = false;
  let optional = false;
  // Wrappers carry the description and the default; the innermost schema says what the value is.
  for (;;) {
    description ??= current.description;
    if (current instanceof z.ZodDefault && !hasDefault) {
      hasDefault = true;
      fallback = current.def.defaultValue;
    }
    if (current instanceof z.ZodOptional) optional = true;
    if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.out as z.ZodType;
    else break;
  }
  description ??= current.description;
  if (current instanceof z.ZodObject) {
    // A record's value object (endpoints.<id>) is described by the record itself.
    if (path.length > 0 && path.at(-1) !== '<id>')
      found.push({ path, group: true, description, type: 'object', default: undefined });
    for (const [key, child] of Object.entries(current.shape as Record<string, z.ZodType>))
      walk(child, [...path, key], found);
    return;
  }
  if (current instanceof z.ZodRecord) {
    const keys = (current.keyType as z.ZodEnum).options as string[];
    found.push({ path, group: true, description, type: 'object', default: undefined, keys });
    walk(current.valueType as z.ZodType, [...path, '<id>'], found);
    return;
  }
  found.push({
    path,
    group: false,
    description,
    type: typeOf(current),
    default: hasDefault ? show(fallback, path.at(-1) ?? '') : undefined,
    required: !hasDefault && !optional,
  });
}

function typeOf(schema: z.ZodType): string {
  if (schema instanceof z.ZodPipe) return typeOf(schema.out as z.ZodType);
  if (schema instanceof z.ZodNumber) {
    const kind = schema.isInt ? 'integer' : 'number';
    const { minValue: min, maxValue: max } = schema;
    const bound = (n: number) =>
      Math.abs(n) >= 2 ** 40 && Number.isInteger(Math.log2(Math.abs(n)))
        ? `2^${Math.log2(Math.abs(n))}`
        : n.toLocaleString('en-US');
    if (
      min !== null &&
      max !== null &&
      Number.isFinite(min) &&
      Number.isFinite(max) &&
      Math.abs(max) < Number.MAX_SAFE_INTEGER
    )
      return `${kind} ${bound(min)}–${bound(max)}`;
    if (min !== null && Number.isFinite(min)) return `${kind} ≥ ${bound(min)}`;
    return kind;
  }
  if (schema instanceof z.ZodURL) return 'URL';
  if (schema instanceof z.ZodEmail) return 'e-mail address';
  if (schema instanceof z.ZodString) {
    const { minLength: min, maxLength: max } = schema;
    if (max !== null) return `string (${min ?? 0}–${max} characters)`;
    if (min !== null && min > 1) return `string (at least ${min} characters)`;
    return 'string';
  }
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodEnum) return (schema.options as string[]).map((o) => code(o)).join(' | ');
  if (schema instanceof z.ZodArray) return `list of ${typeOf(schema.element as z.ZodType)}`;
  if (schema instanceof z.ZodUnion)
    return (schema.options as z.ZodType[])
      .map(typeOf)
      .filter((t, i, all) => all.indexOf(t) === i)
      .join(' or ');
  return 'value';
}

/** A default as the reader would write it; sizes also in KiB/MiB/GiB. */
function show(value: unknown, key: string): string {
  if (typeof value === 'number' && /Bytes$/.test(key) && value >= 1024 && value % 1024 === 0) {
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let n = value / 1024;
    let unit = 0;
    while (n >= 1024 && n % 1024 === 0 && unit < units.length - 1) {
      n /= 1024;
      unit++;
    }
    return `${value} (${n} ${units[unit]})`;
  }
  if (typeof value === 'object' && value !== null && Object.keys(value).length === 0 && !Array.isArray(value))
    return '';
  if (Array.isArray(value)) return value.length === 0 ? '(empty list)' : value.join(', ');
  return String(value);
}

/** A default in a code span, its size in words after it: `26214400` (25 MiB). */
function defaultText(value: string | undefined): string {
  if (!value) return '—';
  const size = / \((\d+ [KMGT]iB)\)$/.exec(value);
  return size ? `${code(value.slice(0, size.index))} (${size[1]})` : code(value);
}

export function configurationPage(): string {
  const all = settings();
  const head = ['setting', 'type', 'default', 'environment variable', 'description'];
  const row = (s: Setting) => [
    code(s.path.join('.')),
    s.type,
    s.required ? 'required' : defaultText(s.default),
    code(envNameOf(s.path)),
    prose(s.description ?? '(no description)'),
  ];
  const blocks: string[] = [
    '## Top-level settings',
    table(head, all.filter((s) => !s.group && s.path.length === 1).map(row)),
  ];
  // Then each group in declaration order, a nested group (isc.smtp) under its own heading.
  let rows: string[][] = [];
  const flush = () => {
    if (rows.length > 0) blocks.push(table(head, rows));
    rows = [];
  };
  for (const s of all) {
    if (s.group) {
      flush();
      blocks.push(`${s.path.length === 1 ? '##' : '###'} ${code(s.path.join('.'))}`);
      if (s.description) blocks.push(prose(s.description));
      const example = all.find(
        (m) =>
          !m.group &&
          m.path.length === s.path.length + 2 &&
          m.path.slice(0, s.path.length).join('.') === s.path.join('.'),
      );
      if (s.keys && example)
        blocks.push(
          `Keys: ${s.keys.map(code).join(', ')}. In a variable name a key is written in upper case ` +
            `with \`_\` for \`-\`: ${code(envNameOf([...s.path, s.keys.at(-1)!, example.path.at(-1)!]))}.`,
        );
    } else if (s.path.length > 1) {
      rows.push(row(s));
    }
  }
  flush();
  const count = all.filter((s) => !s.group).length;
  return page([
    banner(['src/config/schema.ts']),
    '# Configuration reference',
    'Every setting of motco, read from the zod schema that validates it (`src/config/schema.ts`). ' +
      'Defaults suit a local all-in-one run. They are overridden, in order, by a JSON file (`--config FILE`, ' +
      '`$MOTCO_CONFIG`, or `./motco.config.json` when present), by environment variables, ' +
      'then by command-line flags (`--data DIR` sets `dataDir`). An environment variable is `MOTCO_` followed ' +
      'by the setting path in upper snake case with `__` between levels; the tables give each name. ' +
      'Booleans accept `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`, `oui`/`non`; ' +
      'lists accept a JSON array in the file, or comma- or space-separated values in a variable. An invalid value, ' +
      'an unknown key or an unknown `MOTCO_*` variable stops start-up ' +
      'with a message naming the setting and where it came from.',
    `A default shown as — is unset (the feature is off) or derived when the configuration is loaded, ` +
      `as the description says. ${count} settings. ` +
      `The [operator guide](../operator-guide.md) shows how to use them in a deployment.`,
    ...blocks,
  ]);
}
