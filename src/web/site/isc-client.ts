// The account site as the relying party of Industriels Santé Connect, simulated or real (the same code, only
// the configured issuer differs): authorization code with PKCE, state and nonce, the claims of the ID token
// completed by userinfo, and RP-initiated logout when the provider offers it.
import * as client from 'openid-client';
import type { IscClaims } from '../../accounts/directory.ts';
import type { IssuerEndpoints } from '../../identity/index.ts';

/** What the browser keeps between leaving for ISC and coming back (an HttpOnly cookie). */
export interface PendingLogin {
  state: string;
  nonce: string;
  verifier: string;
  /** Local page to open once signed in. */
  returnTo: string | null;
}

export const ISC_SITE_SCOPE = 'openid profile email organisation';

export class IscRelyingParty {
  /** Both derive from publicUrl; the simulator registers them for its client (iscRedirects) by default. */
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  private configuration: Promise<client.Configuration> | undefined;

  constructor(
    private readonly isc: IssuerEndpoints,
    publicUrl: string,
  ) {
    this.redirectUri = `${publicUrl}/connexion/retour`;
    this.postLogoutRedirectUri = `${publicUrl}/`;
  }

  /** Where to send the browser, and what to remember until it comes back. */
  async start(returnTo: string | null): Promise<{ url: URL; pending: PendingLogin }> {
    const pending = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      verifier: client.randomPKCECodeVerifier(),
      returnTo,
    };
    const url = client.buildAuthorizationUrl(await this.config(), {
      redirect_uri: this.redirectUri,
      scope: ISC_SITE_SCOPE,
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url, pending };
  }

  /**
   * Redeems the code of the callback (`query`: its query string) and returns the user's claims. Throws the
   * provider's error (`error: 'access_denied'` when the user refused to share their data) or a check's.
   */
  async finish(query: string, pending: PendingLogin): Promise<IscClaims> {
    const config = await this.config();
    // The callback URL as registered, whatever Host header or proxy the request came through.
    const current = new URL(this.redirectUri);
    current.search = query;
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims()!;
    const userInfo = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    return { ...idClaims, ...userInfo } as IscClaims;
  }

  /** The provider's end-session URL bringing the browser back to the home page, when it has one. */
  async endSessionUrl(): Promise<URL | undefined> {
    const config = await this.config();
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, { post_logout_redirect_uri: this.postLogoutRedirectUri });
  }

  /** Discovered at first use (the simulator answers once the web server listens); a failure is retried next time. */
  private config(): Promise<client.Configuration> {
    // Plain http only for a simulator on a local publicUrl; a real ISC is reached over https.
    const insecure = this.isc.mode === 'simulated' && this.isc.discoveryUrl.startsWith('http:');
    this.configuration ??= client
      .discovery(
        new URL(this.isc.discoveryUrl),
        this.isc.clientId,
        this.isc.clientSecret,
        undefined,
        insecure ? { execute: [client.allowInsecureRequests] } : {},
      )
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }
}
