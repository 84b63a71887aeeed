// The verdict matrix (issue 11, item 8): for every unit job, clients nobody here wrote play a conformant act
// and the relevant non-conformances, and the job's verdict and the check that decides it are asserted against
// the rules of ../shared/spec/catalogue.md (the target behaviour). Silence gives INCONCLUSIVE.
//
// A case: the job, the client, what it does, the verdict expected and the check that must say why. Each case
// leaves from its own loopback address (127.0.0.<n>), which is also its job's Adresse IP.
import { alertText } from '../../src/observe/wording.ts';
import {
  curl,
  curlAutoconfig,
  digSrv,
  endpointAt,
  healthMessage,
  mailboxOf,
  msmtp,
  patientMessage,
  plainResponse,
  python,
  sClient,
  selfMessage,
  SIX,
  swaks,
} from './clients.ts';
import type { CaseContext } from './harness.ts';

export type Family = 'tls' | 'sessions' | 'auth' | 'messages' | 'cert-reject' | 'autoconfig' | 'reopen';

export interface Case {
  family: Family;
  job: string;
  client: string;
  act: string;
  /** The loopback address the case leaves from (set below, one per case and family). */
  ip: string;
  /** The account it runs for: alice (default), bob, or the index of a reopen account. */
  account?: 'alice' | 'bob' | number;
  delai?: number;
  expect: {
    verdict: 'OK' | 'KO' | 'INCONCLUSIVE';
    check?: string;
    outcome?: 'pass' | 'fail' | 'missing';
    text?: RegExp;
    critical?: boolean;
  };
  play(ctx: CaseContext): Promise<unknown>;
}

type Draft = Omit<Case, 'ip' | 'play'> & { play?: Case['play'] };

const silent = async () => {};
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A TLS alert named in French in the check's detail (observe/wording.ts). */
const alert = (name: string) => new RegExp(escape(alertText(name)));

const FORBIDDEN = 'AES128-SHA';
const TLS13_ONLY = /ne propose pas du tout TLS\u00a01\.2/;

const TLS: Draft[] = [
  // PSC, SMTP
  {
    family: 'tls',
    job: 'psc-tls-smtp',
    client: 'python',
    act: 'the six suites, TLS 1.2–1.3, XOAUTH2',
    expect: { verdict: 'OK', check: 'all-suites' },
    play: (c) => python(c, { tls: { ciphers: SIX } }),
  },
  {
    family: 'tls',
    job: 'psc-tls-smtp',
    client: 'python',
    act: `the six suites and ${FORBIDDEN}`,
    expect: { verdict: 'KO', check: 'forbidden-suites', text: /TLS_RSA_WITH_AES_128_CBC_SHA/ },
    play: (c) => python(c, { tls: { ciphers: `${SIX}:${FORBIDDEN}` } }),
  },
  {
    family: 'tls',
    job: 'psc-tls-smtp',
    client: 'openssl s_client',
    act: 'the four ECDHE suites only (TLS 1.2)',
    expect: { verdict: 'KO', check: 'all-suites', text: /TLS_DHE_RSA_WITH_AES_256_GCM_SHA384/ },
    play: (c) =>
      sClient(c, {
        cipher: SIX.split(':')
          .filter((s) => s.startsWith('ECDHE'))
          .join(':'),
        version: '-tls1_2',
      }),
  },
  {
    family: 'tls',
    job: 'psc-tls-smtp',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
  // PSC, IMAP
  {
    family: 'tls',
    job: 'psc-tls-imap',
    client: 'curl',
    act: 'the six suites, XOAUTH2, EXAMINE INBOX',
    expect: { verdict: 'OK', check: 'forbidden-suites' },
    play: (c) => curl(c, { ciphers: SIX }),
  },
  {
    family: 'tls',
    job: 'psc-tls-imap',
    client: 'python',
    act: 'TLS 1.3 only',
    expect: { verdict: 'KO', check: 'all-suites', text: TLS13_ONLY },
    play: (c) => python(c, { tls: { min: 'TLSv1_3' } }),
  },
  {
    family: 'tls',
    job: 'psc-tls-imap',
    client: 'python',
    act: 'TLS 1.1 only',
    expect: { verdict: 'KO', check: 'version', text: /TLSv1\.1/ },
    play: (c) => python(c, { tls: { min: 'TLSv1_1', max: 'TLSv1_1', ciphers: 'DEFAULT:@SECLEVEL=0' } }),
  },
  // AUTH_CLI, SMTP
  {
    family: 'tls',
    job: 'authcli-tls-smtp',
    client: 'python',
    act: 'the six suites, certificate + PLAIN',
    expect: { verdict: 'OK', check: 'all-suites' },
    play: (c) => python(c, { tls: { ciphers: SIX } }),
  },
  {
    family: 'tls',
    job: 'authcli-tls-smtp',
    client: 'curl',
    act: 'curl’s default suites, certificate + PLAIN',
    expect: { verdict: 'KO', check: 'forbidden-suites' },
    play: (c) => curl(c, { noop: true }),
  },
  {
    family: 'tls',
    job: 'authcli-tls-smtp',
    client: 'openssl s_client',
    act: 'TLS 1.3 only',
    expect: { verdict: 'KO', check: 'all-suites', text: TLS13_ONLY },
    play: (c) => sClient(c, { version: '-tls1_3', certificate: true }),
  },
  // AUTH_CLI, IMAP
  {
    family: 'tls',
    job: 'authcli-tls-imap',
    client: 'openssl s_client',
    act: 'the six suites with the certificate, no authentication',
    expect: { verdict: 'OK', check: 'negotiated-suite' },
    play: (c) => sClient(c, { cipher: SIX, certificate: true }),
  },
  {
    family: 'tls',
    job: 'authcli-tls-imap',
    client: 'python',
    act: 'TLS 1.1 only',
    expect: { verdict: 'KO', check: 'version' },
    play: (c) => python(c, { tls: { min: 'TLSv1_1', max: 'TLSv1_1', ciphers: 'DEFAULT:@SECLEVEL=0' } }),
  },
  {
    family: 'tls',
    job: 'authcli-tls-imap',
    client: 'python',
    act: 'AUTHENTICATE PLAIN before STARTTLS',
    expect: { verdict: 'KO', check: 'starttls' },
    play: (c) => python(c, { clear: [`AUTHENTICATE PLAIN ${plainResponse(c)}`], tls: { ciphers: SIX } }),
  },
];

const SESSIONS: Draft[] = [
  // imap-access
  {
    family: 'sessions',
    job: 'psc-access-imap',
    client: 'curl',
    act: 'XOAUTH2, EXAMINE INBOX',
    expect: { verdict: 'OK', check: 'inbox-opened' },
    play: (c) => curl(c),
  },
  {
    family: 'sessions',
    job: 'psc-access-imap',
    client: 'python',
    act: 'LOGIN with the mailbox password',
    expect: { verdict: 'KO', check: 'mechanism' },
    play: (c) => python(c, { auth: 'login-command' }),
  },
  {
    family: 'sessions',
    job: 'psc-access-imap',
    client: 'python',
    act: 'LOGIN before STARTTLS',
    expect: { verdict: 'KO', check: 'starttls' },
    play: (c) => python(c, { clear: [`LOGIN ${mailboxOf(c)} ${c.me.password(mailboxOf(c))}`] }),
  },
  {
    family: 'sessions',
    job: 'authcli-access-imap',
    client: 'python',
    act: 'certificate, AUTHENTICATE PLAIN, SELECT INBOX',
    expect: { verdict: 'OK', check: 'inbox-opened' },
    play: (c) => python(c),
  },
  {
    family: 'sessions',
    job: 'authcli-access-imap',
    client: 'curl',
    act: 'PLAIN with the password, no certificate',
    expect: { verdict: 'KO', check: 'client-certificate' },
    play: (c) => curl(c, { auth: 'password' }),
  },
  {
    family: 'sessions',
    job: 'authcli-access-imap',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
  // send
  {
    family: 'sessions',
    job: 'psc-send-smtp',
    client: 'msmtp',
    act: 'XOAUTH2 (334 continuation), a message to itself',
    expect: { verdict: 'OK', check: 'message-accepted' },
    play: (c) => msmtp(c),
  },
  {
    family: 'sessions',
    job: 'psc-send-smtp',
    client: 'swaks',
    act: 'AUTH PLAIN with the mailbox password',
    expect: { verdict: 'KO', check: 'mechanism' },
    play: (c) => swaks(c),
  },
  {
    family: 'sessions',
    job: 'psc-send-smtp',
    client: 'python',
    act: 'MAIL FROM before STARTTLS',
    expect: { verdict: 'KO', check: 'starttls' },
    play: (c) => python(c, { clear: [`MAIL FROM:<${mailboxOf(c)}>`] }),
  },
  {
    family: 'sessions',
    job: 'authcli-send-smtp',
    client: 'curl',
    act: 'certificate + PLAIN, a message to itself',
    expect: { verdict: 'OK', check: 'message-accepted' },
    play: (c) => curl(c),
  },
  {
    family: 'sessions',
    job: 'authcli-send-smtp',
    client: 'swaks',
    act: 'PLAIN with the password, no certificate',
    expect: { verdict: 'KO', check: 'client-certificate' },
    play: (c) => swaks(c),
  },
  {
    family: 'sessions',
    job: 'authcli-send-smtp',
    client: 'python',
    act: 'AUTH PLAIN before STARTTLS',
    expect: { verdict: 'KO', check: 'starttls', critical: true },
    play: (c) => python(c, { clear: [`AUTH PLAIN ${plainResponse(c)}`] }),
  },
];

const AUTH: Draft[] = [
  // auth-psc, SMTP
  {
    family: 'auth',
    job: 'psc-auth-smtp',
    client: 'msmtp',
    act: 'XOAUTH2 with a valid access token',
    expect: { verdict: 'OK', check: 'token' },
    play: (c) => msmtp(c),
  },
  {
    family: 'auth',
    job: 'psc-auth-smtp',
    client: 'python',
    act: 'OAUTHBEARER',
    expect: { verdict: 'KO', check: 'mechanism', text: /OAUTHBEARER/ },
    play: (c) => python(c, { auth: 'oauthbearer' }),
  },
  {
    family: 'auth',
    job: 'psc-auth-smtp',
    client: 'swaks',
    act: 'PLAIN with the mailbox password',
    expect: { verdict: 'KO', check: 'mechanism' },
    play: (c) => swaks(c),
  },
  {
    family: 'auth',
    job: 'psc-auth-smtp',
    client: 'python',
    act: 'XOAUTH2 with the ID token',
    expect: { verdict: 'KO', check: 'token' },
    play: (c) => python(c, { token: 'id' }),
  },
  {
    family: 'auth',
    job: 'psc-auth-smtp',
    client: 'msmtp',
    act: 'XOAUTH2 with an expired access token',
    expect: { verdict: 'KO', check: 'token' },
    play: (c) => msmtp(c, { token: 'expired' }),
  },
  // auth-psc, IMAP
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'curl',
    act: 'XOAUTH2 with a valid access token',
    expect: { verdict: 'OK', check: 'token' },
    play: (c) => curl(c),
  },
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'python',
    act: 'XOAUTH2, then SELECT INBOX',
    expect: { verdict: 'OK', check: 'command-after-auth' },
    play: (c) => python(c),
  },
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'python',
    act: 'XOAUTH2 with another vendor’s token',
    expect: { verdict: 'KO', check: 'token' },
    play: (c) => python(c, { auth: 'xoauth2-foreign' }),
  },
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'python',
    act: 'XOAUTH2 with user= another mailbox',
    expect: { verdict: 'KO', check: 'user' },
    play: (c) => python(c, { auth: 'xoauth2-wrong-user' }),
  },
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'python',
    act: 'AUTHENTICATE PLAIN with the password',
    expect: { verdict: 'KO', check: 'mechanism' },
    play: (c) => python(c, { auth: 'password' }),
  },
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'python',
    act: 'XOAUTH2 with the ID token',
    expect: { verdict: 'KO', check: 'token' },
    play: (c) => python(c, { token: 'id' }),
  },
  {
    family: 'auth',
    job: 'psc-auth-imap',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
  // auth-cert
  {
    family: 'auth',
    job: 'authcli-auth-imap',
    client: 'python',
    act: 'certificate + AUTHENTICATE PLAIN',
    expect: { verdict: 'OK', check: 'certificate-ou' },
    play: (c) => python(c),
  },
  {
    family: 'auth',
    job: 'authcli-auth-imap',
    client: 'python',
    act: 'PLAIN without the certificate',
    expect: { verdict: 'KO', check: 'client-certificate' },
    play: (c) => python(c, { auth: 'plain-no-cert' }),
  },
  {
    family: 'auth',
    job: 'authcli-auth-imap',
    client: 'python',
    act: 'another structure’s certificate (wrong OU)',
    expect: { verdict: 'KO', check: 'certificate-ou' },
    play: (c) => python(c, { auth: 'wrong-ou' }),
  },
  {
    family: 'auth',
    job: 'authcli-auth-imap',
    client: 'python',
    act: 'certificate + XOAUTH2 instead of PLAIN',
    expect: { verdict: 'KO', check: 'mechanism' },
    play: (c) => python(c, { auth: 'xoauth2-on-applicative' }),
  },
  {
    family: 'auth',
    job: 'authcli-auth-smtp',
    client: 'curl',
    act: 'certificate + PLAIN',
    expect: { verdict: 'OK', check: 'client-certificate' },
    play: (c) => curl(c, { noop: true }),
  },
  {
    family: 'auth',
    job: 'authcli-auth-smtp',
    client: 'swaks',
    act: 'certificate + PLAIN, a message',
    expect: { verdict: 'OK', check: 'certificate-ou' },
    play: (c) => swaks(c, { certificate: true }),
  },
  {
    family: 'auth',
    job: 'authcli-auth-smtp',
    client: 'curl',
    act: 'PLAIN without the certificate',
    expect: { verdict: 'KO', check: 'client-certificate' },
    play: (c) => curl(c, { auth: 'password', noop: true }),
  },
  {
    family: 'auth',
    job: 'authcli-auth-smtp',
    client: 'python',
    act: 'another structure’s certificate (wrong OU)',
    expect: { verdict: 'KO', check: 'certificate-ou' },
    play: (c) => python(c, { auth: 'wrong-ou' }),
  },
];

const MESSAGES: Draft[] = [
  {
    family: 'messages',
    job: 'psc-headers-smtp',
    client: 'msmtp',
    act: 'XOAUTH2, CDA in IHE_XDM.ZIP, right X-MSS-*',
    expect: { verdict: 'OK', check: 'header-ins' },
    play: (c) => msmtp(c, { message: healthMessage(c) }),
  },
  {
    family: 'messages',
    job: 'psc-headers-smtp',
    client: 'python',
    act: 'wrong X-MSS-CODECDA',
    expect: { verdict: 'KO', check: 'header-codecda' },
    play: (c) => python(c, { message: healthMessage(c, { codecda: '34133-9' }) }),
  },
  {
    family: 'messages',
    job: 'psc-headers-smtp',
    client: 'python',
    act: 'X-MSS-INS: N for a CDA with an INS',
    expect: { verdict: 'KO', check: 'header-ins' },
    play: (c) => python(c, { message: healthMessage(c, { ins: 'N' }) }),
  },
  {
    family: 'messages',
    job: 'psc-headers-smtp',
    client: 'swaks',
    act: 'right headers, but PLAIN with the password',
    expect: { verdict: 'KO', check: 'mechanism' },
    play: (c) => swaks(c, { message: healthMessage(c) }),
  },
  {
    family: 'messages',
    job: 'authcli-headers-smtp',
    client: 'curl',
    act: 'certificate + PLAIN, right X-MSS-*',
    expect: { verdict: 'OK', check: 'header-codecda' },
    play: (c) => curl(c, { message: healthMessage(c) }),
  },
  {
    family: 'messages',
    job: 'authcli-headers-smtp',
    client: 'python',
    act: 'no X-MSS-NIL',
    expect: { verdict: 'KO', check: 'header-nil' },
    play: (c) => python(c, { message: healthMessage(c, { nil: null }) }),
  },
  {
    family: 'messages',
    job: 'authcli-headers-smtp',
    client: 'python',
    act: 'another NIL',
    expect: { verdict: 'KO', check: 'header-nil' },
    play: (c) => python(c, { message: healthMessage(c, { nil: 'DEV-AUTRE' }) }),
  },
  {
    family: 'messages',
    job: 'psc-patient-smtp',
    client: 'python',
    act: 'XOAUTH2, to the patient with X-MSS-MES: FIN',
    expect: { verdict: 'OK', check: 'header-mes' },
    play: (c) => python(c, { message: patientMessage(c) }),
  },
  {
    family: 'messages',
    job: 'psc-patient-smtp',
    client: 'msmtp',
    act: 'to the patient without X-MSS-MES',
    expect: { verdict: 'KO', check: 'header-mes' },
    play: (c) => msmtp(c, { message: patientMessage(c, false) }),
  },
  {
    family: 'messages',
    job: 'authcli-patient-smtp',
    client: 'curl',
    act: 'certificate + PLAIN, to the patient with FIN',
    expect: { verdict: 'OK', check: 'header-mes' },
    play: (c) => curl(c, { message: patientMessage(c) }),
  },
  {
    family: 'messages',
    job: 'authcli-patient-smtp',
    client: 'python',
    act: 'to the patient without X-MSS-MES',
    expect: { verdict: 'KO', check: 'header-mes' },
    play: (c) => python(c, { message: patientMessage(c, false) }),
  },
  {
    family: 'messages',
    job: 'authcli-patient-smtp',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
];

/** The alert a verifying OpenSSL client sends for each bad certificate. */
const ALERTS = { expired: 'certificate_expired', revoked: 'certificate_revoked', nonigc: 'unknown_ca' } as const;

function certReject(job: string, problem: keyof typeof ALERTS): Draft[] {
  const revoked = problem === 'revoked';
  const protocol = job.endsWith('imap') ? 'imap' : 'smtp';
  const verifying: Draft[] = [
    {
      family: 'cert-reject',
      job,
      client: 'python',
      act: `verifies${revoked ? ' with the CRL' : ''} and aborts`,
      expect: { verdict: 'OK', check: 'certificate-refused', text: alert(ALERTS[problem]) },
      play: (c) => python(c, { tls: revoked ? { crlfile: c.files.crl } : {} }),
    },
    revoked
      ? {
          family: 'cert-reject',
          job,
          client: 'openssl s_client',
          act: 'verifies with the CRL and aborts',
          expect: { verdict: 'OK', check: 'certificate-refused', text: alert(ALERTS[problem]) },
          play: (c) => sClient(c, { crl: true }),
        }
      : {
          family: 'cert-reject',
          job,
          client: 'curl',
          act: 'verifies and aborts',
          expect: { verdict: 'OK', check: 'certificate-refused', text: alert(ALERTS[problem]) },
          play: (c) => curl(c, { noop: true }),
        },
  ];
  const careless: Draft[] = [
    {
      family: 'cert-reject',
      job,
      client: 'python',
      act: 'does not verify, sends its credentials',
      expect: { verdict: 'KO', check: 'certificate-refused', critical: true },
      play: (c) => python(c, { tls: { verify: false } }),
    },
  ];
  return [
    ...verifying,
    ...careless,
    ...(revoked && protocol === 'smtp'
      ? [
          {
            family: 'cert-reject',
            job,
            client: 'python',
            act: 'verifies the chain but not revocation, sends credentials',
            expect: { verdict: 'KO', check: 'certificate-refused', critical: true },
            play: (c) => python(c),
          } as Draft,
        ]
      : []),
  ];
}

const CERT_REJECT: Draft[] = [
  ...certReject('authcli-expired-imap', 'expired'),
  ...certReject('authcli-expired-smtp', 'expired'),
  ...certReject('authcli-revoked-imap', 'revoked'),
  ...certReject('authcli-revoked-smtp', 'revoked'),
  ...certReject('psc-expired-imap', 'expired'),
  ...certReject('psc-expired-smtp', 'expired'),
  ...certReject('psc-revoked-imap', 'revoked'),
  ...certReject('psc-revoked-smtp', 'revoked'),
  ...certReject('authcli-nonigc-imap', 'nonigc'),
  ...certReject('authcli-nonigc-smtp', 'nonigc'),
  ...certReject('psc-nonigc-imap', 'nonigc'),
  ...certReject('psc-nonigc-smtp', 'nonigc'),
  {
    family: 'cert-reject',
    job: 'psc-nonigc-imap',
    client: 'openssl s_client',
    act: 'does not verify, sends NOOP',
    expect: { verdict: 'KO', check: 'certificate-refused', critical: false },
    play: (c) => sClient(c, { verify: false, input: 'a1 NOOP\r\na2 LOGOUT\r\n' }),
  },
  {
    family: 'cert-reject',
    job: 'psc-revoked-imap',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
  {
    family: 'cert-reject',
    job: 'authcli-expired-smtp',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
];

/** The autoconfig answer's endpoint, then the conformant session there. */
async function lookedUp(
  c: CaseContext,
  lookup: (c: CaseContext) => Promise<{ host: string; port: number }>,
  client: 'python' | 'msmtp' | 'curl' = 'python',
) {
  const { host, port } = await lookup(c);
  const endpoint = endpointAt(c, host, port);
  if (client === 'msmtp') return msmtp(c, { endpoint });
  if (client === 'curl') return curl(c, { endpoint });
  return python(c, { endpoint });
}

const AUTOCONFIG: Draft[] = [
  {
    family: 'autoconfig',
    job: 'psc-autoconfig-imap',
    client: 'dig + python',
    act: 'SRV _imap._tcp, then XOAUTH2 and SELECT INBOX there',
    expect: { verdict: 'OK', check: 'advertised-connection' },
    play: (c) => lookedUp(c, digSrv),
  },
  {
    family: 'autoconfig',
    job: 'psc-autoconfig-imap',
    client: 'curl + python',
    act: 'config-v1.1.xml, then connects to org instead',
    expect: { verdict: 'KO', check: 'advertised-connection' },
    play: async (c) => (await curlAutoconfig(c), python(c, { endpoint: 'org' })),
  },
  {
    family: 'autoconfig',
    job: 'psc-autoconfig-smtp',
    client: 'curl + msmtp',
    act: 'config-v1.1.xml, then XOAUTH2 and a message there',
    expect: { verdict: 'OK', check: 'autoconfig-lookup' },
    play: (c) => lookedUp(c, curlAutoconfig, 'msmtp'),
  },
  {
    family: 'autoconfig',
    job: 'psc-autoconfig-smtp',
    client: 'python',
    act: 'hard-coded settings, no lookup',
    expect: { verdict: 'KO', check: 'autoconfig-lookup' },
    play: (c) => python(c),
  },
  {
    family: 'autoconfig',
    job: 'authcli-autoconfig-imap',
    client: 'curl (https) + python',
    act: 'config-v1.1.xml over HTTPS, then certificate + PLAIN, SELECT INBOX',
    expect: { verdict: 'OK', check: 'inbox-opened' },
    play: (c) => lookedUp(c, (x) => curlAutoconfig(x, 'https')),
  },
  {
    family: 'autoconfig',
    job: 'authcli-autoconfig-imap',
    client: 'curl',
    act: 'hard-coded settings, no lookup',
    expect: { verdict: 'KO', check: 'autoconfig-lookup' },
    play: (c) => curl(c),
  },
  {
    family: 'autoconfig',
    job: 'authcli-autoconfig-smtp',
    client: 'dig + curl',
    act: 'SRV _submission._tcp, then certificate + PLAIN and a message there',
    expect: { verdict: 'OK', check: 'message-accepted' },
    play: (c) => lookedUp(c, digSrv, 'curl'),
  },
  {
    family: 'autoconfig',
    job: 'authcli-autoconfig-smtp',
    client: 'swaks',
    act: 'hard-coded settings, certificate + PLAIN',
    expect: { verdict: 'KO', check: 'autoconfig-lookup' },
    play: (c) => swaks(c, { certificate: true }),
  },
  {
    family: 'autoconfig',
    job: 'authcli-autoconfig-smtp',
    client: 'none',
    act: 'silence',
    expect: { verdict: 'INCONCLUSIVE', check: 'connection' },
  },
];

const REOPEN: Draft[] = [
  {
    family: 'reopen',
    job: 'psc-reopen-imap',
    client: 'python',
    act: 'selects Sent, gets BYE, reconnects with a fresh token and opens INBOX',
    account: 0,
    expect: { verdict: 'OK', check: 'new-session' },
    play: (c) =>
      python(c, {
        steps: [
          ['select', 'Sent'],
          ['wait_bye', 15],
        ],
        reconnect: [['select', 'INBOX']],
      }),
  },
  {
    family: 'reopen',
    job: 'psc-reopen-imap',
    client: 'python',
    act: 'gets BYE and does not reconnect',
    account: 1,
    delai: 20,
    expect: { verdict: 'KO', check: 'new-session', outcome: 'missing' },
    play: (c) =>
      python(c, {
        steps: [
          ['select', 'Sent'],
          ['wait_bye', 15],
        ],
      }),
  },
  {
    family: 'reopen',
    job: 'psc-reopen-smtp',
    client: 'python',
    act: 'sends a message, gets 421, reconnects with a fresh token',
    account: 2,
    expect: { verdict: 'OK', check: 'new-session' },
    play: (c) =>
      python(c, {
        steps: [
          ['send', mailboxOf(c), [mailboxOf(c)], selfMessage(c)],
          ['wait_close', 10],
        ],
        reconnect: [['noop']],
      }),
  },
  {
    family: 'reopen',
    job: 'psc-reopen-smtp',
    client: 'python',
    act: 'gets 421 and does not reconnect',
    account: 3,
    delai: 20,
    expect: { verdict: 'KO', check: 'new-session', outcome: 'missing' },
    play: (c) =>
      python(c, {
        steps: [
          ['send', mailboxOf(c), [mailboxOf(c)], selfMessage(c)],
          ['wait_close', 10],
        ],
      }),
  },
];

/** Which test file plays which families (one platform per file; the files run in parallel). */
export const FILES = {
  'tls-sessions': ['tls', 'sessions'],
  auth: ['auth'],
  'messages-autoconfig-reopen': ['messages', 'autoconfig', 'reopen'],
  'cert-reject': ['cert-reject'],
} as const satisfies Record<string, readonly Family[]>;

/** Every case, each with its own loopback address (127.0.<n>.<m>), also its job's Adresse IP. */
export const CASES: Case[] = [TLS, SESSIONS, AUTH, MESSAGES, CERT_REJECT, AUTOCONFIG, REOPEN]
  .flat()
  .map((draft, i) => ({
    ...draft,
    ip: `127.0.${1 + Math.floor(i / 200)}.${10 + (i % 200)}`,
    play: draft.play ?? silent,
  }));
