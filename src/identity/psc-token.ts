// Obtaining and keeping a PSC access token the way a thick client's back end does: CIBA in poll mode
// (login_hint = IdNat, a 2-digit binding message), then refresh-token grants as the 120-second access
// tokens run out. With the simulator's tools client (or cibaAutoApprove) the request is approved at once;
// against the real PSC the holder approves it on their e-CPS while this waits.
import { randomInt } from 'node:crypto';
import * as client from 'openid-client';
import { PSC_ACR, PSC_SCOPE } from './issuers.ts';

export interface PscTokenOptions {
  /** Discovery document URL (or the issuer, whose standard discovery is then used). */
  discoveryUrl: string;
  clientId: string;
  clientSecret: string;
  idnat: string;
  /** Shown to the holder; random 00–99 by default. */
  bindingMessage?: string;
  /** Called once the request is accepted by PSC and waits for the holder. */
  onPending?: (bindingMessage: string) => void;
  /** How long to wait for the holder's approval. */
  timeoutMs?: number;
}

/** A token is renewed this long before it expires (as a careful client does). */
const RENEW_BEFORE_S = 30;
const DEFAULT_INTERVAL_S = 5;

export class PscTokens {
  private constructor(
    private readonly config: client.Configuration,
    private tokens: client.TokenEndpointResponse & client.TokenEndpointResponseHelpers,
    private obtainedAt: number,
  ) {}

  static async obtain(o: PscTokenOptions): Promise<PscTokens> {
    const url = new URL(o.discoveryUrl);
    const config = await client.discovery(
      url,
      o.clientId,
      undefined,
      client.ClientSecretBasic(o.clientSecret),
      url.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {},
    );
    const bindingMessage = o.bindingMessage ?? String(randomInt(0, 100)).padStart(2, '0');
    const request = await client.initiateBackchannelAuthentication(config, {
      scope: PSC_SCOPE,
      acr_values: PSC_ACR,
      login_hint: o.idnat,
      binding_message: bindingMessage,
    });
    const deadline = Date.now() + (o.timeoutMs ?? (request.expires_in ?? 120) * 1000);
    let interval = request.interval ?? DEFAULT_INTERVAL_S;
    let notified = false;
    // The first poll goes at once (an auto-approved request is ready); later ones respect the interval.
    for (;;) {
      try {
        const tokens = await client.genericGrantRequest(config, 'urn:openid:params:grant-type:ciba', {
          auth_req_id: request.auth_req_id,
        });
        return new PscTokens(config, tokens, Date.now());
      } catch (error) {
        const code = error instanceof client.ResponseBodyError ? error.error : undefined;
        if (code !== 'authorization_pending' && code !== 'slow_down') throw error;
        if (code === 'slow_down') interval += 5;
        if (!notified) {
          notified = true;
          o.onPending?.(bindingMessage);
        }
        if (Date.now() + interval * 1000 > deadline)
          throw new Error(`no approval for ${o.idnat} before the CIBA request expired`);
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      }
    }
  }

  get accessToken(): string {
    return this.tokens.access_token;
  }

  get refreshToken(): string | undefined {
    return this.tokens.refresh_token;
  }

  get idToken(): string | undefined {
    return this.tokens.id_token;
  }

  /** Seconds since the epoch when the current access token expires. */
  get expiresAt(): number {
    return Math.floor(this.obtainedAt / 1000) + (this.tokens.expires_in ?? 0);
  }

  /** A currently valid access token, refreshed first when it is about to expire. */
  async fresh(): Promise<string> {
    if (this.expiresAt - Date.now() / 1000 <= RENEW_BEFORE_S) await this.refresh();
    return this.tokens.access_token;
  }

  /** Refresh-token grant; PSC rotates the refresh token, so the new one replaces the old. */
  async refresh(): Promise<void> {
    if (!this.tokens.refresh_token) throw new Error('no refresh token to renew the access token with');
    this.tokens = await client.refreshTokenGrant(this.config, this.tokens.refresh_token);
    this.obtainedAt = Date.now();
  }
}
