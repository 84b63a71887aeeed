// SMTP submission (RFC 5321, 6409) with STARTTLS (RFC 3207) and AUTH (RFC 4954), as an MSSanté operator's
// port 587 behaves: nothing but EHLO/STARTTLS/NOOP/RSET/QUIT before TLS, authentication before mail, local
// delivery only. Every command, its reply and each message are recorded; verdicts are not decided here.
import type { FactData } from '../../observe/journal.ts';
import { contentFacts } from '../message/attachments.ts';
import { headerValue } from '../message/headers.ts';
import { parseMime } from '../message/mime.ts';
import { Conversation } from '../conversation.ts';
import type { Line } from '../line-reader.ts';
import {
  ADVERTISED_MECHANISMS,
  exposedCredentials,
  isKnownMechanism,
  SaslExchange,
  type SaslStep,
} from '../sasl/mechanisms.ts';
import { parseCommandLine } from './command.ts';
import { parsePath } from './envelope.ts';

interface Transaction {
  from: string;
  params: Map<string, string>;
  recipients: string[];
}

/** One reply: code, enhanced status code (RFC 3463) and text lines. */
interface Reply {
  code: number;
  status?: string;
  lines: string[];
}

/**
 * How a command is answered: the reply, recorded with the command; or nothing when the handler sent its own
 * replies (STARTTLS, AUTH and DATA exchange more than one, QUIT closes the session after its reply).
 */
type CommandHandler = (session: SmtpSession, args: string, pipelined: boolean) => Reply | Promise<Reply | void>;

const OK: Reply = { code: 250, status: '2.0.0', lines: ['Ok'] };

const COMMANDS: Record<string, CommandHandler> = {
  EHLO: (s, a) => s.hello('EHLO', a),
  HELO: (s, a) => s.hello('HELO', a),
  STARTTLS: (s, a) => s.startTls(a),
  AUTH: (s, a, p) => s.auth(a, p),
  MAIL: (s, a) => s.mail(a),
  RCPT: (s, a) => s.rcpt(a),
  DATA: (s, a, p) => s.data(a, p),
  RSET: (s) => s.reset(),
  NOOP: () => OK,
  VRFY: () => ({ code: 252, status: '2.5.0', lines: ['Cannot VRFY user, but will accept message'] }),
  HELP: () => ({ code: 214, status: '2.0.0', lines: ['See RFC 5321'] }),
  QUIT: (s, a, p) => s.quit(a, p),
};

export class SmtpSession extends Conversation {
  private greeted: string | undefined;
  private transaction: Transaction | undefined;
  private badCommands = 0;
  protected readonly timeoutReason = 'Timeout exceeded';

  private get config() {
    return this.services.config;
  }

  private get host() {
    return this.session.endpoint.host;
  }

  async run(): Promise<void> {
    this.armTimeout();
    this.send({ code: 220, lines: [`${this.host} ESMTP MSSanté (motco)`] });
    while (!this.closing) {
      this.awaitCommand();
      const line = await this.reader.readLine(this.config.smtp.maxCommandLineBytes);
      if (!line) break;
      await this.handle(line);
    }
  }

  /** A 421, as an operator does on shutdown or inactivity. */
  protected goodbye(reason: string, by: 'server' | 'timeout'): void {
    this.send({
      code: 421,
      status: by === 'timeout' ? '4.4.2' : '4.3.2',
      lines: [`${this.host} ${reason}, closing transmission channel`],
    });
  }

  protected idleTimeoutMs(): number {
    return (this.session.mailbox ? this.config.smtp.idleTimeoutSeconds : this.config.smtp.preAuthTimeoutSeconds) * 1000;
  }

  private async handle(line: Line): Promise<void> {
    const pipelined = this.reader.buffered > 0;
    if (this.session.tls) this.session.commandsAfterTls += 1;
    const command = parseCommandLine(line);
    if (!command.ok) {
      return this.answer(
        command.verb,
        '',
        { code: command.code, status: command.status, lines: [command.text] },
        { pipelined, ...(command.tooLong ? { tooLong: true } : {}) },
      );
    }
    const { verb, args } = command;
    const handler = COMMANDS[verb];
    if (!handler)
      return this.answer(verb, args, { code: 502, status: '5.5.1', lines: ['Command not implemented'] }, { pipelined });
    const reply = await handler(this, args, pipelined);
    if (reply) await this.answer(verb, args, reply, { pipelined });
  }

  hello(verb: 'EHLO' | 'HELO', args: string): Reply {
    const name = args.trim();
    if (!name) return { code: 501, status: '5.5.4', lines: [`Syntax: ${verb} hostname`] };
    this.greeted = name;
    this.transaction = undefined;
    if (verb === 'HELO') return { code: 250, lines: [this.host] };
    const extensions = [
      'PIPELINING',
      `SIZE ${this.config.smtp.maxMessageBytes}`,
      'ENHANCEDSTATUSCODES',
      '8BITMIME',
      'SMTPUTF8',
      // RFC 4954 §4 and operators' practice: no AUTH offered in clear, no STARTTLS once secure.
      this.session.tls ? `AUTH ${ADVERTISED_MECHANISMS.join(' ')}` : 'STARTTLS',
    ];
    return { code: 250, lines: [`${this.host} Hello ${name} [${this.session.clientIp}]`, ...extensions] };
  }

  async startTls(args: string): Promise<void> {
    if (this.session.tls)
      return this.answer('STARTTLS', args, { code: 503, status: '5.5.1', lines: ['TLS already active'] });
    if (args.trim()) return this.answer('STARTTLS', args, { code: 501, status: '5.5.4', lines: ['Syntax: STARTTLS'] });
    if (
      !(await this.switchToTls(() =>
        this.answer('STARTTLS', '', { code: 220, status: '2.0.0', lines: ['Ready to start TLS'] }),
      ))
    )
      return;
    // RFC 3207 §4.2: forget everything learnt before TLS; the client must EHLO again.
    this.greeted = undefined;
    this.transaction = undefined;
  }

  async auth(args: string, pipelined: boolean): Promise<void> {
    const [rawMechanism = '', initial] = args.trim().split(/\s+/);
    const mechanism = rawMechanism.toUpperCase();
    const refuse = async (reply: Reply, reason: string, extra: Partial<FactData<'auth'>> = {}) => {
      await this.session.record('auth', {
        mechanism,
        outcome: 'refused',
        reason,
        tls: Boolean(this.session.tls),
        ...extra,
      });
      return this.answer('AUTH', mechanism, reply, { pipelined });
    };
    if (!this.session.tls) {
      // Recorded with whether credentials travelled in clear: a decisive fact for the verdicts.
      return refuse({ code: 530, status: '5.7.0', lines: ['Must issue a STARTTLS command first'] }, 'tls_required', {
        credentialsInClear: initial !== undefined,
        ...exposedCredentials(mechanism, initial),
      });
    }
    if (!this.greeted) return refuse({ code: 503, status: '5.5.1', lines: ['Send EHLO first'] }, 'no_ehlo');
    if (this.session.mailbox)
      return refuse({ code: 503, status: '5.5.1', lines: ['Already authenticated'] }, 'already_authenticated');
    if (this.transaction)
      return refuse(
        { code: 503, status: '5.5.1', lines: ['AUTH not allowed during a mail transaction'] },
        'in_transaction',
      );
    if (!isKnownMechanism(mechanism)) {
      return refuse({ code: 504, status: '5.5.4', lines: ['Unrecognized authentication type'] }, 'unknown_mechanism');
    }

    const exchange = new SaslExchange(mechanism);
    let step: SaslStep = exchange.start(initial);
    while (step.kind === 'challenge') {
      this.send({ code: 334, lines: [step.challenge] });
      const line = await this.reader.readLine(this.config.smtp.maxCommandLineBytes);
      // A client that hangs up or sends a command instead of its response gave up: journaled as such.
      if (!line) {
        await this.session.record('auth', { mechanism, outcome: 'abandoned', reason: 'disconnected', tls: true });
        return;
      }
      const command = line.tooLong ? undefined : smtpCommandIn(line.text.toString('utf8'));
      if (command) {
        await this.session.record('auth', {
          mechanism,
          outcome: 'abandoned',
          reason: 'new_command',
          newCommand: command,
          tls: true,
        });
        return this.answer(
          'AUTH',
          mechanism,
          { code: 501, status: '5.5.2', lines: [`Authentication abandoned: ${command} sent instead of a response`] },
          { pipelined },
        );
      }
      step = line.tooLong
        ? { kind: 'error', reason: 'malformed', detail: 'response too long' }
        : exchange.respond(line.text.toString('utf8'));
    }
    if (step.kind === 'error') {
      const cancelled = step.reason === 'cancelled';
      await this.session.record('auth', {
        mechanism,
        outcome: cancelled ? 'cancelled' : 'failure',
        reason: step.reason,
        detail: step.detail,
        user: step.user,
        tls: true,
      });
      return this.answer(
        'AUTH',
        mechanism,
        cancelled
          ? { code: 501, status: '5.0.0', lines: ['Authentication cancelled'] }
          : { code: 501, status: '5.5.2', lines: ['Invalid authentication response'] },
        { pipelined },
      );
    }

    const decision = await this.services.authenticator.decide(
      step.credentials,
      this.session.tls,
      this.session.endpoint,
    );
    if (decision.ok && decision.mailbox) {
      this.session.mailbox = decision.mailbox.address;
      this.armTimeout();
      await this.session.record('auth', { ...decision.facts, outcome: 'success', reason: decision.reason, tls: true });
      return this.answer(
        'AUTH',
        mechanism,
        { code: 235, status: '2.7.0', lines: ['Authentication successful'] },
        { pipelined },
      );
    }
    await this.session.record('auth', { ...decision.facts, outcome: 'failure', reason: decision.reason, tls: true });
    if (decision.reason === 'mechanism_not_offered') {
      return this.answer(
        'AUTH',
        mechanism,
        { code: 504, status: '5.5.4', lines: ['Unrecognized authentication type'] },
        { pipelined },
      );
    }
    if (mechanism === 'XOAUTH2') {
      // Gmail-style error challenge, as MSSanté operators answer a refused token; the client then sends an
      // empty line and gets the final 535.
      const error = { status: '401', schemes: 'bearer', scope: 'mail' };
      this.send({ code: 334, lines: [Buffer.from(JSON.stringify(error)).toString('base64')] });
      const line = await this.reader.readLine(this.config.smtp.maxCommandLineBytes);
      if (!line) return;
    }
    return this.answer(
      'AUTH',
      mechanism,
      { code: 535, status: '5.7.8', lines: ['Authentication credentials invalid'] },
      { pipelined },
    );
  }

  async mail(args: string): Promise<Reply> {
    if (!this.session.tls) return { code: 530, status: '5.7.0', lines: ['Must issue a STARTTLS command first'] };
    if (!this.greeted) return { code: 503, status: '5.5.1', lines: ['Send EHLO first'] };
    if (!this.session.mailbox) return { code: 530, status: '5.7.0', lines: ['Authentication required'] };
    if (this.transaction) return { code: 503, status: '5.5.1', lines: ['Nested MAIL command'] };
    const path = parsePath(args, 'FROM');
    if ('error' in path) return { code: 501, status: '5.1.7', lines: [`Bad sender address syntax: ${path.error}`] };
    for (const [key, value] of path.params) {
      if (key === 'SIZE') {
        if (!/^\d+$/.test(value)) return { code: 501, status: '5.5.4', lines: ['Bad SIZE parameter'] };
        if (Number(value) > this.config.smtp.maxMessageBytes)
          return { code: 552, status: '5.3.4', lines: ['Message size exceeds fixed maximum message size'] };
      } else if (key === 'BODY') {
        if (!['7BIT', '8BITMIME'].includes(value.toUpperCase()))
          return { code: 501, status: '5.5.4', lines: ['Bad BODY parameter'] };
      } else if (key !== 'SMTPUTF8' && key !== 'AUTH') {
        return { code: 555, status: '5.5.4', lines: [`Unsupported parameter ${key}`] };
      }
    }
    this.transaction = { from: path.address, params: path.params, recipients: [] };
    return { code: 250, status: '2.1.0', lines: ['Ok'] };
  }

  async rcpt(args: string): Promise<Reply> {
    if (!this.transaction) return { code: 503, status: '5.5.1', lines: ['Need MAIL command'] };
    const path = parsePath(args, 'TO');
    if ('error' in path) return { code: 501, status: '5.1.3', lines: [`Bad recipient address syntax: ${path.error}`] };
    if (path.params.size > 0)
      return { code: 555, status: '5.5.4', lines: [`Unsupported parameter ${[...path.params.keys()][0]}`] };
    if (this.transaction.recipients.length >= this.config.smtp.maxRecipients)
      return { code: 452, status: '4.5.3', lines: ['Too many recipients'] };
    const mailboxes = this.services.mailboxes;
    const domain = mailboxes.domainOf(path.address);
    if (!domain)
      return {
        code: 550,
        status: '5.7.1',
        lines: ['Relay access denied: the test platform only delivers to its own domains'],
      };
    if (domain === 'mail' && !(await mailboxes.find(path.address)))
      return { code: 550, status: '5.1.1', lines: ['Recipient address rejected: mailbox unknown'] };
    if (!this.transaction.recipients.includes(path.address)) this.transaction.recipients.push(path.address);
    return { code: 250, status: '2.1.5', lines: ['Ok'] };
  }

  reset(): Reply {
    this.transaction = undefined;
    return OK;
  }

  async quit(args: string, pipelined: boolean): Promise<void> {
    this.session.closedBy ??= 'client';
    this.session.closeReason ??= 'QUIT';
    await this.answer('QUIT', args, { code: 221, status: '2.0.0', lines: [`${this.host} Bye`] }, { pipelined });
    return this.finish();
  }

  async data(args: string, pipelined: boolean): Promise<void> {
    const transaction = this.transaction;
    if (args.trim())
      return this.answer('DATA', args, { code: 501, status: '5.5.4', lines: ['Syntax: DATA'] }, { pipelined });
    if (!transaction)
      return this.answer('DATA', args, { code: 503, status: '5.5.1', lines: ['Need MAIL command'] }, { pipelined });
    if (transaction.recipients.length === 0)
      return this.answer('DATA', args, { code: 554, status: '5.5.1', lines: ['No valid recipients'] }, { pipelined });
    await this.answer('DATA', args, { code: 354, lines: ['End data with <CR><LF>.<CR><LF>'] }, { pipelined });

    const received = await this.reader.readDotData(this.config.smtp.maxMessageBytes, this.config.smtp.maxDataLineBytes);
    this.transaction = undefined;
    if (!received) {
      await this.session.record('message', { outcome: 'aborted', from: transaction.from, to: transaction.recipients });
      return;
    }
    if (!received.data) {
      await this.session.record('message', {
        outcome: 'too_large',
        from: transaction.from,
        to: transaction.recipients,
        size: received.size,
      });
      return this.answer('DATA', '', {
        code: 552,
        status: '5.3.4',
        lines: ['Message size exceeds fixed maximum message size'],
      });
    }

    const message = received.data;
    // A full mailbox refuses the message whole, before anything is kept (RFC 3463 5.2.2 « mailbox full »).
    const full = await this.services.delivery.overQuota(transaction.recipients, message.length);
    if (full) {
      await this.session.record('message', {
        outcome: 'over_quota',
        from: transaction.from,
        to: transaction.recipients,
        size: message.length,
        overQuota: [full],
      });
      return this.answer('DATA', '', { code: 552, status: '5.2.2', lines: [`Mailbox full: ${full}`] });
    }
    const root = parseMime(message);
    const headers = root.headers;
    const submission = await this.services.submissions.save(this.session.id, this.session.mailbox, message);
    const { delivered: stored, overQuota } = await this.services.delivery.deliver(
      transaction.recipients,
      Buffer.concat([Buffer.from(this.receivedHeader(submission.id)), message]),
    );
    if (stored.length === 0 && overQuota.length > 0) {
      // Every mailbox filled up meanwhile (another delivery at the same moment): refused after all.
      await this.session.record('message', {
        outcome: 'over_quota',
        submissionId: submission.id,
        from: transaction.from,
        to: transaction.recipients,
        size: message.length,
        overQuota,
      });
      return this.answer('DATA', '', { code: 552, status: '5.2.2', lines: [`Mailbox full: ${overQuota.join(', ')}`] });
    }
    await this.session.record('message', {
      outcome: 'accepted',
      submissionId: submission.id,
      sha256: submission.sha256,
      from: transaction.from,
      to: transaction.recipients,
      fromMatchesMailbox: transaction.from.toLowerCase() === this.session.mailbox?.toLowerCase(),
      size: message.length,
      headers,
      messageId: headerValue(headers, 'Message-ID') ?? null,
      subject: headerValue(headers, 'Subject') ?? null,
      longLines: received.longLines,
      bareLfLines: received.bareLfLines,
      ...contentFacts(message, root),
      stored: stored.map((s) => ({ address: s.address, folder: 'INBOX', uid: s.uid })),
      ...(overQuota.length > 0 ? { overQuota } : {}),
    });
    await this.answer('DATA', '', { code: 250, status: '2.0.0', lines: [`Ok: queued as ${submission.id}`] });
    this.services.registry.notify(this.session, { type: 'message-accepted' });
  }

  private receivedHeader(id: number): string {
    const tls = this.session.tls ? ` (using ${this.session.tls.version} with cipher ${this.session.tls.cipher})` : '';
    // RFC 3848: ESMTPSA = ESMTP with STARTTLS and AUTH.
    return (
      `Received: from ${this.greeted ?? 'unknown'} ([${this.session.clientIp}])\r\n` +
      `\tby ${this.host} (motco)${tls}\r\n` +
      `\twith ESMTPSA id ${id}\r\n` +
      `\tfor <${this.session.mailbox ?? 'unknown'}>; ${new Date().toUTCString().replace('GMT', '+0000')}\r\n`
    );
  }

  /** Sends a reply and records the command with it. Too many errors end the session (421). */
  private async answer(
    verb: string,
    args: string,
    reply: Reply,
    extra: Partial<Pick<FactData<'command'>, 'pipelined' | 'tooLong'>> = {},
  ): Promise<void> {
    this.send(reply);
    await this.session.record('command', {
      verb,
      args: verb === 'AUTH' ? (args.split(' ')[0] ?? '') : args.slice(0, 512),
      reply: { code: reply.code, status: reply.status ?? null, text: reply.lines.join('\n').slice(0, 512) },
      tls: Boolean(this.session.tls),
      authenticated: Boolean(this.session.mailbox),
      ...extra,
    });
    if (reply.code >= 500 && reply.code !== 535 && ++this.badCommands >= this.config.smtp.maxBadCommands) {
      this.closeByServer('Too many errors');
    }
  }

  private send(reply: Reply): void {
    const prefix = reply.status ? `${reply.status} ` : '';
    const lines = reply.lines.length > 0 ? reply.lines : [''];
    // A SASL challenge is `334 SP [base64]` (RFC 4954 §4): an empty one keeps its space, which clients such as
    // msmtp require; other replies lose trailing blanks.
    const text = lines
      .map((line, i) => {
        const full = `${reply.code}${i === lines.length - 1 ? ' ' : '-'}${prefix}${line}`;
        return `${reply.code === 334 ? full : full.trimEnd()}\r\n`;
      })
      .join('');
    this.write(text);
  }
}

/** Verbs of RFC 5321/3207/4954/3030: a line that is one of them, mid-exchange, is a command, not a SASL response. */
const SMTP_VERBS = new Set([
  'EHLO',
  'HELO',
  'MAIL',
  'RCPT',
  'DATA',
  'BDAT',
  'RSET',
  'NOOP',
  'QUIT',
  'VRFY',
  'EXPN',
  'HELP',
  'STARTTLS',
  'AUTH',
]);

/**
 * The verb of an SMTP command sent where a SASL response was expected, if the line is one. A response is
 * base64 without spaces, so only a bare verb (QUIT, NOOP, STARTTLS…) is also valid base64, and none decodes
 * to a response a client would send.
 */
function smtpCommandIn(text: string): string | undefined {
  const verb = /^([A-Za-z]{4,8})(?: |$)/.exec(text)?.[1]?.toUpperCase();
  return verb && SMTP_VERBS.has(verb) ? verb : undefined;
}
