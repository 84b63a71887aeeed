// The client side of the SASL mechanisms the platform's clients speak (the reference LPS, the webmail's
// AUTH PLAIN), for IMAP AUTHENTICATE and SMTP AUTH alike: each yields the base64 responses to send, in order
// (the server side is src/mail/sasl/mechanisms.ts).

export type ClientMechanism = 'XOAUTH2' | 'OAUTHBEARER' | 'PLAIN' | 'LOGIN';

export interface SaslRequest {
  mechanism: ClientMechanism;
  /** Base64 responses, the first sent on the command line when `initialResponse` (SASL-IR / RFC 4954). */
  responses: string[];
  initialResponse: boolean;
  /** The identity claimed, for the report (never the secret). */
  user: string;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** MSS-CONF.07: user=<address>^Aauth=Bearer <access token>^A^A. */
export function xoauth2(user: string, token: string): SaslRequest {
  return {
    mechanism: 'XOAUTH2',
    responses: [b64(`user=${user}\x01auth=Bearer ${token}\x01\x01`)],
    initialResponse: true,
    user,
  };
}

/** RFC 7628, which MSSanté does not accept: n,a=<user>,^Aauth=Bearer <token>^A^A. */
export function oauthBearer(user: string, token: string): SaslRequest {
  return {
    mechanism: 'OAUTHBEARER',
    responses: [b64(`n,a=${user.replace(/=/g, '=3D').replace(/,/g, '=2C')},\x01auth=Bearer ${token}\x01\x01`)],
    initialResponse: true,
    user,
  };
}

/** RFC 4616: [authzid] NUL authcid NUL password. */
export function plain(user: string, password: string): SaslRequest {
  return { mechanism: 'PLAIN', responses: [b64(`\0${user}\0${password}`)], initialResponse: true, user };
}

/** The LOGIN mechanism answers two prompts: user name, then password. */
export function login(user: string, password: string): SaslRequest {
  return { mechanism: 'LOGIN', responses: [b64(user), b64(password)], initialResponse: false, user };
}
