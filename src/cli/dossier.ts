// `motco dossier create --account NIL --out FILE [--executions 12,15]`: the account's signed evidence dossier,
// made by the running platform (which holds the signing key) through its API, as `motco run` starts jobs.
// `motco dossier verify FILE [--root PEM] [--json]`: checks a dossier offline — its signature against the
// evidence root (by default this data folder's own), every file against the manifest — prints the verdict
// table, and exits 0 only when everything holds.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sha256 } from '../dossier/archive.ts';
import {
  dossierLimits,
  fileStatusText,
  signatureSentence,
  verifyDossier,
  type DossierVerification,
} from '../dossier/verify.ts';
import { t } from '../i18n/messages.ts';
import { dateTime } from '../i18n/time.ts';
import { certificatesFromPem } from '../pki/cms.ts';
import { pkiLayout } from '../pki/files.ts';
import { EVIDENCE_ROOT } from '../pki/authorities.ts';
import { ApiClient, ApiRequestError } from './api-client.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

export async function dossier(ctx: CommandContext): Promise<number> {
  const [subcommand, ...args] = ctx.args;
  if (subcommand === 'create') return create(ctx, args);
  if (subcommand === 'verify') return verify(ctx, args);
  throw new UsageError(t('cli.unknownCommand', { command: `dossier ${subcommand ?? ''}`.trim() }));
}

async function create(ctx: CommandContext, args: string[]): Promise<number> {
  const { values } = parse(
    args,
    {
      account: { type: 'string' },
      out: { type: 'string' },
      executions: { type: 'string' },
      url: { type: 'string' },
      token: { type: 'string' },
    },
    false,
  );
  if (!values.account) throw new UsageError(t('cli.missingArgument', { name: '--account NIL' }));
  if (!values.out) throw new UsageError(t('cli.missingArgument', { name: '--out FILE' }));
  const words = values.executions?.split(/[\s,;]+/).filter(Boolean);
  if (words?.some((w) => !/^[1-9]\d{0,9}$/.test(w)))
    throw new UsageError(t('cli.dossierBadExecutions', { value: values.executions ?? '' }));
  const api = await ApiClient.forConfig(configFrom(values), { url: values.url, token: values.token });
  const { accounts } = await api.request<{ accounts: { id: number; nil: string }[] }>('GET', '/accounts');
  const account = accounts.find((a) => a.nil === values.account);
  if (!account) {
    ctx.err(t('cli.runAccountNotFound', { nil: values.account }));
    return 2;
  }
  let answer: { bytes: Buffer; headers: Headers };
  try {
    answer = await api.download(
      'POST',
      `/accounts/${account.id}/dossier`,
      words ? { executions: words.map(Number) } : {},
    );
  } catch (error) {
    if (!(error instanceof ApiRequestError) || error.status >= 500) throw error;
    ctx.err(error.message);
    for (const field of error.body.fields ?? []) ctx.err(`  ${field.message}`);
    return 2;
  }
  const out = path.resolve(values.out);
  await writeFile(out, answer.bytes);
  ctx.out(
    t('cli.dossierCreated', {
      file: out,
      reference: answer.headers.get('x-motco-dossier') ?? '?',
      bytes: answer.bytes.length,
      sha256: sha256(answer.bytes),
    }),
  );
  return 0;
}

async function verify(ctx: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { root: { type: 'string' }, json: { type: 'boolean' } });
  const file = positionals[0];
  if (!file) throw new UsageError(t('cli.missingArgument', { name: 'FILE' }));
  const config = configFrom(values);
  // The root given, else this data folder's own: a dossier is never checked against a root it carries itself.
  const rootFile = values.root ?? pkiLayout(config.dataDir).caCertificate(EVIDENCE_ROOT);
  if (!values.root && !existsSync(rootFile)) throw new UsageError(t('cli.dossierNoRoot', { file: rootFile }));
  const roots = certificatesFromPem(await readFile(rootFile, 'utf8').catch(() => ''));
  if (!roots.length) throw new UsageError(t('cli.dossierBadRoot', { file: rootFile }));
  const archive = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(t('cli.dossierUnreadable', { file, message: error.code ?? error.message }));
  });
  const limits = dossierLimits(config);
  if (archive.length > limits.maxBytes) {
    ctx.err(t('dossier.archive.tooLarge', { max: `${Math.round(limits.maxBytes / 1048576)}\u00a0Mo` }));
    return 1;
  }
  const report = await verifyDossier(archive, roots, limits);
  if (values.json) ctx.out(JSON.stringify(report, null, 2));
  else printReport(ctx, report, rootFile);
  return report.ok ? 0 : 1;
}

function printReport(ctx: CommandContext, report: DossierVerification, rootFile: string): void {
  const { manifest, signature } = report;
  if (report.problem) ctx.err(`✘ ${report.problem}`);
  if (manifest)
    ctx.out(
      t('cli.dossierHeader', {
        reference: manifest.reference,
        platform: `${manifest.platform.name} ${manifest.platform.version}`,
        url: manifest.platform.publicUrl,
        at: dateTime(Date.parse(manifest.generatedAt)),
      }),
    );
  ctx.out(`${signature?.status === 'valid' ? '✔' : '✘'} ${signatureSentence(signature)}`);
  if (signature?.signer)
    ctx.out(
      t('cli.dossierSigner', {
        subject: signature.signer.subject,
        serial: signature.signer.serialNumber,
        at: signature.signingTime ? dateTime(signature.signingTime.getTime()) : '?',
      }),
    );
  if (signature?.root)
    ctx.out(
      t('cli.dossierRoot', {
        subject: signature.root.subject,
        fingerprint: signature.root.fingerprint,
        file: rootFile,
      }),
    );
  const bad = report.files.filter((f) => f.status !== 'ok');
  ctx.out(t('cli.dossierFiles', { count: report.files.length, bad: bad.length }));
  for (const f of bad) ctx.err(`  ✘ ${f.path}\u00a0: ${fileStatusText(f.status)}`);
  if (manifest) {
    ctx.out(
      t('cli.dossierAccount', { nil: manifest.account.nil, organisation: manifest.account.organisation.raisonSociale }),
    );
    const state = new Map(report.files.map((f) => [f.path, f.status]));
    const rows = manifest.executions.map((e) => [
      `#${e.id}`,
      e.targetId,
      t(`verdict.${e.verdict}`),
      dateTime(Date.parse(e.startedAt)),
      e.files.every((f) => state.get(f.path) === 'ok') ? t('dossier.review.intact') : t('dossier.review.altered'),
      e.title,
    ]);
    const widths = rows.reduce((w, r) => r.map((c, i) => Math.max(w[i] ?? 0, c.length)), [] as number[]);
    ctx.out(
      t('cli.dossierVerdicts', {
        count: manifest.executions.length,
        ok: manifest.executions.filter((e) => e.verdict === 'OK').length,
      }),
    );
    for (const r of rows) ctx.out(`  ${r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join('  ')}`);
  }
  ctx.out(t(report.ok ? 'cli.dossierValid' : 'cli.dossierInvalid'));
}
