// The Pro Santé Connect sandbox simulator: oidc-provider configured to look like PSC BAS (Keycloak realm
// `esante-wallet`, its endpoint paths, scope `openid scope_all`, acr `eidas1`, JWT access tokens carrying
// SubjectNameID and preferred_username = IdNat), with authorization code + PKCE, CIBA poll, refresh-token
// rotation, revocation and end-session. Userinfo and introspection are served by endpoints.ts because
// oidc-provider keeps neither working for JWT access tokens.
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import { StoreAdapter } from '../adapter.ts';
import { PSC_ACR, PSC_SCOPE, TOOLS_CLIENT_ID } from '../issuers.ts';
import type { IdentityDb } from '../db.ts';
import type { KeySet } from '../keys.ts';
import { baseConfiguration, KEYCLOAK_ROUTES, logoutPages, Provider } from '../oidc.ts';
import { pscClaims, type PscIdentities } from './identities.ts';
import { errors, type Configuration } from 'oidc-provider';

/** The audience of access tokens: the mail API (API LPS) of the test operator. */
export const PSC_RESOURCE = 'urn:motco:psc:api-lps';
/** ID tokens live longer than access tokens, as in Keycloak (they are not bearer credentials). */
const ID_TOKEN_TTL = 3600;
const CIBA_REQUEST_TTL = 120;

export interface PscProviderOptions {
  issuer: string;
  publicUrl: string;
  settings: Config['psc'];
  db: IdentityDb;
  identities: PscIdentities;
  cookieKeys: string[];
  toolsSecret: string;
  secureCookies: boolean;
  /** Called when a CIBA request is accepted by the provider (to approve it at once, or leave it pending). */
  onCibaRequest(request: InstanceType<Provider['BackchannelAuthenticationRequest']>, clientId: string): Promise<void>;
}

export function createPscProvider(o: PscProviderOptions, keys: KeySet): Provider {
  const area = t('psc.area');
  const s = o.settings;
  const accessTokens = new StoreAdapter(o.db, 'psc', 'AccessToken');
  const configuration: Configuration = {
    ...baseConfiguration(
      { name: 'psc', db: o.db, cookieKeys: o.cookieKeys, area, secureCookies: o.secureCookies },
      keys,
    ),
    clients: [
      {
        client_id: s.clientId,
        client_secret: s.clientSecret,
        application_type: 'native',
        redirect_uris: s.redirectUris,
        post_logout_redirect_uris: s.redirectUris,
        grant_types: ['authorization_code', 'refresh_token', 'urn:openid:params:grant-type:ciba'],
        response_types: ['code'],
        backchannel_token_delivery_mode: 'poll',
      },
      {
        client_id: TOOLS_CLIENT_ID,
        client_secret: o.toolsSecret,
        grant_types: ['refresh_token', 'urn:openid:params:grant-type:ciba'],
        response_types: [],
        redirect_uris: [],
        backchannel_token_delivery_mode: 'poll',
      },
    ],
    async findAccount(_ctx, sub) {
      const identity = await o.identities.find(sub);
      return identity && { accountId: sub, claims: async () => ({ sub, ...pscClaims(identity) }) };
    },
    claims: {
      openid: ['sub'],
      scope_all: ['SubjectNameID', 'preferred_username', 'given_name', 'family_name', 'SubjectRefPro', 'otherIds'],
    },
    scopes: ['openid', 'scope_all'],
    acrValues: [PSC_ACR],
    // ID tokens carry the identity claims, as PSC's do.
    conformIdTokenClaims: false,
    extraParams: ['channel'],
    features: {
      devInteractions: { enabled: false },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...logoutPages(area) },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => PSC_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo(_ctx, resource) {
          if (resource !== PSC_RESOURCE) throw new errors.InvalidTarget();
          return {
            scope: PSC_SCOPE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: s.accessTokenTtlSeconds,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
      ciba: {
        enabled: true,
        deliveryModes: ['poll'],
        async processLoginHint(_ctx, loginHint) {
          return loginHint && (await o.identities.find(loginHint)) ? loginHint : undefined;
        },
        validateBindingMessage(_ctx, message) {
          if (message === undefined || !/^\d{2}$/.test(message))
            throw new errors.InvalidBindingMessage(t('psc.bindingMessageRule'));
        },
        validateRequestContext() {},
        verifyUserCode() {},
        async triggerAuthenticationDevice(_ctx, request, _account, client) {
          await o.onCibaRequest(request, client.clientId);
        },
      },
    },
    async extraTokenClaims(_ctx, token) {
      if (!('accountId' in token) || !token.accountId) return undefined;
      const identity = await o.identities.find(token.accountId);
      return {
        // Keycloak's token type claim, next to the RFC 9068 header `typ: at+jwt`.
        typ: 'Bearer',
        azp: token.clientId,
        acr: PSC_ACR,
        ...(identity
          ? {
              SubjectNameID: identity.idnat,
              preferred_username: identity.idnat,
              given_name: identity.givenName,
              family_name: identity.familyName,
            }
          : {}),
      };
    },
    formats: {
      customizers: {
        // oidc-provider keeps nothing of a JWT access token; endpoints.ts needs to know it is still live (its
        // grant not revoked, the session not ended), so each one is recorded under its jti, with its grant
        // (revokeByGrantId deletes it). `format: 'jwt'` keeps oidc-provider from taking the jti for a token.
        async jwt(_ctx, token) {
          if (!token.jti || !('grantId' in token)) return;
          const exp = token.exp ?? Math.floor(Date.now() / 1000) + s.accessTokenTtlSeconds;
          // Kept past `exp` by the mail verifier's clock tolerance: a token it still accepts must still be found;
          // so must its grant, which a last refresh may otherwise outlive (a grant gone reads as revoked).
          const keep = exp - Math.floor(Date.now() / 1000) + s.clockSkewSeconds;
          await accessTokens.upsert(
            token.jti,
            {
              jti: token.jti,
              kind: 'AccessToken',
              format: 'jwt',
              grantId: token.grantId,
              accountId: token.accountId,
              clientId: token.clientId,
              exp,
            },
            keep,
          );
          const until = Date.now() + keep * 1000;
          await o.db
            .updateTable('oidc_payloads')
            .set({ expires_at: until })
            .where('provider', '=', 'psc')
            .where('model', '=', 'Grant')
            .where('id', '=', token.grantId!)
            .where('expires_at', '<', until)
            .execute();
        },
      },
    },
    ttl: {
      AccessToken: s.accessTokenTtlSeconds,
      RefreshToken: s.refreshTokenTtlSeconds,
      Grant: s.refreshTokenTtlSeconds,
      Session: s.refreshTokenTtlSeconds,
      IdToken: ID_TOKEN_TTL,
      AuthorizationCode: 60,
      Interaction: 600,
      BackchannelAuthenticationRequest: CIBA_REQUEST_TTL,
    },
    rotateRefreshToken: true,
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `${o.publicUrl}/psc/e-cps/connexion/${interaction.uid}` },
    discovery: {
      userinfo_endpoint: `${o.issuer}${KEYCLOAK_ROUTES.userinfo}`,
      introspection_endpoint: `${o.issuer}${KEYCLOAK_ROUTES.introspection}`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    },
  };
  const provider = new Provider(o.issuer, configuration);
  provider.proxy = o.issuer.startsWith('https:');
  return provider;
}

/**
 * Whether the access token of this jti is still live: recorded when issued (formats.customizers.jwt above) and
 * its grant not revoked — revocation, logout and refresh-token reuse delete the grant and the tokens under it.
 */
export async function accessTokenLive(db: IdentityDb, jti: string): Promise<boolean> {
  const token = await new StoreAdapter(db, 'psc', 'AccessToken').find(jti);
  return Boolean(token?.grantId && (await new StoreAdapter(db, 'psc', 'Grant').find(token.grantId)));
}

/** A grant of the PSC scope to a client for an identity: what the e-CPS approval (login or CIBA) produces. */
export async function pscGrant(
  provider: Provider,
  accountId: string,
  clientId: string,
  existingGrantId?: string,
): Promise<string> {
  const grant =
    (existingGrantId && (await provider.Grant.find(existingGrantId))) || new provider.Grant({ accountId, clientId });
  grant.addOIDCScope(PSC_SCOPE);
  grant.addResourceScope(PSC_RESOURCE, PSC_SCOPE);
  return grant.save();
}
