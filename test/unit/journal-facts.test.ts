// The journal's facts against their schemas (src/observe/facts.ts): every observation of the recorded journals
// (test/fixtures/journals, written by scripts/record-journals.ts from real plays of the reference LPS) is
// valid for its kind, and the schemas document every field they declare.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { factProblems, isObservationKind, journalKinds, OBSERVATION_KINDS } from '../../src/observe/facts.ts';

const dir = path.join(import.meta.dirname, '..', 'fixtures', 'journals');
const recordings = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map(
    (f) =>
      [
        f,
        JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
          observations: { id: number; kind: string; data: unknown }[];
        },
      ] as const,
  );

describe('recorded journals match the facts’ schemas', () => {
  it.each(recordings)('%s', (_, recording) => {
    const problems = recording.observations.flatMap((o) => {
      if (!isObservationKind(o.kind)) return [`#${o.id}: unknown kind ${o.kind}`];
      return factProblems(o.kind, o.data).map((p) => `#${o.id} ${o.kind} ${p}`);
    });
    expect(
      problems,
      'a fixture no longer matches src/observe/facts.ts: fix the schema, ' +
        'or re-record with node --import tsx scripts/record-journals.ts',
    ).toEqual([]);
  });
});

describe('the journal’s reference', () => {
  it('lists every kind once, each with what it records', () => {
    const kinds = journalKinds();
    expect(kinds.map((k) => k.kind)).toEqual(OBSERVATION_KINDS);
    for (const k of kinds) expect(k.description, k.kind).toMatch(/\S.*\.$/);
  });

  it('describes every field of every kind', () => {
    const undescribed: string[] = [];
    const walk = (schema: unknown, at: string, described: boolean) => {
      if (typeof schema !== 'object' || schema === null) return;
      const node = schema as Record<string, unknown>;
      for (const [name, property] of Object.entries(
        (node.properties as Record<string, Record<string, unknown>> | undefined) ?? {},
      )) {
        const has = typeof property.description === 'string' || anyOfDescribed(property);
        if (!has) undescribed.push(`${at}.${name}`);
        walk(property, `${at}.${name}`, has);
      }
      for (const key of ['items', 'additionalProperties'] as const) walk(node[key], `${at}[]`, described);
      for (const key of ['anyOf', 'oneOf'] as const)
        for (const option of (node[key] as unknown[] | undefined) ?? []) walk(option, at, described);
    };
    for (const k of journalKinds()) walk(k.jsonSchema, k.kind, true);
    expect(undescribed).toEqual([]);
  });
});

/** A nullable field is an anyOf whose described option carries the description. */
function anyOfDescribed(property: Record<string, unknown>): boolean {
  return ((property.anyOf as Record<string, unknown>[] | undefined) ?? []).some(
    (option) => typeof option.description === 'string',
  );
}
