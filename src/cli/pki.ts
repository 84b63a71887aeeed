// `motco pki export | issue-client | check`: the test PKI from the command line.
import path from 'node:path';
import { t } from '../i18n/messages.ts';
import { idnatProblem, TestPki, writeClientCertificate } from '../pki/index.ts';
import { createLogger } from '../util/log.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

export async function pki(ctx: CommandContext): Promise<number> {
  const [subcommand, ...args] = ctx.args;
  switch (subcommand) {
    case 'export':
      return exportCommand(ctx, args);
    case 'issue-client':
      return issueClientCommand(ctx, args);
    case 'check':
      return checkCommand(ctx, args);
    default:
      throw new UsageError(t('cli.unknownCommand', { command: `pki ${subcommand ?? ''}`.trim() }));
  }
}

async function open(values: { data?: string | undefined; config?: string | undefined }): Promise<TestPki> {
  const config = configFrom(values);
  return TestPki.open(config, createLogger(config.log.level));
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new UsageError(t('cli.missingArgument', { name }));
  return value;
}

async function exportCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parse(args, { out: { type: 'string' } }, false);
  const dir = path.resolve(required(values.out, '--out'));
  const written = await (await open(values)).exportTrust(dir);
  ctx.out(t('cli.pkiExported', { dir }));
  for (const file of written) ctx.out(`  ${file}`);
  return 0;
}

async function issueClientCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { idnat: { type: 'string' }, out: { type: 'string' }, cn: { type: 'string' }, org: { type: 'string' } },
    false,
  );
  const idnat = required(values.idnat, '--idnat');
  const dir = path.resolve(required(values.out, '--out'));
  // Checked before opening the PKI, so that a typo is a usage error rather than a failure.
  const problem = idnatProblem(idnat);
  if (problem) throw new UsageError(problem);
  const pkiInstance = await open(values);
  const certificate = await pkiInstance.issueClientCertificate(idnat, {
    ...(values.cn ? { commonName: values.cn } : {}),
    ...(values.org ? { organisation: values.org } : {}),
  });
  const files = await writeClientCertificate(dir, certificate);
  ctx.out(t('cli.pkiIssued', { idnat, dir, password: certificate.pkcs12Password }));
  for (const file of Object.values(files)) ctx.out(`  ${file}`);
  return 0;
}

async function checkCommand(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parse(args, { url: { type: 'string' } }, false);
  const checks = await (await open(values)).check(values.url ? { baseUrl: values.url } : {});
  for (const check of checks) (check.ok ? ctx.out : ctx.err)(`${check.ok ? '✔' : '✘'} ${check.name} — ${check.detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  if (failed === 0) {
    ctx.out(t('cli.pkiCheckOk'));
    return 0;
  }
  ctx.err(t('cli.pkiCheckFailed', { count: failed }));
  return 1;
}
