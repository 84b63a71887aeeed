// The evidence-signing certificate: issued by the platform's evidence root (authorities.ts, EVIDENCE_ROOT) to
// sign the manifests of evidence dossiers (cms.ts) and nothing else. Its purpose says so: keyUsage
// digitalSignature only; extendedKeyUsage id-kp-documentSigning (RFC 9336), plus id-kp-emailProtection because
// stock `openssl cms -verify` checks the S/MIME signing purpose and would refuse the certificate without it;
// never serverAuth or clientAuth, so no TLS peer accepts it. Kept under <dataDir>/pki/evidence/ and re-issued,
// keeping its key, when missing, when what shapes it changes (publicUrl, key size, lifetime) or near its end.
import { createHash } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { Logger } from '../util/log.ts';
import { readOptional, writeFileAtomic } from '../util/files.ts';
import type { Authority } from './authorities.ts';
import { isIssuedBy, parseCertificate, type Certificate } from './certificate.ts';
import { DAY_MS, pemBlocks } from './encoding.ts';
import { x509 } from './engine.ts';
import type { PkiLayout } from './files.ts';
import { issueCertificate, leafValidity, type PkiUrls } from './issue.ts';
import { keyAt, type RsaKey } from './keys.ts';
import type { Manifest } from './manifest.ts';

/** id-kp-documentSigning (RFC 9336 §3.1). */
export const DOCUMENT_SIGNING_OID = '1.3.6.1.5.5.7.3.36';
const EMAIL_PROTECTION_OID = x509.ExtendedKeyUsage.emailProtection;

/** Bump when the profile changes in code, so that the certificate is re-issued with the new one. */
const PROFILE_VERSION = 1;

export interface EvidenceSigner {
  certificate: Certificate;
  key: RsaKey;
  /** The evidence root that issued it (the chain a dossier carries: certificate, then root). */
  root: Authority;
}

export interface EvidenceContext {
  config: Config;
  layout: PkiLayout;
  urls: PkiUrls;
  root: Authority;
  /** Updated in place with the certificate's serial and inputs. */
  manifest: Manifest;
  log: Logger;
  now: Date;
}

export function evidenceUsage(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([DOCUMENT_SIGNING_OID, EMAIL_PROTECTION_OID]),
  ];
}

/** Whether a certificate is meant to sign evidence: digitalSignature, and one of the two purposes above. */
export function signsEvidence(certificate: Certificate): boolean {
  const usage = certificate.parsed.getExtension(x509.KeyUsagesExtension);
  const purposes = certificate.parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String) ?? [];
  const isCa = certificate.parsed.getExtension(x509.BasicConstraintsExtension)?.ca === true;
  return (
    !isCa &&
    usage !== null &&
    (usage.usages & x509.KeyUsageFlags.digitalSignature) !== 0 &&
    purposes.some((p) => p === DOCUMENT_SIGNING_OID || p === EMAIL_PROTECTION_OID)
  );
}

/** renewBeforeDays, but at most half the certificate's life. */
export function evidenceRenewalMarginMs(config: Config): number {
  return Math.min(config.pki.renewBeforeDays, config.pki.evidenceValidityDays / 2) * DAY_MS;
}

export async function loadEvidenceSigner(context: EvidenceContext): Promise<EvidenceSigner> {
  const { config, layout, root, manifest, now } = context;
  const fingerprint = inputsFingerprint(config, root);
  const { key, created } = await keyAt(
    layout.evidenceKey,
    config.pki.keyBits,
    context.log,
    (k) => k.bits === config.pki.keyBits,
  );
  const stored = created ? undefined : await readLeaf(layout.evidenceChain);
  const reason = !stored
    ? 'missing'
    : manifest.evidence?.serialNumber !== stored.serialNumber || manifest.evidence.fingerprint !== fingerprint
      ? 'inputs changed'
      : !stored.node.checkPrivateKey(key.keyObject) || !isIssuedBy(stored, root.certificate)
        ? 'key or issuer mismatch'
        : stored.parsed.notAfter.getTime() - now.getTime() < evidenceRenewalMarginMs(config)
          ? 'renewal'
          : undefined;
  if (stored && !reason) return { certificate: stored, key, root };

  const certificate = await issueCertificate({
    subject: [
      { C: ['FR'] },
      { O: ['motco'] },
      { OU: [platformName(config.publicUrl)] },
      { CN: ['motco evidence signing'] },
    ],
    subjectKey: key,
    issuer: root,
    ...leafValidity(now, config.pki.evidenceValidityDays),
    extensions: evidenceUsage(),
    urls: context.urls,
  });
  await writeFileAtomic(layout.evidenceChain, certificate.pem + root.certificate.pem);
  manifest.evidence = { serialNumber: certificate.serialNumber, fingerprint };
  context.log.info('pki: evidence-signing certificate issued', { reason, serial: certificate.serialNumber });
  return { certificate, key, root };
}

/** The platform as its certificate names it: the host of its public URL (an OU holds 64 characters at most). */
function platformName(publicUrl: string): string {
  return new URL(publicUrl).host.slice(0, 64);
}

function inputsFingerprint(config: Config, root: Authority): string {
  const inputs = {
    profile: PROFILE_VERSION,
    publicUrl: config.publicUrl,
    keyBits: config.pki.keyBits,
    validityDays: config.pki.evidenceValidityDays,
    root: root.certificate.node.fingerprint256,
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

async function readLeaf(file: string): Promise<Certificate | undefined> {
  const stored = await readOptional(file);
  const der = stored ? pemBlocks(stored.toString('utf8'), 'CERTIFICATE')[0] : undefined;
  return der ? parseCertificate(der) : undefined;
}
