// Signing keys of a provider, generated once and kept in the store so that tokens and the published JWKS
// survive restarts. Rotation publishes the new key before it signs anything (verifiers that cached the
// JWKS pick it up in time) and keeps the old one published while tokens it signed may still be presented.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { IdentityDb } from './db.ts';

/** How long a new key is published before it signs: longer than verifiers cache a JWKS (tokens.ts: 5 min). */
export const KEY_PUBLISH_LEAD_MS = 10 * 60 * 1000;
/** How long a replaced key stays published after its successor starts signing (ID tokens live an hour). */
export const KEY_RETIRE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface KeySet {
  /** Private JWKs, the signing key first: oidc-provider signs with the first key that fits. */
  keys: JWK[];
  activeKid: string;
}

export interface KeyInfo {
  kid: string;
  createdAt: number;
  activatesAt: number;
  retiresAt: number | null;
}

export class SigningKeys {
  constructor(
    private readonly db: IdentityDb,
    readonly provider: string,
  ) {}

  /** The published keys at `now`, creating the first key on first use. */
  async current(now = Date.now()): Promise<KeySet> {
    let rows = await this.published(now);
    if (!rows.some((r) => r.activates_at <= now)) {
      await this.insert(now);
      rows = await this.published(now);
    }
    const active = rows
      .filter((r) => r.activates_at <= now)
      .sort((a, b) => b.activates_at - a.activates_at || b.id - a.id)[0]!;
    const others = rows.filter((r) => r !== active);
    return {
      keys: [active, ...others].map((r) => JSON.parse(r.jwk) as JWK),
      activeKid: active.kid,
    };
  }

  /** Adds a key that signs from `now + leadMs`; the keys it replaces retire a while after that. */
  async rotate(leadMs = KEY_PUBLISH_LEAD_MS, now = Date.now()): Promise<KeyInfo> {
    const activatesAt = now + leadMs;
    await this.db
      .updateTable('identity_keys')
      .set({ retires_at: activatesAt + KEY_RETIRE_AFTER_MS })
      .where('provider', '=', this.provider)
      .where('retires_at', 'is', null)
      .where('activates_at', '<=', now)
      .execute();
    return this.insert(activatesAt);
  }

  private async published(now: number) {
    const rows = await this.db
      .selectFrom('identity_keys')
      .selectAll()
      .where('provider', '=', this.provider)
      .where((eb) => eb.or([eb('retires_at', 'is', null), eb('retires_at', '>', now)]))
      .execute();
    return rows.map((r) => ({
      ...r,
      id: Number(r.id),
      activates_at: Number(r.activates_at),
      retires_at: r.retires_at === null ? null : Number(r.retires_at),
    }));
  }

  private async insert(activatesAt: number): Promise<KeyInfo> {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    const jwk = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(jwk);
    const createdAt = Date.now();
    await this.db
      .insertInto('identity_keys')
      .values({
        provider: this.provider,
        kid,
        jwk: JSON.stringify({ ...jwk, kid, alg: 'RS256', use: 'sig' }),
        created_at: createdAt,
        activates_at: activatesAt,
        retires_at: null,
      })
      .execute();
    return { kid, createdAt, activatesAt, retiresAt: null };
  }
}
