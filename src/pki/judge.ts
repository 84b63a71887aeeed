// Judges the client certificate a mail endpoint received (auth-cert verdict, MSS-CONF.12). Synchronous so
// that it can run inside a TLS handshake callback; records facts and problem codes, decides nothing else.
import { isIssuedBy, parseCertificate, type Certificate } from './certificate.ts';
import { x509 } from './engine.ts';

/** Short, stable codes: they end up in the journal and verdicts compare them. */
export type ClientCertificateProblem =
  | 'no_certificate'
  | 'untrusted_chain'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'no_client_auth_eku';

export interface ClientCertificateJudgement {
  present: boolean;
  subject?: string;
  issuer?: string;
  serialNumber?: string;
  /** ISO 8601, as the journal keeps it. */
  notBefore?: string;
  notAfter?: string;
  ou?: string;
  organisation?: string;
  commonName?: string;
  ekuClientAuth: boolean;
  chainsToIgcOrgCa: boolean;
  expired: boolean;
  notYetValid: boolean;
  revoked: boolean;
  /** Every check passed. */
  trusted: boolean;
  problems: ClientCertificateProblem[];
}

const UNTRUSTED = {
  ekuClientAuth: false,
  chainsToIgcOrgCa: false,
  expired: false,
  notYetValid: false,
  revoked: false,
  trusted: false,
} as const;

/**
 * `chainDer` is the chain as the client sent it, leaf first. ORG_AUTH_CLI certificates are issued directly
 * by the organisation CA (pathLen 0), which we hold: only the leaf matters, and it may come alone.
 */
export function judgeClientCertificate(
  chainDer: Buffer[],
  at: Date,
  orgCa: Certificate,
  isRevoked: (serialNumber: string) => boolean,
): ClientCertificateJudgement {
  const leafDer = chainDer[0];
  if (!leafDer) return { present: false, ...UNTRUSTED, problems: ['no_certificate'] };
  let leaf: Certificate;
  try {
    leaf = parseCertificate(leafDer);
  } catch {
    return { present: true, ...UNTRUSTED, problems: ['untrusted_chain'] };
  }
  const { parsed } = leaf;
  const field = (name: string) => parsed.subjectName.getField(name)[0];
  const chainsToIgcOrgCa = isIssuedBy(leaf, orgCa);
  const facts = {
    chainsToIgcOrgCa,
    expired: at.getTime() > parsed.notAfter.getTime(),
    notYetValid: at.getTime() < parsed.notBefore.getTime(),
    // A serial on our CRL means nothing for a certificate another CA issued.
    revoked: chainsToIgcOrgCa && isRevoked(leaf.serialNumber),
    ekuClientAuth:
      parsed.getExtension(x509.ExtendedKeyUsageExtension)?.usages.includes(x509.ExtendedKeyUsage.clientAuth) ?? false,
  };
  const problems: ClientCertificateProblem[] = [];
  if (!facts.chainsToIgcOrgCa) problems.push('untrusted_chain');
  if (facts.expired) problems.push('expired');
  if (facts.notYetValid) problems.push('not_yet_valid');
  if (facts.revoked) problems.push('revoked');
  if (!facts.ekuClientAuth) problems.push('no_client_auth_eku');
  return {
    present: true,
    subject: parsed.subject,
    issuer: parsed.issuer,
    serialNumber: leaf.serialNumber,
    notBefore: parsed.notBefore.toISOString(),
    notAfter: parsed.notAfter.toISOString(),
    ou: field('OU'),
    organisation: field('O'),
    commonName: field('CN'),
    ...facts,
    trusted: problems.length === 0,
    problems,
  };
}
