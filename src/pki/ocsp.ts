// OCSP responder (RFC 6960) for the certificates of our CAs. Each CA signs the answers about what it issued
// (no delegated responder: one certificate less for clients to accept). Also builds the stapled responses.
import { createHash } from 'node:crypto';
import type { Authority, CaName } from './authorities.ts';
import type { Certificate } from './certificate.ts';
import { canonicalSerial, wholeSeconds } from './encoding.ts';
import { asn1js, pkijs } from './engine.ts';
import type { CertificateRegistry, CertificateStatus } from './registry.ts';

const NONCE_OID = '1.3.6.1.5.5.7.48.1.2';
const BASIC_RESPONSE_OID = '1.3.6.1.5.5.7.48.1.1';
/** CertID hash algorithms accepted (clients use SHA-1, some SHA-256). */
const HASHES: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const RESPONSE_STATUS = { successful: 0, malformedRequest: 1, unauthorized: 6 } as const;
type ResponseStatus = keyof typeof RESPONSE_STATUS;
/** CRLReason keyCompromise: the only reason this PKI revokes for. */
const KEY_COMPROMISE = 1;

export interface OcspAnswer {
  der: Buffer;
  responseStatus: ResponseStatus;
  nonce: boolean;
  /**
   * One per CertID of the request: the serial asked about, its issuer when that is one of our CAs, the status answered.
   */
  requests: { serialNumber: string; issuer?: CaName; status?: CertificateStatus['status'] }[];
}

interface Signer {
  authority: Authority;
  certificate: pkijs.Certificate;
}

export class OcspResponder {
  private readonly signers: Signer[];

  constructor(
    authorities: Iterable<Authority>,
    private readonly registry: CertificateRegistry,
    private readonly validityMs: number,
    /** Asked before answering « unknown »: another process may have issued the certificate meanwhile. */
    private readonly lookAgain: () => Promise<void> = async () => {},
  ) {
    this.signers = [...authorities].map((authority) => ({
      authority,
      certificate: pkijs.Certificate.fromBER(authority.certificate.der),
    }));
  }

  /**
   * The DER response to a DER request; malformedRequest for anything unparsable, unauthorized for CertIDs of other CAs.
   */
  async answer(requestDer: Uint8Array, now = new Date()): Promise<OcspAnswer> {
    const parsed = parseRequest(requestDer);
    if (!parsed || parsed.certIds.length === 0)
      return {
        der: encodeResponse('malformedRequest'),
        responseStatus: 'malformedRequest',
        nonce: false,
        requests: [],
      };
    const requests = parsed.certIds.map((certId) => ({
      serialNumber: serialOf(certId),
      issuer: this.signerFor(certId)?.authority.name,
    }));
    // One signature covers the whole response, so every CertID must name the same CA.
    const signer = this.signers.find((s) => s.authority.name === requests[0]!.issuer);
    if (!signer || requests.some((r) => r.issuer !== signer.authority.name)) {
      return {
        der: encodeResponse('unauthorized'),
        responseStatus: 'unauthorized',
        nonce: parsed.nonce !== undefined,
        requests,
      };
    }
    const statusesNow = () => requests.map((r) => this.registry.statusOf(signer.authority.name, r.serialNumber));
    let statuses = statusesNow();
    if (statuses.some((s) => s.status === 'unknown')) {
      await this.lookAgain();
      statuses = statusesNow();
    }
    const { der } = await this.sign(
      signer,
      parsed.certIds.map((certId, i) => ({ certId, status: statuses[i]! })),
      now,
      parsed.nonce,
    );
    return {
      der,
      responseStatus: 'successful',
      nonce: parsed.nonce !== undefined,
      requests: requests.map((r, i) => ({ ...r, status: statuses[i]!.status })),
    };
  }

  /** The response an endpoint staples for its own certificate (SHA-1 CertID, what TLS clients compute). */
  async responseFor(leaf: Certificate, issuer: CaName, now = new Date()): Promise<{ der: Buffer; nextUpdate: Date }> {
    const signer = this.signers.find((s) => s.authority.name === issuer)!;
    const certId = await pkijs.CertID.create(pkijs.Certificate.fromBER(leaf.der), {
      hashAlgorithm: 'SHA-1',
      issuerCertificate: signer.certificate,
    });
    return this.sign(signer, [{ certId, status: this.registry.statusOf(issuer, leaf.serialNumber) }], now);
  }

  private signerFor(certId: pkijs.CertID): Signer | undefined {
    const algorithm = HASHES[certId.hashAlgorithm.algorithmId];
    if (!algorithm) return undefined;
    const nameHash = Buffer.from(certId.issuerNameHash.valueBlock.valueHexView);
    const keyHash = Buffer.from(certId.issuerKeyHash.valueBlock.valueHexView);
    return this.signers.find(({ certificate }) => {
      const subject = certificate.subject.toSchema().toBER(false);
      const key = certificate.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
      return digest(algorithm, subject).equals(nameHash) && digest(algorithm, key).equals(keyHash);
    });
  }

  private async sign(
    signer: Signer,
    singles: { certId: pkijs.CertID; status: CertificateStatus }[],
    now: Date,
    nonce?: pkijs.Extension,
  ): Promise<{ der: Buffer; nextUpdate: Date }> {
    const producedAt = wholeSeconds(now);
    const nextUpdate = new Date(producedAt.getTime() + this.validityMs);
    const basic = new pkijs.BasicOCSPResponse();
    basic.tbsResponseData.responderID = signer.certificate.subject;
    basic.tbsResponseData.producedAt = producedAt;
    basic.tbsResponseData.responses = singles.map(
      ({ certId, status }) =>
        new pkijs.SingleResponse({
          certID: certId,
          certStatus: encodeStatus(status),
          thisUpdate: producedAt,
          nextUpdate,
        }),
    );
    if (nonce) basic.tbsResponseData.responseExtensions = [nonce];
    // The signer's certificate travels with the response so that clients need not look it up.
    basic.certs = [signer.certificate];
    await basic.sign(signer.authority.key.signingKey, 'SHA-256');
    return { der: encodeResponse('successful', basic), nextUpdate };
  }
}

function parseRequest(der: Uint8Array): { certIds: pkijs.CertID[]; nonce?: pkijs.Extension } | undefined {
  try {
    const request = pkijs.OCSPRequest.fromBER(der);
    const nonce = request.tbsRequest.requestExtensions?.find((e) => e.extnID === NONCE_OID);
    return { certIds: request.tbsRequest.requestList.map((r) => r.reqCert), ...(nonce ? { nonce } : {}) };
  } catch {
    return undefined;
  }
}

function serialOf(certId: pkijs.CertID): string {
  return canonicalSerial(Buffer.from(certId.serialNumber.valueBlock.valueHexView).toString('hex'));
}

function digest(algorithm: string, data: ArrayBuffer | Uint8Array): Buffer {
  return createHash(algorithm).update(new Uint8Array(data)).digest();
}

/** CertStatus: good [0] NULL, revoked [1] RevokedInfo (with reason keyCompromise), unknown [2] NULL. */
function encodeStatus(status: CertificateStatus): asn1js.BaseBlock {
  switch (status.status) {
    case 'good':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 0 } });
    case 'revoked':
      return new asn1js.Constructed({
        idBlock: { tagClass: 3, tagNumber: 1 },
        value: [
          new asn1js.GeneralizedTime({ valueDate: wholeSeconds(status.revokedAt) }),
          new asn1js.Constructed({
            idBlock: { tagClass: 3, tagNumber: 0 },
            value: [new asn1js.Enumerated({ value: KEY_COMPROMISE })],
          }),
        ],
      });
    case 'unknown':
      return new asn1js.Primitive({ idBlock: { tagClass: 3, tagNumber: 2 } });
  }
}

function encodeResponse(status: ResponseStatus, basic?: pkijs.BasicOCSPResponse): Buffer {
  const response = new pkijs.OCSPResponse({
    responseStatus: new asn1js.Enumerated({ value: RESPONSE_STATUS[status] }),
  });
  if (basic) {
    response.responseBytes = new pkijs.ResponseBytes({
      responseType: BASIC_RESPONSE_OID,
      response: new asn1js.OctetString({ valueHex: basic.toSchema().toBER(false) }),
    });
  }
  return Buffer.from(response.toSchema().toBER(false));
}
