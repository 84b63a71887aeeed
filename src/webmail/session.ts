// Webmail sessions: one mailbox each, opened from the account site by its vendor (or with the shared password's
// form when the operator set one). The cookie holds a random
// value (HttpOnly, SameSite=Lax, Path=/webmail, Secure over https); the server keeps only its hash, in
// memory: a restart signs readers out, which costs them a login and keeps the database schema untouched.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecret, newSecret } from '../auth/secret.ts';
import { readCookie, setCookie } from '../web/cookies.ts';
import type { Mailbox, MailboxStore } from '../mail/mailbox/store.ts';

export const WEBMAIL_COOKIE = 'motco_webmail';
export const WEBMAIL_PATH = '/webmail';
/** A working day, as the platform's other sessions. */
const SESSION_TTL_MS = 8 * 3600 * 1000;

interface Entry {
  address: string;
  expiresAt: number;
}

export class WebmailSessions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly mailboxes: MailboxStore,
    /** Cookies are Secure whatever the request's scheme (publicUrl is https: TLS ends before us). */
    private readonly alwaysSecure: boolean,
  ) {}

  /** Opens a session on the mailbox and sends its cookie; a previous session of this browser ends. */
  start(request: FastifyRequest, reply: FastifyReply, mailbox: Mailbox): void {
    this.forget(request);
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
    const value = newSecret('');
    this.entries.set(hashSecret(value), { address: mailbox.address, expiresAt: now + SESSION_TTL_MS });
    setCookie(reply, WEBMAIL_COOKIE, value, { path: WEBMAIL_PATH, secure: this.secure(request), maxAgeSeconds: SESSION_TTL_MS / 1000 });
  }

  /** The session's mailbox, read again from the store (it may have gone since the login). */
  async mailbox(request: FastifyRequest): Promise<Mailbox | undefined> {
    const value = readCookie(request, WEBMAIL_COOKIE);
    const entry = value ? this.entries.get(hashSecret(value)) : undefined;
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    return this.mailboxes.find(entry.address);
  }

  end(request: FastifyRequest, reply: FastifyReply): void {
    this.forget(request);
    setCookie(reply, WEBMAIL_COOKIE, '', { path: WEBMAIL_PATH, secure: this.secure(request), maxAgeSeconds: 0 });
  }

  private forget(request: FastifyRequest): void {
    const value = readCookie(request, WEBMAIL_COOKIE);
    if (value) this.entries.delete(hashSecret(value));
  }

  private secure(request: FastifyRequest): boolean {
    return this.alwaysSecure || request.protocol === 'https';
  }
}
