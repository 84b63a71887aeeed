// Browser sessions of the platform's web pages and API: an HttpOnly, SameSite=Lax cookie `motco_session`
// holding a random value, of which the database keeps only the hash. The account site's ISC login starts
// them (startSession after PlatformDirectory.fromIscClaims); the API accepts them like tokens.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PlatformDirectory, PlatformUser } from '../accounts/directory.ts';
import { readCookie, setCookie } from '../web/cookies.ts';
import type { Database } from '../store/schema.ts';
import { hashSecret, newSecret } from './secret.ts';

export const SESSION_COOKIE = 'motco_session';
/** A working day, as ISC's own session. */
const SESSION_TTL_MS = 8 * 3600 * 1000;

export class WebSessions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly directory: PlatformDirectory,
    private readonly secureCookies: boolean,
  ) {}

  /** A new session for the user: the cookie value (never stored) and when it ends. */
  async createSession(userId: number): Promise<{ value: string; expiresAt: number }> {
    const now = Date.now();
    const value = newSecret('');
    await this.db.deleteFrom('web_sessions').where('expires_at', '<', now).execute();
    await this.db
      .insertInto('web_sessions')
      .values({ id_hash: hashSecret(value), user_id: userId, created_at: now, expires_at: now + SESSION_TTL_MS })
      .execute();
    return { value, expiresAt: now + SESSION_TTL_MS };
  }

  /** Creates a session and sends its cookie with the reply. */
  async startSession(reply: FastifyReply, userId: number): Promise<void> {
    const session = await this.createSession(userId);
    setCookie(reply, SESSION_COOKIE, session.value, {
      secure: this.secureCookies,
      maxAgeSeconds: Math.floor(SESSION_TTL_MS / 1000),
    });
  }

  /** The user of the request's session cookie, if it names a live session. */
  async sessionUser(request: FastifyRequest): Promise<PlatformUser | undefined> {
    const value = readCookie(request, SESSION_COOKIE);
    if (!value) return undefined;
    const row = await this.db
      .selectFrom('web_sessions')
      .select('user_id')
      .where('id_hash', '=', hashSecret(value))
      .where('expires_at', '>', Date.now())
      .executeTakeFirst();
    return row ? this.directory.userById(Number(row.user_id)) : undefined;
  }

  async endSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const value = readCookie(request, SESSION_COOKIE);
    if (value) await this.db.deleteFrom('web_sessions').where('id_hash', '=', hashSecret(value)).execute();
    setCookie(reply, SESSION_COOKIE, '', { secure: this.secureCookies, maxAgeSeconds: 0 });
  }
}
