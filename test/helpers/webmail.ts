// What the webmail tests share: a plain HTTP reader of the webmail (its own cookie jar, the CSRF token of the
// last page), an IMAP client on the same mailbox (imapflow, STARTTLS, the mailbox's own password), and
// deliveries through the platform's SMTP endpoint by a client nobody here wrote (nodemailer).
import { ImapFlow } from 'imapflow';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import type { EndpointId } from '../../src/config/schema.ts';
import { passwordOf } from './passwords.ts';
import type { TestPlatform } from './platform.ts';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  bytes: Buffer;
}

/** A browser without JavaScript: follows nothing, keeps cookies, remembers the last CSRF token. */
export class WebmailHttp {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(private readonly base: string) {}

  async get(path: string): Promise<Answer> {
    return this.request('GET', path);
  }

  /** A form post: urlencoded fields, or multipart when a FormData is given; the last CSRF token is added. */
  async post(path: string, form: Record<string, string> | FormData, options: { csrf?: boolean } = {}): Promise<Answer> {
    if (options.csrf !== false) {
      if (form instanceof FormData) form.set('csrf', this.csrf);
      else form = { csrf: this.csrf, ...form };
    }
    return this.request('POST', path, form instanceof FormData ? form : new URLSearchParams(form));
  }

  async login(address: string, password: string): Promise<Answer> {
    await this.get('/webmail/connexion');
    return this.post('/webmail/connexion', { adresse: address, motdepasse: password });
  }

  /** Signs in on the account site with a web session of `sessionValue` (the cookie ISC's login would set). */
  signInSite(sessionValue: string): void {
    this.cookies.set('motco_session', sessionValue);
  }

  /** « Ouvrir le webmail » of the account page: a POST with the page's CSRF token. */
  async open(address: string, fromPath = '/webmail/connexion'): Promise<Answer> {
    await this.get(fromPath);
    return this.post('/webmail/ouvrir', { adresse: address });
  }

  private async request(method: string, path: string, body?: URLSearchParams | FormData): Promise<Answer> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      ...(body ? { body } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (/max-age=0/i.test(cookie)) this.cookies.delete(name!);
      else this.cookies.set(name!, value.join('='));
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const text = bytes.toString('utf8');
    const token = /name="csrf" value="([^"]+)"/.exec(text);
    if (token) this.csrf = token[1]!;
    return { status: response.status, headers: response.headers, text, bytes };
  }
}

/** imapflow on an endpoint with STARTTLS, trusting only the IGC Santé TEST bundle. */
export async function imapClient(t: TestPlatform, user: string, id: EndpointId = 'psc'): Promise<ImapFlow> {
  const e = t.endpoint(id);
  const pass = await passwordOf(t, user);
  const client = new ImapFlow({
    host: e.address,
    port: e.imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: [t.platform.pki.trustBundlePem()], servername: e.host },
    auth: { user, pass },
    logger: false,
  });
  client.on('error', () => {});
  return client;
}

/** Runs `act` with a connected IMAP client on the mailbox, and logs out. */
export async function inImap<T>(t: TestPlatform, user: string, act: (imap: ImapFlow) => Promise<T>): Promise<T> {
  const imap = await imapClient(t, user);
  await imap.connect();
  try {
    return await act(imap);
  } finally {
    await imap.logout();
  }
}

/** Sends a message to a mailbox through the psc SMTP endpoint, authenticated as that mailbox. */
export async function deliver(t: TestPlatform, to: string, message: SendMailOptions): Promise<void> {
  const e = t.endpoint('psc');
  const transport = nodemailer.createTransport({
    host: e.address,
    port: e.smtpPort,
    secure: false,
    requireTLS: true,
    tls: { ca: [t.platform.pki.trustBundlePem()], servername: e.host },
    auth: { user: to, pass: await passwordOf(t, to) },
  });
  try {
    await transport.sendMail({ from: to, to, ...message });
  } finally {
    transport.close();
  }
}
