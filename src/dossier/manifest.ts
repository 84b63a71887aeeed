// The evidence dossier's manifest (manifest.json): what the platform vouches for when it signs it — who made
// the dossier (platform name, version, public URL), when, for which account, and for each execution included
// its job, options, verdict and checks and the SHA-256 of each of its evidence files. The schema is how a
// verifier reads a manifest it does not trust yet (verify.ts); the builder writes exactly this shape (build.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PACKAGE_ROOT } from '../util/package-root.ts';

export const DOSSIER_FORMAT = 'motco-dossier/1';
export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.p7s';
export const README_FILE = 'LISEZMOI.txt';

/** A file of the dossier, by its path in the archive. */
const fileSchema = z.strictObject({
  path: z.string().min(1).max(300),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
});

const checkSchema = z.object({
  id: z.string(),
  label: z.string(),
  outcome: z.string(),
  detail: z.string(),
  requirement: z.string(),
  fix: z.string().optional(),
  critical: z.boolean().optional(),
});

const executionSchema = z.strictObject({
  id: z.number().int().positive(),
  parentId: z.number().int().positive().nullable(),
  targetType: z.enum(['job', 'folder', 'campaign', 'selection']),
  targetId: z.string(),
  title: z.string(),
  requirements: z.array(z.string()),
  options: z.object({
    delaiSeconds: z.number().int(),
    ip: z.string().nullable(),
    units: z.array(z.string()).optional(),
  }),
  verdict: z.enum(['OK', 'KO', 'INCONCLUSIVE', 'ERROR', 'CANCELLED', 'INTERRUPTED']),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  startedBy: z.string(),
  checks: z.array(checkSchema),
  files: z.array(fileSchema),
});

export const manifestSchema = z.strictObject({
  format: z.literal(DOSSIER_FORMAT),
  reference: z.string().min(1).max(100),
  generatedAt: z.iso.datetime(),
  platform: z.strictObject({ name: z.string(), version: z.string(), publicUrl: z.string() }),
  account: z.strictObject({
    id: z.number().int(),
    nil: z.string(),
    organisation: z.strictObject({ raisonSociale: z.string(), immatriculation: z.string() }),
    runnerUserId: z.string(),
    idnatPsc: z.string().nullable(),
    idnatAuthCli: z.string().nullable(),
    mailboxes: z.strictObject({
      personal: z.string().nullable(),
      applicative: z.string().nullable(),
      patient: z.string().nullable(),
    }),
  }),
  executions: z.array(executionSchema),
  /** Every file of the dossier but the manifest and its signature. */
  files: z.array(fileSchema),
});

export type DossierManifest = z.infer<typeof manifestSchema>;
export type ManifestExecution = DossierManifest['executions'][number];
export type ManifestFile = z.infer<typeof fileSchema>;

/** Where an execution's files lie in the archive. */
export function executionFiles(id: number): { evidence: string; page: string; observations: string } {
  return {
    evidence: `executions/${id}/evidence.json`,
    page: `executions/${id}/evidence.html`,
    observations: `executions/${id}/observations.json`,
  };
}

/** The platform's name and version, as the manifest records who made it. */
export function platformRelease(): { name: string; version: string } {
  const pkg = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    name?: string;
    version?: string;
  };
  return { name: pkg.name ?? 'motco', version: pkg.version ?? '0' };
}
