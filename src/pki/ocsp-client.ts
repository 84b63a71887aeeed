// The client side of OCSP, for the health check: build a request about a certificate, read a response.
import { verify } from 'node:crypto';
import type { Certificate } from './certificate.ts';
import { pkijs } from './engine.ts';

export type OcspStatusName = 'good' | 'revoked' | 'unknown';
const STATUS_BY_TAG: Record<number, OcspStatusName> = { 0: 'good', 1: 'revoked', 2: 'unknown' };

export async function ocspRequestFor(leaf: Certificate, issuer: Certificate): Promise<Buffer> {
  const request = new pkijs.OCSPRequest();
  await request.createForCertificate(pkijs.Certificate.fromBER(leaf.der), {
    hashAlgorithm: 'SHA-1',
    issuerCertificate: pkijs.Certificate.fromBER(issuer.der),
  });
  return Buffer.from(request.toSchema(true).toBER(false));
}

export interface OcspReading {
  /** RFC 6960 OCSPResponseStatus: 0 successful, 1 malformedRequest, 6 unauthorized… */
  responseStatus: number;
  statuses: OcspStatusName[];
  /** Whether `signer` signed the response. */
  signedBy: boolean;
}

/** Reads a DER OCSP response; throws when it is not one. */
export function readOcspResponse(der: Uint8Array, signer: Certificate): OcspReading {
  const response = pkijs.OCSPResponse.fromBER(der);
  const responseStatus = response.responseStatus.valueBlock.valueDec;
  if (!response.responseBytes) return { responseStatus, statuses: [], signedBy: false };
  const basic = pkijs.BasicOCSPResponse.fromBER(response.responseBytes.response.valueBlock.valueHexView);
  const statuses = basic.tbsResponseData.responses.map(
    (single) => STATUS_BY_TAG[(single.certStatus as { idBlock: { tagNumber: number } }).idBlock.tagNumber] ?? 'unknown',
  );
  // Our responders sign with SHA-256 RSA; checked with node:crypto rather than through a pkijs chain build.
  const signedBy = verify(
    'sha256',
    new Uint8Array(basic.tbsResponseData.tbsView),
    signer.node.publicKey,
    new Uint8Array(basic.signature.valueBlock.valueHexView),
  );
  return { responseStatus, statuses, signedBy };
}
