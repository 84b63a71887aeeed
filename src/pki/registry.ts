// What our CAs have issued and revoked, in memory: the OCSP responder answers from it, the journal names
// the endpoint or IdNat behind a serial, and the client-certificate judge asks it about revocation.
import type { CaName } from './authorities.ts';
import type { ServerId } from './endpoints.ts';
import type { Revocation } from './manifest.ts';

export type CertificateStatus = { status: 'good' } | { status: 'revoked'; revokedAt: Date } | { status: 'unknown' };

/** Who a certificate was issued to. */
export interface Holder {
  endpoint?: ServerId;
  idnat?: string;
  /** Set when the certificate is itself one of our CAs' certificate. */
  authority?: CaName;
}

export class CertificateRegistry {
  private readonly issued = new Map<string, Holder>();
  private readonly revoked = new Map<string, Revocation>();

  addIssued(ca: CaName, serialNumber: string, holder: Holder): void {
    this.issued.set(key(ca, serialNumber), holder);
  }

  addRevoked(revocation: Revocation): void {
    this.revoked.set(key(revocation.ca, revocation.serialNumber), revocation);
  }

  /** Revoked when listed; good when we issued it; unknown otherwise, as RFC 6960 asks for serials never issued. */
  statusOf(ca: CaName, serialNumber: string): CertificateStatus {
    const revocation = this.revoked.get(key(ca, serialNumber));
    if (revocation) return { status: 'revoked', revokedAt: new Date(revocation.revokedAt) };
    return this.issued.has(key(ca, serialNumber)) ? { status: 'good' } : { status: 'unknown' };
  }

  holderOf(ca: CaName, serialNumber: string): Holder | undefined {
    const revocation = this.revoked.get(key(ca, serialNumber));
    return this.issued.get(key(ca, serialNumber)) ?? (revocation && { endpoint: revocation.endpoint });
  }
}

function key(ca: string, serialNumber: string): string {
  return `${ca}/${serialNumber}`;
}
