// cert-reject — AC non IGC Santé (MSS-CONF.27), Certificat expiré (ECO 1.1.5), Certificat révoqué (ECO 1.1.6):
// on the bad endpoint, the client must abort the handshake, or close right after it without a command. Any
// command after TLS is KO; credentials sent are a critical KO. For the revoked certificate the log also says
// how the client could have learnt it (CRL, OCSP, stapling).
import { t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { completeSessions, CREDENTIAL_COMMANDS, type SessionFacts } from '../facts.ts';
import { check, judgement, nothingObserved } from './common.ts';
import type { Check, Judge, JudgeInput } from './types.ts';

export const judgeCertReject: Judge = (input) => {
  const requirement = input.job.requirements[0] ?? '';
  const sessions = completeSessions(input.observations).filter((s) => s.hello);
  if (sessions.length === 0) return nothingObserved(input);
  const judged = sessions.map((s) => {
    const j = judgement([...judgeSession(s, requirement), ...revocationFacts(input, s)], input.final || Boolean(s.closed));
    // A client that accepted the certificate is KO for sure, but whether it then sends its credentials (a
    // critical KO) is only known once it did, closed the session, or the window ended: keep listening.
    const critical = j.checks.some((c) => c.critical);
    return j.status === 'KO' && !critical && !s.closed && !input.final ? { ...j, status: 'PENDING' as const } : j;
  });
  return judged.find((j) => j.status === 'KO') ?? judged.find((j) => j.status === 'OK') ?? judged.find((j) => j.status === 'PENDING') ?? judged[0]!;
};

function judgeSession(session: SessionFacts, requirement: string): Check[] {
  const hello = session.hello!;
  const checks: Check[] = [check('client-hello', 'pass', requirement, t('detail.helloReceived', { version: String(hello.data.highestVersion), sni: String(hello.data.sni ?? '—') }), [hello])];
  const failure = session.tlsFailure;
  if (failure) {
    if (failure.data.by === 'client') {
      const alert = failure.data.alert ? String(failure.data.alert) : null;
      checks.push(check('certificate-refused', 'pass', requirement, alert ? t('detail.clientAlert', { alert }) : t('detail.clientAborted'), [failure]));
    } else {
      checks.push(check('certificate-refused', 'fail', requirement, t('detail.serverRefusedHandshake', { detail: String(failure.data.detail ?? failure.data.error ?? '') }), [failure]));
    }
    return checks;
  }
  if (!session.established) return [...checks, check('certificate-refused', 'missing', requirement, t('detail.handshakeNotFinished'))];
  const after = session.commands.filter((c) => c.tls);
  if (after.length > 0) {
    const credentials = after.filter((c) => CREDENTIAL_COMMANDS.has(c.name));
    const critical = credentials.length > 0;
    checks.push(
      check(
        'certificate-refused',
        'fail',
        requirement,
        critical ? t('detail.credentialsSentToBadServer', { commands: names(credentials.map((c) => c.name)) }) : t('detail.commandsAfterBadTls', { commands: names(after.map((c) => c.name)) }),
        [session.established, ...after.map((c) => c.observation)],
        critical,
      ),
    );
    return checks;
  }
  if (session.closed) {
    checks.push(check('certificate-refused', 'pass', requirement, t('detail.closedWithoutCommand'), [session.established, session.closed]));
  } else {
    checks.push(check('certificate-refused', 'missing', requirement, t('detail.waitingAfterTls'), [session.established]));
  }
  return checks;
}

/** For the revoked certificate: did the client fetch the CRL, ask OCSP, or ask for a stapled answer? */
function revocationFacts(input: JudgeInput, session: SessionFacts): Check[] {
  if (!input.job.endpoint.endsWith('-revoq')) return [];
  const fetched = (kind: Observation['kind']) => input.observations.filter((o) => o.kind === kind && o.clientIp === session.clientIp);
  const crl = fetched('pki.crl_fetch');
  const ocsp = fetched('pki.ocsp_request');
  const stapling = session.hello?.data.statusRequest === true;
  const yes = t('detail.yes');
  const no = t('detail.no');
  return [
    check('revocation-means', 'info', input.job.requirements[0] ?? '', t('detail.revocationMeans', { crl: crl.length > 0 ? yes : no, ocsp: ocsp.length > 0 ? yes : no, stapling: stapling ? yes : no }), [...crl, ...ocsp, session.hello]),
  ];
}

function names(list: string[]): string {
  return [...new Set(list)].join(', ');
}

