// cert-reject — AC non IGC Santé (MSS-CONF.27), Certificat expiré (ECO 1.1.5), Certificat révoqué (ECO 1.1.6):
// on the bad endpoint, the client must abort the handshake, or close right after it without a command. Any
// command after TLS is KO; credentials sent are a critical KO. For the revoked certificate the log also says
// how the client could have learnt it (CRL, OCSP, stapling). A session that sends credentials or mail without
// STARTTLS is KO on STARTTLS, as in every kind.
//
// Wording rule: a check states what the evidence shows. An OK proved by a TLS alert names the alert (and says
// the client refused the certificate only when the alert is about a certificate); a close during or right
// after the handshake without an alert says exactly that and does not claim the client checked the
// certificate — the platform cannot see why a client hung up.
import { t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { alertText, isCertificateAlert, tlsFailureText } from '../../observe/wording.ts';
import { authsInClear, commandsBeforeTls, completeSessions, CREDENTIAL_COMMANDS, type SessionFacts } from '../facts.ts';
import { check, judgement, nothingObserved, starttlsFirst } from '../verdicts/common.ts';
import type { Check, Job, Judge, JudgeInput } from '../verdicts/types.ts';
import { usualPreparation } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

const judgeCertReject: Judge = (input) => {
  const requirement = input.job.requirements[0] ?? '';
  const sessions = completeSessions(input.observations).filter(
    (s) => s.hello || commandsBeforeTls(s).length > 0 || authsInClear(s).length > 0,
  );
  if (sessions.length === 0) return nothingObserved(input);
  const judged = sessions.map((s) => {
    const j = judgement(
      [...judgeSession(s, requirement), ...revocationFacts(input, s)],
      input.final || Boolean(s.closed),
    );
    // A client that accepted the certificate is KO for sure, but whether it then sends its credentials (a
    // critical KO) is only known once it did, closed the session, or the window ended: keep listening.
    const critical = j.checks.some((c) => c.critical);
    return j.status === 'KO' && !critical && !s.closed && !input.final ? { ...j, status: 'PENDING' as const } : j;
  });
  return (
    judged.find((j) => j.status === 'KO') ??
    judged.find((j) => j.status === 'OK') ??
    judged.find((j) => j.status === 'PENDING') ??
    judged[0]!
  );
};

function judgeSession(session: SessionFacts, requirement: string): Check[] {
  const hello = session.hello;
  if (!hello) {
    // Credentials or mail sent in clear: the server's certificate was never even looked at.
    return [
      starttlsFirst(session, requirement),
      check('certificate-refused', 'missing', requirement, t('detail.noTls')),
    ];
  }
  const checks: Check[] = [
    check(
      'client-hello',
      'pass',
      requirement,
      t('detail.helloReceived', { version: String(hello.data.highestVersion), sni: String(hello.data.sni ?? '—') }),
      [hello],
    ),
  ];
  const failure = session.tlsFailure;
  if (failure) {
    const d = failure.data;
    const alert = d.stage === 'handshake' && d.alert ? d.alert : null;
    if (alert) {
      checks.push(
        check(
          'certificate-refused',
          'pass',
          requirement,
          t(isCertificateAlert(alert) ? 'detail.certificateAlert' : 'detail.otherAlert', { alert: alertText(alert) }),
          [failure],
        ),
      );
    } else if (d.stage === 'client_hello' || d.by === 'client') {
      checks.push(
        check(
          'certificate-refused',
          'pass',
          requirement,
          t('detail.abortedWithoutAlert', { reason: tlsFailureText(failure.data) }),
          [failure],
        ),
      );
    } else {
      checks.push(
        check(
          'certificate-refused',
          'fail',
          requirement,
          t('detail.serverRefusedHandshake', { detail: tlsFailureText(failure.data) }),
          [failure],
          { fix: t('fix.serverRefusedHandshake') },
        ),
      );
    }
    return checks;
  }
  if (!session.established)
    return [...checks, check('certificate-refused', 'missing', requirement, t('detail.handshakeNotFinished'))];
  const after = session.commands.filter((c) => c.tls);
  if (after.length > 0) {
    const credentials = after.filter((c) => CREDENTIAL_COMMANDS.has(c.name));
    const critical = credentials.length > 0;
    checks.push(
      check(
        'certificate-refused',
        'fail',
        requirement,
        critical
          ? t('detail.credentialsSentToBadServer', { commands: names(credentials.map((c) => c.name)) })
          : t('detail.commandsAfterBadTls', { commands: names(after.map((c) => c.name)) }),
        [session.established, ...after.map((c) => c.observation)],
        { critical },
      ),
    );
    return checks;
  }
  if (session.closed) {
    checks.push(
      check('certificate-refused', 'pass', requirement, t('detail.closedAfterHandshake'), [
        session.established,
        session.closed,
      ]),
    );
  } else {
    checks.push(
      check('certificate-refused', 'missing', requirement, t('detail.waitingAfterTls'), [session.established]),
    );
  }
  return checks;
}

/** For the revoked certificate: did the client fetch the CRL, ask OCSP, or ask for a stapled answer? */
function revocationFacts(input: JudgeInput, session: SessionFacts): Check[] {
  if (!input.job.endpoint.endsWith('-revoq')) return [];
  const fetched = (kind: Observation['kind']) =>
    input.observations.filter((o) => o.kind === kind && o.clientIp === session.clientIp);
  const crl = fetched('pki.crl_fetch');
  const ocsp = fetched('pki.ocsp_request');
  const stapling = session.hello?.data.statusRequest === true;
  const yes = t('detail.yes');
  const no = t('detail.no');
  return [
    check(
      'revocation-means',
      'info',
      input.job.requirements[0] ?? '',
      t('detail.revocationMeans', {
        crl: crl.length > 0 ? yes : no,
        ocsp: ocsp.length > 0 ? yes : no,
        stapling: stapling ? yes : no,
      }),
      [...crl, ...ocsp, session.hello],
    ),
  ];
}

function names(list: string[]): string {
  return [...new Set(list)].join(', ');
}

/** The endpoint says which bad certificate the job shows: expired, revoked, or issued outside IGC Santé. */
function variant(job: Job): keyof typeof INSTRUCTION {
  return job.endpoint.endsWith('-expire') ? 'expire' : job.endpoint.endsWith('-revoq') ? 'revoq' : 'nonigc';
}

const INSTRUCTION = {
  expire: 'attendus.doRejectExpired',
  revoq: 'attendus.doRejectRevoked',
  nonigc: 'attendus.doRejectNonIgc',
} as const;

export const certReject: VerdictKindModule = {
  id: 'cert-reject',
  label: 'Certificat erroné',
  requirements: ['MSS-CONF.27', 'ECO 1.1.5', 'ECO 1.1.6'],
  ipRequired: true,
  instructions: {
    prerequisites: (job) => [
      t('attendus.ip'),
      ...(variant(job) === 'nonigc' ? [t('attendus.nonIgcRootInstalled')] : []),
    ],
    preparation: usualPreparation,
    instruction: (job, p) => t(INSTRUCTION[variant(job)], p),
  },
  judge: judgeCertReject,
};
