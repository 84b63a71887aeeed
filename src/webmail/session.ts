// Webmail sessions: one mailbox each, opened from the account site by its vendor (or with the shared password's
// form when the operator set one). The cookie holds a random
// value (HttpOnly, SameSite=Lax, Path=/webmail, Secure over https); the server keeps only its hash, in the
// database, so that every worker of `motco start` (and every instance) knows the session.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { hashSecret, newSecret } from '../auth/secret.ts';
import { readCookie, setCookie } from '../web/cookies.ts';
import type { Mailbox, MailboxStore } from '../mail/mailbox/store.ts';
import type { Database } from '../store/schema.ts';

export const WEBMAIL_COOKIE = 'motco_webmail';
export const WEBMAIL_PATH = '/webmail';
/** A working day, as the platform's other sessions. */
const SESSION_TTL_MS = 8 * 3600 * 1000;

export class WebmailSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly mailboxes: MailboxStore,
    /** Cookies are Secure whatever the request's scheme (publicUrl is https: TLS ends before us). */
    private readonly alwaysSecure: boolean,
  ) {}

  /** Opens a session on the mailbox and sends its cookie; a previous session of this browser ends. */
  async start(request: FastifyRequest, reply: FastifyReply, mailbox: Mailbox): Promise<void> {
    await this.forget(request);
    const now = Date.now();
    await this.db.deleteFrom('webmail_sessions').where('expires_at', '<=', now).execute();
    const value = newSecret('');
    await this.db
      .insertInto('webmail_sessions')
      .values({ id_hash: hashSecret(value), address: mailbox.address, expires_at: now + SESSION_TTL_MS })
      .execute();
    setCookie(reply, WEBMAIL_COOKIE, value, {
      path: WEBMAIL_PATH,
      secure: this.secure(request),
      maxAgeSeconds: SESSION_TTL_MS / 1000,
    });
  }

  /** The session's mailbox, read again from the store (it may have gone since the login). */
  async mailbox(request: FastifyRequest): Promise<Mailbox | undefined> {
    const value = readCookie(request, WEBMAIL_COOKIE);
    if (!value) return undefined;
    const entry = await this.db
      .selectFrom('webmail_sessions')
      .select('address')
      .where('id_hash', '=', hashSecret(value))
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    return entry ? this.mailboxes.find(entry.address) : undefined;
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.forget(request);
    setCookie(reply, WEBMAIL_COOKIE, '', { path: WEBMAIL_PATH, secure: this.secure(request), maxAgeSeconds: 0 });
  }

  private async forget(request: FastifyRequest): Promise<void> {
    const value = readCookie(request, WEBMAIL_COOKIE);
    if (value) await this.db.deleteFrom('webmail_sessions').where('id_hash', '=', hashSecret(value)).execute();
  }

  private secure(request: FastifyRequest): boolean {
    return this.alwaysSecure || request.protocol === 'https';
  }
}
