// The French catalogue, one file per area under src/i18n/fr/ merged by src/i18n/messages.ts: no key defined
// twice (a second definition would silently replace the first), each key prefix in one area only (the prefix
// says which file holds a key), and every `{placeholder}` of a message supplied where code calls t() with a
// literal key and literal parameters (read from the source with the TypeScript parser).
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { allMessages, messageAreas } from '../../src/i18n/messages.ts';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every t('key', { … }) call of the source whose key and parameter names are literal, with where it is. */
function literalCalls(): { where: string; key: string; params: Set<string> }[] {
  const calls: { where: string; key: string; params: Set<string> }[] = [];
  for (const file of sourceFiles(SRC)) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      const [key, params] =
        ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 't'
          ? node.arguments
          : [];
      if (
        key &&
        ts.isStringLiteral(key) &&
        (params === undefined ||
          (ts.isObjectLiteralExpression(params) && !params.properties.some(ts.isSpreadAssignment)))
      ) {
        const names = new Set(
          (params?.properties ?? []).map((p) => p.name?.getText(source).replace(/^['"]|['"]$/g, '') ?? ''),
        );
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        calls.push({ where: `${path.relative(SRC, file)}:${line}`, key: key.text, params: names });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

describe('the message catalogue', () => {
  const areas = Object.entries(messageAreas());

  it('defines no key twice across the area files', () => {
    const owners = new Map<string, string[]>();
    for (const [area, messages] of areas)
      for (const key of Object.keys(messages)) owners.set(key, [...(owners.get(key) ?? []), area]);
    const twice = [...owners].filter(([, list]) => list.length > 1).map(([key, list]) => `${key}: ${list.join(', ')}`);
    expect(twice).toEqual([]);
    expect(Object.keys(allMessages())).toHaveLength(owners.size);
  });

  it('keeps each key prefix in one area, so that a key says which file holds it', () => {
    const areasOf = new Map<string, Set<string>>();
    for (const [area, messages] of areas) {
      for (const key of Object.keys(messages)) {
        const prefix = key.split('.')[0]!;
        areasOf.set(prefix, (areasOf.get(prefix) ?? new Set()).add(area));
      }
    }
    const shared = [...areasOf]
      .filter(([, set]) => set.size > 1)
      .map(([prefix, set]) => `${prefix}: ${[...set].join(', ')}`);
    expect(shared).toEqual([]);
  });

  it('gets every placeholder of a message where the source calls t() with literal parameters', () => {
    const messages: Readonly<Record<string, string>> = allMessages();
    const calls = literalCalls();
    expect(calls.length).toBeGreaterThan(500);
    const problems = calls.flatMap(({ where, key, params }) => {
      const message = messages[key];
      if (message === undefined) return [`${where}: no message ${key}`];
      const missing = [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).filter((name) => !params.has(name));
      return missing.length > 0 ? [`${where}: ${key} without ${[...new Set(missing)].join(', ')}`] : [];
    });
    expect(problems).toEqual([]);
  });
});
