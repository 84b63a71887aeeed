// Throttling of the ISC login: failed attempts (a wrong password, a wrong code) are counted per login and per
// client address in a fixed window; past the limit every attempt for that key — the right password included —
// is refused until the window ends. The counters live in the store rather than in memory, so that several
// instances behind a load balancer (PostgreSQL deployments) share them and a restart forgets nothing; each
// failure is one upsert, each attempt one indexed read. Keys are hashed: a login is any text a client sends.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config/config.ts';
import type { IdentityDb } from '../db.ts';

export type ThrottleSettings = Config['isc']['throttle'];

export interface ThrottleKeys {
  login: string;
  address: string;
}

export class LoginThrottle {
  constructor(
    private readonly db: IdentityDb,
    private readonly settings: ThrottleSettings,
  ) {}

  /** Seconds to wait before this login or address may try again; 0 when it may try now. */
  async blockedFor(keys: ThrottleKeys, now = Date.now()): Promise<number> {
    const windowMs = this.settings.windowSeconds * 1000;
    const rows = await this.db
      .selectFrom('isc_throttle')
      .select(['key', 'failures', 'window_start'])
      .where('key', 'in', [loginKey(keys.login), addressKey(keys.address)])
      .where('window_start', '>', now - windowMs)
      .execute();
    let until = 0;
    for (const row of rows) {
      const max = row.key.startsWith('login:')
        ? this.settings.maxFailuresPerLogin
        : this.settings.maxFailuresPerAddress;
      if (Number(row.failures) >= max) until = Math.max(until, Number(row.window_start) + windowMs);
    }
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  /** Counts a failure for the login and the address: the first of a window opens it, later ones add to it. */
  async failed(keys: ThrottleKeys, now = Date.now()): Promise<void> {
    const expired = now - this.settings.windowSeconds * 1000;
    for (const key of [loginKey(keys.login), addressKey(keys.address)]) {
      await this.db
        .insertInto('isc_throttle')
        .values({ key, failures: 1, window_start: now })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            failures: sql<number>`case when isc_throttle.window_start <= ${expired} then 1
              else isc_throttle.failures + 1 end`,
            window_start: sql<number>`case when isc_throttle.window_start <= ${expired} then ${now}
              else isc_throttle.window_start end`,
          }),
        )
        .execute();
    }
  }

  /** A completed login clears that login's count (never the address's: one good account must not reset it). */
  async succeeded(login: string): Promise<void> {
    await this.db.deleteFrom('isc_throttle').where('key', '=', loginKey(login)).execute();
  }

  /** Forgets windows that are over (run with the identity maintenance). */
  async purge(now = Date.now()): Promise<void> {
    await this.db
      .deleteFrom('isc_throttle')
      .where('window_start', '<=', now - this.settings.windowSeconds * 1000)
      .execute();
  }
}

function loginKey(login: string): string {
  return `login:${digest(login.trim().toLowerCase())}`;
}

function addressKey(address: string): string {
  return `address:${digest(address)}`;
}

function digest(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
