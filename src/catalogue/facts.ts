// Reads journal observations back into per-session facts, the same for SMTP and IMAP, so that verdict
// functions speak of "the session's ClientHello" or "its commands before STARTTLS", not of rows.
import type { Observation } from '../observe/journal.ts';

export interface MailCommand {
  /** Upper-case verb: EHLO, STARTTLS, AUTH, MAIL… or CAPABILITY, AUTHENTICATE, LOGIN, SELECT… */
  name: string;
  at: number;
  tls: boolean;
  /** Answered positively (SMTP 2xx/3xx, IMAP OK). */
  ok: boolean;
  /** The folder a SELECT/EXAMINE/… named, when there is one. */
  folder: string | null;
  observation: Observation<'command'>;
}

export interface SessionFacts {
  id: string;
  endpoint: string;
  protocol: 'smtp' | 'imap';
  clientIp: string;
  clientPort: number | null;
  /** The session started inside the observed range (its first facts, ClientHello included, are here). */
  complete: boolean;
  openedAt: number;
  closed: Observation<'session.close'> | undefined;
  /** Mailbox authenticated on the session, if any. */
  mailbox: string | null;
  hello: Observation<'tls.client_hello'> | undefined;
  established: Observation<'tls.established'> | undefined;
  tlsFailure: Observation<'tls.failed'> | undefined;
  commands: MailCommand[];
  auths: Observation<'auth'>[];
  messages: Observation<'message'>[];
  observations: Observation[];
}

/** Commands that carry credentials or mail and must therefore come after STARTTLS (CONF.05/06). */
export const NEEDS_TLS = new Set([
  'AUTH',
  'AUTHENTICATE',
  'LOGIN',
  'MAIL',
  'RCPT',
  'DATA',
  'BDAT',
  'SELECT',
  'EXAMINE',
  'FETCH',
  'APPEND',
  'LIST',
  'LSUB',
  'STATUS',
]);
/** Commands that send credentials. */
export const CREDENTIAL_COMMANDS = new Set(['AUTH', 'AUTHENTICATE', 'LOGIN']);

export function sessionsOf(observations: Observation[]): SessionFacts[] {
  const sessions = new Map<string, SessionFacts>();
  for (const o of observations) {
    if (!o.sessionId || (o.protocol !== 'smtp' && o.protocol !== 'imap')) continue;
    let s = sessions.get(o.sessionId);
    if (!s) {
      s = {
        id: o.sessionId,
        endpoint: o.endpoint ?? '',
        protocol: o.protocol,
        clientIp: o.clientIp ?? '',
        clientPort: o.clientPort,
        complete: false,
        openedAt: o.at,
        closed: undefined,
        mailbox: null,
        hello: undefined,
        established: undefined,
        tlsFailure: undefined,
        commands: [],
        auths: [],
        messages: [],
        observations: [],
      };
      sessions.set(o.sessionId, s);
    }
    s.observations.push(o);
    switch (o.kind) {
      case 'session.open':
        s.complete = true;
        s.openedAt = o.at;
        break;
      case 'session.close':
        s.closed = o;
        break;
      case 'tls.client_hello':
        s.hello ??= o;
        break;
      case 'tls.established':
        s.established ??= o;
        break;
      case 'tls.failed':
        s.tlsFailure ??= o;
        break;
      case 'auth':
        s.auths.push(o);
        if (o.data.outcome === 'success' && o.mailbox) s.mailbox ??= o.mailbox;
        break;
      case 'message':
        s.messages.push(o);
        break;
      case 'command':
        s.commands.push(command(o));
        break;
    }
  }
  return [...sessions.values()];
}

function command(o: Observation<'command'>): MailCommand {
  const { verb, reply, tls, folder } = o.data;
  // SMTP replies carry a numeric code; IMAP replies a status word.
  const ok = typeof reply.code === 'number' ? reply.code < 400 : reply.status === 'OK';
  return { name: (verb ?? '').toUpperCase(), at: o.at, tls, ok, folder: folder ?? null, observation: o };
}

/** Sessions whose beginning lies in the observed range: only they show their ClientHello and STARTTLS. */
export function completeSessions(observations: Observation[]): SessionFacts[] {
  return sessionsOf(observations).filter((s) => s.complete);
}

/** Commands sent in clear that should only travel inside TLS. */
export function commandsBeforeTls(session: SessionFacts): MailCommand[] {
  return session.commands.filter((c) => !c.tls && NEEDS_TLS.has(c.name));
}

/** Authentication attempts refused because TLS was not active (credentials may have travelled in clear). */
export function authsInClear(session: SessionFacts): Observation<'auth'>[] {
  return session.auths.filter((a) => a.data.tls === false);
}

export function successfulAuth(session: SessionFacts): Observation<'auth'> | undefined {
  return session.auths.find((a) => a.data.outcome === 'success');
}

/** Complete sessions where the client authenticated or sent a command (not a bare connection). */
export function activeSessions(observations: Observation[]): SessionFacts[] {
  return completeSessions(observations).filter((s) => s.auths.length > 0 || s.commands.length > 0);
}

/** SELECT or EXAMINE of INBOX, answered or not. */
export function inboxSelects(session: SessionFacts): MailCommand[] {
  return session.commands.filter(
    (c) => (c.name === 'SELECT' || c.name === 'EXAMINE') && c.folder?.toUpperCase() === 'INBOX',
  );
}

/**
 * The mailbox a fact names as the client's own without proving it: the login of an authentication attempt
 * (refused ones and those sent in clear included), or the MAIL FROM address. Lower-cased.
 */
export function claimedMailbox(o: Observation): string | null {
  if (o.kind === 'auth') return o.data.user ? o.data.user.toLowerCase() : null;
  if (o.kind === 'command' && (o.data.verb ?? '').toUpperCase() === 'MAIL')
    return /^FROM:\s*<([^<>\s]+)>/i.exec(o.data.args)?.[1]?.toLowerCase() ?? null;
  return null;
}

export interface SessionOwner {
  /** The mailbox that authenticated on the session, if one did. */
  authenticated: string | null;
  /** Mailboxes the session named without authenticating (claimedMailbox). */
  claimed: Set<string>;
}

/** Whose each session is, as far as its observations tell: the authenticated mailbox, else what it claimed. */
export function sessionOwners(observations: Observation[]): Map<string, SessionOwner> {
  const owners = new Map<string, SessionOwner>();
  for (const o of observations) {
    if (!o.sessionId) continue;
    let owner = owners.get(o.sessionId);
    if (!owner) owners.set(o.sessionId, (owner = { authenticated: null, claimed: new Set() }));
    if (o.mailbox) owner.authenticated = o.mailbox.toLowerCase();
    const claimed = claimedMailbox(o);
    if (claimed) owner.claimed.add(claimed);
  }
  return owners;
}

/** A message from `mailbox` to itself. */
export function toSelf(message: Observation<'message'>, mailbox: string | null): boolean {
  return message.data.from === mailbox && message.data.to.includes(mailbox ?? '');
}
