// The Industriels Santé Connect simulator: oidc-provider for vendor users, with the account site as its
// relying party. Login is interactive (pages.ts): password, e-mailed code, consent.
import type { Config } from '../../config/config.ts';
import { t } from '../../i18n/messages.ts';
import type { IdentityDb } from '../db.ts';
import type { KeySet } from '../keys.ts';
import { baseConfiguration, logoutPages, Provider } from '../oidc.ts';
import { iscClaims, type IscDirectory } from './directory.ts';

export const ISC_SCOPES = ['openid', 'profile', 'email', 'organisation', 'offline_access'];

export interface IscProviderOptions {
  issuer: string;
  publicUrl: string;
  settings: Config['isc'];
  db: IdentityDb;
  directory: IscDirectory;
  cookieKeys: string[];
  clientSecret: string;
  secureCookies: boolean;
}

/** Where ISC may send the account site back: configured, or the account site's default paths under publicUrl. */
export function iscRedirects(
  publicUrl: string,
  settings: Config['isc'],
): { redirectUris: string[]; postLogoutRedirectUris: string[] } {
  return {
    // The account site's own URIs are always registered, so that adding others never breaks its login.
    redirectUris: [...new Set([`${publicUrl}/connexion/retour`, ...settings.redirectUris])],
    postLogoutRedirectUris: [...new Set([`${publicUrl}/`, ...settings.postLogoutRedirectUris])],
  };
}

export function createIscProvider(o: IscProviderOptions, keys: KeySet): Provider {
  const area = t('isc.area');
  const redirects = iscRedirects(o.publicUrl, o.settings);
  const provider = new Provider(o.issuer, {
    ...baseConfiguration(
      { name: 'isc', db: o.db, cookieKeys: o.cookieKeys, area, secureCookies: o.secureCookies },
      keys,
    ),
    clients: [
      {
        client_id: o.settings.clientId,
        client_secret: o.clientSecret,
        redirect_uris: redirects.redirectUris,
        post_logout_redirect_uris: redirects.postLogoutRedirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    async findAccount(_ctx, sub) {
      const user = await o.directory.user(sub);
      return user && { accountId: sub, claims: async () => ({ ...iscClaims(user), sub }) };
    },
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'civilite', 'given_name', 'family_name'],
      email: ['email', 'email_verified'],
      organisation: ['organisation'],
    },
    scopes: ISC_SCOPES,
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true, ...logoutPages(area) },
    },
    ttl: {
      AccessToken: 300,
      IdToken: 3600,
      AuthorizationCode: 60,
      Interaction: 1800,
      Session: 8 * 3600,
      Grant: 14 * 86_400,
      RefreshToken: 8 * 3600,
    },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    interactions: { url: (_ctx, interaction) => `${o.publicUrl}/isc/connexion/${interaction.uid}` },
  });
  provider.proxy = o.issuer.startsWith('https:');
  return provider;
}
