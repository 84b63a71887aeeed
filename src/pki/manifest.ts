// The PKI's memory between runs: which leaf each endpoint has and from which inputs it was issued, what was
// revoked, and the last CRL number of each CA. Certificates and keys themselves live in their own files.
import { z } from 'zod';
import { CA_NAMES } from './authorities.ts';
import { SERVER_IDS } from './endpoints.ts';
import { readOptional, writeFileAtomic } from '../util/files.ts';

const revocationSchema = z.object({
  ca: z.enum(CA_NAMES),
  serialNumber: z.string(),
  revokedAt: z.iso.datetime(),
  reason: z.literal('keyCompromise'),
  endpoint: z.enum(SERVER_IDS).optional(),
});

const manifestSchema = z.object({
  version: z.literal(1),
  /**
   * Per server (endpoints and web): the serial of its current leaf and the fingerprint of the inputs it was issued
   * from.
   */
  endpoints: z.partialRecord(z.enum(SERVER_IDS), z.object({ serialNumber: z.string(), fingerprint: z.string() })),
  revocations: z.array(revocationSchema),
  crlNumbers: z.partialRecord(z.enum(CA_NAMES), z.number().int().nonnegative()),
  /** The evidence-signing certificate's serial and the fingerprint of the inputs it was issued from (evidence.ts). */
  evidence: z.object({ serialNumber: z.string(), fingerprint: z.string() }).optional(),
});

export type Manifest = z.infer<typeof manifestSchema>;
export type Revocation = z.infer<typeof revocationSchema>;

/** The stored manifest; an empty one when it is missing or unreadable (leaves are then re-issued, CAs kept). */
export async function readManifest(file: string): Promise<Manifest> {
  const stored = await readOptional(file);
  if (stored) {
    try {
      const parsed = manifestSchema.safeParse(JSON.parse(stored.toString('utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // Not JSON: same as missing.
    }
  }
  return { version: 1, endpoints: {}, revocations: [], crlNumbers: {} };
}

/** Writes the manifest unless it is unchanged, so that an ordinary start touches no file. */
export async function writeManifest(file: string, manifest: Manifest): Promise<void> {
  const text = `${JSON.stringify(manifest, null, 2)}\n`;
  if ((await readOptional(file))?.toString('utf8') === text) return;
  await writeFileAtomic(file, text);
}
