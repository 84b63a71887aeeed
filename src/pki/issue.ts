// Issues certificates. Every certificate of the PKI goes through issueCertificate so that all share one
// profile: SKI always; AKI, CRL distribution point and AIA (OCSP, issuer certificate) when one of our CAs
// issues it, because clients that check revocation find our CRL and responder through these URLs.
import { parseCertificate, type Certificate } from './certificate.ts';
import { DAY_MS, randomSerial, wholeSeconds } from './encoding.ts';
import { x509 } from './engine.ts';
import { SIGNING_ALGORITHM, type RsaKey } from './keys.ts';

/** HTTP paths served by routes.ts and written into certificates. */
export const PKI_PATHS = { crl: '/pki/crl', ca: '/pki/ca', ocsp: '/pki/ocsp', trust: '/pki/trust' } as const;

export interface PkiUrls {
  crl(ca: string): string;
  caCertificate(ca: string): string;
  ocsp: string;
}

export function pkiUrls(publicUrl: string): PkiUrls {
  return {
    crl: (ca) => `${publicUrl}${PKI_PATHS.crl}/${ca}.crl`,
    caCertificate: (ca) => `${publicUrl}${PKI_PATHS.ca}/${ca}.crt`,
    ocsp: `${publicUrl}${PKI_PATHS.ocsp}`,
  };
}

export interface Issuer {
  name: string;
  certificate: Certificate;
  key: RsaKey;
}

export interface IssueParams {
  subject: x509.JsonName;
  subjectKey: RsaKey;
  /** Absent for a self-signed root. */
  issuer?: Issuer;
  notBefore: Date;
  notAfter: Date;
  /** Usage extensions (see caUsage, serverUsage, clientUsage). */
  extensions: x509.Extension[];
  urls: PkiUrls;
}

export async function issueCertificate(params: IssueParams): Promise<Certificate> {
  const { issuer, urls } = params;
  const extensions = [
    ...params.extensions,
    await x509.SubjectKeyIdentifierExtension.create(params.subjectKey.publicKeyDer),
  ];
  if (issuer) {
    extensions.push(
      await x509.AuthorityKeyIdentifierExtension.create(issuer.key.publicKeyDer),
      new x509.CRLDistributionPointsExtension([urls.crl(issuer.name)]),
      new x509.AuthorityInfoAccessExtension({ ocsp: [urls.ocsp], caIssuers: [urls.caCertificate(issuer.name)] }),
    );
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: params.subject,
    issuer: issuer ? issuer.certificate.parsed.subjectName : params.subject,
    publicKey: params.subjectKey.publicKeyDer,
    signingKey: (issuer?.key ?? params.subjectKey).signingKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    notBefore: wholeSeconds(params.notBefore),
    notAfter: wholeSeconds(params.notAfter),
    extensions,
  });
  return parseCertificate(new Uint8Array(certificate.rawData));
}

/** Validity of a new leaf: back-dated an hour so that a client whose clock is a little behind accepts it. */
export function leafValidity(now: Date, days: number): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - 60 * 60 * 1000), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

export function caUsage(pathLength: number): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(true, pathLength, true),
    // digitalSignature too: the CAs sign their own OCSP responses.
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
      true,
    ),
  ];
}

export function serverUsage(names: { dns: string[]; ips: string[] }): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension([
      ...names.dns.map((value) => ({ type: 'dns' as const, value })),
      ...names.ips.map((value) => ({ type: 'ip' as const, value })),
    ]),
  ];
}

export function clientUsage(): x509.Extension[] {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
  ];
}
