// Where the reference LPS gets PSC tokens: the token helper (CIBA, then refresh grants), obtained on first
// need and renewed when it runs out, as a thick client's back end keeps its PSC session.
import { PscTokens, type PscTokenOptions } from '../identity/psc-token.ts';

export interface TokenSource {
  /** A currently valid access token (refreshed, or obtained again, when needed). */
  access(): Promise<string>;
  /** The ID token of the PSC session (a fault sends it instead of the access token). */
  idToken(): Promise<string>;
  /** The current access token once it has expired; `onWait` is told how long that takes. */
  expiredAccess(onWait: (seconds: number) => void): Promise<string>;
}

export class PscTokenSource implements TokenSource {
  private tokens: Promise<PscTokens> | undefined;

  /** `toleranceSeconds`: the verifier's clock skew, which an expired token must be past too. */
  constructor(
    private readonly options: PscTokenOptions,
    private readonly toleranceSeconds: number,
  ) {}

  private session(): Promise<PscTokens> {
    this.tokens ??= PscTokens.obtain(this.options).catch((error: unknown) => {
      this.tokens = undefined;
      throw error;
    });
    return this.tokens;
  }

  async access(): Promise<string> {
    try {
      return await (await this.session()).fresh();
    } catch {
      // The refresh token ran out or was revoked: a new PSC authentication, as a client does.
      this.tokens = undefined;
      return (await this.session()).fresh();
    }
  }

  async idToken(): Promise<string> {
    const token = (await this.session()).idToken;
    if (!token) throw new Error('PSC returned no ID token');
    return token;
  }

  async expiredAccess(onWait: (seconds: number) => void): Promise<string> {
    const tokens = await this.session();
    const token = tokens.accessToken;
    const wait = Math.max(0, tokens.expiresAt + this.toleranceSeconds + 1 - Date.now() / 1000);
    onWait(Math.ceil(wait));
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
    return token;
  }
}
