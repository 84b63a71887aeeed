// Detached CMS signatures (RFC 5652 SignedData, DER) over a file, as evidence dossiers carry them beside their
// manifest: SHA-256 with RSA, signed attributes contentType, messageDigest and signingTime, the signer's chain
// included — what `openssl cms -verify -binary -inform DER -content FILE -CAfile ROOT` checks. The reading side
// trusts nothing in the signature: the signer must chain to one of the roots given, and be valid and meant for
// signing evidence (evidence.ts) at the time it says it signed.
import { createHash } from 'node:crypto';
import { isIssuedBy, parseCertificate, type Certificate } from './certificate.ts';
import { pemBlocks, wholeSeconds } from './encoding.ts';
import { asn1js, pkijs } from './engine.ts';
import { signsEvidence, type EvidenceSigner } from './evidence.ts';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
} as const;

/** A chain longer than this is not ours (ours is signer → root). */
const MAX_CHAIN = 4;

/** The DER SignedData (in its ContentInfo) of `content`, signed by `signer` at `at`; the content is not included. */
export async function signDetached(content: Uint8Array, signer: EvidenceSigner, at: Date): Promise<Buffer> {
  const toPkijs = (certificate: Certificate) => pkijs.Certificate.fromBER(certificate.der);
  const leaf = toPkijs(signer.certificate);
  const digest = createHash('sha256').update(content).digest();
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: new pkijs.IssuerAndSerialNumber({ issuer: leaf.issuer, serialNumber: leaf.serialNumber }),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({
      type: 0,
      attributes: [
        new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
        new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: wholeSeconds(at) })] }),
        new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
      ],
    }),
  });
  const signed = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [signerInfo],
    certificates: [leaf, toPkijs(signer.root.certificate)],
  });
  await signed.sign(signer.key.signingKey, 0, 'SHA-256');
  const info = new pkijs.ContentInfo({ contentType: OID.signedData, content: signed.toSchema(true) });
  return Buffer.from(info.toSchema().toBER(false));
}

/**
 * - valid: the signature holds, its signer chains to one of the roots and could sign evidence when it signed;
 * - untrusted: the signature holds, but its signer does not chain to any root given (another platform, say);
 * - invalid: unreadable, or the signature does not hold over this content, or the signer could not sign then.
 */
export type SignatureStatus = 'valid' | 'untrusted' | 'invalid';

/** Why a signature is not valid, as a code the pages and the CLI word in French. */
export type SignatureProblem =
  | 'unreadable'
  | 'embedded'
  | 'no-signer'
  | 'digest'
  | 'signature'
  | 'no-signing-time'
  | 'unknown-root'
  | 'not-valid-then'
  | 'wrong-purpose';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  /** SHA-256 of the DER certificate, hex with colons (as openssl -fingerprint prints it). */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
}

export interface SignatureReading {
  status: SignatureStatus;
  problem?: SignatureProblem;
  /** The signer's certificate, when the signature names one it carries. */
  signer?: CertificateSummary;
  signingTime?: Date;
  /** The root the signer chains to, when it is one of those given. */
  root?: CertificateSummary;
}

/** The certificates of a PEM text (a root file, say), in order. */
export function certificatesFromPem(text: string): Certificate[] {
  return pemBlocks(text, 'CERTIFICATE').map((der) => parseCertificate(der));
}

export function summary(certificate: Certificate): CertificateSummary {
  const { parsed } = certificate;
  return {
    subject: parsed.subject,
    issuer: parsed.issuer,
    serialNumber: certificate.serialNumber,
    fingerprint: certificate.node.fingerprint256,
    notBefore: parsed.notBefore,
    notAfter: parsed.notAfter,
  };
}

/** Checks a detached signature over `content` against trusted `roots`; never throws on what a file holds. */
export async function verifyDetached(
  p7s: Uint8Array,
  content: Uint8Array,
  roots: Certificate[],
): Promise<SignatureReading> {
  let signed: pkijs.SignedData;
  let certificates: Certificate[];
  try {
    const info = pkijs.ContentInfo.fromBER(p7s);
    if (info.contentType !== OID.signedData) return { status: 'invalid', problem: 'unreadable' };
    signed = new pkijs.SignedData({ schema: info.content });
    certificates = (signed.certificates ?? []).flatMap((c) =>
      c instanceof pkijs.Certificate ? [parseCertificate(new Uint8Array(c.toSchema().toBER(false)))] : [],
    );
  } catch {
    return { status: 'invalid', problem: 'unreadable' };
  }
  // A signature carrying its own content would be over that content, not over the file beside it.
  if (signed.encapContentInfo.eContent) return { status: 'invalid', problem: 'embedded' };
  const signerInfo = signed.signerInfos[0];
  if (signed.signerInfos.length !== 1 || !signerInfo) return { status: 'invalid', problem: 'no-signer' };
  const signingTime = signingTimeOf(signerInfo);

  if (content.byteLength === 0)
    return { status: 'invalid', problem: 'digest', ...(signingTime ? { signingTime } : {}) };
  let signerDer: Uint8Array;
  try {
    const result = await signed.verify({
      signer: 0,
      data: new Uint8Array(content).buffer,
      checkChain: false,
      extendedMode: true,
    });
    if (!result.signerCertificate) return { status: 'invalid', problem: 'no-signer' };
    signerDer = new Uint8Array(result.signerCertificate.toSchema().toBER(false));
    if (!result.signatureVerified)
      return {
        status: 'invalid',
        problem: 'signature',
        signer: summary(parseCertificate(signerDer)),
        ...(signingTime ? { signingTime } : {}),
      };
  } catch (error) {
    const failure = error as { code?: number; signerCertificate?: pkijs.Certificate };
    const signer = failure.signerCertificate
      ? { signer: summary(parseCertificate(new Uint8Array(failure.signerCertificate.toSchema().toBER(false)))) }
      : {};
    const problem: SignatureProblem =
      failure.code === 3 || failure.code === 2
        ? 'no-signer'
        : /digest/i.test(String((error as Error).message))
          ? 'digest'
          : 'signature';
    return { status: 'invalid', problem, ...signer, ...(signingTime ? { signingTime } : {}) };
  }
  const signer = parseCertificate(signerDer);
  const read = { signer: summary(signer), ...(signingTime ? { signingTime } : {}) };
  if (!signingTime) return { status: 'invalid', problem: 'no-signing-time', ...read };

  const path = chainOf(signer, certificates, roots);
  if (!path.every((c) => c.parsed.notBefore <= signingTime && signingTime <= c.parsed.notAfter))
    return { status: 'invalid', problem: 'not-valid-then', ...read };
  if (!signsEvidence(signer)) return { status: 'invalid', problem: 'wrong-purpose', ...read };
  const root = path.at(-1)!;
  const trusted = roots.find((r) => r.der.equals(root.der));
  if (!trusted || path.length < 2) return { status: 'untrusted', problem: 'unknown-root', ...read };
  return { status: 'valid', ...read, root: summary(trusted) };
}

/** The signer, then each issuer found among the carried certificates and the roots, up to a self-signed one. */
function chainOf(signer: Certificate, carried: Certificate[], roots: Certificate[]): Certificate[] {
  const path = [signer];
  // Roots first: a carried copy of a root with the same name and key is the same issuer anyway.
  const candidates = [...roots, ...carried];
  while (path.length < MAX_CHAIN) {
    const last = path.at(-1)!;
    if (isIssuedBy(last, last)) break;
    const issuer = candidates.find((c) => !path.includes(c) && isIssuedBy(last, c));
    if (!issuer) break;
    path.push(issuer);
  }
  return path;
}

function signingTimeOf(signerInfo: pkijs.SignerInfo): Date | undefined {
  const attribute = signerInfo.signedAttrs?.attributes.find((a) => a.type === OID.signingTime);
  const value = attribute?.values[0] as unknown;
  return value instanceof asn1js.UTCTime || value instanceof asn1js.GeneralizedTime ? value.toDate() : undefined;
}
