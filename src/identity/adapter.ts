// oidc-provider's storage adapter on our store: every model (sessions, interactions, grants, codes, tokens,
// CIBA requests) of one provider is a JSON payload keyed by (provider, model, id), with the lookups
// oidc-provider needs (grant, uid, user code) as columns and an expiry after which a row counts as gone.
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { IdentityDb } from './db.ts';

export class StoreAdapter implements Adapter {
  constructor(
    private readonly db: IdentityDb,
    private readonly provider: string,
    private readonly model: string,
  ) {}

  /** The factory oidc-provider's `adapter` setting takes. */
  static factory(db: IdentityDb, provider: string): (model: string) => Adapter {
    return (model) => new StoreAdapter(db, provider, model);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const row = {
      payload: JSON.stringify(payload),
      grant_id: payload.grantId ?? null,
      user_code: payload.userCode ?? null,
      uid: payload.uid ?? null,
      account_id: payload.accountId ?? null,
      expires_at: expiresIn ? Date.now() + expiresIn * 1000 : null,
      consumed_at: null,
    };
    await this.db
      .insertInto('oidc_payloads')
      .values({ provider: this.provider, model: this.model, id, ...row })
      .onConflict((oc) => oc.columns(['provider', 'model', 'id']).doUpdateSet(row))
      .execute();
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.findBy('id', id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy('uid', uid);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await this.db
      .updateTable('oidc_payloads')
      .set({ consumed_at: Date.now() })
      .where('provider', '=', this.provider)
      .where('model', '=', this.model)
      .where('id', '=', id)
      .execute();
  }

  async destroy(id: string): Promise<void> {
    await this.db
      .deleteFrom('oidc_payloads')
      .where('provider', '=', this.provider)
      .where('model', '=', this.model)
      .where('id', '=', id)
      .execute();
  }

  /** Every model issued under a grant goes with it (tokens, codes, the grant itself). */
  async revokeByGrantId(grantId: string): Promise<void> {
    await this.db
      .deleteFrom('oidc_payloads')
      .where('provider', '=', this.provider)
      .where('grant_id', '=', grantId)
      .execute();
  }

  private async findBy(column: 'id' | 'uid' | 'user_code', value: string): Promise<AdapterPayload | undefined> {
    const row = await this.db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('provider', '=', this.provider)
      .where('model', '=', this.model)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row || (row.expires_at !== null && Number(row.expires_at) <= Date.now())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    return row.consumed_at === null ? payload : { ...payload, consumed: Math.floor(Number(row.consumed_at) / 1000) };
  }
}

/** Deletes expired rows of every provider (they are already invisible; this only reclaims space). */
export async function purgeExpired(db: IdentityDb, now = Date.now()): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('expires_at', '<=', now).execute();
}
