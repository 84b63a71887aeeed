// One parsed certificate, seen through both libraries: x509 for its fields and extensions, node:crypto for
// signature checks (synchronous, which the client-certificate judge needs inside a TLS handshake).
import { X509Certificate as NodeCertificate } from 'node:crypto';
import { canonicalSerial, toPem } from './encoding.ts';
import { x509 } from './engine.ts';

export interface Certificate {
  der: Buffer;
  pem: string;
  parsed: x509.X509Certificate;
  node: NodeCertificate;
  /** Canonical form (see canonicalSerial). */
  serialNumber: string;
}

export function parseCertificate(der: Uint8Array): Certificate {
  const buffer = Buffer.from(der);
  const parsed = new x509.X509Certificate(buffer);
  return {
    der: buffer,
    pem: toPem(buffer, 'CERTIFICATE'),
    parsed,
    node: new NodeCertificate(buffer),
    serialNumber: canonicalSerial(parsed.serialNumber),
  };
}

/** Names and signature both: a certificate merely naming our CA as issuer is not issued by it. */
export function isIssuedBy(child: Certificate, issuer: Certificate): boolean {
  return child.node.checkIssued(issuer.node) && child.node.verify(issuer.node.publicKey);
}

/** Whether `leaf` verifies along `path` (its issuer first, a self-signed root last). Signatures only, not dates. */
export function chainsTo(leaf: Certificate, path: Certificate[]): boolean {
  let child = leaf;
  for (const issuer of path) {
    if (!isIssuedBy(child, issuer)) return false;
    child = issuer;
  }
  return isIssuedBy(child, child);
}

export function keyBits(certificate: Certificate): number {
  return certificate.node.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
}

/** URIs of the CRL distribution points extension, in order. */
export function crlUrls(certificate: Certificate): string[] {
  const extension = certificate.parsed.getExtension(x509.CRLDistributionPointsExtension);
  return (extension?.distributionPoints ?? []).flatMap(
    (point) => point.distributionPoint?.fullName?.flatMap((name) => name.uniformResourceIdentifier ?? []) ?? [],
  );
}

/** DNS names and IP addresses of the SAN extension. */
export function subjectAltNames(certificate: Certificate): string[] {
  const extension = certificate.parsed.getExtension(x509.SubjectAlternativeNameExtension);
  return extension ? extension.names.items.map((name) => name.value) : [];
}
