// The platform's SMTP submission client (RFC 5321, 3207 STARTTLS, 4954 AUTH), used by the reference LPS and
// the webmail: every command is the caller's choice, and every exchange is reported to it as it happens.
import { t } from '../../i18n/messages.ts';
import {
  LineConnection,
  type ConnectOptions,
  type Exchange,
  type Target,
  type TlsChoice,
  type Upgrade,
} from './connection.ts';
import type { SaslRequest } from './sasl.ts';

export interface SmtpReply {
  code: number;
  lines: string[];
}

function smtpReplyText(reply: SmtpReply | null): string {
  return reply ? `${reply.code} ${reply.lines.join(' / ')}`.trim() : t('lps.shown.closed');
}

const positive = (reply: SmtpReply | null) => reply !== null && reply.code < 400;

export class SmtpClient {
  private constructor(
    readonly connection: LineConnection,
    private readonly exchange: Exchange,
  ) {}

  static async connect(
    target: Target,
    options: ConnectOptions,
  ): Promise<{ client: SmtpClient; greeting: SmtpReply | null }> {
    const connection = await LineConnection.open(target, options);
    options.onOpen(connection.localPort);
    const client = new SmtpClient(connection, options.exchange);
    const greeting = await client.readReply();
    options.exchange('', smtpReplyText(greeting), greeting?.code === 220);
    return { client, greeting };
  }

  /** One reply, multi-line included; null once the server closed. */
  async readReply(timeoutMs?: number): Promise<SmtpReply | null> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.connection.readLine(timeoutMs);
      if (line === null) return null;
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) continue;
      lines.push(match[3]!);
      if (match[2] !== '-') return { code: Number(match[1]), lines };
    }
  }

  async command(line: string, shown: string = line): Promise<SmtpReply | null> {
    this.connection.write(`${line}\r\n`);
    const reply = await this.readReply();
    this.exchange(shown, smtpReplyText(reply), positive(reply));
    return reply;
  }

  async ehlo(name: string): Promise<SmtpReply | null> {
    return this.command(`EHLO ${name}`);
  }

  async startTls(host: string, choice: TlsChoice): Promise<Upgrade> {
    const reply = await this.command('STARTTLS');
    if (reply?.code !== 220) return { ok: false, code: 'STARTTLS_REFUSED', error: smtpReplyText(reply) };
    return this.connection.upgrade(host, choice);
  }

  /** AUTH with the request's responses; a challenge left unanswered gets an empty line (XOAUTH2 error, RFC 4954 §4). */
  async authenticate(request: SaslRequest): Promise<SmtpReply | null> {
    const pending = [...request.responses];
    const first = request.initialResponse ? ` ${pending.shift()}` : '';
    let reply = await this.command(
      `AUTH ${request.mechanism}${first}`,
      `AUTH ${request.mechanism}${first ? ` ${t('lps.shown.initialResponse')}` : ''}`,
    );
    while (reply?.code === 334) {
      const next = pending.shift();
      reply = await this.command(next ?? '', t(next === undefined ? 'lps.shown.emptyLine' : 'lps.shown.saslResponse'));
    }
    return reply;
  }

  /** MAIL FROM, RCPT TO, DATA, then the message dot-stuffed; the final reply (250 when accepted). */
  async send(from: string, to: string[], message: Buffer): Promise<SmtpReply | null> {
    const mail = await this.command(`MAIL FROM:<${from}> SIZE=${message.length}`);
    if (!positive(mail)) return mail;
    for (const recipient of to) {
      const rcpt = await this.command(`RCPT TO:<${recipient}>`);
      if (!positive(rcpt)) return rcpt;
    }
    const data = await this.command('DATA');
    if (data?.code !== 354) return data;
    const text = message.toString('utf8').replace(/\r?\n/g, '\r\n');
    const stuffed = text.replace(/^\./gm, '..');
    this.connection.write(`${stuffed}${stuffed.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    const reply = await this.readReply();
    this.exchange(t('lps.shown.message', { size: message.length }), smtpReplyText(reply), reply?.code === 250);
    return reply;
  }

  async quit(): Promise<void> {
    await this.command('QUIT');
    await this.connection.end();
  }

  /** Keeps the session open until the server ends it (421), or the time is up. */
  async awaitServerClose(timeoutMs: number): Promise<{ closed: boolean; reply: SmtpReply | null }> {
    try {
      const reply = await this.readReply(timeoutMs);
      await this.connection.closed(5000);
      return { closed: true, reply };
    } catch {
      return { closed: false, reply: null };
    }
  }
}
