// Who is calling: an API token (`Authorization: Bearer …`) or a session cookie, resolved to a platform
// user whose role decides what they may reach (src/auth/access.ts). Also the operator's local token, written
// at first start so that the CLI on the same machine can drive the running platform's API.
import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { PlatformDirectory, PlatformUser } from '../accounts/directory.ts';
import { PRIVATE_FILE_MODE, readOptional, writeFileAtomic } from '../util/files.ts';
import type { Database } from '../store/schema.ts';
import { WebSessions } from './sessions.ts';
import { ApiTokens } from './tokens.ts';

export { SESSION_COOKIE, WebSessions } from './sessions.ts';
export { ApiTokens } from './tokens.ts';

export interface Caller {
  user: PlatformUser;
  via: 'token' | 'session';
}

export const ADMIN_TOKEN_FILE = 'admin.token';

export class Auth {
  readonly tokens: ApiTokens;
  readonly sessions: WebSessions;

  constructor(
    db: Kysely<Database>,
    private readonly directory: PlatformDirectory,
    secureCookies: boolean,
  ) {
    this.tokens = new ApiTokens(db, directory);
    this.sessions = new WebSessions(db, directory, secureCookies);
  }

  /** A bearer header is judged alone (a wrong token is not rescued by a cookie). */
  async authenticate(request: FastifyRequest): Promise<Caller | undefined> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = /^Bearer +(\S+)$/i.exec(header)?.[1];
      const user = token ? await this.tokens.verify(token) : undefined;
      return user && { user, via: 'token' };
    }
    const user = await this.sessions.sessionUser(request);
    return user && { user, via: 'session' };
  }

  /** Keeps <dataDir>/admin.token while it is valid; otherwise issues a new one for the `admin` user. */
  async ensureAdminToken(dataDir: string): Promise<{ file: string; created: boolean }> {
    const file = path.join(dataDir, ADMIN_TOKEN_FILE);
    const existing = (await readOptional(file))?.toString().trim();
    const holder = existing ? await this.tokens.verify(existing) : undefined;
    if (holder?.role === 'admin') return { file, created: false };
    const admin = await this.directory.ensureAdmin();
    await writeFileAtomic(file, `${await this.tokens.create(admin.id, 'local admin token')}\n`, PRIVATE_FILE_MODE);
    return { file, created: true };
  }
}
