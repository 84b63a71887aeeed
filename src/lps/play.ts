// The reference LPS: for each unit job of the catalogue, the vendor's action as a conformant client does it,
// or with one named fault (faults.ts). Conformant plays must be judged OK and each fault KO on its check:
// that is what shows the verdicts right. The report says what was done, step by step, in French, with
// machine fields beside.
import { findJob, type UnitJob, type VerdictKind } from '../catalogue/jobs.ts';
import { jobMailbox } from '../catalogue/verdicts/common.ts';
import { t, type MessageKey } from '../i18n/messages.ts';
import { clockTime } from '../i18n/time.ts';
import { decodeSegment } from '../identity/token-summary.ts';
import type { ConnectOptions, Target, TlsChoice, Upgrade } from '../mail/client/connection.ts';
import { ImapClient } from '../mail/client/imap.ts';
import { login, oauthBearer, plain, xoauth2, type SaslRequest } from '../mail/client/sasl.ts';
import { ServerCertificates, type VerificationMode } from '../mail/client/server-certificate.ts';
import { SmtpClient } from '../mail/client/smtp.ts';
import { composeMessage } from '../mail/message/compose.ts';
import { ALLOWED_TLS12_SUITES } from '../mail/tls/policy.ts';
import { discoverByDns, discoverByHttp, resolveHost } from './autoconfig.ts';
import type { ClientKeyPair, LpsContext } from './context.ts';
import { findFault, type FaultName } from './faults.ts';
import { jobMessage } from './job-message.ts';
import type { TokenSource } from './tokens.ts';

export interface PlayOptions {
  fault?: FaultName | undefined;
  /** How the autoconfig jobs discover the servers: the Thunderbird file (default) or DNS SRV records. */
  autoconfig?: 'http' | 'dns' | undefined;
  /** Reopen jobs: how long to keep the first session open waiting for the platform to close it. */
  closeWaitSeconds?: number | undefined;
}

export type StepAction =
  | 'connect'
  | 'exchange'
  | 'tls'
  | 'certificate'
  | 'crl'
  | 'token'
  | 'autoconfig'
  | 'message'
  | 'wait'
  | 'reconnect'
  | 'error';

export interface LpsStep {
  at: number;
  action: StepAction;
  ok: boolean;
  /** What happened, in French. */
  text: string;
  data?: Record<string, unknown>;
}

export interface LpsConnection {
  protocol: 'imap' | 'smtp';
  /** Endpoint id when the target is one of the platform's. */
  endpoint: string | null;
  host: string;
  address: string;
  port: number;
  /** The client's port: the journal's clientPort of that session. */
  localPort: number;
}

export interface LpsReport {
  jobId: string;
  title: string;
  fault: FaultName | null;
  /** What the platform should conclude: OK for a conformant play, KO naming this check for a fault. */
  expected: { verdict: 'OK' | 'KO'; check: string | null };
  /** The play ran to its end (false: an error, or the platform not doing its part, stopped it: see the last step). */
  completed: boolean;
  startedAt: number;
  endedAt: number;
  steps: LpsStep[];
  connections: LpsConnection[];
}

/** A play that cannot start: unknown job, fault not applicable, something missing from the context. */
export class LpsUsageError extends Error {}

/** Name the client gives in EHLO. */
const CLIENT_NAME = 'lps-reference.motco';

/** One certificate verifier per context: its CRLs are kept across plays (MSS-CONF.22). */
const verifiers = new WeakMap<LpsContext, ServerCertificates>();

export async function playJob(jobId: string, context: LpsContext, options: PlayOptions = {}): Promise<LpsReport> {
  const job = findJob(jobId);
  if (!job) throw new LpsUsageError(t('lps.error.unknownJob', { job: jobId }));
  const play = new Play(job, context, options);
  const startedAt = Date.now();
  try {
    await play.run();
  } catch (error) {
    if (error instanceof LpsUsageError) throw error;
    play.stopped('error', 'lps.step.error', { message: (error as Error).message });
  }
  const fault = options.fault ?? null;
  return {
    jobId: job.id,
    title: job.title,
    fault,
    expected: fault ? { verdict: 'KO', check: findFault(fault).failedCheck(job) } : { verdict: 'OK', check: null },
    completed: play.completed,
    startedAt,
    endedAt: Date.now(),
    steps: play.steps,
    connections: play.connections,
  };
}

type Credentials = { sasl: SaslRequest } | { loginCommand: { user: string; password: string } };
/** How a session ended: its action done, the server certificate refused by us, or stopped on the way. */
type SessionEnd = 'done' | 'refused' | 'failed';
type Phase = 'first' | 'again';

/** What the reference LPS does for each kind of job (kinds/index.ts): a new kind needs its play here. */
const PLAYS: Record<VerdictKind, (play: Play) => Promise<void>> = {
  tls: (play) => play.usual(),
  'imap-access': (play) => play.usual(),
  send: (play) => play.usual(),
  'auth-psc': (play) => play.usual(),
  'auth-cert': (play) => play.usual(),
  headers: (play) => play.usual(),
  patient: (play) => play.toPatient(),
  'cert-reject': (play) => play.usual(),
  autoconfig: (play) => play.autoconfig(),
  reopen: (play) => play.reopen(),
};

class Play {
  readonly steps: LpsStep[] = [];
  readonly connections: LpsConnection[] = [];
  completed = true;
  private readonly fault: FaultName | undefined;
  private readonly mailbox: string;

  constructor(
    private readonly job: UnitJob,
    private readonly context: LpsContext,
    private readonly options: PlayOptions,
  ) {
    this.fault = options.fault;
    if (this.fault && !findFault(this.fault).jobs.includes(job.id))
      throw new LpsUsageError(t('lps.error.faultNotApplicable', { fault: this.fault, job: job.id }));
    const { account } = context;
    const mailbox = jobMailbox(job, account);
    if (!mailbox)
      throw new LpsUsageError(t(job.bal === 'PSC' ? 'lps.error.noPersonalMailbox' : 'lps.error.noApplicativeMailbox'));
    this.mailbox = mailbox;
    if (job.bal === 'PSC' && !context.tokens) throw new LpsUsageError(t('lps.error.noTokens'));
    if (job.bal === 'AUTH_CLI' && this.fault !== 'no-client-certificate' && !this.clientCertificate())
      throw new LpsUsageError(
        t(this.fault === 'wrong-ou' ? 'lps.error.noForeignCertificate' : 'lps.error.noClientCertificate'),
      );
    if (job.kind === 'patient' && !account.patientAddress) throw new LpsUsageError(t('lps.error.noPatientAddress'));
  }

  step(
    action: StepAction,
    ok: boolean,
    key: MessageKey,
    params: Record<string, string | number> = {},
    data?: Record<string, unknown>,
  ): void {
    this.steps.push({ at: Date.now(), action, ok, text: t(key, params), ...(data ? { data } : {}) });
  }

  /** The scenario cannot go on (the platform did not do its part): said, and the play is incomplete. */
  stopped(action: StepAction, key: MessageKey, params: Record<string, string | number> = {}): void {
    this.completed = false;
    this.step(action, false, key, params);
  }

  run(): Promise<void> {
    return PLAYS[this.job.kind](this);
  }

  /**
   * One session on the job's endpoint, its action done for `to` (the mailbox itself by default). On a
   * cert-reject endpoint a conformant client refuses the certificate before sending anything: only faults get
   * to the action.
   */
  async usual(to = this.mailbox): Promise<void> {
    await this.session(this.endpointTarget(this.job.endpoint), await this.credentials('first'), this.usualAction([to]));
  }

  /** The patient jobs' message goes to the account's test patient address. */
  toPatient(): Promise<void> {
    return this.usual(this.context.account.patientAddress!);
  }

  // The plays that need more than one session or a discovery first.

  async autoconfig(): Promise<void> {
    const { endpoints, localAddress } = this.context;
    const protocol = this.job.protocol;
    let target: Target;
    let user = this.mailbox;
    if (this.fault === 'no-autoconfig') {
      target = this.endpointTarget(this.job.endpoint);
      this.step('autoconfig', true, 'lps.step.hardCoded', { host: target.host, port: target.port });
    } else {
      let host: string;
      let port: number;
      if (this.options.autoconfig === 'dns') {
        const { name, server } = await discoverByDns(endpoints.domain, protocol, endpoints.dns, localAddress);
        if (!server)
          return this.stopped('autoconfig', 'lps.step.autoconfigNone', {
            protocol: protocol.toUpperCase(),
            source: name,
          });
        this.step('autoconfig', true, 'lps.step.autoconfigDns', { name, host: server.host, port: server.port });
        ({ host, port } = server);
      } else {
        const found = await discoverByHttp(endpoints.autoconfig, this.mailbox, {
          localAddress,
          extraCa: this.context.httpsCa,
        });
        this.step('autoconfig', found.status === 200, 'lps.step.autoconfigHttp', {
          url: found.url,
          status: found.status,
        });
        const server = found.servers.find((s) => s.protocol === protocol && s.socketType.toUpperCase() === 'STARTTLS');
        if (!server)
          return this.stopped('autoconfig', 'lps.step.autoconfigNone', {
            protocol: protocol.toUpperCase(),
            source: found.url,
          });
        this.step(
          'autoconfig',
          true,
          'lps.step.autoconfigFound',
          {
            protocol: protocol.toUpperCase(),
            host: server.host,
            port: server.port,
            username: server.username ?? '—',
            authentication: server.authentication.join(', ') || '—',
          },
          { server },
        );
        const method = this.job.bal === 'PSC' ? 'OAuth2' : 'TLS-client-cert';
        if (!server.authentication.includes(method))
          return this.stopped('autoconfig', 'lps.step.methodNotAdvertised', { method });
        ({ host, port } = server);
        user = server.username ?? user;
      }
      const address = await resolveHost(host, endpoints.dns, localAddress);
      this.step('autoconfig', true, 'lps.step.resolved', { host, address });
      target = { host, address, port };
    }
    await this.session(target, await this.credentials('first', user), this.usualAction([this.mailbox]));
  }

  async reopen(): Promise<void> {
    const target = this.endpointTarget(this.job.endpoint);
    const imap = this.job.protocol === 'imap';
    const waitSeconds = this.options.closeWaitSeconds ?? (imap ? this.context.reopenDelaySeconds + 30 : 30);
    const first = imap
      ? await this.imap(target, await this.credentials('first'), async (client) => {
          if (this.fault !== 'no-inbox' && (await client.select('INBOX'))?.status !== 'OK') return false;
          const other = await this.otherFolder(client);
          if (!other || (await client.select(other))?.status !== 'OK') return false;
          return this.keptOpen(waitSeconds, () =>
            client.awaitServerClose(waitSeconds * 1000).then((r) => ({ closed: r.closed, reply: r.bye })),
          );
        })
      : await this.smtp(target, await this.credentials('first'), async (client) => {
          const reply = await client.send(this.mailbox, [this.mailbox], this.message([this.mailbox]));
          if (reply?.code !== 250) return false;
          return this.keptOpen(waitSeconds, () =>
            client.awaitServerClose(waitSeconds * 1000).then((r) => ({
              closed: r.closed,
              reply: r.reply ? `${r.reply.code} ${r.reply.lines.join(' ')}` : null,
            })),
          );
        });
    if (first !== 'done') return;
    if (this.fault === 'no-reconnection') return this.step('reconnect', true, 'lps.step.noReconnect');
    this.step('reconnect', true, 'lps.step.reconnect');
    await this.session(target, await this.credentials('again'), this.usualAction([this.mailbox]));
  }

  /** Keeps the session until the platform closes it; true when it did (otherwise the wait closed it). */
  private async keptOpen(
    seconds: number,
    wait: () => Promise<{ closed: boolean; reply: string | null }>,
  ): Promise<boolean> {
    this.step('wait', true, 'lps.step.waitClose', { seconds });
    const { closed, reply } = await wait();
    if (!closed) {
      this.stopped('wait', 'lps.step.notClosed');
      return false;
    }
    this.step('wait', true, 'lps.step.serverClosed', { reply: reply ?? t('lps.shown.closed') });
    return true;
  }

  // One session of the job's protocol.

  private session(
    target: Target,
    credentials: Credentials,
    action: { imap: (c: ImapClient) => Promise<boolean>; smtp: (c: SmtpClient) => Promise<boolean> },
  ): Promise<SessionEnd> {
    return this.job.protocol === 'imap'
      ? this.imap(target, credentials, action.imap)
      : this.smtp(target, credentials, action.smtp);
  }

  /** Open INBOX (IMAP) or submit the job's message (SMTP), then leave politely. */
  private usualAction(to: string[]) {
    return {
      imap: async (client: ImapClient) => {
        const folder = this.fault === 'no-inbox' ? await this.otherFolder(client) : 'INBOX';
        const selected = folder ? await client.select(folder) : null;
        await client.logout();
        return selected?.status === 'OK';
      },
      smtp: async (client: SmtpClient) => {
        const reply = await client.send(this.mailbox, to, this.message(to));
        await client.quit();
        return reply?.code === 250;
      },
    };
  }

  private async imap(
    target: Target,
    credentials: Credentials,
    act: (client: ImapClient) => Promise<boolean>,
  ): Promise<SessionEnd> {
    const { client, greeting } = await ImapClient.connect(target, this.io('imap', target));
    if (!greeting?.startsWith('* OK')) return this.abandon(client.connection);
    if (this.fault === 'auth-before-starttls') await this.imapAuthenticate(client, credentials);
    const secured = await this.secure((choice) => client.startTls(target.host, choice), target.host, client.connection);
    if (secured !== 'done') return secured;
    await client.capability();
    const auth = await this.imapAuthenticate(client, credentials);
    if (auth?.status !== 'OK') {
      await client.logout().catch(() => {});
      return 'failed';
    }
    return (await act(client)) ? 'done' : 'failed';
  }

  private imapAuthenticate(client: ImapClient, credentials: Credentials) {
    return 'sasl' in credentials
      ? client.authenticate(credentials.sasl)
      : client.login(credentials.loginCommand.user, credentials.loginCommand.password);
  }

  private async smtp(
    target: Target,
    credentials: Credentials,
    act: (client: SmtpClient) => Promise<boolean>,
  ): Promise<SessionEnd> {
    if (!('sasl' in credentials)) throw new Error('SMTP authenticates with SASL only');
    const { client, greeting } = await SmtpClient.connect(target, this.io('smtp', target));
    if (greeting?.code !== 220) return this.abandon(client.connection);
    await client.ehlo(CLIENT_NAME);
    if (this.fault === 'auth-before-starttls') await client.authenticate(credentials.sasl);
    const secured = await this.secure((choice) => client.startTls(target.host, choice), target.host, client.connection);
    if (secured !== 'done') return secured;
    await client.ehlo(CLIENT_NAME);
    const auth = await client.authenticate(credentials.sasl);
    if (auth?.code !== 235) {
      await client.quit().catch(() => {});
      return 'failed';
    }
    return (await act(client)) ? 'done' : 'failed';
  }

  private abandon(connection: { destroy(): void }): SessionEnd {
    connection.destroy();
    return 'failed';
  }

  /** STARTTLS, then the server certificate judged before anything else is sent. */
  private async secure(
    startTls: (choice: TlsChoice) => Promise<Upgrade>,
    host: string,
    connection: { destroy(): void },
  ): Promise<SessionEnd> {
    const upgrade = await startTls(this.tlsChoice());
    if (!upgrade.ok) {
      this.step('tls', false, 'lps.step.tlsFailed', { code: upgrade.code, error: upgrade.error });
      return this.abandon(connection);
    }
    this.step(
      'tls',
      true,
      'lps.step.tls',
      { version: upgrade.version, cipher: upgrade.cipher },
      { version: upgrade.version, cipher: upgrade.cipher },
    );
    const mode = this.verificationMode();
    const verdict = await this.verifier().verify(upgrade.socket, host, mode, (fetch) =>
      this.step(
        'crl',
        fetch.cached || fetch.outcome === '200',
        fetch.cached ? 'lps.step.crlCached' : 'lps.step.crl',
        { url: fetch.url, outcome: fetch.outcome },
        { ...fetch },
      ),
    );
    if (!verdict.accepted) {
      this.step(
        'certificate',
        true,
        'lps.step.certificateRefused',
        { reason: t(`lps.refusal.${verdict.reason}`), detail: verdict.detail },
        { reason: verdict.reason },
      );
      this.abandon(connection);
      return 'refused';
    }
    const key: MessageKey =
      mode === 'full'
        ? 'lps.step.certificateAccepted'
        : mode === 'no-revocation'
          ? 'lps.step.certificateNoRevocation'
          : 'lps.step.certificateNotChecked';
    this.step('certificate', true, key, { subject: verdict.subject });
    return 'done';
  }

  // What the play sends: TLS parameters, credentials, messages.

  private tlsChoice(): TlsChoice {
    const allowed = ALLOWED_TLS12_SUITES.map((s) => s.openssl);
    const choice: TlsChoice = {
      ca: this.context.trust,
      ciphers: allowed.join(':'),
      minVersion: 'TLSv1.2',
      maxVersion: 'TLSv1.3',
    };
    if (this.fault === 'forbidden-suite') choice.ciphers = [...allowed, 'AES128-SHA'].join(':');
    if (this.fault === 'missing-suites') choice.ciphers = allowed.filter((s) => s.startsWith('ECDHE-')).join(':');
    // OpenSSL 3 only speaks TLS 1.1 at security level 0, with suites that exist before TLS 1.2.
    if (this.fault === 'tls11')
      Object.assign(choice, {
        minVersion: 'TLSv1.1',
        maxVersion: 'TLSv1.1',
        ciphers: 'ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA:@SECLEVEL=0',
      });
    const certificate = this.job.bal === 'AUTH_CLI' ? this.clientCertificate() : undefined;
    if (certificate) Object.assign(choice, { cert: certificate.certPem, key: certificate.keyPem });
    return choice;
  }

  private clientCertificate(): ClientKeyPair | undefined {
    if (this.fault === 'no-client-certificate') return undefined;
    return this.fault === 'wrong-ou' ? this.context.foreignClientCertificate : this.context.account.clientCertificate;
  }

  private verificationMode(): VerificationMode {
    return this.fault === 'accept-bad-certificate'
      ? 'none'
      : this.fault === 'no-revocation-check'
        ? 'no-revocation'
        : 'full';
  }

  private verifier(): ServerCertificates {
    let verifier = verifiers.get(this.context);
    if (!verifier) verifiers.set(this.context, (verifier = new ServerCertificates(this.context.localAddress)));
    return verifier;
  }

  /** The BAL type's authentication, or the fault's; `again` is the reconnection of a reopen job. */
  private async credentials(phase: Phase, user = this.mailbox): Promise<Credentials> {
    const { account } = this.context;
    if (this.job.bal === 'AUTH_CLI') {
      // MSS-CONF.12: the certificate authenticates; PLAIN carries the address (no password is needed).
      return { sasl: plain(this.fault === 'wrong-user' ? (account.idnatAuthCli ?? user) : user, '') };
    }
    const tokens = this.context.tokens as TokenSource;
    const password = this.context.passwords[user] ?? '';
    switch (this.fault) {
      case 'login-instead-of-xoauth2':
        return this.job.protocol === 'imap' ? { loginCommand: { user, password } } : { sasl: login(user, password) };
      case 'oauthbearer':
        return { sasl: oauthBearer(user, await this.token(tokens)) };
      case 'wrong-user':
        return { sasl: xoauth2(account.idnatPsc ?? user, await this.token(tokens)) };
      case 'id-token':
        return { sasl: xoauth2(user, await tokens.idToken()) };
      case 'expired-token':
        if (this.job.kind !== 'reopen' || phase === 'again') {
          const token = await tokens.expiredAccess((seconds) =>
            this.step('token', true, 'lps.step.tokenWait', { seconds }),
          );
          return { sasl: xoauth2(user, token) };
        }
        return { sasl: xoauth2(user, await this.token(tokens)) };
      default:
        return { sasl: xoauth2(user, await this.token(tokens)) };
    }
  }

  private async token(tokens: TokenSource): Promise<string> {
    const token = await tokens.access();
    // A payload that is not JSON is no reason to stop: the token is sent, its expiry unknown.
    const exp = Number(decodeSegment(token.split('.')[1] ?? '')?.exp);
    this.step('token', true, 'lps.step.token', { expires: exp ? clockTime(exp * 1000) : '—' });
    return token;
  }

  private message(to: string[]): Buffer {
    const { account } = this.context;
    const message = jobMessage({
      job: this.job,
      nil: account.nil,
      patientAddress: account.patientAddress,
      from: this.mailbox,
      to,
      fault: this.fault,
    });
    const headers = message.headers.map(([name, value]) => `${name}: ${value}`).join(', ') || t('lps.step.noMssHeader');
    this.step('message', true, 'lps.step.message', {
      to: to.join(', '),
      headers,
      attachments: message.attachments.map((a) => a.filename).join(', ') || '—',
    });
    return composeMessage(message);
  }

  private async otherFolder(client: ImapClient): Promise<string | null> {
    const folders = (await client.list()).filter(
      (f) => f.name.toUpperCase() !== 'INBOX' && !f.flags.some((flag) => /^\\noselect$/i.test(flag)),
    );
    const other = folders.find((f) => f.flags.some((flag) => /^\\sent$/i.test(flag))) ?? folders[0];
    return other?.name ?? null;
  }

  // Plumbing.

  private endpointTarget(id: string): Target {
    const endpoint = this.context.endpoints.endpoints.find((e) => e.id === id);
    if (!endpoint) throw new LpsUsageError(t('lps.error.unknownEndpoint', { endpoint: id }));
    return {
      host: endpoint.host,
      address: endpoint.address,
      port: this.job.protocol === 'imap' ? endpoint.imap : endpoint.smtp,
    };
  }

  private connected(protocol: 'imap' | 'smtp', target: Target, localPort: number): void {
    const endpoint =
      this.context.endpoints.endpoints.find(
        (e) => e.host === target.host && (protocol === 'imap' ? e.imap : e.smtp) === target.port,
      )?.id ?? null;
    this.connections.push({
      protocol,
      endpoint,
      host: target.host,
      address: target.address,
      port: target.port,
      localPort,
    });
    this.step(
      'connect',
      true,
      'lps.step.connect',
      { protocol: protocol.toUpperCase(), host: target.host, address: target.address, port: target.port, localPort },
      { endpoint, localPort },
    );
  }

  private io(protocol: 'imap' | 'smtp', target: Target): ConnectOptions {
    return {
      localAddress: this.context.localAddress,
      timeoutMs: this.context.timeoutMs ?? 30_000,
      onOpen: (localPort) => this.connected(protocol, target, localPort),
      exchange: (sent: string, reply: string, ok: boolean) =>
        sent
          ? this.step('exchange', ok, 'lps.step.exchange', { sent, reply }, { sent, reply })
          : this.step('exchange', ok, 'lps.step.greeting', { reply }, { reply }),
    };
  }
}
