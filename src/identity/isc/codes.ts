// The second step of ISC login: a 6-digit code e-mailed to the user, valid `codeTtlSeconds` (5 minutes),
// one live code per login attempt (asking for a new one closes the previous), a few tries per code, a few new
// codes per attempt and some time between two (each new code would otherwise bring fresh tries).
// Only an HMAC of each code is kept.
import { createHmac, randomInt } from 'node:crypto';
import { sameSecret } from '../../auth/secret.ts';
import { deleteInBatches } from '../../store/batches.ts';
import type { IdentityDb } from '../db.ts';

const MAX_ATTEMPTS = 5;
/**
 * How long a code's row outlives its expiry. Every code expires within `codeTtlSeconds` (an hour at most), used,
 * superseded or not; its row only serves its login attempt (the check, the resend count of mayIssue), and the
 * provider forgets an attempt after 30 minutes (ISC Interaction ttl). A day past expiry nothing can read it.
 */
const KEEP_AFTER_EXPIRY_MS = 24 * 60 * 60 * 1000;

export type CodeCheck = { ok: true; userId: number } | { ok: false; reason: 'wrong' | 'expired' | 'too_many' | 'none' };
export type IssueCheck = { ok: true } | { ok: false; reason: 'limit' } | { ok: false; reason: 'wait'; seconds: number };

export class LoginCodes {
  constructor(
    private readonly db: IdentityDb,
    private readonly key: string,
    private readonly ttlSeconds: number,
  ) {}

  /** A new code for this login attempt; any earlier one stops working. */
  async issue(interactionUid: string, userId: number, now = Date.now()): Promise<string> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('isc_codes')
        .set({ closed_at: now })
        .where('interaction_uid', '=', interactionUid)
        .where('closed_at', 'is', null)
        .execute();
      await tx
        .insertInto('isc_codes')
        .values({
          interaction_uid: interactionUid,
          user_id: userId,
          code_hash: this.hash(interactionUid, code),
          created_at: now,
          expires_at: now + this.ttlSeconds * 1000,
          closed_at: null,
        })
        .execute();
    });
    return code;
  }

  /** Whether this attempt may have another code: at most 1 + `maxResends`, `intervalSeconds` apart. */
  async mayIssue(
    interactionUid: string,
    limits: { maxResends: number; intervalSeconds: number },
    now = Date.now(),
  ): Promise<IssueCheck> {
    const row = await this.db
      .selectFrom('isc_codes')
      .select((eb) => [eb.fn.countAll<number>().as('issued'), eb.fn.max('created_at').as('latest')])
      .where('interaction_uid', '=', interactionUid)
      .executeTakeFirst();
    const issued = Number(row?.issued ?? 0);
    if (issued === 0) return { ok: true };
    if (issued > limits.maxResends) return { ok: false, reason: 'limit' };
    const wait = Number(row!.latest) + limits.intervalSeconds * 1000 - now;
    return wait > 0 ? { ok: false, reason: 'wait', seconds: Math.ceil(wait / 1000) } : { ok: true };
  }

  /** The user who reached the code step of this attempt, if anyone did. */
  async userAt(interactionUid: string): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('isc_codes')
      .select('user_id')
      .where('interaction_uid', '=', interactionUid)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    return row ? Number(row.user_id) : undefined;
  }

  async check(interactionUid: string, code: string, now = Date.now()): Promise<CodeCheck> {
    const row = await this.db
      .selectFrom('isc_codes')
      .selectAll()
      .where('interaction_uid', '=', interactionUid)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    if (!row || row.closed_at !== null)
      return { ok: false, reason: row && Number(row.attempts) >= MAX_ATTEMPTS ? 'too_many' : 'none' };
    if (Number(row.expires_at) <= now) return { ok: false, reason: 'expired' };
    if (sameSecret(this.hash(interactionUid, code.trim()), row.code_hash)) {
      await this.db.updateTable('isc_codes').set({ closed_at: now }).where('id', '=', row.id).execute();
      return { ok: true, userId: Number(row.user_id) };
    }
    const attempts = Number(row.attempts) + 1;
    await this.db
      .updateTable('isc_codes')
      .set({ attempts, ...(attempts >= MAX_ATTEMPTS ? { closed_at: now } : {}) })
      .where('id', '=', row.id)
      .execute();
    return { ok: false, reason: attempts >= MAX_ATTEMPTS ? 'too_many' : 'wrong' };
  }

  /** Deletes the codes expired for a day or more (run with the identity maintenance); returns how many. */
  purge(now = Date.now()): Promise<number> {
    return deleteInBatches(
      async (limit) =>
        (
          await this.db
            .deleteFrom('isc_codes')
            .where('id', 'in', (eb) =>
              eb
                .selectFrom('isc_codes')
                .select('id')
                .where('expires_at', '<=', now - KEEP_AFTER_EXPIRY_MS)
                .limit(limit),
            )
            .executeTakeFirst()
        ).numDeletedRows,
    );
  }

  private hash(interactionUid: string, code: string): string {
    return createHmac('sha256', this.key).update(`${interactionUid}:${code}`).digest('base64url');
  }
}
