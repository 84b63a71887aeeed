import { describe, expect, it } from 'vitest';
import { attributable } from '../../src/catalogue/attribution.ts';
import { findJob } from '../../src/catalogue/jobs.ts';
import { kindOf } from '../../src/catalogue/kinds/index.ts';
import type { JobAccount, Judgement } from '../../src/catalogue/verdicts/types.ts';
import { REOPEN_CLOSE_REASON } from '../../src/catalogue/kinds/reopen.ts';
import type { Observation } from '../../src/observe/journal.ts';
import { journalOf, observe, SessionBuilder, SIX, TLS13 } from '../helpers/journal-builder.ts';

const PERSONAL = '872311221327@mail.test';
const APPLICATIVE = '10123456789@mail.test';
const account: JobAccount = {
  nil: 'DEV935997',
  idnatPsc: '872311221327',
  idnatAuthCli: '10123456789',
  personalMailbox: PERSONAL,
  applicativeMailbox: APPLICATIVE,
  patientAddress: '279035121518989@patient.mail.test',
};
const IP = '192.0.2.10';

function judge(
  jobId: string,
  observations: Observation[],
  options: { ip?: string | null; final?: boolean } = {},
): Judgement {
  const job = findJob(jobId)!;
  const ip = options.ip === undefined ? null : options.ip;
  return kindOf(job).judge({
    job,
    account,
    ip,
    window: { start: 0, end: Number.MAX_SAFE_INTEGER },
    observations: attributable(job, account, ip, observations),
    final: options.final ?? true,
  });
}

const failed = (j: Judgement) => j.checks.filter((c) => c.outcome === 'fail').map((c) => c.id);

describe('tls verdict', () => {
  it('is OK for STARTTLS, the six suites and TLS 1.3, and lists the offered suites', () => {
    const s = new SessionBuilder('a', 'psc', 'smtp').starttls().xoauth2(PERSONAL, account.idnatPsc!);
    const j = judge('psc-tls-smtp', journalOf(s));
    expect(j.status).toBe('OK');
    expect(j.checks.find((c) => c.id === 'offered-suites')!.detail).toContain('TLS_DHE_RSA_WITH_AES_128_GCM_SHA256');
  });

  it('names each forbidden suite and each missing one', () => {
    const suites = [
      ...SIX.slice(0, 4),
      { code: '0x002F', name: 'TLS_RSA_WITH_AES_128_CBC_SHA' },
      { code: '0x00FF', name: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV' },
      { code: '0x0A0A', name: 'GREASE' },
      ...TLS13,
    ];
    const s = new SessionBuilder('a', 'psc', 'smtp').starttls(suites).xoauth2(PERSONAL, account.idnatPsc!);
    const j = judge('psc-tls-smtp', journalOf(s));
    expect(j.status).toBe('KO');
    expect(failed(j)).toEqual(['forbidden-suites', 'all-suites']);
    expect(j.checks.find((c) => c.id === 'forbidden-suites')!.detail).toBe(
      'Suites non autorisées proposées : TLS_RSA_WITH_AES_128_CBC_SHA.',
    );
    expect(j.checks.find((c) => c.id === 'all-suites')!.detail).toContain(
      'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
    );
  });

  it('fails AUTH sent before STARTTLS, and a TLS 1.1 client', () => {
    const clear = new SessionBuilder('a', 'psc', 'smtp')
      .command('EHLO')
      .add('auth', {
        mechanism: 'PLAIN',
        outcome: 'refused',
        reason: 'tls_required',
        tls: false,
        credentialsInClear: true,
      })
      .command('AUTH', false)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!);
    expect(failed(judge('psc-tls-smtp', journalOf(clear)))).toContain('starttls');
    const old = new SessionBuilder('b', 'psc', 'smtp', IP).refusedHandshake(null, 'server', 'TLSv1.1');
    expect(failed(judge('psc-tls-smtp', journalOf(old), { ip: IP }))).toContain('version');
  });

  it('is INCONCLUSIVE when nothing attributable happened, PENDING before the end', () => {
    const stranger = new SessionBuilder('x', 'psc', 'smtp', '198.51.100.1')
      .starttls()
      .xoauth2('871111111111@mail.test', '871111111111');
    expect(judge('psc-tls-smtp', journalOf(stranger)).status).toBe('INCONCLUSIVE');
    expect(judge('psc-tls-smtp', [], { final: false }).status).toBe('PENDING');
    expect(judge('psc-tls-smtp', []).checks[0]!.detail).toMatch(/Aucune connexion observée/);
  });
});

describe('authentication verdicts', () => {
  it('auth-psc: OK with a verified token and a command after it; KO for PLAIN, wrong user or an expired token', () => {
    const ok = new SessionBuilder('a', 'psc', 'imap', IP, 10144)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'INBOX' });
    expect(judge('psc-auth-imap', journalOf(ok)).status).toBe('OK');
    const plain = new SessionBuilder('b', 'psc', 'imap', IP)
      .starttls()
      .auth('PLAIN', PERSONAL, 'success')
      .command('SELECT');
    expect(failed(judge('psc-auth-imap', journalOf(plain)))).toEqual(['mechanism']);
    const expired = new SessionBuilder('c', 'psc', 'imap', IP)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!, 'failure', 'bearer_expired');
    const j = judge('psc-auth-imap', journalOf(expired), { ip: IP });
    expect(failed(j)).toEqual(['token']);
    expect(j.checks.find((c) => c.id === 'token')!.detail).toBe('Jeton refusé : jeton expiré.');
    const wrongUser = new SessionBuilder('d', 'psc', 'imap', IP)
      .starttls()
      .xoauth2('872311221327', account.idnatPsc!, 'failure', 'unknown_mailbox');
    expect(failed(judge('psc-auth-imap', journalOf(wrongUser), { ip: IP }))).toContain('user');
  });

  it('auth-cert: certificate with the right OU then PLAIN; KO without a certificate or with another OU', () => {
    const certificate = { present: true, trusted: true, ou: '10123456789', subject: 'CN=LPS', problems: [] };
    const ok = new SessionBuilder('a', 'org', 'smtp')
      .starttls(undefined, undefined, undefined, certificate)
      .auth('PLAIN', APPLICATIVE, 'success', { reason: 'client_certificate' })
      .command('MAIL');
    expect(judge('authcli-auth-smtp', journalOf(ok)).status).toBe('OK');
    const none = new SessionBuilder('b', 'org', 'smtp').starttls().auth('PLAIN', APPLICATIVE, 'success');
    expect(failed(judge('authcli-auth-smtp', journalOf(none)))).toEqual(['client-certificate']);
    const otherOu = new SessionBuilder('c', 'org', 'smtp')
      .starttls(undefined, undefined, undefined, { ...certificate, ou: '19999999999' })
      .auth('PLAIN', APPLICATIVE, 'success');
    expect(failed(judge('authcli-auth-smtp', journalOf(otherOu)))).toEqual(['certificate-ou']);
  });
});

describe('session verdicts', () => {
  it('imap-access needs INBOX selected; send needs a message to itself', () => {
    const access = new SessionBuilder('a', 'psc', 'imap')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'INBOX' });
    expect(judge('psc-access-imap', journalOf(access)).status).toBe('OK');
    const notInbox = new SessionBuilder('b', 'psc', 'imap')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'Sent' });
    expect(judge('psc-access-imap', journalOf(notInbox), { final: false }).status).toBe('PENDING');
    expect(judge('psc-access-imap', journalOf(notInbox)).status).toBe('KO');

    const send = new SessionBuilder('c', 'psc', 'smtp')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(PERSONAL, [PERSONAL]);
    expect(judge('psc-send-smtp', journalOf(send)).status).toBe('OK');
  });
});

describe('message verdicts', () => {
  const xdm = {
    documents: [
      { code: '11488-4', hasIns: true },
      { code: 'PRESC-BIO', hasIns: false },
    ],
  };

  it('headers: judges X-MSS-NIL, X-MSS-CODECDA (any order, comma separated) and X-MSS-INS each on its own', () => {
    const headers = [
      { name: 'X-MSS-NIL', value: 'DEV935997' },
      { name: 'X-MSS-CODECDA', value: 'PRESC-BIO, 11488-4' },
      { name: 'X-MSS-INS', value: 'O' },
    ];
    const ok = new SessionBuilder('a', 'psc', 'smtp')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(PERSONAL, [PERSONAL], headers, xdm);
    expect(judge('psc-headers-smtp', journalOf(ok)).status).toBe('OK');
    const wrong = new SessionBuilder('b', 'psc', 'smtp')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(
        PERSONAL,
        [PERSONAL],
        [
          { name: 'X-MSS-NIL', value: 'OTHER' },
          { name: 'X-MSS-INS', value: 'N' },
        ],
        xdm,
      );
    const j = judge('psc-headers-smtp', journalOf(wrong));
    expect(failed(j)).toEqual(['header-nil', 'header-codecda', 'header-ins']);
    expect(j.checks.find((c) => c.id === 'header-codecda')!.detail).toMatch(/absent/);
  });

  it('patient: X-MSS-MES must be exactly FIN on a message to the patient address', () => {
    const certificate = { present: true, trusted: true, ou: '10123456789', subject: 'CN=LPS', problems: [] };
    const ok = new SessionBuilder('a', 'org', 'smtp')
      .starttls(undefined, undefined, undefined, certificate)
      .auth('PLAIN', APPLICATIVE, 'success', { reason: 'client_certificate' })
      .message(APPLICATIVE, [account.patientAddress!], [{ name: 'X-MSS-MES', value: 'FIN' }]);
    expect(judge('authcli-patient-smtp', journalOf(ok)).status).toBe('OK');
    const lower = new SessionBuilder('b', 'org', 'smtp')
      .starttls(undefined, undefined, undefined, certificate)
      .auth('PLAIN', APPLICATIVE, 'success', { reason: 'client_certificate' })
      .message(APPLICATIVE, [account.patientAddress!], [{ name: 'X-MSS-MES', value: 'fin' }]);
    expect(failed(judge('authcli-patient-smtp', journalOf(lower)))).toEqual(['header-mes']);
  });
});

describe('certificate rejection verdict', () => {
  it(
    'OK when the client aborts with an alert or closes without a command; ' + 'critical KO when it sends credentials',
    () => {
      const alert = new SessionBuilder('a', 'psc-expire', 'smtp', IP).refusedHandshake('certificate_expired');
      const j = judge('psc-expired-smtp', journalOf(alert), { ip: IP });
      expect(j.status).toBe('OK');
      expect(j.checks.find((c) => c.id === 'certificate-refused')!.detail).toBe(
        'Le client a refusé le certificat du serveur : ' +
          'il a interrompu la négociation TLS avec l’alerte « certificat expiré » (certificate expired).',
      );

      const quiet = new SessionBuilder('b', 'org-nonigc', 'imap', IP).starttls().close('client', null, 0);
      expect(judge('authcli-nonigc-imap', journalOf(quiet), { ip: IP }).status).toBe('OK');

      const leak = new SessionBuilder('c', 'psc-revoq', 'smtp', IP).starttls().command('EHLO').command('AUTH', true);
      const k = judge('psc-revoked-smtp', journalOf(leak, observe('pki.ocsp_request', IP, {})), {
        ip: IP,
        final: false,
      });
      expect(k.status).toBe('KO');
      expect(k.checks.find((c) => c.id === 'certificate-refused')).toMatchObject({ outcome: 'fail', critical: true });
      expect(k.checks.find((c) => c.id === 'revocation-means')!.detail).toBe(
        'CRL téléchargée : non ; OCSP interrogé : oui ; réponse OCSP agrafée demandée : non.',
      );
    },
  );

  it('keeps listening after a first command to see whether credentials follow, KO at the end either way', () => {
    const curious = new SessionBuilder('d', 'org-nonigc', 'imap', IP).starttls().command('CAPABILITY');
    expect(judge('authcli-nonigc-imap', journalOf(curious), { ip: IP, final: false }).status).toBe('PENDING');
    const j = judge('authcli-nonigc-imap', journalOf(curious), { ip: IP });
    expect(j.status).toBe('KO');
    expect(j.checks.find((c) => c.id === 'certificate-refused')).toMatchObject({ outcome: 'fail' });
    expect(j.checks.find((c) => c.id === 'certificate-refused')!.critical).toBeUndefined();
  });

  it('is INCONCLUSIVE without a ClientHello from the job’s address', () => {
    const elsewhere = new SessionBuilder('a', 'psc-expire', 'smtp', '198.51.100.7').refusedHandshake(
      'certificate_expired',
    );
    expect(judge('psc-expired-smtp', journalOf(elsewhere), { ip: IP }).status).toBe('INCONCLUSIVE');
  });
});

describe('autoconfig verdict', () => {
  const lookup = observe('autoconfig.http', IP, {
    status: 200,
    path: '/mail/config-v1.1.xml',
    answered: [{ endpoint: 'psc', protocol: 'smtp', port: 10588 }],
  });

  it('OK for a lookup then a connection to what it advertised, authenticated, with a message', () => {
    const s = new SessionBuilder('a', 'psc', 'smtp', IP, 10588)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(PERSONAL, [PERSONAL]);
    expect(judge('psc-autoconfig-smtp', journalOf(lookup, s), { ip: IP }).status).toBe('OK');
  });

  it('KO for hard-coded settings (no lookup), and when nothing follows the lookup', () => {
    const s = new SessionBuilder('b', 'psc', 'smtp', IP, 10588)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(PERSONAL, [PERSONAL]);
    expect(failed(judge('psc-autoconfig-smtp', journalOf(s), { ip: IP }))).toEqual([
      'autoconfig-lookup',
      'advertised-connection',
    ]);
    expect(judge('psc-autoconfig-smtp', journalOf(lookup), { ip: IP }).status).toBe('KO');
  });

  it('accepts a DNS SRV lookup advertising the org endpoint', () => {
    const srv = observe('autoconfig.dns', IP, {
      qtype: 'SRV',
      rcode: 'NOERROR',
      name: '_imap._tcp.mail.test',
      answered: [{ type: 'SRV', service: 'imap', endpoint: 'org', port: 10143 }],
    });
    const s = new SessionBuilder('c', 'org', 'imap', IP, 10143)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'INBOX' });
    expect(judge('psc-autoconfig-imap', journalOf(srv, s), { ip: IP }).status).toBe('OK');
  });
});

describe('reopen verdict', () => {
  it('OK when the client reopens by itself with a valid token after the platform closed its session', () => {
    const first = new SessionBuilder('a', 'psc', 'imap')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'Sent' })
      .close('server', REOPEN_CLOSE_REASON);
    const second = new SessionBuilder('b', 'psc', 'imap')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'INBOX' });
    expect(judge('psc-reopen-imap', journalOf(first, second)).status).toBe('OK');
  });

  it('counts a session the client opened at the BYE, before the platform had written its close', () => {
    // The close fact is written once the connection is gone; a client reconnecting as soon as it reads the BYE
    // opens its new session before that. The close's moment is when the platform decided it (closingAt).
    const first = new SessionBuilder('a', 'psc', 'imap', IP)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'Sent' });
    const closingAt = first.observations.at(-1)!.at + 50;
    const second = new SessionBuilder('b', 'psc', 'imap', IP)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'INBOX' });
    first.add('session.close', {
      by: 'server',
      reason: REOPEN_CLOSE_REASON,
      tls: true,
      commandsAfterTls: 3,
      closingAt,
    });
    const j = judge('psc-reopen-imap', journalOf(first, second), { ip: IP });
    expect(j.status).toBe('OK');
    expect(j.checks.find((c) => c.id === 'new-session')).toMatchObject({ outcome: 'pass' });
  });

  it('KO when the client retries with an expired token, or does not come back', () => {
    const first = new SessionBuilder('a', 'psc', 'smtp', IP)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(PERSONAL, [PERSONAL])
      .close('server', REOPEN_CLOSE_REASON);
    const retry = new SessionBuilder('b', 'psc', 'smtp', IP)
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!, 'failure', 'bearer_expired');
    expect(failed(judge('psc-reopen-smtp', journalOf(first, retry), { ip: IP }))).toEqual(['new-session']);
    expect(
      judge('psc-reopen-smtp', journalOf(first), { ip: IP }).checks.find((c) => c.id === 'new-session'),
    ).toMatchObject({ outcome: 'missing' });
    expect(judge('psc-reopen-smtp', journalOf(first), { ip: IP }).status).toBe('KO');
  });
});

describe('attribution', () => {
  it('never counts a session authenticated as another account’s mailbox, even from the job’s address', () => {
    const other = new SessionBuilder('a', 'psc', 'smtp', IP)
      .starttls()
      .xoauth2('871111111111@mail.test', '871111111111');
    expect(attributable(findJob('psc-tls-smtp')!, account, IP, journalOf(other))).toEqual([]);
  });
});
