// Certificate revocation lists, one per CA. The roots' and the non-IGC CAs' lists are empty but published:
// a client checking the whole chain (Node's `crl` option does) needs one from every issuer. A list is
// re-signed when half its validity has passed, when the revoked set changes, or when its CA is new.
import type { Logger } from '../util/log.ts';
import type { Authority, CaName } from './authorities.ts';
import { canonicalSerial, DAY_MS, toPem, wholeSeconds } from './encoding.ts';
import { asn1js, x509 } from './engine.ts';
import { readOptional, writeFileAtomic } from '../util/files.ts';
import type { PkiLayout } from './files.ts';
import { SIGNING_ALGORITHM } from './keys.ts';
import type { Manifest, Revocation } from './manifest.ts';

const CRL_NUMBER_OID = '2.5.29.20';

export interface CrlContext {
  layout: PkiLayout;
  /** Its revocations are read and its CRL numbers advanced in place. */
  manifest: Manifest;
  validityDays: number;
  log: Logger;
  now: Date;
}

/** The CRLs stored on disk; missing or unreadable ones are absent from the map. */
export async function readCrls(layout: PkiLayout, names: Iterable<CaName>): Promise<Map<CaName, x509.X509Crl>> {
  const crls = new Map<CaName, x509.X509Crl>();
  for (const name of names) {
    const der = await readOptional(layout.crl(name));
    try {
      if (der) crls.set(name, new x509.X509Crl(der));
    } catch {
      // Corrupt file: treated as missing, so a new CRL replaces it.
    }
  }
  return crls;
}

/** The CRLs to publish now: each current one kept, the others re-signed and written. */
export async function refreshCrls(
  authorities: Iterable<Authority>,
  current: Map<CaName, x509.X509Crl>,
  context: CrlContext,
): Promise<Map<CaName, x509.X509Crl>> {
  const result = new Map<CaName, x509.X509Crl>();
  for (const authority of authorities) {
    const revocations = context.manifest.revocations.filter((r) => r.ca === authority.name);
    const existing = current.get(authority.name);
    if (existing && (await isCurrent(existing, authority, revocations, context))) {
      result.set(authority.name, existing);
      continue;
    }
    const crl = await signCrl(authority, revocations, existing, context);
    await writeFileAtomic(context.layout.crl(authority.name), new Uint8Array(crl.rawData));
    context.log.info('pki: CRL signed', { ca: authority.name, number: crlNumber(crl), revoked: revocations.length });
    result.set(authority.name, crl);
  }
  return result;
}

async function isCurrent(
  crl: x509.X509Crl,
  authority: Authority,
  revocations: Revocation[],
  context: CrlContext,
): Promise<boolean> {
  const validityMs = context.validityDays * DAY_MS;
  const now = context.now.getTime();
  const listed = crl.entries.map((entry) => canonicalSerial(entry.serialNumber)).sort();
  const expected = revocations.map((r) => r.serialNumber).sort();
  return (
    crl.thisUpdate.getTime() + validityMs / 2 > now &&
    // A shortened crlValidityDays takes effect at once.
    (crl.nextUpdate?.getTime() ?? Infinity) <= now + validityMs &&
    listed.join() === expected.join() &&
    (await crl.verify({ publicKey: authority.certificate.parsed.publicKey }))
  );
}

/** `previous` counts too: CRL numbers must keep increasing (RFC 5280 §5.2.3) even if the manifest was lost. */
async function signCrl(
  authority: Authority,
  revocations: Revocation[],
  previous: x509.X509Crl | undefined,
  context: CrlContext,
): Promise<x509.X509Crl> {
  const number = Math.max(context.manifest.crlNumbers[authority.name] ?? 0, (previous && crlNumber(previous)) ?? 0) + 1;
  context.manifest.crlNumbers[authority.name] = number;
  const thisUpdate = wholeSeconds(context.now);
  return x509.X509CrlGenerator.create({
    issuer: authority.certificate.parsed.subjectName,
    thisUpdate,
    nextUpdate: new Date(thisUpdate.getTime() + context.validityDays * DAY_MS),
    entries: revocations.map((r) => ({
      serialNumber: r.serialNumber,
      revocationDate: new Date(r.revokedAt),
      reason: x509.X509CrlReason.keyCompromise,
    })),
    signingKey: authority.key.signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(authority.key.publicKeyDer),
      new x509.Extension(CRL_NUMBER_OID, false, new asn1js.Integer({ value: number }).toBER()),
    ],
  });
}

export function crlNumber(crl: x509.X509Crl): number | undefined {
  const extension = crl.extensions.find((e) => e.type === CRL_NUMBER_OID);
  if (!extension) return undefined;
  const parsed = asn1js.fromBER(extension.value);
  return parsed.result instanceof asn1js.Integer ? parsed.result.valueBlock.valueDec : undefined;
}

export function crlPem(crl: x509.X509Crl): string {
  return toPem(crl.rawData, 'X509 CRL');
}
