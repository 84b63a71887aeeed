// docs/reference/cli.md: every `motco` command and option. Commands come from the dispatch table of
// src/cli/main.ts, the options each one accepts from its own parseArgs declarations (read from the source with
// the TypeScript compiler, since main.ts runs the command line when imported), and the French synopses and
// descriptions from the usage text the CLI prints (`cli.usage` in the message catalogue).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { t } from '../../src/i18n/messages.ts';
import { banner, code, page, prose, table } from './markdown.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'cli');

export interface CliOption {
  name: string;
  type: 'string' | 'boolean';
  multiple: boolean;
  short?: string;
}

export interface CliCommand {
  name: string;
  /** Source file, relative to the repository. */
  file: string;
  /** Options its parser accepts besides the common ones. */
  options: CliOption[];
  /** Usage entries: synopsis and French description, as `motco help` prints them. */
  usage: { synopsis: string; description: string }[];
}

function sourceOf(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

function text(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isIdentifier(node)) return node.text;
  return undefined;
}

/** The COMMANDS table of main.ts: name → module file. */
function commandTable(): { name: string; file: string }[] {
  const source = sourceOf(path.join(CLI, 'main.ts'));
  const found: { name: string; file: string }[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isVariableDeclaration(node) &&
      text(node.name) === 'COMMANDS' &&
      node.initializer &&
      ts.isObjectLiteralExpression(node.initializer)
    ) {
      for (const property of node.initializer.properties) {
        if (!ts.isPropertyAssignment(property)) continue;
        let module: string | undefined;
        property.initializer.forEachChild(function find(child) {
          if (ts.isCallExpression(child) && child.expression.kind === ts.SyntaxKind.ImportKeyword)
            module = text(child.arguments[0]);
          child.forEachChild(find);
        });
        const name = text(property.name);
        if (name && module) found.push({ name, file: path.join(CLI, module) });
      }
    }
    node.forEachChild(visit);
  };
  visit(source);
  if (found.length === 0) throw new Error('docs: no COMMANDS table found in src/cli/main.ts');
  return found;
}

/** Options of a parseArgs-style object literal: { name: { type: 'string', multiple: true, short: 'f' } }. */
function optionsOf(literal: ts.ObjectLiteralExpression): CliOption[] {
  const options: CliOption[] = [];
  for (const property of literal.properties) {
    if (!ts.isPropertyAssignment(property) || !ts.isObjectLiteralExpression(property.initializer)) continue;
    const name = text(property.name);
    if (!name) continue;
    const field = (key: string) =>
      property.initializer.kind === ts.SyntaxKind.ObjectLiteralExpression
        ? (property.initializer as ts.ObjectLiteralExpression).properties.find(
            (p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && text(p.name) === key,
          )?.initializer
        : undefined;
    const type = text(field('type')) === 'boolean' ? 'boolean' : 'string';
    const short = text(field('short'));
    options.push({
      name,
      type,
      multiple: field('multiple')?.kind === ts.SyntaxKind.TrueKeyword,
      ...(short ? { short } : {}),
    });
  }
  return options;
}

/** Every option passed to parse(…) in a command module, inline or through a const of the same file. */
function moduleOptions(file: string): CliOption[] {
  const source = sourceOf(file);
  const constants = new Map<string, ts.ObjectLiteralExpression>();
  const calls: ts.Expression[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isVariableDeclaration(node) && node.initializer) {
      let init: ts.Expression = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      const name = text(node.name);
      if (name && ts.isObjectLiteralExpression(init)) constants.set(name, init);
    }
    if (ts.isCallExpression(node) && text(node.expression) === 'parse' && node.arguments[1])
      calls.push(node.arguments[1]);
    node.forEachChild(visit);
  };
  visit(source);
  const options = new Map<string, CliOption>();
  for (const argument of calls) {
    let literal: ts.Expression | undefined = argument;
    while (literal && (ts.isAsExpression(literal) || ts.isSatisfiesExpression(literal))) literal = literal.expression;
    if (literal && ts.isIdentifier(literal)) literal = constants.get(literal.text);
    if (literal && ts.isObjectLiteralExpression(literal)) for (const o of optionsOf(literal)) options.set(o.name, o);
  }
  return [...options.values()];
}

/** The options every command accepts (COMMON_OPTIONS of src/cli/context.ts). */
function commonOptions(): CliOption[] {
  const source = sourceOf(path.join(CLI, 'context.ts'));
  let found: CliOption[] = [];
  source.forEachChild(function visit(node) {
    if (ts.isVariableDeclaration(node) && text(node.name) === 'COMMON_OPTIONS' && node.initializer) {
      let init: ts.Expression = node.initializer;
      while (ts.isAsExpression(init) || ts.isSatisfiesExpression(init)) init = init.expression;
      if (ts.isObjectLiteralExpression(init)) found = optionsOf(init);
    }
    node.forEachChild(visit);
  });
  return found;
}

/**
 * The usage text, one entry per synopsis line (two spaces, then a command name); the description follows on the
 * same line after a run of spaces, or on the next, more indented lines.
 */
export function usageEntries(
  usage: string,
  names: readonly string[],
): { command: string; synopsis: string; description: string }[] {
  const entries: { command: string; synopsis: string; description: string[] }[] = [];
  for (const line of usage.split('\n')) {
    const start = /^ {2}(\S.*)$/.exec(line);
    const first = start?.[1]?.split(' ')[0];
    if (start && first && names.includes(first)) {
      const [synopsis, ...rest] = start[1]!.split(/ {2,}/);
      entries.push({
        command: first,
        synopsis: synopsis!.trim(),
        description: rest.length ? [rest.join(' ').trim()] : [],
      });
    } else if (/^ {4,}\S/.test(line) && entries.length > 0) {
      entries.at(-1)!.description.push(line.trim());
    }
  }
  return entries.map((e) => ({ command: e.command, synopsis: e.synopsis, description: e.description.join('\n') }));
}

export function cliCommands(): CliCommand[] {
  const table = commandTable();
  const usage = usageEntries(
    t('cli.usage'),
    table.map((c) => c.name),
  );
  return table.map(({ name, file }) => ({
    name,
    file: path.relative(ROOT, file),
    options: moduleOptions(file),
    usage: usage.filter((u) => u.command === name).map(({ synopsis, description }) => ({ synopsis, description })),
  }));
}

function optionRow(o: CliOption): string[] {
  return [
    code(`--${o.name}`) + (o.short ? ` (${code(`-${o.short}`)})` : ''),
    o.type === 'boolean' ? 'flag' : o.multiple ? 'value, repeatable' : 'value',
  ];
}

export function cliPage(): string {
  const commands = cliCommands();
  const common = commonOptions();
  const blocks: string[] = [];
  for (const command of commands) {
    blocks.push(`## ${code(`motco ${command.name}`)}`);
    blocks.push(`Source: [${command.file}](../../${command.file}).`);
    if (command.usage.length > 0)
      blocks.push(
        table(
          ['synopsis', 'what it does (as `motco help` prints it)'],
          command.usage.map((u) => [code(`motco ${u.synopsis}`), prose(u.description)]),
        ),
      );
    else blocks.push('_Not in the usage text of `motco help`._');
    const listed = command.usage.map((u) => `${u.synopsis} ${u.description}`).join(' ');
    const options = command.options.filter((o) => !common.some((c) => c.name === o.name));
    if (options.length > 0) {
      const unlisted = options.filter((o) => !new RegExp(`--${o.name}(?![\\w-])`).test(listed));
      blocks.push(table(['option', 'takes'], options.map(optionRow)));
      if (unlisted.length > 0)
        blocks.push(
          `Accepted by the parser but not shown in the usage text: ` +
            `${unlisted.map((o) => code(`--${o.name}`)).join(', ')}.`,
        );
    } else {
      blocks.push('No options besides the common ones.');
    }
  }
  return page([
    banner([
      'src/cli/main.ts',
      'the parseArgs declarations of src/cli/*.ts',
      'the usage text `cli.usage` of the message catalogue',
    ]),
    '# Command-line reference',
    'The `motco` command runs every part of the platform from the shell: `npm start` is `motco start`, ' +
      'and from a checkout any command runs as `npx motco …`. ' +
      'Commands that change data write to the store of the data folder, ' +
      'so a running platform sees the change at once; `motco run` and `motco psc token` talk to the running ' +
      'platform. `motco help` prints the usage text quoted below (in French, like every message of the platform).',
    `Every command accepts the common options: ` +
      `${common.map((o) => `${code(`--${o.name}`)}`).join(', ')} (${code('--data DIR')}: the data folder, ` +
      `${code('--config FILE')}: a configuration file; see the [configuration reference](configuration.md)). ` +
      `Exit codes: 0 success, 1 failure (an unknown command included), 2 usage or configuration error, ` +
      `3 "already exists" (an organisation, mailbox, account or identity created twice).`,
    table(
      ['command', 'source'],
      commands.map((c) => [`[${code(`motco ${c.name}`)}](#${`motco-${c.name}`})`, code(c.file)]),
    ),
    ...blocks,
  ]);
}
