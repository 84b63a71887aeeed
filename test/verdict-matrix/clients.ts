// How the matrix's clients are driven: python3 (test/clients/lps_client.py, explicit SSLContext), curl,
// openssl s_client, msmtp, swaks and dig, each leaving from the case's own address and configured as a
// vendor would configure it (the exported IGC Santé TEST roots, the ORG_AUTH_CLI certificate, PSC tokens from
// its back end). A conformant act authenticates by the BAL type's method and does what the job asks.
import type { EndpointId } from '../../src/config/schema.ts';
import { ALLOWED_TLS12_SUITES } from '../../src/mail/tls/policy.ts';
import type { CaseContext, TokenKind, Vendor } from './harness.ts';

/** The six allowed TLS 1.2 suites, as OpenSSL names them. */
export const SIX = ALLOWED_TLS12_SUITES.map((s) => s.openssl).join(':');

/** The job's mailbox: personal for a PSC job, applicative for an AUTH_CLI one. */
export function mailboxOf(ctx: CaseContext, who: Vendor = ctx.me): string {
  return (ctx.job.bal === 'PSC' ? who.account.personalMailbox : who.account.applicativeMailbox)!;
}

export interface MessageSpec {
  from: string;
  to: string[];
  subject?: string;
  headers?: Record<string, string>;
  xdm?: { code: string; display: string; ins?: string } | null;
}

/** A message from the mailbox to itself with X-MSS-NIL (MSS-CONF.16: on every message). */
export function selfMessage(
  ctx: CaseContext,
  headers: Record<string, string> = { 'X-MSS-NIL': ctx.me.nil },
): MessageSpec {
  const mailbox = mailboxOf(ctx);
  return { from: mailbox, to: [mailbox], subject: `Test ${ctx.job.id}`, headers };
}

/** The patient's INS matricule: the local part of the account's test patient address. */
export function insOf(ctx: CaseContext): string {
  return ctx.me.account.patientAddress!.split('@')[0]!;
}

/** The headers job's message: a CDA (with the patient's INS) in IHE_XDM.ZIP and the three X-MSS headers. */
export function healthMessage(
  ctx: CaseContext,
  change: { nil?: string | null; codecda?: string; ins?: string } = {},
): MessageSpec {
  const headers: Record<string, string> = {};
  if (change.nil !== null) headers['X-MSS-NIL'] = change.nil ?? ctx.me.nil;
  headers['X-MSS-CODECDA'] = change.codecda ?? '11488-4';
  headers['X-MSS-INS'] = change.ins ?? 'O';
  return {
    ...selfMessage(ctx, headers),
    subject: 'XDM/1.0/DDM+Compte rendu de consultation TEST PATIENT',
    xdm: { code: '11488-4', display: 'Compte rendu de consultation', ins: insOf(ctx) },
  };
}

/** The patient job's message: to the test patient address, with X-MSS-MES: FIN (or without). */
export function patientMessage(ctx: CaseContext, fin = true): MessageSpec {
  const headers: Record<string, string> = { 'X-MSS-NIL': ctx.me.nil };
  if (fin) headers['X-MSS-MES'] = 'FIN';
  return { from: mailboxOf(ctx), to: [ctx.me.account.patientAddress!], subject: 'Résultat', headers };
}

type Auth =
  | 'bal'
  | 'password'
  | 'login-command'
  | 'plain-no-cert'
  | 'oauthbearer'
  | 'xoauth2-foreign'
  | 'xoauth2-wrong-user'
  | 'xoauth2-on-applicative'
  | 'wrong-ou'
  | 'none';

export interface PythonOptions {
  endpoint?: EndpointId;
  tls?: Record<string, unknown>;
  auth?: Auth;
  token?: TokenKind;
  clear?: string[];
  steps?: unknown[][];
  reconnect?: unknown[][];
  /** What the job asks after authentication: select INBOX (IMAP) or a message to itself (SMTP). */
  message?: MessageSpec;
}

/** A python job for the case: the job's endpoint and protocol, the IGC roots, the BAL type's authentication. */
export function pythonJob(ctx: CaseContext, o: PythonOptions = {}): Record<string, unknown> {
  const e = ctx.endpoint(
    o.endpoint ??
      (ctx.job.kind === 'autoconfig' ? (ctx.job.bal === 'PSC' ? 'psc' : 'org') : (ctx.job.endpoint as EndpointId)),
  );
  const protocol = ctx.job.protocol;
  const mailbox = mailboxOf(ctx);
  const auth = o.auth ?? 'bal';
  const tls: Record<string, unknown> = { cafile: ctx.files.trust, ...o.tls };
  const certificate =
    ctx.job.bal === 'AUTH_CLI' && !['plain-no-cert', 'password', 'login-command', 'none'].includes(auth);
  if (certificate && tls.certfile === undefined)
    Object.assign(
      tls,
      auth === 'wrong-ou'
        ? { certfile: ctx.me.foreignCertFile, keyfile: ctx.me.foreignKeyFile }
        : { certfile: ctx.me.certFile, keyfile: ctx.me.keyFile },
    );
  const sasl = (): Record<string, unknown> | undefined => {
    switch (auth) {
      case 'none':
        return undefined;
      case 'bal':
      case 'wrong-ou':
        return ctx.job.bal === 'PSC'
          ? { mechanism: 'XOAUTH2', user: mailbox, token_url: ctx.tokenUrl(o.token) }
          : { mechanism: 'PLAIN', user: mailbox, password: ctx.me.password(mailbox) };
      case 'password':
      case 'plain-no-cert':
        return {
          mechanism: protocol === 'smtp' ? 'PLAIN' : 'PLAIN',
          user: mailbox,
          password: ctx.me.password(mailbox),
        };
      case 'login-command':
        return { mechanism: 'LOGIN-COMMAND', user: mailbox, password: ctx.me.password(mailbox) };
      case 'oauthbearer':
        return { mechanism: 'OAUTHBEARER', user: mailbox, token_url: ctx.tokenUrl() };
      case 'xoauth2-foreign':
        return { mechanism: 'XOAUTH2', user: mailbox, token_url: ctx.tokenUrl('access', ctx.bob) };
      case 'xoauth2-wrong-user':
        return { mechanism: 'XOAUTH2', user: mailboxOf(ctx, ctx.bob), token_url: ctx.tokenUrl() };
      case 'xoauth2-on-applicative':
        return { mechanism: 'XOAUTH2', user: mailbox, token_url: ctx.tokenUrl() };
    }
  };
  const steps =
    o.steps ??
    (protocol === 'imap'
      ? [['select', 'INBOX']]
      : [['send', mailbox, o.message?.to ?? [mailbox], o.message ?? selfMessage(ctx)]]);
  return {
    protocol,
    host: e.address,
    port: protocol === 'imap' ? e.imapPort : e.smtpPort,
    server_name: e.host,
    tls,
    ...(o.clear ? { clear: o.clear } : {}),
    ...(sasl() ? { auth: sasl() } : {}),
    steps,
    ...(o.reconnect ? { reconnect: o.reconnect } : {}),
  };
}

export function python(ctx: CaseContext, o: PythonOptions = {}) {
  return ctx.python(pythonJob(ctx, o));
}

/** The base64 SASL PLAIN response for the job's mailbox (for commands sent in clear). */
export function plainResponse(ctx: CaseContext): string {
  const mailbox = mailboxOf(ctx);
  return Buffer.from(`\0${mailbox}\0${ctx.me.password(mailbox)}`).toString('base64');
}

interface CurlOptions {
  endpoint?: EndpointId;
  /** bal: XOAUTH2 (PSC) or certificate + PLAIN (AUTH_CLI); password: PLAIN with the password, no certificate. */
  auth?: 'bal' | 'password';
  ciphers?: string;
  /** SMTP: the message to send (default: to itself); IMAP: EXAMINE INBOX. */
  message?: MessageSpec;
  /** SMTP: NOOP instead of a message. */
  noop?: boolean;
  cacert?: string;
  crlfile?: string;
  insecure?: boolean;
}

/** curl with --ssl-reqd (STARTTLS required), the server's name resolved to its address, from the case's address. */
export async function curl(ctx: CaseContext, o: CurlOptions = {}) {
  const e = ctx.endpoint(
    o.endpoint ??
      (ctx.job.kind === 'autoconfig' ? (ctx.job.bal === 'PSC' ? 'psc' : 'org') : (ctx.job.endpoint as EndpointId)),
  );
  const protocol = ctx.job.protocol;
  const port = protocol === 'imap' ? e.imapPort : e.smtpPort;
  const mailbox = mailboxOf(ctx);
  const args = [
    '-sS',
    '--ssl-reqd',
    '--interface',
    ctx.ip,
    '--resolve',
    `${e.host}:${port}:${e.address}`,
    '--max-time',
    '30',
  ];
  if (o.insecure) args.push('--insecure');
  else args.push('--cacert', o.cacert ?? ctx.files.trust);
  if (o.crlfile) args.push('--crlfile', o.crlfile);
  if (o.ciphers) args.push('--ciphers', o.ciphers);
  if ((o.auth ?? 'bal') === 'bal' && ctx.job.bal === 'PSC') {
    // curl prefers OAUTHBEARER when offered; motco offers XOAUTH2 only, and the login option says so.
    args.push('--login-options', 'AUTH=XOAUTH2', '--user', mailbox, '--oauth2-bearer', await ctx.token());
  } else {
    if ((o.auth ?? 'bal') === 'bal') args.push('--cert', ctx.me.certFile, '--key', ctx.me.keyFile);
    args.push('--login-options', 'AUTH=PLAIN', '--user', `${mailbox}:${ctx.me.password(mailbox)}`);
  }
  if (protocol === 'imap') {
    args.push('-X', 'EXAMINE INBOX', `imap://${e.host}:${port}/`);
    return ctx.run('curl', args);
  }
  if (o.noop) {
    args.push('-X', 'NOOP', `smtp://${e.host}:${port}/lps.test`);
    return ctx.run('curl', args);
  }
  const message = o.message ?? selfMessage(ctx);
  args.push(
    '--mail-from',
    message.from,
    ...message.to.flatMap((r) => ['--mail-rcpt', r]),
    '-T',
    '-',
    `smtp://${e.host}:${port}/lps.test`,
  );
  return ctx.run('curl', args, { input: await ctx.message({ ...message }) });
}

interface SClientOptions {
  endpoint?: EndpointId;
  /** -cipher (TLS 1.2 suites); with tls13 only TLS 1.3 is offered. */
  cipher?: string;
  version?: '-tls1_2' | '-tls1_3';
  verify?: boolean;
  crl?: boolean;
  certificate?: boolean;
  /** What is typed once TLS is up (default: QUIT / LOGOUT). */
  input?: string;
}

/** openssl s_client -starttls: a TLS handshake as OpenSSL's own client makes it, then a line or two. */
export function sClient(ctx: CaseContext, o: SClientOptions = {}) {
  const e = ctx.endpoint(o.endpoint ?? (ctx.job.endpoint as EndpointId));
  const protocol = ctx.job.protocol;
  const args = [
    's_client',
    '-quiet',
    '-connect',
    `${e.address}:${protocol === 'imap' ? e.imapPort : e.smtpPort}`,
    '-bind',
    `${ctx.ip}:0`,
    '-starttls',
    protocol,
    '-servername',
    e.host,
  ];
  if (o.verify !== false) args.push('-CAfile', ctx.files.trust, '-verify_return_error', '-verify_hostname', e.host);
  if (o.crl) args.push('-crl_check', '-CRL', ctx.files.crl);
  if (o.cipher) args.push('-cipher', o.cipher);
  if (o.version) args.push(o.version);
  if (o.certificate) args.push('-cert', ctx.me.certFile, '-key', ctx.me.keyFile);
  return ctx.run('openssl', args, {
    input: o.input ?? (protocol === 'imap' ? 'a1 LOGOUT\r\n' : 'QUIT\r\n'),
    timeoutMs: 20_000,
  });
}

/** msmtp (GnuTLS) with `auth xoauth2`: its passwordeval asks the back end for a PSC access token. */
export async function msmtp(
  ctx: CaseContext,
  o: { message?: MessageSpec; token?: TokenKind; endpoint?: EndpointId } = {},
) {
  const e = ctx.endpoint(o.endpoint ?? (ctx.job.kind === 'autoconfig' ? 'psc' : (ctx.job.endpoint as EndpointId)));
  const mailbox = mailboxOf(ctx);
  const message = o.message ?? selfMessage(ctx);
  const config = ctx.file(
    'msmtprc',
    [
      'defaults',
      'account lps',
      `host ${e.address}`,
      `port ${e.smtpPort}`,
      `source_ip ${ctx.ip}`,
      'domain lps.test',
      'tls on',
      'tls_starttls on',
      `tls_trust_file ${ctx.files.trust}`,
      `tls_host_override ${e.host}`,
      `from ${message.from}`,
      `user ${mailbox}`,
      'auth xoauth2',
      `passwordeval curl -sS "${ctx.tokenUrl(o.token)}"`,
      'timeout 30',
      'account default : lps',
      '',
    ].join('\n'),
  );
  return ctx.run('msmtp', ['-C', config, '-v', ...message.to], { input: await ctx.message({ ...message }) });
}

/** swaks (Perl, IO::Socket::SSL) with STARTTLS required and AUTH PLAIN with the mailbox's password. */
export async function swaks(ctx: CaseContext, o: { message?: MessageSpec; certificate?: boolean } = {}) {
  const e = ctx.endpoint(ctx.job.endpoint as EndpointId);
  const mailbox = mailboxOf(ctx);
  const message = o.message ?? selfMessage(ctx);
  const args = [
    '--server',
    e.address,
    '--port',
    String(e.smtpPort),
    '--local-interface',
    ctx.ip,
    '--helo',
    'lps.test',
    '-tls',
    '--tls-verify',
    '--tls-ca-path',
    ctx.files.trust,
  ];
  if (o.certificate) args.push('--tls-cert', ctx.me.certFile, '--tls-key', ctx.me.keyFile);
  args.push(
    '--auth',
    'PLAIN',
    '--auth-user',
    mailbox,
    '--auth-password',
    ctx.me.password(mailbox),
    '--from',
    message.from,
    '--to',
    message.to.join(','),
    '--data',
    '-',
  );
  return ctx.run('swaks', args, { input: await ctx.message({ ...message }) });
}

/** An SRV lookup on the platform's DNS with dig, then the A record of the target: the advertised host and port. */
export async function digSrv(ctx: CaseContext): Promise<{ address: string; port: number; host: string }> {
  const { address, port } = { address: ctx.t.config.autoconfig.address, port: ctx.t.config.ports.dns };
  const service = ctx.job.protocol === 'imap' ? '_imap._tcp' : '_submission._tcp';
  const srv = await ctx.run('dig', [
    `@${address}`,
    '-p',
    String(port),
    '-b',
    ctx.ip,
    '+short',
    'SRV',
    `${service}.${ctx.t.config.mailDomain}`,
  ]);
  const records = srv.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((r) => r.length === 4)
    .sort((a, b) => Number(a[0]) - Number(b[0]));
  const [, , targetPort, target] = records[0]!;
  const a = await ctx.run('dig', [`@${address}`, '-p', String(port), '-b', ctx.ip, '+short', 'A', target!]);
  return { host: target!.replace(/\.$/, ''), port: Number(targetPort), address: a.stdout.trim().split('\n')[0]! };
}

/** The Thunderbird autoconfig file fetched with curl (http, or https trusting the stand-in commercial root). */
export async function curlAutoconfig(
  ctx: CaseContext,
  scheme: 'http' | 'https' = 'http',
): Promise<{ host: string; port: number }> {
  const { config } = ctx.t;
  const mailbox = mailboxOf(ctx);
  const query = `mail/config-v1.1.xml?emailaddress=${encodeURIComponent(mailbox)}`;
  const args =
    scheme === 'http'
      ? ['-sS', '--interface', ctx.ip, `${config.autoconfig.url.replace(/\/$/, '')}/${query}`]
      : [
          '-sS',
          '--interface',
          ctx.ip,
          '--cacert',
          ctx.files.nonIgcRoot,
          '--resolve',
          `${config.hosts.autoconfig}:${config.ports.webTls}:${config.autoconfig.address}`,
          `https://${config.hosts.autoconfig}:${config.ports.webTls}/${query}`,
        ];
  const xml = (await ctx.run('curl', args)).stdout;
  const tag =
    ctx.job.protocol === 'imap'
      ? /<incomingServer type="imap">([\s\S]*?)<\/incomingServer>/
      : /<outgoingServer type="smtp">([\s\S]*?)<\/outgoingServer>/;
  const server = tag.exec(xml)?.[1] ?? '';
  return {
    host: /<hostname>([^<]+)<\/hostname>/.exec(server)?.[1] ?? '',
    port: Number(/<port>(\d+)<\/port>/.exec(server)?.[1] ?? 0),
  };
}

/** The endpoint serving a host name and port (what an autoconfig answer points at). */
export function endpointAt(ctx: CaseContext, host: string, port: number): EndpointId {
  const found = ctx.t.config.endpoints.find(
    (e) => (e.host === host || e.address === host) && (e.imapPort === port || e.smtpPort === port),
  );
  if (!found) throw new Error(`no endpoint at ${host}:${port}`);
  return found.id;
}
