// Health check of the test PKI (`motco pki check`, start-up): each endpoint certificate is what its kind
// promises, CAs and CRLs are sound, and optionally the live HTTP responder and CRL agree.
import type { Config } from '../config/config.ts';
import {
  EVIDENCE_ROOT,
  IGC_ORG,
  IGC_ROOT,
  NON_IGC_INTERMEDIATE,
  NON_IGC_ROOT,
  type Authority,
  type CaName,
} from './authorities.ts';
import { chainsTo, isIssuedBy, keyBits, subjectAltNames, type Certificate } from './certificate.ts';
import { crlNumber } from './crl.ts';
import { canonicalSerial, DAY_MS, day } from './encoding.ts';
import { x509 } from './engine.ts';
import { renewalMarginMs, type EndpointCertificate, type ServerId } from './endpoints.ts';
import { evidenceRenewalMarginMs, signsEvidence, type EvidenceSigner } from './evidence.ts';
import { PKI_PATHS } from './issue.ts';
import { t } from '../i18n/messages.ts';
import { ocspRequestFor, readOcspResponse } from './ocsp-client.ts';
import type { OcspResponder } from './ocsp.ts';

export interface PkiCheck {
  name: string;
  ok: boolean;
  /** In French. */
  detail: string;
}

export interface CheckContext {
  config: Config;
  authorities: Map<CaName, Authority>;
  endpoints: Map<ServerId, EndpointCertificate>;
  crls: Map<CaName, x509.X509Crl>;
  responder: OcspResponder;
  /** The evidence-signing certificate. */
  evidence?: EvidenceSigner;
  now: Date;
}

const MIN_KEY_BITS = 2048;

export async function checkPki(context: CheckContext, baseUrl?: string): Promise<PkiCheck[]> {
  const checks = [...context.authorities.values()].map((authority) => checkAuthority(authority, context));
  for (const [id, endpoint] of context.endpoints) checks.push(await checkEndpoint(id, endpoint, context));
  if (context.evidence) checks.push(checkEvidenceSigner(context.evidence, context));
  for (const [name, crl] of context.crls) checks.push(await checkCrl(name, crl, context));
  if (baseUrl) checks.push(...(await checkLive(baseUrl.replace(/\/+$/, ''), context)));
  return checks;
}

function result(name: string, problems: string[], okDetail: () => string): PkiCheck {
  return { name, ok: problems.length === 0, detail: problems.length === 0 ? okDetail() : problems.join(' ; ') };
}

/** Problems every certificate can have: small key, outside its validity window. */
function basicProblems(certificate: Certificate, now: Date, expectValidNow = true): string[] {
  const problems: string[] = [];
  const bits = keyBits(certificate);
  if (bits < MIN_KEY_BITS) problems.push(t('pki.check.keyTooSmall', { bits }));
  const { notBefore, notAfter } = certificate.parsed;
  if (expectValidNow && (now < notBefore || now > notAfter)) {
    problems.push(t('pki.check.outsideValidity', { notBefore: day(notBefore), notAfter: day(notAfter) }));
  }
  return problems;
}

function checkAuthority(authority: Authority, context: CheckContext): PkiCheck {
  const { certificate } = authority;
  const problems = basicProblems(certificate, context.now);
  if (!isIssuedBy(certificate, context.authorities.get(authority.issuedBy)!.certificate))
    problems.push(t('pki.check.brokenChain', { root: authority.issuedBy }));
  return result(`ca ${authority.name}`, problems, () =>
    t('pki.check.caOk', { notAfter: day(certificate.parsed.notAfter), bits: keyBits(certificate) }),
  );
}

/** The evidence-signing certificate: valid now, issued by the evidence root, for signing documents only. */
function checkEvidenceSigner(evidence: EvidenceSigner, context: CheckContext): PkiCheck {
  const { certificate } = evidence;
  const problems = basicProblems(certificate, context.now);
  if (!chainsTo(certificate, [context.authorities.get(EVIDENCE_ROOT)!.certificate]))
    problems.push(t('pki.check.brokenChain', { root: EVIDENCE_ROOT }));
  if (!signsEvidence(certificate)) problems.push(t('pki.check.evidencePurpose'));
  const notAfter = day(certificate.parsed.notAfter);
  const marginMs = evidenceRenewalMarginMs(context.config);
  if (certificate.parsed.notAfter.getTime() - context.now.getTime() < marginMs)
    problems.push(t('pki.check.renewalDue', { notAfter, days: Math.round(marginMs / DAY_MS) }));
  return result('evidence-signing', problems, () => t('pki.check.evidenceOk', { notAfter, root: EVIDENCE_ROOT }));
}

async function checkEndpoint(id: ServerId, endpoint: EndpointCertificate, context: CheckContext): Promise<PkiCheck> {
  const { leaf, credentials, host } = endpoint;
  const { now } = context;
  const names = subjectAltNames(leaf);
  const problems = basicProblems(leaf, now, credentials.kind !== 'expired');
  if (!names.includes(host)) problems.push(t('pki.check.missingName', { host }));
  const notAfter = day(leaf.parsed.notAfter);
  const name = `endpoint ${id}`;
  if (!endpoint.issuer)
    return result(name, problems, () => t('pki.check.suppliedOk', { notAfter, names: names.join(', ') }));

  const chain = (...cas: CaName[]) => cas.map((ca) => context.authorities.get(ca)!.certificate);
  const chainsToIgc = chainsTo(leaf, chain(IGC_ORG, IGC_ROOT));
  const igcChainProblem = chainsToIgc ? [] : [t('pki.check.brokenChain', { root: IGC_ROOT })];
  const marginMs = renewalMarginMs(context.config);
  const renewalProblem =
    leaf.parsed.notAfter.getTime() - now.getTime() < marginMs
      ? [t('pki.check.renewalDue', { notAfter, days: Math.round(marginMs / DAY_MS) })]
      : [];
  switch (credentials.kind) {
    case 'valid':
      problems.push(...igcChainProblem, ...renewalProblem);
      return result(name, problems, () => t('pki.check.validOk', { notAfter, names: names.join(', ') }));
    case 'expired':
      problems.push(...igcChainProblem);
      if (leaf.parsed.notAfter >= now) problems.push(t('pki.check.notExpired', { notAfter }));
      return result(name, problems, () => t('pki.check.expiredOk', { notAfter }));
    case 'revoked':
      problems.push(
        ...igcChainProblem,
        ...renewalProblem,
        ...(await revocationProblems(endpoint.issuer, leaf, context)),
      );
      return result(name, problems, () => t('pki.check.revokedOk', { ca: endpoint.issuer!.name }));
    case 'non-igc':
      if (chainsToIgc) problems.push(t('pki.check.chainsToIgc'));
      if (!chainsTo(leaf, chain(NON_IGC_INTERMEDIATE, NON_IGC_ROOT)))
        problems.push(t('pki.check.brokenChain', { root: NON_IGC_ROOT }));
      problems.push(...renewalProblem);
      return result(name, problems, () => t('pki.check.nonIgcOk'));
  }
}

/** A revoked leaf must be on its CA's CRL and declared revoked, in a signed answer, by the OCSP responder. */
async function revocationProblems(issuer: Authority, leaf: Certificate, context: CheckContext): Promise<string[]> {
  const listed = context.crls
    .get(issuer.name)
    ?.entries.some((entry) => canonicalSerial(entry.serialNumber) === leaf.serialNumber);
  const answer = await context.responder.answer(await ocspRequestFor(leaf, issuer.certificate), context.now);
  return [
    ...(listed ? [] : [t('pki.check.notInCrl', { ca: issuer.name })]),
    ...ocspRevokedProblems(answer.der, issuer),
  ];
}

function ocspRevokedProblems(responseDer: Buffer, issuer: Authority): string[] {
  const reading = readOcspResponse(responseDer, issuer.certificate);
  const status = reading.statuses[0] ?? `responseStatus ${reading.responseStatus}`;
  if (status !== 'revoked') return [t('pki.check.ocspStatus', { status, expected: 'revoked' })];
  return reading.signedBy ? [] : [t('pki.check.ocspUnsigned', { ca: issuer.name })];
}

async function checkCrl(name: CaName, crl: x509.X509Crl, context: CheckContext): Promise<PkiCheck> {
  const problems: string[] = [];
  if (!(await crl.verify({ publicKey: context.authorities.get(name)!.certificate.parsed.publicKey })))
    problems.push(t('pki.check.crlBadSignature'));
  const nextUpdate = crl.nextUpdate;
  if (!nextUpdate || nextUpdate <= context.now)
    problems.push(t('pki.check.crlStale', { nextUpdate: nextUpdate ? day(nextUpdate) : '?' }));
  return result(`crl ${name}`, problems, () =>
    t('pki.check.crlOk', { number: crlNumber(crl) ?? '?', count: crl.entries.length, nextUpdate: day(nextUpdate!) }),
  );
}

/** Asks the running web server, as a client would, about each revoked endpoint: OCSP over HTTP, then the CRL. */
async function checkLive(baseUrl: string, context: CheckContext): Promise<PkiCheck[]> {
  const checks: PkiCheck[] = [];
  for (const [id, { leaf, issuer, credentials }] of context.endpoints) {
    if (!issuer || credentials.kind !== 'revoked') continue;
    const ocspUrl = `${baseUrl}${PKI_PATHS.ocsp}`;
    checks.push(
      await liveCheck(
        `ocsp-http ${id}`,
        ocspUrl,
        async () => {
          const body = await ocspRequestFor(leaf, issuer.certificate);
          return ocspRevokedProblems(
            await fetchOk(ocspUrl, { method: 'POST', headers: { 'content-type': 'application/ocsp-request' }, body }),
            issuer,
          );
        },
        () => t('pki.check.liveOcspOk', { url: ocspUrl, endpoint: id }),
      ),
    );
    const crlUrl = `${baseUrl}${PKI_PATHS.crl}/${issuer.name}.crl`;
    checks.push(
      await liveCheck(
        `crl-http ${id}`,
        crlUrl,
        async () => {
          const crl = new x509.X509Crl(await fetchOk(crlUrl));
          const problems: string[] = [];
          if (!(await crl.verify({ publicKey: issuer.certificate.parsed.publicKey })))
            problems.push(t('pki.check.crlBadSignature'));
          if (!crl.entries.some((e) => canonicalSerial(e.serialNumber) === leaf.serialNumber))
            problems.push(t('pki.check.notInCrl', { ca: issuer.name }));
          return problems;
        },
        () => t('pki.check.liveCrlOk', { url: crlUrl, endpoint: id }),
      ),
    );
  }
  return checks;
}

async function liveCheck(
  name: string,
  url: string,
  problemsOf: () => Promise<string[]>,
  okDetail: () => string,
): Promise<PkiCheck> {
  try {
    return result(name, await problemsOf(), okDetail);
  } catch (error) {
    return { name, ok: false, detail: t('pki.check.httpFailed', { url, message: (error as Error).message }) };
  }
}

async function fetchOk(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: Uint8Array } = {},
): Promise<Buffer> {
  const response = await fetch(url, {
    ...init,
    headers: { ...init.headers, 'user-agent': 'motco pki check' },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
