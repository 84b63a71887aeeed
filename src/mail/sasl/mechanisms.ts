// SASL mechanisms as both IMAP AUTHENTICATE and SMTP AUTH carry them: one parser for both protocols.
// A mechanism is driven step by step: start (with the optional initial response), then one client line per
// server challenge, until it yields credentials or an error.

/** Mechanisms we advertise (after TLS). OAUTHBEARER and EXTERNAL are understood and recorded, not offered. */
export const ADVERTISED_MECHANISMS = ['PLAIN', 'LOGIN', 'XOAUTH2'] as const;
export const KNOWN_MECHANISMS = ['PLAIN', 'LOGIN', 'XOAUTH2', 'OAUTHBEARER', 'EXTERNAL'] as const;
export type Mechanism = (typeof KNOWN_MECHANISMS)[number];

export interface SaslCredentials {
  mechanism: Mechanism;
  /** Authorization identity (PLAIN, OAUTHBEARER a=, EXTERNAL); empty when absent. */
  authzid: string;
  /** Authentication identity: PLAIN authcid, LOGIN username, XOAUTH2 user=. */
  user: string;
  password?: string;
  bearer?: string;
  /** Whether the client sent an initial response on the command line (SASL-IR / RFC 4954). */
  initialResponse: boolean;
}

export type SaslStep =
  | { kind: 'challenge'; challenge: string /* base64, possibly empty */ }
  | { kind: 'done'; credentials: SaslCredentials }
  | { kind: 'error'; reason: 'malformed' | 'cancelled'; detail: string; user?: string };

export function isKnownMechanism(name: string): name is Mechanism {
  return (KNOWN_MECHANISMS as readonly string[]).includes(name);
}

/** Strict base64 (RFC 4648 alphabet, padding optional); `=` alone is the empty response of RFC 4954/4959. */
export function decodeBase64(text: string): Buffer | undefined {
  const value = text.trim();
  if (value === '=') return Buffer.alloc(0);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(value, 'base64');
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** A running SASL exchange for one mechanism. */
export class SaslExchange {
  private loginUser: string | undefined;
  private initialResponse = false;

  constructor(readonly mechanism: Mechanism) {}

  start(initial?: string): SaslStep {
    if (initial === undefined || initial === '') {
      // LOGIN prompts for the user name; the others ask for their whole response with an empty challenge.
      return { kind: 'challenge', challenge: this.mechanism === 'LOGIN' ? b64('Username:') : '' };
    }
    this.initialResponse = true;
    return this.respond(initial);
  }

  respond(line: string): SaslStep {
    if (line.trim() === '*') return { kind: 'error', reason: 'cancelled', detail: 'client cancelled the exchange' };
    const bytes = decodeBase64(line);
    if (!bytes) return { kind: 'error', reason: 'malformed', detail: 'response is not valid base64' };
    const text = bytes.toString('utf8');
    switch (this.mechanism) {
      case 'PLAIN':
        return this.done(parsePlain(text));
      case 'LOGIN':
        if (this.loginUser === undefined) {
          this.loginUser = text;
          return { kind: 'challenge', challenge: b64('Password:') };
        }
        return this.done({ authzid: '', user: this.loginUser, password: text });
      case 'XOAUTH2':
        return this.done(parseXoauth2(text));
      case 'OAUTHBEARER':
        return this.done(parseOauthBearer(text));
      case 'EXTERNAL':
        return this.done({ authzid: text, user: '' });
    }
  }

  private done(
    result: Omit<SaslCredentials, 'mechanism' | 'initialResponse'> | { error: string; user?: string },
  ): SaslStep {
    if ('error' in result)
      return {
        kind: 'error',
        reason: 'malformed',
        detail: result.error,
        ...(result.user ? { user: result.user } : {}),
      };
    return {
      kind: 'done',
      credentials: { mechanism: this.mechanism, initialResponse: this.initialResponse, ...result },
    };
  }
}

/**
 * What an initial response sent where it should not have been (in clear) gives away: the user, and whether
 * a bearer travelled with it. Used to record the leak, never the secret itself.
 */
export function exposedCredentials(
  mechanism: string,
  initial: string | undefined,
): { user?: string; bearerInClear?: boolean } {
  if (initial === undefined || !isKnownMechanism(mechanism)) return {};
  const step = new SaslExchange(mechanism).start(initial);
  if (step.kind === 'done') return { user: step.credentials.user, bearerInClear: Boolean(step.credentials.bearer) };
  return step.kind === 'error' && step.user ? { user: step.user } : {};
}

/** RFC 4616: [authzid] NUL authcid NUL passwd. */
export function parsePlain(text: string): { authzid: string; user: string; password: string } | { error: string } {
  const parts = text.split('\0');
  if (parts.length !== 3) return { error: `PLAIN expects 3 NUL-separated fields, got ${parts.length}` };
  const [authzid, user, password] = parts as [string, string, string];
  if (!user) return { error: 'PLAIN authcid is empty' };
  return { authzid, user, password };
}

/** XOAUTH2 (Google; MSSanté CONF.07): "user=" addr ^A "auth=Bearer " token ^A ^A. */
export function parseXoauth2(
  text: string,
): { authzid: string; user: string; bearer: string } | { error: string; user?: string } {
  if (!text.endsWith('\x01\x01')) return { error: 'XOAUTH2 response must end with ^A^A', ...userOf(text) };
  const [userField, authField, ...extra] = text.slice(0, -2).split('\x01');
  const user = userField?.startsWith('user=') ? userField.slice(5) : undefined;
  if (user === undefined || !authField?.startsWith('auth=') || extra.length > 0) {
    return { error: 'XOAUTH2 response must be user=…^Aauth=Bearer …^A^A', ...(user ? { user } : {}) };
  }
  if (!user) return { error: 'XOAUTH2 user is empty' };
  const auth = authField.slice(5);
  const bearer = /^Bearer ([\x21-\x7e]+)$/.exec(auth)?.[1];
  if (!bearer) return { error: 'XOAUTH2 auth field must be "Bearer <token>"', user };
  return { authzid: '', user, bearer };
}

/** RFC 7628: gs2-header ^A *(key=value ^A) ^A, with auth=Bearer <token>. */
export function parseOauthBearer(
  text: string,
): { authzid: string; user: string; bearer: string } | { error: string; user?: string } {
  const [gs2, ...rest] = text.split('\x01');
  const header = /^([ny]|p=[^,]*),(?:a=([^,]*))?,$/.exec(gs2 ?? '');
  if (!header) return { error: 'OAUTHBEARER gs2 header is malformed' };
  const authzid = (header[2] ?? '').replace(/=2C/g, ',').replace(/=3D/g, '=');
  if (rest.length < 2 || rest.at(-1) !== '' || rest.at(-2) !== '')
    return { error: 'OAUTHBEARER response must end with ^A^A', ...(authzid ? { user: authzid } : {}) };
  const auth = rest.find((kv) => kv.startsWith('auth='))?.slice(5);
  const bearer = /^Bearer ([\x21-\x7e]+)$/i.exec(auth ?? '')?.[1];
  if (!bearer)
    return { error: 'OAUTHBEARER auth field must be "Bearer <token>"', ...(authzid ? { user: authzid } : {}) };
  return { authzid, user: authzid, bearer };
}

function userOf(text: string): { user?: string } {
  const user = /(?:^|\x01)user=([^\x01]*)/.exec(text)?.[1];
  return user ? { user } : {};
}
