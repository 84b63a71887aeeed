// How the platform's mail clients (the reference LPS, the webmail) judge an MSSanté server certificate once
// the handshake is done, before they send a single protocol byte: issued under the trusted IGC Santé TEST
// bundle and in its validity period (OpenSSL's verdict against `ca`), for the host name dialled, and not
// revoked according to its issuer's CRL, fetched from the certificate's CRL distribution point (ECO 1.1.5,
// 1.1.6, MSS-CONF.27). ECO 1.1.6 is about the operator's certificate: the leaf is checked, the CAs come from
// the trusted bundle. The last valid CRL of each URL is kept for the next connections (MSS-CONF.22).
import tls from 'node:tls';
import { crlUrls, parseCertificate, type Certificate } from '../../pki/certificate.ts';
import { x509 } from '../../pki/engine.ts';
import { httpGet } from './http.ts';

/** What a play checks: everything, everything but revocation, or nothing at all (faults). */
export type VerificationMode = 'full' | 'no-revocation' | 'none';

export type RefusalReason = 'untrusted' | 'expired' | 'hostname' | 'revoked' | 'revocation-unknown';

export type ServerVerdict =
  | { accepted: true; subject: string }
  | { accepted: false; reason: RefusalReason; detail: string };

export interface CrlFetch {
  url: string;
  /** HTTP status, or the network error. */
  outcome: string;
  cached: boolean;
}

export class ServerCertificates {
  private readonly crls = new Map<string, x509.X509Crl>();

  constructor(private readonly localAddress?: string) {}

  async verify(
    socket: tls.TLSSocket,
    host: string,
    mode: VerificationMode,
    onCrl: (fetch: CrlFetch) => void,
  ): Promise<ServerVerdict> {
    const chain = peerChain(socket);
    const subject = chain[0]?.parsed.subject ?? '';
    if (mode === 'none') return { accepted: true, subject };
    if (!socket.authorized) {
      const code = String(socket.authorizationError ?? 'UNKNOWN');
      return { accepted: false, reason: code === 'CERT_HAS_EXPIRED' ? 'expired' : 'untrusted', detail: code };
    }
    const identity = tls.checkServerIdentity(host, socket.getPeerCertificate());
    if (identity) return { accepted: false, reason: 'hostname', detail: identity.message };
    if (mode === 'no-revocation') return { accepted: true, subject };
    const [leaf, issuer] = chain;
    if (!leaf || !issuer) return { accepted: false, reason: 'untrusted', detail: 'no issuer in the chain' };
    const status = await this.revocation(leaf, issuer, onCrl);
    if (status !== 'good')
      return { accepted: false, reason: status === 'revoked' ? 'revoked' : 'revocation-unknown', detail: status };
    return { accepted: true, subject };
  }

  private async revocation(
    certificate: Certificate,
    issuer: Certificate,
    onCrl: (fetch: CrlFetch) => void,
  ): Promise<'good' | 'revoked' | string> {
    const url = crlUrls(certificate).find((u) => u.startsWith('http'));
    if (!url) return 'no CRL distribution point';
    let crl = this.crls.get(url);
    if (crl && (crl.nextUpdate?.getTime() ?? 0) > Date.now()) {
      onCrl({ url, outcome: 'cache', cached: true });
    } else {
      try {
        const answer = await httpGet(url, { localAddress: this.localAddress });
        onCrl({ url, outcome: String(answer.status), cached: false });
        if (answer.status === 200) {
          const fetched = new x509.X509Crl(answer.body);
          const current =
            (fetched.nextUpdate?.getTime() ?? 0) > Date.now() && fetched.thisUpdate.getTime() <= Date.now() + 60_000;
          if (current && (await fetched.verify({ publicKey: issuer.parsed.publicKey }))) this.crls.set(url, fetched);
        }
      } catch (error) {
        onCrl({ url, outcome: (error as Error).message, cached: false });
      }
      crl = this.crls.get(url);
      if (!crl || (crl.nextUpdate?.getTime() ?? 0) <= Date.now()) return 'no valid CRL';
    }
    return crl.findRevoked(certificate.parsed) ? 'revoked' : 'good';
  }
}

/** The server's chain as OpenSSL saw it, leaf first, completed with the trusted issuers. */
function peerChain(socket: tls.TLSSocket): Certificate[] {
  const chain: Certificate[] = [];
  let current = socket.getPeerCertificate(true) as tls.DetailedPeerCertificate | Record<string, never>;
  while (current && 'raw' in current && current.raw && chain.length < 10) {
    const raw = current.raw;
    if (chain.some((c) => c.der.equals(raw))) break;
    chain.push(parseCertificate(raw));
    current = (current as tls.DetailedPeerCertificate).issuerCertificate;
  }
  return chain;
}
