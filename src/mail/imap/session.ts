// IMAP4rev1 (RFC 3501) as an MSSanté operator's port 143 behaves: STARTTLS first (LOGINDISABLED and no
// AUTH= before TLS), SASL PLAIN/LOGIN/XOAUTH2 with SASL-IR (RFC 4959), then the commands LPS clients use,
// with IDLE (RFC 2177), UIDPLUS (RFC 4315), MOVE (RFC 6851), SPECIAL-USE (RFC 6154), UNSELECT (RFC 3691),
// LITERAL+ (RFC 7888), ENABLE (RFC 5161), ID (RFC 2971), NAMESPACE (RFC 2342) and CHILDREN (RFC 3348).
// Every command is recorded with its tag and tagged status; verdicts are not decided here.
import type { FactData } from '../../observe/journal.ts';
import type { AuthFacts } from '../authenticate.ts';
import { Conversation } from '../conversation.ts';
import type { Folder, Mailbox } from '../mailbox/store.ts';
import {
  ADVERTISED_MECHANISMS,
  exposedCredentials,
  isKnownMechanism,
  SaslExchange,
  type SaslCredentials,
  type SaslStep,
} from '../sasl/mechanisms.ts';
import type { SessionEvent } from '../sessions.ts';
import { bad, MailboxNameError, no, ok, type CommandFacts, type ImapContext, type Reply } from './context.ts';
import * as folders from './folders.ts';
import * as messages from './message-commands.ts';
import { Args, parseCommand, ImapNestingError, ImapSyntaxError, type Command, type Token } from './parser.ts';
import { SelectedFolder } from './selected.ts';
import { encode, str, type Wire } from './wire.ts';

/**
 * Where a command is valid (RFC 3501 §3): any state, before authentication, once authenticated, with a folder selected.
 */
type Scope = 'any' | 'unauthenticated' | 'authenticated' | 'selected';

interface CommandSpec {
  scope: Scope;
  run(session: ImapSession, args: Args, command: Command): Promise<Reply | null>;
  /** FETCH, STORE and SEARCH by sequence number: no EXPUNGE may be announced with them (RFC 3501 §7.4.1). */
  holdExpunges?: boolean;
}

const COMMANDS: Record<string, CommandSpec> = {
  CAPABILITY: { scope: 'any', run: (s, a) => s.capability(a) },
  NOOP: { scope: 'any', run: (s, a) => s.noop(a, 'NOOP') },
  LOGOUT: { scope: 'any', run: (s, a, c) => s.logout(a, c) },
  ID: { scope: 'any', run: (s, a) => s.id(a) },
  STARTTLS: { scope: 'unauthenticated', run: (s, a, c) => s.startTls(a, c) },
  AUTHENTICATE: { scope: 'unauthenticated', run: (s, a) => s.authenticate(a) },
  LOGIN: { scope: 'unauthenticated', run: (s, a) => s.login(a) },
  ENABLE: { scope: 'authenticated', run: (s, a) => s.enable(a) },
  NAMESPACE: { scope: 'authenticated', run: (s, a) => s.namespace(a) },
  IDLE: { scope: 'authenticated', run: (s, a) => s.idle(a) },
  SELECT: { scope: 'authenticated', run: (s, a) => folders.select(s, a, false) },
  EXAMINE: { scope: 'authenticated', run: (s, a) => folders.select(s, a, true) },
  CREATE: { scope: 'authenticated', run: (s, a) => folders.create(s, a) },
  DELETE: { scope: 'authenticated', run: (s, a) => folders.remove(s, a) },
  RENAME: { scope: 'authenticated', run: (s, a) => folders.rename(s, a) },
  SUBSCRIBE: { scope: 'authenticated', run: (s, a) => folders.subscribe(s, a, true) },
  UNSUBSCRIBE: { scope: 'authenticated', run: (s, a) => folders.subscribe(s, a, false) },
  LIST: { scope: 'authenticated', run: (s, a) => folders.list(s, a, false) },
  LSUB: { scope: 'authenticated', run: (s, a) => folders.list(s, a, true) },
  STATUS: { scope: 'authenticated', run: (s, a) => folders.status(s, a) },
  APPEND: { scope: 'authenticated', run: (s, a) => folders.append(s, a) },
  CHECK: { scope: 'selected', run: (s, a) => s.noop(a, 'CHECK') },
  CLOSE: { scope: 'selected', run: (s, a) => messages.close(s, a, true) },
  UNSELECT: { scope: 'selected', run: (s, a) => messages.close(s, a, false) },
  EXPUNGE: { scope: 'selected', run: (s, a) => messages.expunge(s, a, false) },
  'UID EXPUNGE': { scope: 'selected', run: (s, a) => messages.expunge(s, a, true) },
  SEARCH: { scope: 'selected', run: (s, a) => messages.search(s, a, false), holdExpunges: true },
  'UID SEARCH': { scope: 'selected', run: (s, a) => messages.search(s, a, true) },
  FETCH: { scope: 'selected', run: (s, a) => messages.fetch(s, a, false), holdExpunges: true },
  'UID FETCH': { scope: 'selected', run: (s, a) => messages.fetch(s, a, true) },
  STORE: { scope: 'selected', run: (s, a) => messages.store(s, a, false), holdExpunges: true },
  'UID STORE': { scope: 'selected', run: (s, a) => messages.store(s, a, true) },
  COPY: { scope: 'selected', run: (s, a) => messages.copy(s, a, false, false) },
  'UID COPY': { scope: 'selected', run: (s, a) => messages.copy(s, a, true, false) },
  MOVE: { scope: 'selected', run: (s, a) => messages.copy(s, a, false, true) },
  'UID MOVE': { scope: 'selected', run: (s, a) => messages.copy(s, a, true, true) },
};

/** One command as read off the wire, literals inline; or why it could not be read whole. */
type Input =
  | { kind: 'command'; bytes: Buffer; pipelined: boolean }
  | { kind: 'too-long'; pipelined: boolean }
  | {
      kind: 'too-big';
      limit: CommandLimit;
      head: Buffer;
      size: number;
      received: number;
      literals: number;
      pipelined: boolean;
    };

/**
 * The limits of one command as a whole: its literals (maxLiteralBytes once authenticated, maxLineBytes before),
 * its size (maxCommandBytes: lines and literals before authentication, lines after) and its literal count.
 */
type CommandLimit = 'literal' | 'command' | 'literals';

/** `{n}` or `{n+}` (RFC 7888) at the end of a line announces a literal. */
const LITERAL = /\{(\d{1,10})(\+?)\}$/;
const CRLF = Buffer.from('\r\n');
const SERVER_ID: Wire = [str('name'), str('motco'), str('vendor'), str('motco')];

export class ImapSession extends Conversation implements ImapContext {
  private badCommands = 0;
  private user: Mailbox | undefined;
  private view: SelectedFolder | undefined;
  protected readonly timeoutReason = 'Disconnected for inactivity';

  private get config() {
    return this.services.config.imap;
  }

  async run(): Promise<void> {
    this.armTimeout();
    this.untagged(
      `OK [CAPABILITY ${this.capabilities()}] ${this.session.endpoint.host} IMAP4rev1 MSSante (motco) ready`,
    );
    try {
      while (!this.closing) {
        this.awaitCommand();
        const input = await this.readCommand();
        if (!input) break;
        await this.handle(input);
      }
    } finally {
      this.deselect();
    }
  }

  /** * BYE (RFC 3501 §7.1.5), as a server does on shutdown or inactivity. */
  protected goodbye(reason: string): void {
    this.untagged(`BYE ${reason}`);
  }

  /** Short before authentication, at least 30 minutes after (RFC 3501 §5.4). */
  protected idleTimeoutMs(): number {
    return (this.user ? this.config.idleTimeoutSeconds : this.config.preAuthTimeoutSeconds) * 1000;
  }

  // ImapContext: what command handlers use.

  get store() {
    return this.services.mailboxes;
  }

  get mailbox(): Mailbox {
    if (!this.user) throw new Error('not authenticated');
    return this.user;
  }

  get selected(): SelectedFolder | undefined {
    return this.view;
  }

  async select(folder: Folder, readOnly: boolean): Promise<SelectedFolder> {
    this.deselect();
    this.view = await SelectedFolder.open(this.store, folder, readOnly, (line) => this.untagged(line));
    return this.view;
  }

  deselect(): void {
    this.view?.close();
    this.view = undefined;
  }

  untagged(line: string | Buffer): void {
    this.write(typeof line === 'string' ? `* ${line}\r\n` : Buffer.concat([STAR, line, CRLF]));
  }

  flush(): Promise<void> {
    const socket = this.socket;
    if (!socket.writableNeedDrain || socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  notify(event: SessionEvent): void {
    this.services.registry.notify(this.session, event);
  }

  // Reading commands.

  /**
   * Reads one command with its literals. Synchronising literals get a "+" continuation. A command over one
   * of its limits is refused before the literal that crosses it is sent ({n}), or that literal and the rest of
   * the command are read and dropped without being kept ({n+}): memory never grows with what a client sends.
   */
  private async readCommand(): Promise<Input | null> {
    const parts: Buffer[] = [];
    let lineBytes = 0;
    let literalBytes = 0;
    let literals = 0;
    for (;;) {
      const line = await this.reader.readLine(this.config.maxLineBytes);
      if (!line) return null;
      if (line.tooLong) return { kind: 'too-long', pipelined: this.reader.buffered > 0 };
      parts.push(line.text);
      lineBytes += line.text.length + 2;
      const announced = LITERAL.exec(line.text.subarray(-16).toString('latin1'));
      const size = announced ? Number(announced[1]) : 0;
      if (announced) {
        literals += 1;
        literalBytes += size;
      }
      const limit = this.overLimit(lineBytes, literalBytes, literals);
      if (limit) {
        if (announced && announced[2] === '+') await this.skipCommand(size);
        return {
          kind: 'too-big',
          limit,
          head: parts[0]!,
          size,
          received: lineBytes + literalBytes,
          literals,
          pipelined: false,
        };
      }
      if (!announced) return { kind: 'command', bytes: Buffer.concat(parts), pipelined: this.reader.buffered > 0 };
      if (announced[2] !== '+') this.write('+ Ready for literal data\r\n');
      const data = await this.reader.readBytes(size);
      if (!data) return null;
      parts.push(CRLF, data);
    }
  }

  /** Which limit of one command its lines, literals and literal count so far exceed, if any. */
  private overLimit(lineBytes: number, literalBytes: number, literals: number): CommandLimit | undefined {
    // Before authentication, literals only carry credentials: no reason to accept large ones.
    if (literalBytes > (this.user ? this.config.maxLiteralBytes : this.config.maxLineBytes)) return 'literal';
    if ((this.user ? lineBytes : lineBytes + literalBytes) > this.config.maxCommandBytes) return 'command';
    if (literals > this.config.maxLiterals) return 'literals';
    return undefined;
  }

  /**
   * Drops the rest of a refused command: `bytes` of a non-synchronising literal already on its way, then the
   * lines after it and their own {n+} literals, read in small pieces so that nothing large is held.
   */
  private async skipCommand(bytes: number): Promise<void> {
    let pending = bytes;
    for (;;) {
      while (pending > 0) {
        const piece = await this.reader.readBytes(Math.min(pending, 64 * 1024));
        if (!piece) return;
        pending -= piece.length;
      }
      const line = await this.reader.readLine(this.config.maxLineBytes);
      if (!line) return;
      const announced = LITERAL.exec(line.text.subarray(-16).toString('latin1'));
      if (announced?.[2] !== '+') return;
      pending = Number(announced[1]);
    }
  }

  // Answering.

  private async handle(input: Input): Promise<void> {
    if (this.session.tls) this.session.commandsAfterTls += 1;
    if (input.kind === 'too-long') {
      // The line was dropped unread, tag included: the client learns it from an untagged BAD.
      this.untagged('BAD [TOOBIG] Command line too long');
      await this.record(undefined, undefined, '', bad('Command line too long', 'TOOBIG'), {
        pipelined: input.pipelined,
        tooLong: true,
        limit: 'line',
      });
      return this.countBad();
    }
    if (input.kind === 'too-big') return this.refuseTooBig(input);
    const parsed = parseCommand(input.bytes, this.config.maxNestingDepth);
    if (!parsed.ok)
      return this.complete(parsed.tag, parsed.name, '', bad(parsed.error), {
        pipelined: input.pipelined,
        ...(parsed.limit ? { limit: parsed.limit } : {}),
      });
    const { command } = parsed;
    const summary = summarise(command);
    const spec = COMMANDS[command.name];
    const refusal = spec ? this.outOfState(spec.scope) : bad('Unknown command');
    if (refusal) return this.complete(command.tag, command.name, summary, refusal, { pipelined: input.pipelined });
    let reply: Reply | null;
    try {
      reply = await spec!.run(this, new Args(command.args, this.config.maxNestingDepth), command);
    } catch (error) {
      reply = this.failure(error, command);
    }
    if (reply)
      await this.complete(
        command.tag,
        command.name,
        summary,
        reply,
        { pipelined: input.pipelined },
        !spec!.holdExpunges,
      );
  }

  /** The tagged refusal of a command over one of its limits; only its first line was kept, for the tag and name. */
  private refuseTooBig(input: Extract<Input, { kind: 'too-big' }>): Promise<void> {
    const parsed = parseCommand(input.head, this.config.maxNestingDepth);
    const tag = parsed.ok ? parsed.command.tag : parsed.tag;
    const name = parsed.ok ? parsed.command.name : parsed.name;
    const facts = {
      pipelined: input.pipelined,
      limit: input.limit,
      received: input.received,
      literals: input.literals,
    };
    if (input.limit === 'literal')
      return this.complete(
        tag,
        name,
        `{${input.size} bytes}`,
        no(`Literal of ${input.size} bytes exceeds the limit`, 'TOOBIG'),
        facts,
      );
    const text =
      input.limit === 'literals'
        ? `More than ${this.config.maxLiterals} literals in one command`
        : 'Command exceeds the size limit';
    return this.complete(tag, name, '', bad(text, 'TOOBIG'), facts);
  }

  /**
   * The reply to an error thrown by a command handler. Syntax errors are the client's (BAD with their text);
   * a RangeError means a command too deep for some parser (BAD); anything else is ours (NO [SERVERBUG]). The
   * text of an unexpected error is logged, never sent, and the session goes on.
   */
  private failure(error: unknown, command: Command): Reply {
    if (error instanceof ImapNestingError) return { ...bad(error.message), facts: { limit: error.limit } };
    if (error instanceof ImapSyntaxError) return bad(error.message);
    if (error instanceof MailboxNameError) return no(error.message);
    this.session.log.error('IMAP command failed', { session: this.session.id, command: command.name, error });
    if (error instanceof RangeError) return { ...bad('Command too complex'), facts: { limit: 'nesting' } };
    return { ...no('Internal server error', 'SERVERBUG'), facts: { internalError: true } };
  }

  private outOfState(scope: Scope): Reply | undefined {
    if (scope === 'unauthenticated' && this.user) return bad('Already authenticated');
    if ((scope === 'authenticated' || scope === 'selected') && !this.user) return bad('Not authenticated');
    if (scope === 'selected' && !this.view) return bad('No mailbox selected');
    return undefined;
  }

  /** Announces pending changes, sends the tagged reply and records the command. */
  private async complete(
    tag: string | undefined,
    verb: string | undefined,
    args: string,
    reply: Reply,
    extra: CommandFacts,
    allowExpunge = true,
  ): Promise<void> {
    if (this.closing) return;
    await this.view?.sync(allowExpunge);
    const code = reply.code ? `[${reply.code}] ` : '';
    // Texts may quote the client (names, flags): never let one carry a line break or another control.
    this.write(`${tag ?? '*'} ${reply.status} ${code}${reply.text.replace(/[\x00-\x1f\x7f]/g, ' ')}\r\n`);
    await this.record(tag, verb, args, reply, extra);
    reply.after?.();
    if (reply.status === 'BAD') this.countBad();
  }

  private async record(
    tag: string | undefined,
    verb: string | undefined,
    args: string,
    reply: Reply,
    extra: CommandFacts,
  ): Promise<void> {
    await this.session.record('command', {
      tag: tag ?? null,
      verb: verb ?? null,
      args,
      reply: { status: reply.status, code: reply.code ?? null, text: reply.text },
      tls: Boolean(this.session.tls),
      authenticated: Boolean(this.user),
      ...extra,
      ...reply.facts,
    });
  }

  private countBad(): void {
    if (++this.badCommands >= this.config.maxBadCommands) this.closeByServer('Too many invalid IMAP commands');
  }

  private capabilities(): string {
    const capabilities = [
      'IMAP4rev1',
      'SASL-IR',
      'LITERAL+',
      'ID',
      'ENABLE',
      'IDLE',
      'NAMESPACE',
      'UIDPLUS',
      'MOVE',
      'SPECIAL-USE',
      'UNSELECT',
      'CHILDREN',
    ];
    // RFC 3501 §6.2.1 and operators' practice: no authentication offered in clear.
    if (!this.session.tls) capabilities.push('STARTTLS', 'LOGINDISABLED');
    else if (!this.user) capabilities.push(...ADVERTISED_MECHANISMS.map((m) => `AUTH=${m}`));
    return capabilities.join(' ');
  }

  // Commands of any state and of the not-authenticated state.

  /** NOOP and CHECK: the way clients poll (RFC 3501 §6.1.2), so the selected folder is compared with the database. */
  async noop(args: Args, verb: 'NOOP' | 'CHECK'): Promise<Reply> {
    args.end();
    await this.view?.poll();
    return ok(`${verb} completed`);
  }

  async capability(args: Args): Promise<Reply> {
    args.end();
    this.untagged(`CAPABILITY ${this.capabilities()}`);
    return ok('CAPABILITY completed');
  }

  async logout(args: Args, command: Command): Promise<Reply | null> {
    args.end();
    this.session.closedBy ??= 'client';
    this.session.closeReason ??= 'LOGOUT';
    this.untagged('BYE Logging out');
    await this.complete(command.tag, command.name, '', ok('LOGOUT completed'), {});
    this.finish();
    return null;
  }

  /** ID (RFC 2971): the client's identification is kept in the observation (it names the LPS). */
  async id(args: Args): Promise<Reply> {
    const token = args.next('ID parameters');
    args.end();
    const client: Record<string, string | null> = {};
    if (token.type === 'list') {
      if (token.items.length % 2 !== 0 || token.items.length > 60)
        throw new ImapSyntaxError('Invalid ID parameter list');
      for (let i = 0; i < token.items.length; i += 2) {
        const [key, value] = [token.items[i]!, token.items[i + 1]!];
        if (
          key.type !== 'string' ||
          value.type === 'list' ||
          (value.type === 'atom' && value.value.toUpperCase() !== 'NIL')
        )
          throw new ImapSyntaxError('Invalid ID parameter');
        client[key.value.toString('utf8').slice(0, 64)] =
          value.type === 'string' ? value.value.toString('utf8').slice(0, 1024) : null;
      }
    } else if (token.type !== 'atom' || token.value.toUpperCase() !== 'NIL') {
      throw new ImapSyntaxError('Expected a list or NIL');
    }
    this.untagged(Buffer.concat([Buffer.from('ID '), encode(SERVER_ID)]));
    return { ...ok('ID completed'), facts: { client } };
  }

  async startTls(args: Args, command: Command): Promise<Reply | null> {
    args.end();
    if (this.session.tls) return bad('TLS already active');
    await this.switchToTls(() => this.complete(command.tag, command.name, '', ok('Begin TLS negotiation now'), {}));
    // RFC 3501 §6.2.1: nothing learnt before TLS is kept (there is no state before authentication to forget).
    return null;
  }

  /** AUTHENTICATE (RFC 3501 §6.2.2) with an optional initial response (RFC 4959). */
  async authenticate(args: Args): Promise<Reply | null> {
    const mechanism = args.atom('mechanism').toUpperCase();
    const initial = args.remaining > 0 ? args.atom('initial response') : undefined;
    args.end();
    const refuse = async (reply: Reply, reason: string, extra: Partial<FactData<'auth'>> = {}) => {
      await this.session.record('auth', {
        command: 'AUTHENTICATE',
        mechanism,
        outcome: 'refused',
        reason,
        tls: Boolean(this.session.tls),
        ...extra,
      });
      return reply;
    };
    if (!this.session.tls) {
      // Recorded with whether credentials travelled in clear: a decisive fact for the verdicts.
      return refuse(no('Authentication disallowed before STARTTLS', 'PRIVACYREQUIRED'), 'tls_required', {
        credentialsInClear: initial !== undefined,
        ...exposedCredentials(mechanism, initial),
      });
    }
    if (!isKnownMechanism(mechanism))
      return refuse(no('Unsupported authentication mechanism', 'CANNOT'), 'unknown_mechanism');

    const exchange = new SaslExchange(mechanism);
    let step: SaslStep = exchange.start(initial);
    while (step.kind === 'challenge') {
      this.write(`+ ${step.challenge}\r\n`);
      const line = await this.reader.readLine(this.config.maxLineBytes);
      // A client that hangs up or sends a tagged command instead of its response gave up: journaled as such.
      // A SASL response is base64 without spaces, so `tag SP command` cannot be one.
      if (!line) {
        await this.session.record('auth', {
          command: 'AUTHENTICATE',
          mechanism,
          outcome: 'abandoned',
          reason: 'disconnected',
          tls: true,
        });
        return null;
      }
      const newCommand = line.tooLong
        ? undefined
        : /^[^\s*+]+ ([A-Za-z]{1,20})(?: |$)/.exec(line.text.toString('latin1'))?.[1]?.toUpperCase();
      if (newCommand) {
        await this.session.record('auth', {
          command: 'AUTHENTICATE',
          mechanism,
          outcome: 'abandoned',
          reason: 'new_command',
          newCommand,
          tls: true,
        });
        return bad(`Authentication abandoned: ${newCommand} sent instead of a response`);
      }
      step = line.tooLong
        ? { kind: 'error', reason: 'malformed', detail: 'response too long' }
        : exchange.respond(line.text.toString('utf8'));
    }
    if (step.kind === 'error') {
      const cancelled = step.reason === 'cancelled';
      await this.session.record('auth', {
        command: 'AUTHENTICATE',
        mechanism,
        outcome: cancelled ? 'cancelled' : 'failure',
        reason: step.reason,
        detail: step.detail,
        user: step.user,
        tls: true,
      });
      return cancelled ? bad('Authentication cancelled') : bad('Invalid SASL response');
    }

    const decision = await this.services.authenticator.decide(
      step.credentials,
      this.session.tls,
      this.session.endpoint,
    );
    if (decision.ok && decision.mailbox)
      return this.authenticated(decision.mailbox, {
        command: 'AUTHENTICATE',
        ...decision.facts,
        reason: decision.reason,
      });
    await this.session.record('auth', {
      command: 'AUTHENTICATE',
      ...decision.facts,
      outcome: 'failure',
      reason: decision.reason,
      tls: true,
    });
    if (decision.reason === 'mechanism_not_offered') return no('Unsupported authentication mechanism', 'CANNOT');
    if (mechanism === 'XOAUTH2') {
      // As Gmail and MSSanté operators answer a refused token: an error challenge, an empty client line, then NO.
      const error = { status: '401', schemes: 'bearer', scope: 'mail' };
      this.write(`+ ${Buffer.from(JSON.stringify(error)).toString('base64')}\r\n`);
      if (!(await this.reader.readLine(this.config.maxLineBytes))) return null;
    }
    return no('Authentication failed', 'AUTHENTICATIONFAILED');
  }

  /** LOGIN (RFC 3501 §6.2.3) with the mailbox's password: recorded as the LOGIN command, not a SASL mechanism. */
  async login(args: Args): Promise<Reply> {
    const user = args.astring('user name');
    const password = args.astring('password');
    args.end();
    const facts: AuthFacts = {
      command: 'LOGIN',
      mechanism: 'LOGIN-COMMAND',
      user,
      authzid: '',
      initialResponse: false,
    };
    if (!this.session.tls) {
      await this.session.record('auth', {
        ...facts,
        outcome: 'refused',
        reason: 'tls_required',
        tls: false,
        credentialsInClear: true,
      });
      return no('Plaintext authentication disallowed before STARTTLS', 'PRIVACYREQUIRED');
    }
    const credentials: SaslCredentials = { mechanism: 'LOGIN', authzid: '', user, password, initialResponse: false };
    const decision = await this.services.authenticator.decide(credentials, this.session.tls, this.session.endpoint);
    if (decision.ok && decision.mailbox)
      return this.authenticated(decision.mailbox, { ...decision.facts, ...facts, reason: decision.reason });
    await this.session.record('auth', {
      ...decision.facts,
      ...facts,
      outcome: 'failure',
      reason: decision.reason,
      tls: true,
    });
    return no('Authentication failed', 'AUTHENTICATIONFAILED');
  }

  private async authenticated(mailbox: Mailbox, facts: AuthFacts & { reason: string }): Promise<Reply> {
    this.user = mailbox;
    this.session.mailbox = mailbox.address;
    this.armTimeout();
    await this.session.record('auth', { ...facts, outcome: 'success', tls: true });
    // The capabilities change with authentication; sending them saves clients a round trip.
    return ok('Authenticated', `CAPABILITY ${this.capabilities()}`);
  }

  // Commands of the authenticated state.

  /** ENABLE (RFC 5161): no extension that needs enabling is offered, so none is enabled. */
  async enable(args: Args): Promise<Reply> {
    const requested = args.rest();
    if (requested.length === 0) throw new ImapSyntaxError('Missing capability');
    this.untagged('ENABLED');
    return ok('ENABLE completed');
  }

  async namespace(args: Args): Promise<Reply> {
    args.end();
    this.untagged('NAMESPACE (("" "/")) NIL NIL');
    return ok('NAMESPACE completed');
  }

  /** IDLE (RFC 2177): changes are announced as they happen until the client sends DONE. */
  async idle(args: Args): Promise<Reply | null> {
    args.end();
    this.write('+ idling\r\n');
    const view = this.view;
    let poll: NodeJS.Timeout | undefined;
    if (view) {
      const announce = () =>
        view
          .sync(true)
          .catch((error: unknown) => this.session.log.error('IDLE update failed', { session: this.session.id, error }));
      view.onChange = announce;
      void announce();
      // Changes made in this process arrive as events at once; those of another process, at the next look.
      const failed = (error: unknown) =>
        this.session.log.error('IDLE change poll failed', { session: this.session.id, error });
      poll = setInterval(() => void view.poll().then(announce, failed), this.config.changePollSeconds * 1000);
      poll.unref();
    }
    // Idling is waiting, not a command in progress: the deadline applies to the DONE line from its first byte.
    this.awaitCommand();
    const line = await this.reader.readLine(this.config.maxLineBytes);
    clearInterval(poll);
    if (view) view.onChange = undefined;
    if (!line) return null;
    return line.text.toString('latin1').trim().toUpperCase() === 'DONE' ? ok('IDLE terminated') : bad('Expected DONE');
  }

  // Plumbing.
}

const STAR = Buffer.from('* ');

/** The arguments as the journal keeps them: never a password or a SASL response; literals by size only. */
function summarise(command: Command): string {
  if (command.name === 'LOGIN') return `${command.args[0] ? summariseToken(command.args[0]) : ''} <password>`;
  if (command.name === 'AUTHENTICATE') {
    const mechanism = command.args[0] ? summariseToken(command.args[0]) : '';
    return `${mechanism}${command.args.length > 1 ? ' <initial response>' : ''}`;
  }
  let summary = '';
  for (const token of command.args) {
    if (summary.length >= 512) break; // a command may hold a hundred thousand arguments
    summary += `${summary ? ' ' : ''}${summariseToken(token)}`;
  }
  return summary.slice(0, 512);
}

function summariseToken(token: Token): string {
  if (token.type === 'atom') return token.raw;
  if (token.type === 'list') return `(${token.items.map(summariseToken).join(' ')})`;
  if (token.literal) return `{${token.value.length} bytes}`;
  return JSON.stringify(token.value.toString('utf8'));
}
