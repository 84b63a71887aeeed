// Tables of the identity providers (migration 0002_identity), typed for Kysely. Times are milliseconds since
// the epoch; JSON is stored as text so that the same queries run on SQLite and PostgreSQL.
import type { Generated, Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';

export type IdentityTables = {
  /** oidc-provider's models (sessions, grants, codes, tokens, interactions, CIBA requests) of both providers. */
  oidc_payloads: {
    provider: string;
    model: string;
    id: string;
    payload: string;
    grant_id: string | null;
    user_code: string | null;
    uid: string | null;
    account_id: string | null;
    expires_at: number | null;
    consumed_at: number | null;
  };
  /** Signing keys (private JWK) of each provider, with when each signs and when it stops being published. */
  identity_keys: {
    id: Generated<number>;
    provider: string;
    kid: string;
    jwk: string;
    created_at: number;
    activates_at: number;
    retires_at: number | null;
  };
  /** Secrets generated once and kept: cookie keys, CSRF key, generated client secrets, admin password. */
  identity_secrets: { name: string; value: string; created_at: number };
  psc_identities: {
    id: Generated<number>;
    idnat: string;
    civilite: string | null;
    given_name: string;
    family_name: string;
    profession: string | null;
    /** The platform organisation that owns it (migration 0007); null: the operator's. */
    organisation_id: number | null;
    created_at: number;
  };
  isc_organisations: {
    id: Generated<number>;
    raison_sociale: string;
    immatriculation: string;
    telephone: string | null;
    adresse: string | null;
    created_at: number;
  };
  isc_users: {
    id: Generated<number>;
    login: string;
    password_hash: string;
    email: string;
    civilite: string | null;
    given_name: string;
    family_name: string;
    organisation_id: number;
    created_at: number;
  };
  isc_codes: {
    id: Generated<number>;
    interaction_uid: string;
    user_id: number;
    code_hash: string;
    created_at: number;
    expires_at: number;
    /** Wrong codes typed against this one. */
    attempts: Generated<number>;
    /** Set when the code was used, superseded by a newer one or tried too often. */
    closed_at: number | null;
  };
  /**
   * Failed ISC logins (password or code) per key — a login, a client address — in the current window (migration 0007).
   */
  isc_throttle: {
    key: string;
    failures: number;
    window_start: number;
  };
  dev_outbox: {
    id: Generated<number>;
    at: number;
    recipient: string;
    subject: string;
    body: string;
  };
};

export type IdentityDb = Kysely<Database & IdentityTables>;

export function identityDb(db: Kysely<Database>): IdentityDb {
  return db.withTables<IdentityTables>();
}
