// Verification of the PSC access tokens that clients present with XOAUTH2 (CONF.07), for IMAP and SMTP
// alike: the same checks against the simulator or the real PSC, whose keys come from the issuer's JWKS
// (found by discovery, cached, re-read when a token names a key not seen yet, i.e. after a rotation).
//
// Telling tokens apart, before any signature is checked (a refusal for the kind is as final as any):
//   access token  header typ "at+jwt" (RFC 9068, the simulator) or claim typ "Bearer" (Keycloak, PSC BAS);
//                 failing both, a `scope` claim without ID-token markers
//   ID token      claim typ "ID" (Keycloak), or `nonce` / `at_hash` / `c_hash`, or an `aud` without `scope`
//   refresh token claim typ "Refresh" / "Offline" (Keycloak JWT); an opaque bearer is introspected at the
//                 issuer, which answers typ "Refresh" for a live refresh token (the simulator does the same)
// Every refusal has its own stable reason (REASONS); the decision's details explain it without the token.
//
// A signature only says the token was issued; a revoked grant (revocation, logout, refresh-token reuse) must
// stop it too, within seconds and not at expiry. So a token that passes every other check is asked to be
// live: against the simulator's store (the same database: always current, no HTTP), or by introspection at an
// external PSC, whose answer is reused `introspectionCacheSeconds` — one round trip per token and period rather
// than per login, at the price of that much delay before a revocation bites.
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { BearerDecision, BearerVerifier } from '../mail/authenticate.ts';
import type { Mailbox } from '../mail/mailbox/store.ts';
import type { MailboxOwners } from './owners.ts';
import { decodeSegment as decode } from './token-summary.ts';

export const REASONS = [
  'verified',
  'malformed',
  'not_a_jwt',
  'alg_none',
  'bad_algorithm',
  'id_token',
  'refresh_token',
  'not_an_access_token',
  'wrong_issuer',
  'bad_signature',
  'unknown_key',
  'jwks_unavailable',
  'expired',
  'not_yet_valid',
  'wrong_acr',
  'missing_identity',
  'not_personal_mailbox',
  'wrong_identity',
  'revoked',
  'introspection_unavailable',
] as const;
export type Reason = (typeof REASONS)[number];

export interface IssuerSettings {
  issuer: string;
  discoveryUrl: string;
  /** Client credentials for introspection (classifying opaque bearers). */
  clientId: string;
  clientSecret: string;
  acceptedAcr: readonly string[];
  clockSkewSeconds: number;
  liveness: Liveness;
}

/** How a token that passed every other check is found still live (its grant not revoked). */
export type Liveness =
  /** The simulator: the token's jti is recorded with its grant, and the grant still exists. */
  | { kind: 'store'; live(jti: string): Promise<boolean> }
  /** An external PSC: its introspection says `active`, an answer reused this many seconds. */
  | { kind: 'introspection'; cacheSeconds: number }
  | { kind: 'none' };

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** JWKS cache: shorter than the lead with which keys.ts publishes a new key; quick re-read on an unknown kid. */
const JWKS_CACHE_MS = 5 * 60 * 1000;
const JWKS_COOLDOWN_MS = 1000;
const DISCOVERY_CACHE_MS = 60 * 60 * 1000;
const HTTP_TIMEOUT_MS = 5000;
/** Introspection answers kept at most (a flood of distinct tokens evicts the oldest). */
const INTROSPECTION_CACHE_ENTRIES = 10_000;

export type TokenKind = 'access_token' | 'id_token' | 'refresh_token' | 'unknown';

export function tokenKind(header: Record<string, unknown>, payload: Record<string, unknown>): TokenKind {
  const claimTyp = typeof payload.typ === 'string' ? payload.typ.toLowerCase() : undefined;
  if (claimTyp === 'bearer') return 'access_token';
  if (claimTyp === 'id') return 'id_token';
  if (claimTyp === 'refresh' || claimTyp === 'offline') return 'refresh_token';
  const headerTyp = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  if (headerTyp === 'at+jwt' || headerTyp === 'application/at+jwt') return 'access_token';
  if ('nonce' in payload || 'at_hash' in payload || 'c_hash' in payload) return 'id_token';
  if (typeof payload.scope === 'string') return 'access_token';
  // OpenID Connect ID tokens always name their client in `aud`; access tokens here carry a scope.
  if (payload.aud !== undefined) return 'id_token';
  return 'unknown';
}

interface Discovery {
  jwks_uri: string;
  introspection_endpoint?: string;
}

export class AccessTokenVerifier implements BearerVerifier {
  private discovery: { value: Discovery; at: number } | undefined;
  private jwks: { uri: string; get: JWTVerifyGetKey } | undefined;
  /** sha256 of a token → whether its issuer called it active, until when. */
  private readonly introspected = new Map<string, { active: boolean; until: number }>();

  constructor(
    private readonly settings: IssuerSettings,
    private readonly owners: MailboxOwners,
  ) {}

  async verify(token: string, mailbox: Mailbox): Promise<BearerDecision> {
    const refuse = (reason: Reason, details: Record<string, unknown> = {}): BearerDecision => ({
      ok: false,
      reason,
      verified: false,
      details,
    });
    const parts = token.split('.');
    if (parts.length !== 3) return this.opaque(token, refuse);
    const header = decode(parts[0]!);
    const payload = decode(parts[1]!);
    if (!header || !payload) return refuse('malformed', { problem: 'header or payload is not base64url JSON' });
    const facts = { alg: header.alg, kid: header.kid, kind: tokenKind(header, payload) };
    if (typeof header.alg !== 'string' || header.alg.toLowerCase() === 'none' || parts[2] === '')
      return refuse('alg_none', facts);
    if (facts.kind === 'id_token') return refuse('id_token', facts);
    if (facts.kind === 'refresh_token') return refuse('refresh_token', facts);
    if (facts.kind === 'unknown') return refuse('not_an_access_token', facts);
    if (payload.iss !== this.settings.issuer)
      return refuse('wrong_issuer', { ...facts, expectedIssuer: this.settings.issuer });

    let getKey: JWTVerifyGetKey;
    try {
      getKey = await this.keys();
    } catch (error) {
      return refuse('jwks_unavailable', { ...facts, error: message(error) });
    }
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, getKey, {
        issuer: this.settings.issuer,
        algorithms: ASYMMETRIC,
        clockTolerance: this.settings.clockSkewSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return refuse(joseReason(error), { ...facts, error: message(error) });
    }

    if (typeof claims.acr !== 'string' || !this.settings.acceptedAcr.includes(claims.acr))
      return refuse('wrong_acr', { ...facts, acr: claims.acr, acceptedAcr: this.settings.acceptedAcr });
    const owner = await this.owners.ownerOf(mailbox);
    if (owner.kind !== 'personal') return refuse('not_personal_mailbox', { ...facts, mailboxType: mailbox.type });
    const subject = claims.SubjectNameID;
    if (typeof subject !== 'string' || !subject) return refuse('missing_identity', facts);
    if (subject !== owner.idnat)
      return refuse('wrong_identity', { ...facts, SubjectNameID: subject, owner: owner.idnat });
    const live = await this.live(token, claims);
    if (live !== 'live') return refuse(live, { ...facts, SubjectNameID: subject, jti: claims.jti });
    return {
      ok: true,
      reason: 'verified',
      verified: true,
      details: { ...facts, SubjectNameID: subject, owner: owner.idnat },
    };
  }

  private async live(
    token: string,
    claims: Record<string, unknown>,
  ): Promise<'live' | 'revoked' | 'introspection_unavailable'> {
    const liveness = this.settings.liveness;
    if (liveness.kind === 'none') return 'live';
    if (liveness.kind === 'store')
      return typeof claims.jti === 'string' && (await liveness.live(claims.jti)) ? 'live' : 'revoked';
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = this.introspected.get(key);
    if (cached && cached.until > Date.now()) return cached.active ? 'live' : 'revoked';
    let active: boolean;
    try {
      active = (await this.introspect(token)).active === true;
    } catch {
      // Fail closed: a token the issuer cannot vouch for now opens nothing.
      return 'introspection_unavailable';
    }
    if (liveness.cacheSeconds > 0) {
      this.introspected.delete(key);
      if (this.introspected.size >= INTROSPECTION_CACHE_ENTRIES)
        this.introspected.delete(this.introspected.keys().next().value!);
      this.introspected.set(key, { active, until: Date.now() + liveness.cacheSeconds * 1000 });
    }
    return active ? 'live' : 'revoked';
  }

  /** The issuer's introspection answer, asked with the platform's client credentials; throws when it cannot be had. */
  private async introspect(token: string): Promise<{ active?: boolean; typ?: string }> {
    const endpoint = (await this.metadata()).introspection_endpoint;
    if (!endpoint) throw new Error('the issuer publishes no introspection endpoint');
    const { clientId, clientSecret } = this.settings;
    const credentials = `${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(credentials).toString('base64')}`,
      },
      body: new URLSearchParams({ token }),
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`introspection: HTTP ${response.status}`);
    return (await response.json()) as { active?: boolean; typ?: string };
  }

  /** An opaque bearer is no PSC access token; the issuer's introspection tells whether it is a refresh token. */
  private async opaque(
    token: string,
    refuse: (reason: Reason, details?: Record<string, unknown>) => BearerDecision,
  ): Promise<BearerDecision> {
    if (!token || /\s/.test(token)) return refuse('malformed', { problem: 'empty or contains white space' });
    try {
      const answer = await this.introspect(token);
      const typ = answer.typ?.toLowerCase();
      if (answer.active && (typ === 'refresh' || typ === 'offline'))
        return refuse('refresh_token', { format: 'opaque', classifiedBy: 'introspection' });
      return refuse('not_a_jwt', {
        format: 'opaque',
        introspection: { active: Boolean(answer.active), typ: answer.typ },
      });
    } catch (error) {
      return refuse('not_a_jwt', { introspection: message(error) });
    }
  }

  private async metadata(): Promise<Discovery> {
    if (this.discovery && Date.now() - this.discovery.at < DISCOVERY_CACHE_MS) return this.discovery.value;
    const response = await fetch(this.settings.discoveryUrl, { signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`discovery ${this.settings.discoveryUrl}: HTTP ${response.status}`);
    const value = (await response.json()) as Discovery;
    if (typeof value.jwks_uri !== 'string') throw new Error(`discovery ${this.settings.discoveryUrl}: no jwks_uri`);
    this.discovery = { value, at: Date.now() };
    return value;
  }

  private async keys(): Promise<JWTVerifyGetKey> {
    const uri = (await this.metadata()).jwks_uri;
    if (this.jwks?.uri !== uri) {
      this.jwks = {
        uri,
        get: createRemoteJWKSet(new URL(uri), {
          cacheMaxAge: JWKS_CACHE_MS,
          cooldownDuration: JWKS_COOLDOWN_MS,
          timeoutDuration: HTTP_TIMEOUT_MS,
        }),
      };
    }
    return this.jwks.get;
  }
}

function joseReason(error: unknown): Reason {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' || error.claim === 'iat') return 'not_yet_valid';
    if (error.claim === 'iss') return 'wrong_issuer';
    return 'malformed';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys)
    return 'unknown_key';
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return 'bad_algorithm';
  if (error instanceof errors.JWTInvalid || error instanceof errors.JWSInvalid) return 'malformed';
  return 'jwks_unavailable';
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
