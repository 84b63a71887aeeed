// Where each identity provider is and what the platform calls it with: issuer URLs (simulators live under
// publicUrl), PSC's fixed values, and the names of the secrets kept in the store. Light on purpose: the CLI
// imports it without loading oidc-provider.
import type { Kysely } from 'kysely';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import type { Database } from '../store/schema.ts';
import { identityDb } from './db.ts';
import { Secrets } from './secrets.ts';

export const PSC_REALM_PATH = '/psc/auth/realms/esante-wallet';
export const ISC_REALM_PATH = '/isc/auth/realms/isc';
export const PSC_SCOPE = 'openid scope_all';
export const PSC_ACR = 'eidas1';
/** The platform's own PSC client, whose CIBA requests are always approved at once (token helper). */
export const TOOLS_CLIENT_ID = 'motco-outils';

/** Names of the secrets in the store. */
export const PSC_TOOLS_SECRET = 'psc.toolsClientSecret';
export const ISC_CLIENT_SECRET = 'isc.clientSecret';
export const ISC_ADMIN_PASSWORD = 'isc.adminPassword';

/** The platform's own PSC client (simulated mode), once the simulator has generated its secret. */
export async function pscToolsClient(
  db: Kysely<Database>,
): Promise<{ clientId: string; clientSecret: string } | undefined> {
  const secret = await new Secrets(identityDb(db)).get(PSC_TOOLS_SECRET);
  return secret ? { clientId: TOOLS_CLIENT_ID, clientSecret: secret } : undefined;
}

/** Issuer and discovery URL of each provider as configured. */
export function issuers(config: Config): {
  psc: { issuer: string; discoveryUrl: string };
  isc: { issuer: string; discoveryUrl: string };
} {
  const resolve = (settings: Config['psc'] | Config['isc'], simulatedPath: string, name: string) => {
    const issuer = settings.mode === 'simulated' ? `${config.publicUrl}${simulatedPath}` : settings.issuer;
    if (!issuer) throw new Error(t('identity.issuerRequired', { name }));
    return { issuer, discoveryUrl: settings.discoveryUrl ?? `${issuer}/.well-known/openid-configuration` };
  };
  return { psc: resolve(config.psc, PSC_REALM_PATH, 'psc'), isc: resolve(config.isc, ISC_REALM_PATH, 'isc') };
}
