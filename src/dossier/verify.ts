// Checks an evidence dossier without trusting it or reaching the platform that made it: the archive within
// limits, the detached CMS signature of manifest.json against the evidence roots given (pki/cms.ts), then
// every file against the SHA-256 the manifest lists — a changed, missing or added file is named. Used by
// `motco dossier verify` (offline) and by the agency's upload page, which also compares each execution with
// the platform's own record when the dossier is one of its own.
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { Certificate } from '../pki/certificate.ts';
import { verifyDetached, type SignatureReading } from '../pki/cms.ts';
import type { Execution } from '../runner/types.ts';
import { ArchiveError, sha256, unzipWithin, type ArchiveLimits } from './archive.ts';
import {
  MANIFEST_FILE,
  manifestSchema,
  SIGNATURE_FILE,
  type DossierManifest,
  type ManifestExecution,
} from './manifest.ts';

/** ok: as listed; modified: its content differs; missing: listed, not in the archive; unlisted: in the archive only. */
export type FileStatus = 'ok' | 'modified' | 'missing' | 'unlisted';

export interface FileCheck {
  path: string;
  status: FileStatus;
}

export interface DossierVerification {
  /** Signature valid (chained to a root given), manifest readable, every file as listed. */
  ok: boolean;
  /** Why the dossier could not be read at all, in French. */
  problem: string | null;
  signature: SignatureReading | null;
  manifest: DossierManifest | null;
  /** The manifest and its signature first, then every other file. */
  files: FileCheck[];
}

/** What a dossier may hold: three files per execution and a few more; its files' total size. */
export function dossierLimits(config: Config): ArchiveLimits {
  return { maxEntries: config.dossier.maxExecutions * 3 + 10, maxBytes: config.dossier.maxBytes };
}

export async function verifyDossier(
  archive: Uint8Array,
  roots: Certificate[],
  limits: ArchiveLimits,
): Promise<DossierVerification> {
  const unreadable = (problem: string): DossierVerification => ({
    ok: false,
    problem,
    signature: null,
    manifest: null,
    files: [],
  });
  let entries: Map<string, Uint8Array>;
  try {
    entries = await unzipWithin(archive, limits);
  } catch (error) {
    return unreadable(error instanceof ArchiveError ? error.message : t('dossier.archive.unreadable'));
  }
  const manifestBytes = entries.get(MANIFEST_FILE);
  if (!manifestBytes) return unreadable(t('dossier.verify.noManifest', { file: MANIFEST_FILE }));
  const p7s = entries.get(SIGNATURE_FILE);
  const signature: SignatureReading = p7s
    ? await verifyDetached(p7s, manifestBytes, roots)
    : { status: 'invalid', problem: 'unreadable' };
  const files: FileCheck[] = [
    { path: MANIFEST_FILE, status: signature.problem === 'digest' ? 'modified' : 'ok' },
    {
      path: SIGNATURE_FILE,
      status: !p7s ? 'missing' : signature.status === 'invalid' && signature.problem !== 'digest' ? 'modified' : 'ok',
    },
  ];

  const manifest = parseManifest(manifestBytes);
  if (!manifest)
    return {
      ok: false,
      problem: t('dossier.verify.badManifest', { file: MANIFEST_FILE }),
      signature,
      manifest: null,
      files,
    };

  // What the manifest lists, by path: its own list and each execution's (a path listed twice must agree).
  const expected = new Map<string, string>();
  const conflicting = new Set<string>();
  for (const file of [...manifest.files, ...manifest.executions.flatMap((e) => e.files)]) {
    const known = expected.get(file.path);
    if (known !== undefined && known !== file.sha256) conflicting.add(file.path);
    expected.set(file.path, file.sha256);
  }
  for (const [path, digest] of expected) {
    const content = entries.get(path);
    files.push({
      path,
      status: !content ? 'missing' : conflicting.has(path) || sha256(content) !== digest ? 'modified' : 'ok',
    });
  }
  for (const path of entries.keys())
    if (path !== MANIFEST_FILE && path !== SIGNATURE_FILE && !expected.has(path))
      files.push({ path, status: 'unlisted' });

  return {
    ok: signature.status === 'valid' && files.every((f) => f.status === 'ok'),
    problem: null,
    signature,
    manifest,
    files,
  };
}

function parseManifest(bytes: Uint8Array): DossierManifest | null {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The one French sentence that says what the signature is worth. */
export function signatureSentence(signature: SignatureReading | null): string {
  if (!signature) return t('dossier.signature.none');
  if (signature.status === 'valid') return t('dossier.signature.valid');
  if (signature.status === 'untrusted') return t('dossier.signature.untrusted');
  return t(`dossier.signature.problem.${signature.problem ?? 'signature'}`);
}

/** The French word for a file's state. */
export function fileStatusText(status: FileStatus): string {
  return t(`dossier.file.${status}`);
}

/** How an execution of the dossier compares with the platform's own record of it. */
export type Comparison = { kind: 'same' } | { kind: 'unknown' } | { kind: 'different'; fields: string[] };

/** Compares what the manifest says of an execution with the execution this platform recorded under that id. */
export function compareWithRecord(
  listed: ManifestExecution,
  accountId: number,
  recorded: Execution | undefined,
): Comparison {
  if (!recorded) return { kind: 'unknown' };
  const differences: [string, boolean][] = [
    ['account', recorded.accountId !== accountId],
    ['job', recorded.targetType !== listed.targetType || recorded.targetId !== listed.targetId],
    ['verdict', recorded.verdict !== listed.verdict],
    ['startedAt', new Date(recorded.startedAt).toISOString() !== listed.startedAt],
    ['endedAt', recorded.endedAt === null || new Date(recorded.endedAt).toISOString() !== listed.endedAt],
    [
      'checks',
      recorded.checks.map((c) => `${c.id}:${c.outcome}`).join() !==
        listed.checks.map((c) => `${c.id}:${c.outcome}`).join(),
    ],
  ];
  const fields = differences.filter(([, differs]) => differs).map(([name]) => name);
  return fields.length ? { kind: 'different', fields } : { kind: 'same' };
}
