// The <oAuth2> block of the autoconfiguration file (Thunderbird's config-v1.1 format, as the ISPDB files carry
// it): where a client following the format gets a PSC token for the servers advertised with `OAuth2`. With the
// simulated PSC the endpoints follow from its Keycloak paths; with a real PSC (BAS) they come from its discovery
// document, read once and kept (the authorization endpoint is not under the issuer there).
import type { Config } from '../config/config.ts';
import { issuers, PSC_SCOPE } from '../identity/issuers.ts';
import { KEYCLOAK_ROUTES } from '../identity/oidc.ts';
import type { Logger } from '../util/log.ts';

export interface OAuth2Block {
  /** Thunderbird's name for the provider: the authorization endpoint's host (as "accounts.google.com"). */
  issuer: string;
  scope: string;
  authURL: string;
  tokenURL: string;
}

/** How long a real PSC's discovery answer is kept, and how soon a failed read is tried again. */
const KEEP_MS = 3600_000;
const RETRY_MS = 60_000;

export function pscOAuth2(config: Config, log: Logger): () => Promise<OAuth2Block | undefined> {
  const { issuer, discoveryUrl } = issuers(config).psc;
  const block = (authURL: string, tokenURL: string): OAuth2Block => ({
    issuer: new URL(authURL).hostname,
    scope: PSC_SCOPE,
    authURL,
    tokenURL,
  });
  if (config.psc.mode === 'simulated') {
    const simulated = block(`${issuer}${KEYCLOAK_ROUTES.authorization}`, `${issuer}${KEYCLOAK_ROUTES.token}`);
    return async () => simulated;
  }
  let kept: { value: OAuth2Block | undefined; until: number } | undefined;
  return async () => {
    if (kept && Date.now() < kept.until) return kept.value;
    try {
      const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(5000) });
      const document = (await response.json()) as { authorization_endpoint?: unknown; token_endpoint?: unknown };
      if (
        !response.ok ||
        typeof document.authorization_endpoint !== 'string' ||
        typeof document.token_endpoint !== 'string'
      )
        throw new Error(`HTTP ${response.status}, no authorization_endpoint/token_endpoint`);
      kept = { value: block(document.authorization_endpoint, document.token_endpoint), until: Date.now() + KEEP_MS };
    } catch (error) {
      // The file goes out without the block rather than not at all.
      log.warn('autoconfig: PSC discovery unreadable, no <oAuth2> block', { discoveryUrl, error });
      kept = { value: undefined, until: Date.now() + RETRY_MS };
    }
    return kept.value;
  };
}
