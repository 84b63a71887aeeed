// Verdict truth (catalogue.md, "Rules common to every kind"): every kind judges the authentication its BAL
// type requires; a check passes or fails only on a recorded fact, checks a decisive failure left unjudged are
// « non évalué » (neutral), « manquant » only when the window ended without the fact; an INCONCLUSIVE says
// what was seen instead; a client that sends MAIL, LOGIN or AUTH in clear is KO on STARTTLS; certificate
// rejection is worded as the evidence shows; and no raw code reaches a sentence a user reads.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { attributable } from '../../src/catalogue/attribution.ts';
import { UNIT_JOBS, findJob, type UnitJob } from '../../src/catalogue/jobs.ts';
import { kindOf } from '../../src/catalogue/kinds/index.ts';
import type { Check, JobAccount, Judgement } from '../../src/catalogue/verdicts/types.ts';
import { REOPEN_CLOSE_REASON } from '../../src/catalogue/kinds/reopen.ts';
import type { Observation } from '../../src/observe/journal.ts';
import { narrate } from '../../src/observe/narrate.ts';
import { journalOf, observe, SessionBuilder } from '../helpers/journal-builder.ts';

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
const CERTIFICATE = { present: true, trusted: true, ou: '10123456789', subject: 'CN=LPS', problems: [] };
const XDM = { documents: [{ code: '11488-4', hasIns: true }] };
const HEADERS = [
  { name: 'X-MSS-NIL', value: 'DEV935997' },
  { name: 'X-MSS-CODECDA', value: '11488-4' },
  { name: 'X-MSS-INS', value: 'O' },
];

/** Judges a window as the runner does: what counts for the job, and the rest to explain an INCONCLUSIVE. */
function judge(jobId: string, window: Observation[], options: { ip?: string | null; final?: boolean } = {}): Judgement {
  const job = findJob(jobId)!;
  const ip = options.ip ?? null;
  const observations = attributable(job, account, ip, window);
  const counted = new Set(observations.map((o) => o.id));
  return kindOf(job).judge({
    job,
    account,
    ip,
    window: { start: 0, end: Number.MAX_SAFE_INTEGER },
    observations,
    final: options.final ?? true,
    unattributed: window.filter((o) => !counted.has(o.id)),
  });
}

const ids = (j: Judgement, outcome: Check['outcome']) => j.checks.filter((c) => c.outcome === outcome).map((c) => c.id);
const find = (j: Judgement, id: string) => j.checks.find((c) => c.id === id)!;

type Auth = 'right' | 'password' | 'no-certificate';

/**
 * A session that authenticates the job's mailbox: the BAL type's method, a password, or PLAIN without a certificate.
 */
function authenticated(job: UnitJob, id: string, auth: Auth, localPort?: number): SessionBuilder {
  const mailbox = job.bal === 'PSC' ? PERSONAL : APPLICATIVE;
  const endpoint = job.kind === 'autoconfig' ? 'psc' : job.endpoint;
  const s = new SessionBuilder(id, endpoint, job.protocol, IP, localPort);
  if (job.bal === 'PSC') {
    s.starttls();
    return auth === 'right' ? s.xoauth2(mailbox, account.idnatPsc!) : s.auth('PLAIN', mailbox, 'success');
  }
  if (auth === 'right')
    return s
      .starttls(undefined, undefined, undefined, CERTIFICATE)
      .auth('PLAIN', mailbox, 'success', { reason: 'client_certificate' });
  // An operator refuses PLAIN for an applicative mailbox without its certificate (client_certificate_required);
  // a laxer server would have let a password through: both are KO.
  s.starttls();
  return auth === 'password'
    ? s.auth('PLAIN', mailbox, 'success')
    : s.auth('PLAIN', mailbox, 'failure', { reason: 'client_certificate_required' });
}

/** What a conformant client of the job does, authenticated as `auth` says. */
function play(job: UnitJob, auth: Auth): Observation[] {
  const mailbox = job.bal === 'PSC' ? PERSONAL : APPLICATIVE;
  const port = job.protocol === 'imap' ? 10143 : 10588;
  // The autoconfiguration lookup comes before the connection it advertises.
  const lookup = observe('autoconfig.http', IP, {
    status: 200,
    path: '/mail/config-v1.1.xml',
    answered: [{ endpoint: 'psc', protocol: job.protocol, port }],
  });
  const s = authenticated(job, 'a', auth, port);
  const refused = auth === 'no-certificate';
  const work = (session: SessionBuilder) => {
    if (refused) return session.close();
    if (job.protocol === 'imap') return session.command('SELECT', true, { folder: 'INBOX' });
    if (job.kind === 'patient')
      return session.message(mailbox, [account.patientAddress!], [{ name: 'X-MSS-MES', value: 'FIN' }]);
    return session.message(
      mailbox,
      [mailbox],
      job.kind === 'headers' ? HEADERS : [],
      job.kind === 'headers' ? XDM : null,
    );
  };
  switch (job.kind) {
    case 'autoconfig':
      return journalOf(lookup, work(s));
    case 'reopen': {
      const first = refused
        ? s.close()
        : (job.protocol === 'imap' ? s.command('SELECT', true, { folder: 'Sent' }) : work(s)).close(
            'server',
            REOPEN_CLOSE_REASON,
          );
      const second = authenticated(job, 'b', auth, port);
      return journalOf(first, refused ? second.close() : second.command('SELECT', true, { folder: 'INBOX' }));
    }
    case 'auth-psc':
    case 'auth-cert':
      return journalOf(
        refused ? s.close() : s.command(job.protocol === 'imap' ? 'SELECT' : 'MAIL', true, { folder: 'INBOX' }),
      );
    default:
      return journalOf(work(s));
  }
}

const AUTHENTICATING = UNIT_JOBS.filter((job) => job.kind !== 'cert-reject');

describe('every kind judges the authentication the BAL type requires', () => {
  it.each(AUTHENTICATING.map((job) => [job.id, job] as const))('%s', (_, job) => {
    const ip = job.ipRequired ? IP : null;
    expect(judge(job.id, play(job, 'right'), { ip }).status, 'the conformant play').toBe('OK');
    const wrong: Auth[] = job.bal === 'PSC' ? ['password'] : ['password', 'no-certificate'];
    for (const auth of wrong) {
      for (const where of [ip, IP]) {
        const j = judge(job.id, play(job, auth), { ip: where });
        if (auth === 'no-certificate' && where === null) {
          // A refused login only names the mailbox — anyone can type an address: without Adresse IP it is not
          // judged, but the vendor is told what was seen.
          expect(j.status, `${auth}, no ip`).toBe('INCONCLUSIVE');
          expect(ids(j, 'info'), `${auth}, no ip`).toContain('seen-claimed');
          continue;
        }
        expect(j.status, `${auth}, ip ${where}`).toBe('KO');
        expect(ids(j, 'fail'), `${auth}, ip ${where}`).toContain(
          job.bal === 'PSC' ? 'mechanism' : 'client-certificate',
        );
      }
    }
  });
});

describe('no pass or fail without evidence; « non évalué » after a decisive failure', () => {
  it(
    'an early KO (credentials in clear) leaves the other checks not evaluated: ' +
      'neutral, nothing cited, nothing to correct',
    () => {
      const s = new SessionBuilder('a', 'psc', 'smtp', IP)
        .command('EHLO')
        .add('auth', {
          mechanism: 'PLAIN',
          outcome: 'refused',
          reason: 'tls_required',
          tls: false,
          credentialsInClear: true,
          user: PERSONAL,
        })
        .command('AUTH', false);
      const j = judge('psc-send-smtp', journalOf(s), { ip: IP, final: false });
      expect(j.status).toBe('KO');
      expect(ids(j, 'fail')).toEqual(['starttls']);
      expect(find(j, 'starttls')).toMatchObject({
        critical: true,
        detail: 'Identifiants envoyés en clair avant STARTTLS (AUTH).',
      });
      expect(ids(j, 'not_evaluated')).toEqual(['mechanism', 'message-accepted']);
      expect(ids(j, 'missing')).toEqual([]);
      for (const c of j.checks.filter((x) => x.outcome === 'not_evaluated')) {
        expect(c).toMatchObject({ detail: expect.stringMatching(/^Non évalué/), observations: [] });
        expect(c.fix).toBeUndefined();
      }
    },
  );

  it(
    'STARTTLS → 220 with a forbidden suite: ' +
      'TLS facts still to come are not evaluated, never « Aucune session TLS établie »',
    () => {
      const s = new SessionBuilder('a', 'psc', 'smtp', IP)
        .command('EHLO')
        .command('STARTTLS')
        .add('tls.client_hello', {
          highestVersion: 'TLSv1.2',
          cipherSuites: [{ code: '0x002F', name: 'TLS_RSA_WITH_AES_128_CBC_SHA' }],
          sni: null,
          statusRequest: false,
        });
      const j = judge('psc-tls-smtp', journalOf(s), { ip: IP, final: false });
      expect(j.status).toBe('KO');
      expect(ids(j, 'fail')).toEqual(['forbidden-suites', 'all-suites']);
      expect(find(j, 'starttls').outcome).toBe('not_evaluated');
      expect(j.checks.map((c) => c.detail).join(' ')).not.toContain('Aucune session TLS établie');
      expect(find(j, 'forbidden-suites').fix).toBe(
        'Retirez des suites TLS 1.2 proposées par le LPS : TLS_RSA_WITH_AES_128_CBC_SHA (OpenSSL : ' +
          'AES128-SHA ; Java : TLS_RSA_WITH_AES_128_CBC_SHA ; .NET : ' +
          'TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA). Ne gardez en TLS 1.2 que les six suites du référentiel.',
      );
      expect(find(j, 'all-suites').fix).toContain(
        'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (OpenSSL : ECDHE-RSA-AES256-GCM-SHA384',
      );
    },
  );

  it('keeps « manquant », with what to correct, for a fact the whole window went without', () => {
    const s = new SessionBuilder('a', 'psc', 'imap').starttls().xoauth2(PERSONAL, account.idnatPsc!).command('LIST');
    expect(judge('psc-access-imap', journalOf(s), { final: false }).status).toBe('PENDING');
    const j = judge('psc-access-imap', journalOf(s));
    expect(j.status).toBe('KO');
    expect(find(j, 'inbox-opened')).toMatchObject({
      outcome: 'missing',
      fix: 'Après l’authentification, ouvrez la boîte de réception par SELECT INBOX (ou EXAMINE INBOX).',
    });
  });

  it('a client that got 235 and 250 is never told « Aucune authentification » or « Aucun message accepté »', () => {
    const s = new SessionBuilder('a', 'psc', 'smtp')
      .starttls(
        [{ code: '0x002F', name: 'TLS_RSA_WITH_AES_128_CBC_SHA' }],
        'TLSv1.2',
        'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
      )
      .xoauth2(PERSONAL, account.idnatPsc!)
      .message(PERSONAL, [PERSONAL]);
    for (const final of [false, true]) {
      const j = judge('psc-tls-smtp', journalOf(s), { final });
      expect(j.status).toBe('KO');
      expect(find(j, 'mechanism').outcome).toBe('pass');
      expect(j.checks.map((c) => c.detail).join(' ')).not.toMatch(/Aucune authentification|Aucun message accepté/);
    }
  });
});

describe('a client that sends MAIL, LOGIN or AUTH in clear is KO on STARTTLS', () => {
  const mailInClear = (id: string, from: string, ip = '198.51.100.20') =>
    new SessionBuilder(id, 'psc', 'smtp', ip)
      .command('EHLO')
      .command('MAIL', false, { args: `FROM:<${from}> SIZE=120` })
      .close();

  it(
    'MAIL FROM the job’s mailbox in clear, never STARTTLS, ' +
      'from the job’s Adresse IP: KO on STARTTLS, not « Aucune connexion »',
    () => {
      for (const job of [
        'psc-send-smtp',
        'psc-headers-smtp',
        'psc-patient-smtp',
        'psc-tls-smtp',
        'psc-auth-smtp',
        'psc-reopen-smtp',
      ]) {
        const j = judge(job, journalOf(mailInClear('a', PERSONAL, IP)), { ip: IP });
        expect(j.status, job).toBe('KO');
        expect(ids(j, 'fail'), job).toEqual(['starttls']);
        expect(find(j, 'starttls').detail).toBe('Commandes envoyées en clair avant STARTTLS : MAIL.');
      }
    },
  );

  it(
    'without Adresse IP, from an address where the account’s ' + 'mailbox authenticated in the window: KO on STARTTLS',
    () => {
      const proof = new SessionBuilder('p', 'psc', 'smtp', '198.51.100.20')
        .starttls()
        .xoauth2(PERSONAL, account.idnatPsc!)
        .close();
      const j = judge('psc-send-smtp', journalOf(proof, mailInClear('a', PERSONAL)));
      expect(j.status).toBe('KO');
      expect(ids(j, 'fail')).toContain('starttls');
    },
  );

  it(
    'without Adresse IP, from an address that proved nothing: ' + 'not judged (anyone can name a mailbox), and said so',
    () => {
      const j = judge('psc-send-smtp', journalOf(mailInClear('a', PERSONAL)));
      expect(j.status).toBe('INCONCLUSIVE');
      expect(find(j, 'seen-claimed').detail).toMatch(/198\.51\.100\.20.*sans STARTTLS.*Adresse IP/s);
    },
  );

  it('IMAP LOGIN in clear (refused, credentials exposed) is a critical KO on STARTTLS', () => {
    const s = new SessionBuilder('a', 'psc', 'imap', '198.51.100.20')
      .command('CAPABILITY')
      .add('auth', {
        command: 'LOGIN',
        mechanism: 'LOGIN-COMMAND',
        user: PERSONAL,
        outcome: 'refused',
        reason: 'tls_required',
        tls: false,
        credentialsInClear: true,
      })
      .command('LOGIN', false);
    const j = judge('psc-access-imap', journalOf(s), { ip: '198.51.100.20' });
    expect(j.status).toBe('KO');
    expect(find(j, 'starttls')).toMatchObject({ outcome: 'fail', critical: true });
  });

  it('on a certificate-rejection endpoint, from the job’s address: KO on STARTTLS', () => {
    const s = new SessionBuilder('a', 'psc-expire', 'smtp', IP)
      .command('EHLO')
      .add('auth', {
        mechanism: 'PLAIN',
        outcome: 'refused',
        reason: 'tls_required',
        tls: false,
        credentialsInClear: true,
      })
      .command('AUTH', false);
    const j = judge('psc-expired-smtp', journalOf(s), { ip: IP, final: false });
    expect(j.status).toBe('KO');
    expect(find(j, 'starttls')).toMatchObject({ outcome: 'fail', critical: true });
    expect(find(j, 'certificate-refused').outcome).toBe('not_evaluated');
  });

  it('another vendor’s MAIL in clear is not attributed: INCONCLUSIVE', () => {
    expect(judge('psc-send-smtp', journalOf(mailInClear('a', '871111111111@mail.test'))).status).toBe('INCONCLUSIVE');
    // Nor a session that authenticated as another vendor's mailbox after naming ours.
    const s = new SessionBuilder('b', 'psc', 'smtp')
      .command('EHLO')
      .command('MAIL', false, { args: `FROM:<${PERSONAL}>` })
      .starttls()
      .xoauth2('871111111111@mail.test', '871111111111');
    expect(judge('psc-send-smtp', journalOf(s)).status).toBe('INCONCLUSIVE');
  });
});

describe('INCONCLUSIVE says what was seen instead', () => {
  it('the account’s mailbox from another address than the job’s (a wrong Adresse IP behind NAT)', () => {
    const s = new SessionBuilder('a', 'psc-expire', 'smtp', '203.0.113.45').command('EHLO').command('STARTTLS');
    const named = new SessionBuilder('b', 'psc', 'smtp', '203.0.113.45')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!);
    const elsewhere = new SessionBuilder('c', 'psc-expire', 'smtp', '203.0.113.45')
      .command('EHLO')
      .command('MAIL', false, { args: `FROM:<${PERSONAL}>` });
    const j = judge('psc-expired-smtp', journalOf(s, named, elsewhere), { ip: IP });
    expect(j.status).toBe('INCONCLUSIVE');
    expect(find(j, 'connection')).toMatchObject({
      outcome: 'missing',
      detail: expect.stringContaining('Aucune connexion observée'),
    });
    expect(find(j, 'seen-other-address').detail).toBe(
      `${PERSONAL} s’est connectée depuis 203.0.113.45, et non depuis l’adresse IP du test (${IP}) : ` +
        `si c’est votre LPS, corrigez l’option « Adresse IP » (derrière un NAT ou un proxy, ` +
        `c’est l’adresse publique de sortie qui compte).`,
    );
    expect(find(j, 'seen-other-endpoint').detail).toContain('psc (SMTP) et non sur psc-expire (SMTP)');
    expect(find(j, 'connection').fix).toContain('/mon-poste');
    // Only the sessions' openings are cited.
    const cited = new Set(j.used);
    expect(
      journalOf(named, elsewhere)
        .filter((o) => cited.has(o.id))
        .map((o) => o.kind),
    ).toEqual(['session.open', 'session.open']);
  });

  it('the account’s mailbox on another endpoint or protocol', () => {
    const imap = new SessionBuilder('a', 'psc', 'imap')
      .starttls()
      .xoauth2(PERSONAL, account.idnatPsc!)
      .command('SELECT', true, { folder: 'INBOX' });
    const j = judge('psc-send-smtp', journalOf(imap));
    expect(j.status).toBe('INCONCLUSIVE');
    expect(find(j, 'seen-other-endpoint').detail).toBe(
      `${PERSONAL} s’est connectée sur psc (IMAP) et non sur psc (SMTP) : ` +
        `vérifiez le serveur, le port et le protocole configurés dans le LPS pour ce test.`,
    );
    expect(find(j, 'connection').fix).toContain('Sans « Adresse IP »');
  });

  it('unauthenticated sessions from the job’s address — and nothing about anyone else', () => {
    const bare = new SessionBuilder('a', 'psc-expire', 'imap', IP).command('CAPABILITY').close();
    const otherEndpoint = new SessionBuilder('b', 'psc', 'imap', IP).starttls().close();
    const stranger = new SessionBuilder('c', 'psc-expire', 'imap', '198.51.100.7').command('CAPABILITY').close();
    const foreign = new SessionBuilder('d', 'psc', 'imap', IP)
      .starttls()
      .xoauth2('871111111111@mail.test', '871111111111');
    const j = judge('psc-expired-imap', journalOf(bare, otherEndpoint, stranger, foreign), { ip: IP });
    expect(j.status).toBe('INCONCLUSIVE');
    expect(find(j, 'seen-unauthenticated').detail).toBe(
      `2 connexion(s) depuis l’adresse du test (${IP}) ` +
        `sans authentification avec une BAL du compte : psc-expire (IMAP) sans STARTTLS, psc (IMAP).`,
    );
    expect(j.checks.map((c) => c.detail).join(' ')).not.toMatch(/198\.51\.100\.7|871111111111/);
    expect(j.checks.map((c) => c.id)).toEqual(['connection', 'seen-unauthenticated']);
  });
});

describe('certificate rejection says what the evidence shows', () => {
  const refused = (id: string, failure: Record<string, unknown>) =>
    new SessionBuilder(id, 'psc-expire', 'smtp', IP)
      .command('STARTTLS')
      .add('tls.client_hello', { highestVersion: 'TLSv1.3', cipherSuites: [], sni: null, statusRequest: false })
      .add('tls.failed', { stage: 'handshake', ...failure });

  it('an OK proved by a certificate alert names it', () => {
    const j = judge(
      'psc-expired-smtp',
      journalOf(
        refused('a', {
          by: 'client',
          alert: 'unknown_ca',
          error: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
          detail: 'tlsv1 alert unknown ca',
        }),
      ),
      { ip: IP },
    );
    expect(j.status).toBe('OK');
    expect(find(j, 'certificate-refused').detail).toBe(
      'Le client a refusé le certificat du serveur : ' +
        'il a interrompu la négociation TLS avec l’alerte « autorité de certification inconnue » (unknown ca).',
    );
  });

  it('an alert that is not about a certificate is named without claiming the certificate was refused', () => {
    const j = judge(
      'psc-expired-smtp',
      journalOf(
        refused('a', {
          by: 'client',
          alert: 'protocol_version',
          error: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION',
          detail: 'x',
        }),
      ),
      { ip: IP },
    );
    expect(j.status).toBe('OK');
    expect(find(j, 'certificate-refused').detail).toBe(
      'Le client a interrompu la négociation TLS avec l’alerte « version de TLS non acceptée » ' +
        '(protocol version), qui ne désigne pas le certificat : il n’a pas poursuivi la session.',
    );
  });

  it('a close without alert says exactly that and does not claim the client checked the certificate', () => {
    const during = judge(
      'psc-expired-smtp',
      journalOf(
        refused('a', {
          by: 'client',
          alert: null,
          error: 'ECONNRESET',
          detail: 'connection reset during the handshake',
        }),
      ),
      { ip: IP },
    );
    expect(during.status).toBe('OK');
    expect(find(during, 'certificate-refused').detail).toBe(
      'Le client a mis fin à la négociation TLS sans alerte (le client a coupé la connexion (réinitialisation) ' +
        'pendant la négociation, sans alerte TLS) : il n’a pas poursuivi la session, ' +
        'sans qu’on puisse dire s’il a vérifié le certificat.',
    );
    const after = judge(
      'authcli-nonigc-imap',
      journalOf(new SessionBuilder('b', 'org-nonigc', 'imap', IP).starttls().close('client', null, 0)),
      { ip: IP },
    );
    expect(after.status).toBe('OK');
    const detail = find(after, 'certificate-refused').detail;
    expect(detail).toBe(
      'Le client a terminé la négociation TLS puis fermé la connexion, sans alerte, ' +
        'sans identifiants ni commande : il n’a pas poursuivi la session, ' +
        'sans qu’on puisse dire s’il a vérifié le certificat.',
    );
    expect(detail).not.toMatch(/a refusé le certificat/);
    expect(detail).toContain('sans qu’on puisse dire s’il a vérifié le certificat');
  });
});

// ---------------------------------------------------------------------------------------------------------
// No raw codes, evidence for every pass and fail, a « Que corriger » on every failure: over recorded journals,
// the journals above, and a journal with every code the endpoints record.

const RAW_CODE = /[a-z]+_[a-z_]+/;
const ENGLISH = new RegExp(
  [
    'Too many',
    'Timeout exceeded',
    'Disconnected for inactivity',
    'Session closed by',
    'Service shutting down',
    'connection (closed|reset)',
    'during the handshake',
    'not completed',
    'alert [a-z]',
    'LOGIN-COMMAND',
    'closing transmission',
  ].join('|'),
);

interface Recording {
  job: string;
  ip: string;
  account: JobAccount;
  observations: Observation[];
}
const dir = path.join(import.meta.dirname, '..', 'fixtures', 'journals');
const recordings = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as Recording);

/** Every code the endpoints record, each in a session of its own, from the job's address. */
function everyCode(): Observation[] {
  const reasons = [
    'bad_password',
    'unknown_mailbox',
    'authzid_mismatch',
    'mechanism_not_offered',
    'no_ehlo',
    'already_authenticated',
    'in_transaction',
    'unknown_mechanism',
    'malformed',
    'cancelled',
    'client_certificate_required',
    'client_certificate_untrusted',
    'certificate_ou_mismatch',
    'bearer_expired',
    'bearer_wrong_acr',
    'bearer_jwks_unavailable',
    'bearer_something_new',
    'something_new',
  ];
  const sessions = reasons.map((reason, i) =>
    new SessionBuilder(`r${i}`, 'psc', 'smtp', IP)
      .starttls()
      .auth(reason.startsWith('bearer') ? 'XOAUTH2' : 'PLAIN', PERSONAL, 'failure', { reason })
      .close('server', 'Too many errors'),
  );
  const alerts = [
    'certificate_expired',
    'unknown_ca',
    'bad_certificate',
    'certificate_revoked',
    'handshake_failure',
    'decrypt_error',
    'some_new_alert',
  ].map((alert, i) =>
    new SessionBuilder(`a${i}`, 'psc', 'smtp', IP)
      .refusedHandshake(alert)
      .close('client', `TLS: tlsv1 alert ${alert.replaceAll('_', ' ')}`),
  );
  const failures = (
    [
      { by: 'server', alert: null, error: 'ERR_SSL_UNSUPPORTED_PROTOCOL', detail: 'unsupported protocol' },
      { by: 'server', alert: null, error: 'ERR_SSL_NO_SHARED_CIPHER', detail: 'no shared cipher' },
      { by: 'server', alert: null, error: 'ERR_SSL_SOMETHING_ELSE', detail: 'something else' },
      { by: 'client', alert: null, error: 'CLOSED', detail: 'connection closed during the handshake' },
      { by: 'client', alert: null, error: 'TIMEOUT', detail: 'handshake not completed within 10000 ms' },
    ] as const
  ).map((failure, i) =>
    new SessionBuilder(`f${i}`, 'psc', 'smtp', IP)
      .command('STARTTLS')
      .add('tls.client_hello', { highestVersion: 'TLSv1.1', cipherSuites: [], sni: null, statusRequest: false })
      .add('tls.failed', { stage: 'handshake', ...failure })
      .close('client', `TLS: ${failure.detail}`),
  );
  const beforeHello = (['closed', 'timeout', 'not_tls', 'unparseable'] as const).map((reason, i) =>
    new SessionBuilder(`h${i}`, 'psc', 'imap', IP)
      .command('STARTTLS')
      .add('tls.failed', { stage: 'client_hello', reason, detail: 'connection closed before the ClientHello' })
      .add('session.close', { by: 'timeout', reason: 'Disconnected for inactivity' }),
  );
  const other = new SessionBuilder('o', 'psc', 'imap', IP)
    .add('auth', {
      command: 'LOGIN',
      mechanism: 'LOGIN-COMMAND',
      user: PERSONAL,
      outcome: 'refused',
      reason: 'tls_required',
      tls: false,
      credentialsInClear: true,
    })
    .starttls()
    .add('auth', {
      command: 'LOGIN',
      mechanism: 'LOGIN-COMMAND',
      user: PERSONAL,
      outcome: 'success',
      reason: 'password',
      tls: true,
    })
    .add('message', { outcome: 'too_large', from: PERSONAL, to: [PERSONAL], size: 99 })
    .add('message', { outcome: 'aborted', from: PERSONAL, to: [PERSONAL] })
    .close('server', REOPEN_CLOSE_REASON);
  const shutdown = new SessionBuilder('s', 'psc', 'smtp', IP).starttls().close('server', 'Service shutting down');
  const failed = new SessionBuilder('e', 'psc', 'smtp', IP)
    .starttls()
    .add('session.close', { by: 'error', reason: 'Cannot read properties of undefined (reading x_y)' });
  const ocsp = observe('pki.ocsp_request', IP, {
    requests: [{ status: 'revoked' }, { status: 'good' }, { status: 'unknown' }],
  });
  return journalOf(...sessions, ...alerts, ...failures, ...beforeHello, other, shutdown, failed, ocsp);
}

/** Jobs judged on a journal, final and not, with and without the Adresse IP. */
function judgements(observations: Observation[], ip: string, jobs: readonly UnitJob[]): Judgement[] {
  return jobs.flatMap((job) =>
    [true, false].flatMap((final) => [ip, null].map((where) => judge(job.id, observations, { ip: where, final }))),
  );
}

/** Recorded journals and the one with every code are judged by every job; a play by its own job. */
const journals: [string, Observation[], string, readonly UnitJob[]][] = [
  ...recordings.map(
    (r) =>
      [`recorded ${r.job}`, r.observations, r.ip, UNIT_JOBS] as [string, Observation[], string, readonly UnitJob[]],
  ),
  ['every code', everyCode(), IP, UNIT_JOBS],
  ...AUTHENTICATING.flatMap((job) =>
    (['right', 'password', 'no-certificate'] as Auth[]).map(
      (auth) =>
        [`${job.id} ${auth}`, play(job, auth), IP, [job]] as [string, Observation[], string, readonly UnitJob[]],
    ),
  ),
];

describe('what users read', () => {
  it.each(journals)(
    '%s: every check and narrated line is French without raw codes; ' +
      'pass and fail cite evidence; failures say what to correct',
    (_, observations, ip, jobs) => {
      const ids = new Set(observations.map((o) => o.id));
      for (const j of judgements(observations, ip, jobs)) {
        for (const c of j.checks) {
          for (const text of [c.label, c.detail, c.fix ?? '']) {
            expect(text, c.id).not.toMatch(RAW_CODE);
            expect(text, c.id).not.toMatch(ENGLISH);
          }
          if (c.outcome === 'pass' || c.outcome === 'fail')
            expect(c.observations.length, `${c.id} ${c.outcome}`).toBeGreaterThan(0);
          for (const id of c.observations) expect(ids.has(id), `${c.id} cites #${id}`).toBe(true);
          if (c.outcome === 'fail' || c.outcome === 'missing') expect(c.fix, `${c.id} ${c.outcome}`).toMatch(/\S/);
          else expect(c.fix, c.id).toBeUndefined();
        }
        if (j.status === 'KO' && j.checks.some((c) => c.outcome === 'fail'))
          expect(j.checks.filter((c) => c.outcome === 'missing')).toEqual([]);
      }
      for (const o of observations) {
        const line = narrate(o) ?? '';
        expect(line, o.kind).not.toMatch(RAW_CODE);
        expect(line, o.kind).not.toMatch(ENGLISH);
      }
    },
  );

  it('a reason code nobody mapped gets a generic French sentence, not the code', () => {
    const s = new SessionBuilder('a', 'org', 'smtp', IP)
      .starttls(undefined, undefined, undefined, CERTIFICATE)
      .auth('PLAIN', APPLICATIVE, 'failure', { reason: 'brand_new_reason' });
    const j = judge('authcli-send-smtp', journalOf(s), { ip: IP });
    expect(find(j, 'server-accepted').detail).toBe('Le serveur a refusé l’authentification (motif non détaillé).');
    expect(narrate(s.observations.find((o) => o.kind === 'auth')!)).toBe(
      `Authentification PLAIN de ${APPLICATIVE} refusée (motif non détaillé)`,
    );
  });
});
