// Builds journals the way the endpoints record them, for verdict unit tests: one fluent builder per session.
// Facts are typed by their kind's schema (src/observe/facts.ts); a test gives what its case needs and the
// builder fills in the rest of each fact with neutral values, so that a renamed field fails to compile here too.
import type { FactData, Observation, ObservationKind } from '../../src/observe/journal.ts';
import { ALLOWED_TLS12_SUITES } from '../../src/mail/tls/policy.ts';

let nextId = 1;
let clock = 1_000_000;

export const SIX = ALLOWED_TLS12_SUITES.map((s) => ({
  code: `0x${s.code.toString(16).toUpperCase().padStart(4, '0')}`,
  name: s.iana,
}));
export const TLS13 = [{ code: '0x1302', name: 'TLS_AES_256_GCM_SHA384' }];

/** What a test may give of a fact: any part of it, nested objects included. */
export type Given<T> = T extends (infer U)[] ? Given<U>[] : T extends object ? { [P in keyof T]?: Given<T[P]> } : T;

type ClientCertificate = FactData<'tls.established'>['clientCertificate'];
const NO_CERTIFICATE: ClientCertificate = {
  present: false,
  ekuClientAuth: false,
  chainsToIgcOrgCa: false,
  expired: false,
  notYetValid: false,
  revoked: false,
  trusted: false,
  problems: ['no_certificate'],
};

/** Neutral values of the fields a test does not give. */
const DEFAULTS: { [K in ObservationKind]?: Given<FactData<K>> } = {
  'session.open': { localAddress: '127.0.0.1' },
  'session.close': { durationMs: 100, reason: null },
  'tls.client_hello': {
    legacyVersion: 'TLSv1.2',
    supportedVersions: [],
    extensions: [],
    supportedGroups: [],
    keyShareGroups: [],
    signatureAlgorithms: [],
    alpn: [],
    ja3: '',
    ja4: '',
    records: 1,
  },
  'tls.established': {
    sni: null,
    ocspRequested: false,
    ocspStapled: false,
    helloRetry: false,
    resumed: false,
    clientCertificate: NO_CERTIFICATE,
    clientCertificateChain: [],
  },
  command: { args: '', authenticated: false },
  'autoconfig.http': {
    path: '/mail/config-v1.1.xml',
    scheme: 'https',
    host: null,
    sni: null,
    userAgent: null,
    emailaddress: null,
    mailbox: null,
    answered: [],
  },
  'autoconfig.dns': { transport: 'udp', id: 1, name: null, qtype: null, qclass: 'IN', answered: [] },
  'pki.ocsp_request': { method: 'POST', responseStatus: 'successful', nonce: false, requests: [], path: '/ocsp' },
  'pki.crl_fetch': { found: true, path: '/crl' },
  'pki.ca_fetch': { found: true, path: '/ca' },
};

/** One observation; the builder's only cast: a test's journal may leave out what no verdict reads. */
function fact<K extends ObservationKind>(
  kind: K,
  data: Given<FactData<K>>,
  envelope: Omit<Observation, 'id' | 'at' | 'kind' | 'data'>,
): Observation {
  return { id: nextId++, at: (clock += 100), kind, ...envelope, data: { ...DEFAULTS[kind], ...data } } as Observation;
}

export class SessionBuilder {
  readonly observations: Observation[] = [];
  mailbox: string | null = null;

  constructor(
    readonly id: string,
    readonly endpoint: string,
    readonly protocol: 'smtp' | 'imap',
    readonly clientIp = '192.0.2.10',
    localPort = 10588,
  ) {
    this.add('session.open', { localPort });
  }

  add<K extends ObservationKind>(kind: K, data: Given<FactData<K>>, mailbox: string | null = this.mailbox): this {
    this.observations.push(
      fact(kind, data, {
        endpoint: this.endpoint,
        protocol: this.protocol,
        sessionId: this.id,
        clientIp: this.clientIp,
        clientPort: 40000,
        mailbox,
      }),
    );
    return this;
  }

  command(verb: string, ok = true, extra: Given<FactData<'command'>> = {}): this {
    const tls = this.observations.some((o) => o.kind === 'tls.established');
    const reply =
      this.protocol === 'smtp'
        ? { code: ok ? 250 : 500, status: null, text: '' }
        : { status: ok ? ('OK' as const) : ('NO' as const), code: null, text: '' };
    return this.add('command', { verb, args: '', reply, tls, authenticated: this.mailbox !== null, ...extra });
  }

  starttls(
    suites = [...SIX, ...TLS13],
    version = 'TLSv1.3',
    cipher = 'TLS_AES_256_GCM_SHA384',
    clientCertificate: Given<ClientCertificate> = { present: false },
  ): this {
    this.command(this.protocol === 'smtp' ? 'EHLO' : 'CAPABILITY').command('STARTTLS');
    this.add('tls.client_hello', {
      highestVersion: version === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2',
      cipherSuites: suites,
      sni: null,
      statusRequest: false,
    });
    return this.add('tls.established', {
      version,
      cipher,
      clientCertificate: { ...NO_CERTIFICATE, ...clientCertificate },
    });
  }

  refusedHandshake(alert: string | null, by: 'client' | 'server' = 'client', highestVersion = 'TLSv1.3'): this {
    this.command('STARTTLS');
    this.add('tls.client_hello', { highestVersion, cipherSuites: SIX, sni: null, statusRequest: false });
    return this.add('tls.failed', {
      stage: 'handshake',
      by,
      alert,
      error: alert ? `ERR_SSL_ALERT_${alert.toUpperCase()}` : 'ECONNRESET',
      detail: alert ?? 'reset',
    });
  }

  auth(mechanism: string, user: string, outcome: 'success' | 'failure', extra: Given<FactData<'auth'>> = {}): this {
    const tls = this.observations.some((o) => o.kind === 'tls.established');
    if (outcome === 'success') this.mailbox = user;
    this.add('auth', {
      mechanism,
      user,
      outcome,
      reason: outcome === 'success' ? 'password' : 'bad_password',
      tls,
      ...extra,
    });
    return this.command(this.protocol === 'smtp' ? 'AUTH' : 'AUTHENTICATE', outcome === 'success');
  }

  xoauth2(
    user: string,
    subject: string,
    outcome: 'success' | 'failure' = 'success',
    reason = outcome === 'success' ? 'bearer' : 'bearer_expired',
  ): this {
    return this.auth('XOAUTH2', user, outcome, {
      reason,
      bearerVerified: outcome === 'success',
      bearer: { format: 'jwt', claims: { SubjectNameID: subject, acr: 'eidas1' } },
    });
  }

  message(
    from: string,
    to: string[],
    headers: { name: string; value: string }[] = [],
    xdm: Given<FactData<'message'>['xdm']> = null,
  ): this {
    return this.add('message', { outcome: 'accepted', from, to, headers, xdm });
  }

  close(by: 'client' | 'server' = 'client', reason: string | null = null, commandsAfterTls?: number): this {
    const tls = this.observations.some((o) => o.kind === 'tls.established');
    return this.add('session.close', {
      by,
      reason,
      tls,
      commandsAfterTls: commandsAfterTls ?? this.observations.filter((o) => o.kind === 'command' && o.data.tls).length,
    });
  }
}

export function observe<K extends ObservationKind>(kind: K, clientIp: string, data: Given<FactData<K>>): Observation {
  return fact(kind, data, {
    endpoint: null,
    protocol: kind.startsWith('autoconfig.dns') ? 'dns' : 'http',
    sessionId: null,
    clientIp,
    clientPort: 5000,
    mailbox: null,
  });
}

export function journalOf(...parts: (SessionBuilder | Observation)[]): Observation[] {
  return parts.flatMap((p) => (p instanceof SessionBuilder ? p.observations : [p])).sort((a, b) => a.id - b.id);
}
