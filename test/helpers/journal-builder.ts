// Builds journals the way the endpoints record them, for verdict unit tests: one fluent builder per session.
import type { Observation, ObservationKind } from '../../src/observe/journal.ts';
import { ALLOWED_TLS12_SUITES } from '../../src/mail/tls/policy.ts';

let nextId = 1;
let clock = 1_000_000;

export const SIX = ALLOWED_TLS12_SUITES.map((s) => ({ code: `0x${s.code.toString(16).toUpperCase().padStart(4, '0')}`, name: s.iana }));
export const TLS13 = [{ code: '0x1302', name: 'TLS_AES_256_GCM_SHA384' }];

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

  add(kind: ObservationKind, data: Record<string, unknown>, mailbox: string | null = this.mailbox): this {
    this.observations.push({ id: nextId++, at: (clock += 100), kind, endpoint: this.endpoint, protocol: this.protocol, sessionId: this.id, clientIp: this.clientIp, clientPort: 40000, mailbox, data });
    return this;
  }

  command(verb: string, ok = true, extra: Record<string, unknown> = {}): this {
    const tls = this.observations.some((o) => o.kind === 'tls.established');
    const reply = this.protocol === 'smtp' ? { code: ok ? 250 : 500 } : { status: ok ? 'OK' : 'NO' };
    return this.add('command', { verb, args: '', reply, tls, ...extra });
  }

  starttls(suites = [...SIX, ...TLS13], version = 'TLSv1.3', cipher = 'TLS_AES_256_GCM_SHA384', clientCertificate: Record<string, unknown> = { present: false }): this {
    this.command(this.protocol === 'smtp' ? 'EHLO' : 'CAPABILITY').command('STARTTLS');
    this.add('tls.client_hello', { highestVersion: version === 'TLSv1.3' ? 'TLSv1.3' : 'TLSv1.2', cipherSuites: suites, sni: null, statusRequest: false });
    return this.add('tls.established', { version, cipher, clientCertificate });
  }

  refusedHandshake(alert: string | null, by: 'client' | 'server' = 'client', highestVersion = 'TLSv1.3'): this {
    this.command('STARTTLS');
    this.add('tls.client_hello', { highestVersion, cipherSuites: SIX, sni: null, statusRequest: false });
    return this.add('tls.failed', { stage: 'handshake', by, alert, error: alert ? `ERR_SSL_ALERT_${alert.toUpperCase()}` : 'ECONNRESET', detail: alert ?? 'reset' });
  }

  auth(mechanism: string, user: string, outcome: 'success' | 'failure', extra: Record<string, unknown> = {}): this {
    const tls = this.observations.some((o) => o.kind === 'tls.established');
    if (outcome === 'success') this.mailbox = user;
    this.add('auth', { mechanism, user, outcome, reason: outcome === 'success' ? 'password' : 'bad_password', tls, ...extra });
    return this.command(this.protocol === 'smtp' ? 'AUTH' : 'AUTHENTICATE', outcome === 'success');
  }

  xoauth2(user: string, subject: string, outcome: 'success' | 'failure' = 'success', reason = outcome === 'success' ? 'bearer' : 'bearer_expired'): this {
    return this.auth('XOAUTH2', user, outcome, { reason, bearerVerified: outcome === 'success', bearer: { format: 'jwt', claims: { SubjectNameID: subject, acr: 'eidas1' } } });
  }

  message(from: string, to: string[], headers: { name: string; value: string }[] = [], xdm: unknown = null): this {
    return this.add('message', { outcome: 'accepted', from, to, headers, xdm });
  }

  close(by: 'client' | 'server' = 'client', reason: string | null = null, commandsAfterTls?: number): this {
    return this.add('session.close', { by, reason, commandsAfterTls: commandsAfterTls ?? this.observations.filter((o) => o.kind === 'command' && o.data.tls).length });
  }
}

export function observe(kind: ObservationKind, clientIp: string, data: Record<string, unknown>): Observation {
  return { id: nextId++, at: (clock += 100), kind, endpoint: null, protocol: kind.startsWith('autoconfig.dns') ? 'dns' : 'http', sessionId: null, clientIp, clientPort: 5000, mailbox: null, data };
}

export function journalOf(...parts: (SessionBuilder | Observation)[]): Observation[] {
  return parts.flatMap((p) => (p instanceof SessionBuilder ? p.observations : [p])).sort((a, b) => a.id - b.id);
}
