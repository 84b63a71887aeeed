// API tokens: `Authorization: Bearer motco_…`, one user each, shown once at creation and stored hashed.
import type { Kysely } from 'kysely';
import type { PlatformDirectory, PlatformUser } from '../accounts/directory.ts';
import type { Database } from '../store/schema.ts';
import { hashSecret, newSecret } from './secret.ts';

const PREFIX = 'motco_';

export class ApiTokens {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly directory: PlatformDirectory,
  ) {}

  /** A new token for the user; the only time it exists in clear. */
  async create(userId: number, label: string): Promise<string> {
    const token = newSecret(PREFIX);
    await this.db
      .insertInto('api_tokens')
      .values({
        user_id: userId,
        token_hash: hashSecret(token),
        label,
        created_at: Date.now(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    return token;
  }

  /** The user a token belongs to, if it is one of ours and not revoked. */
  async verify(token: string): Promise<PlatformUser | undefined> {
    if (!token.startsWith(PREFIX)) return undefined;
    const hash = hashSecret(token);
    const row = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'user_id'])
      .where('token_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    await this.db.updateTable('api_tokens').set({ last_used_at: Date.now() }).where('id', '=', row.id).execute();
    return this.directory.userById(Number(row.user_id));
  }
}
