// Writes an account's evidence dossier: one ZIP with, for each execution chosen (by default the latest
// finished execution of each unit job), its evidence as the API exports it (evidence.json), the printable
// French page made self-contained (evidence.html), the observations its verdicts used (observations.json); a
// French LISEZMOI.txt; manifest.json, which lists every file with its SHA-256; and manifest.json.p7s, the
// platform's detached CMS signature of the manifest. Only the account's own executions can go in.
import { randomBytes } from 'node:crypto';
import type { ProductAccount } from '../accounts/accounts.ts';
import { evidenceSchema } from '../api/schemas.ts';
import { findJob, UNIT_JOBS } from '../catalogue/jobs.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { Journal, Observation } from '../observe/journal.ts';
import type { TestPki } from '../pki/index.ts';
import { buildEvidence, type EvidenceStep } from '../runner/evidence.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Execution } from '../runner/types.ts';
import { readAsset } from '../web/assets.ts';
import { evidencePage } from '../web/review/evidence-page.ts';
import { megabytes, sha256, zipFiles } from './archive.ts';
import {
  DOSSIER_FORMAT,
  executionFiles,
  MANIFEST_FILE,
  platformRelease,
  README_FILE,
  SIGNATURE_FILE,
  type DossierManifest,
  type ManifestFile,
} from './manifest.ts';

export interface DossierSources {
  config: Config;
  executions: ExecutionStore;
  journal: Journal;
  pki: Pick<TestPki, 'signEvidence'>;
}

export interface Dossier {
  reference: string;
  /** What to name the download. */
  fileName: string;
  zip: Uint8Array;
  manifest: DossierManifest;
}

export type DossierResult = { ok: true; dossier: Dossier } | { ok: false; errors: string[] };

/** The latest finished execution of each unit job the account ran, in the catalogue's order. */
export async function defaultSelection(executions: ExecutionStore, accountId: number): Promise<Execution[]> {
  const latest = await executions.latestByTarget(accountId, { finished: true });
  return UNIT_JOBS.flatMap((job) => latest.get(job.id) ?? []);
}

/**
 * The executions asked for, each one the account's own and finished; others get the same « introuvable » as
 * ids that do not exist (so that a dossier request learns nothing about other accounts).
 */
export async function chosenExecutions(
  sources: DossierSources,
  account: ProductAccount,
  ids: number[] | undefined,
): Promise<{ ok: true; executions: Execution[] } | { ok: false; errors: string[] }> {
  const { executions, config } = sources;
  if (ids === undefined) {
    const chosen = await defaultSelection(executions, account.id);
    return chosen.length ? { ok: true, executions: chosen } : { ok: false, errors: [t('dossier.error.nothing')] };
  }
  const unique = [...new Set(ids)];
  if (unique.length === 0) return { ok: false, errors: [t('dossier.error.nothing')] };
  if (unique.length > config.dossier.maxExecutions)
    return { ok: false, errors: [t('dossier.error.tooMany', { max: config.dossier.maxExecutions })] };
  const errors: string[] = [];
  const found: Execution[] = [];
  for (const id of unique) {
    const execution = await executions.get(id);
    if (!execution || execution.accountId !== account.id) errors.push(t('dossier.error.unknown', { id }));
    else if (execution.status !== 'finished') errors.push(t('dossier.error.running', { id }));
    else found.push(execution);
  }
  return errors.length ? { ok: false, errors } : { ok: true, executions: found };
}

export async function buildDossier(
  sources: DossierSources,
  account: ProductAccount,
  ids?: number[],
  now = new Date(),
): Promise<DossierResult> {
  const chosen = await chosenExecutions(sources, account, ids);
  if (!chosen.ok) return chosen;
  const { config } = sources;
  const reference = referenceOf(now);
  const style = await readAsset('motco.css');
  const files = new Map<string, Uint8Array>();
  const listed: ManifestFile[] = [];
  const add = (path: string, content: string | Uint8Array): ManifestFile => {
    const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    files.set(path, bytes);
    const file = { path, sha256: sha256(bytes), bytes: bytes.byteLength };
    listed.push(file);
    return file;
  };

  const executions: DossierManifest['executions'] = [];
  let total = 0;
  for (const execution of chosen.executions) {
    const evidence = await buildEvidence(execution, account, {
      executions: sources.executions,
      journal: sources.journal,
    });
    const names = executionFiles(execution.id);
    const own = [
      add(names.evidence, json(evidenceSchema.parse(evidence))),
      add(names.page, selfContained(evidencePage(evidence), style)),
      add(names.observations, json(usedObservations(evidence))),
    ];
    total += own.reduce((sum, f) => sum + f.bytes, 0);
    if (total > config.dossier.maxBytes)
      return { ok: false, errors: [t('dossier.error.tooLarge', { max: megabytes(config.dossier.maxBytes) })] };
    executions.push({
      id: execution.id,
      parentId: execution.parentId,
      targetType: execution.targetType,
      targetId: execution.targetId,
      title: evidence.execution.title,
      requirements: execution.targetType === 'job' ? (findJob(execution.targetId)?.requirements ?? []) : [],
      options: execution.options,
      verdict: execution.verdict ?? 'ERROR',
      startedAt: new Date(execution.startedAt).toISOString(),
      endedAt: new Date(execution.endedAt ?? execution.startedAt).toISOString(),
      startedBy: execution.startedBy,
      checks: execution.checks.map(({ observations: _used, ...check }) => check),
      files: own,
    });
  }
  add(
    README_FILE,
    t('dossier.readme', {
      reference,
      nil: account.nil,
      url: config.publicUrl,
      manifest: MANIFEST_FILE,
      signature: SIGNATURE_FILE,
    }),
  );

  const release = platformRelease();
  const manifest: DossierManifest = {
    format: DOSSIER_FORMAT,
    reference,
    generatedAt: now.toISOString(),
    platform: { name: release.name, version: release.version, publicUrl: config.publicUrl },
    account: {
      id: account.id,
      nil: account.nil,
      organisation: {
        raisonSociale: account.organisation.raisonSociale,
        immatriculation: account.organisation.immatriculation,
      },
      runnerUserId: account.runnerUserId,
      idnatPsc: account.idnatPsc,
      idnatAuthCli: account.idnatAuthCli,
      mailboxes: account.mailboxes,
    },
    executions,
    files: listed,
  };
  const manifestBytes = Buffer.from(json(manifest), 'utf8');
  files.set(MANIFEST_FILE, manifestBytes);
  files.set(SIGNATURE_FILE, await sources.pki.signEvidence(manifestBytes, now));
  const zip = await zipFiles(Object.fromEntries(files));
  return {
    ok: true,
    dossier: { reference, fileName: `dossier-preuves-${safeName(account.nil)}-${reference}.zip`, zip, manifest },
  };
}

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** D20250114-153012-7F3A: the time it was made, and a few random characters to tell two of the same second apart. */
function referenceOf(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `D${stamp}-${randomBytes(2).toString('hex').toUpperCase()}`;
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'compte';
}

/** The observations the execution's verdicts used, its steps' included, each once. */
function usedObservations(step: EvidenceStep): Observation[] {
  const seen = new Map<number, Observation>();
  const visit = (s: EvidenceStep) => {
    for (const o of s.observations) seen.set(o.id, o);
    s.children.forEach(visit);
  };
  visit(step);
  return [...seen.values()].sort((a, b) => a.id - b.id);
}

/** The printable page with its stylesheet inlined, so that it reads the same offline. */
function selfContained(page: string, style: string): string {
  return page.replace('<link rel="stylesheet" href="/assets/motco.css">', () => `<style>\n${style}</style>`);
}
