// The server-side TLS policy of every endpoint (Référentiel #2 ECO.1.1.1–1.1.3 / MSS-CONF.01;03):
// TLS 1.2 minimum, for TLS 1.2 only the six allowed suites, TLS 1.3 allowed, DHE groups of at least
// 2048 bits and ECDHE curves of at least 256 bits; no client-initiated renegotiation.
import { constants } from 'node:crypto';
import type { SecureContextOptions } from 'node:tls';

export interface CipherSuite {
  code: number;
  /** IANA name, as the manual's FAQ and our logs print it. */
  iana: string;
  /** OpenSSL name, as Node's `ciphers` option takes it. */
  openssl: string;
}

/** The six TLS 1.2 suites of Référentiel #2 §2.1, in the manual's order. */
export const ALLOWED_TLS12_SUITES: readonly CipherSuite[] = [
  { code: 0xc030, iana: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'ECDHE-RSA-AES256-GCM-SHA384' },
  { code: 0xc02f, iana: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'ECDHE-RSA-AES128-GCM-SHA256' },
  { code: 0xc028, iana: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', openssl: 'ECDHE-RSA-AES256-SHA384' },
  { code: 0xc027, iana: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', openssl: 'ECDHE-RSA-AES128-SHA256' },
  { code: 0x009f, iana: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', openssl: 'DHE-RSA-AES256-GCM-SHA384' },
  { code: 0x009e, iana: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', openssl: 'DHE-RSA-AES128-GCM-SHA256' },
];

/** TLS 1.3 suites (RFC 8446 B.4): allowed by CONF.02 and not counted against the TLS 1.2 list. */
export const TLS13_SUITE_CODES: ReadonlySet<number> = new Set([0x1301, 0x1302, 0x1303, 0x1304, 0x1305]);

/** Signalling values that are not suites: the renegotiation SCSV (RFC 5746) and the fallback SCSV (RFC 7507). */
export const SIGNALLING_SUITE_CODES: ReadonlySet<number> = new Set([0x00ff, 0x5600]);

export interface TlsPolicyInput {
  keyPem: string;
  chainPem: string;
  /** CA certificates whose subjects are sent in the CertificateRequest and used to verify client certificates. */
  clientCaPems: string[];
  /** CRLs to check client certificates against. */
  crlPems: string[];
  ecdhCurves: string;
}

export function serverTlsOptions(input: TlsPolicyInput): SecureContextOptions {
  return {
    key: input.keyPem,
    cert: input.chainPem,
    ca: input.clientCaPems,
    crl: input.crlPems.length > 0 ? input.crlPems : undefined,
    minVersion: 'TLSv1.2',
    ciphers: ALLOWED_TLS12_SUITES.map((s) => s.openssl).join(':'),
    honorCipherOrder: true,
    ecdhCurve: input.ecdhCurves,
    // 'auto' picks a DHE group matching the certificate's strength: 2048 bits for our RSA 2048 keys.
    dhparam: 'auto',
    // A TLS 1.2 client asking to renegotiate gets a no_renegotiation alert: each renegotiation costs the
    // server a full handshake, which a client could repeat at will (CVE-2011-1473, testssl's "Secure
    // Client-Initiated Renegotiation").
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}
