// What the two simulated providers (PSC and ISC) share around oidc-provider: storage, cookies, French error
// and logout pages, and a holder that rebuilds the provider when its signing keys change (oidc-provider
// takes its JWKS once, at construction; everything else lives in the store, so a rebuild loses nothing).
import { createLocalJWKSet } from 'jose';
import type { Configuration, ErrorOut, KoaContextWithOIDC } from 'oidc-provider';
import Provider from 'oidc-provider';
import { t } from '../i18n/messages.ts';
import { html, page, raw } from '../web/html.ts';
import { StoreAdapter } from './adapter.ts';
import type { IdentityDb } from './db.ts';
import type { KeySet, SigningKeys } from './keys.ts';

/** Keycloak's endpoint paths (those of PSC BAS), relative to the issuer. */
export const KEYCLOAK_ROUTES = {
  authorization: '/protocol/openid-connect/auth',
  token: '/protocol/openid-connect/token',
  userinfo: '/protocol/openid-connect/userinfo',
  introspection: '/protocol/openid-connect/token/introspect',
  end_session: '/protocol/openid-connect/logout',
  jwks: '/protocol/openid-connect/certs',
  revocation: '/protocol/openid-connect/revoke',
  backchannel_authentication: '/protocol/openid-connect/ext/ciba/auth',
} as const;

export interface BaseOptions {
  name: 'psc' | 'isc';
  db: IdentityDb;
  /** Cookie signing keys, kept in the store. */
  cookieKeys: string[];
  /** Shown in the page header of error and logout pages. */
  area: string;
  secureCookies: boolean;
}

/** Configuration common to both providers; each adds its clients, claims, features and interactions. */
export function baseConfiguration(o: BaseOptions, keys: KeySet): Configuration {
  const render = (title: string, body: ReturnType<typeof html>) => page({ title, area: o.area, body });
  return {
    adapter: StoreAdapter.factory(o.db, o.name),
    jwks: { keys: keys.keys as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      names: {
        session: `${o.name}_session`,
        interaction: `${o.name}_interaction`,
        resume: `${o.name}_interaction_resume`,
      },
      keys: o.cookieKeys,
      long: { signed: true, secure: o.secureCookies, sameSite: 'lax' },
      short: { signed: true, secure: o.secureCookies, sameSite: 'lax' },
    },
    routes: KEYCLOAK_ROUTES,
    pkce: { required: () => true },
    clockTolerance: 5,
    async renderError(ctx: KoaContextWithOIDC, out: ErrorOut) {
      ctx.type = 'html';
      ctx.body = render(
        t('oidc.errorTitle'),
        html`<h1>${t('oidc.errorTitle')}</h1>
<p class="error" role="alert">${String(out.error_description ?? out.error ?? '')}</p>
<p><code>${String(out.error ?? '')}</code></p>`,
      );
    },
  };
}

/** rpInitiatedLogout pages in French (the confirmation embeds oidc-provider's own form and its xsrf token). */
export function logoutPages(area: string): {
  logoutSource: (ctx: KoaContextWithOIDC, form: string) => Promise<void>;
  postLogoutSuccessSource: (ctx: KoaContextWithOIDC) => Promise<void>;
} {
  return {
    async logoutSource(ctx, form) {
      ctx.type = 'html';
      ctx.body = page({
        title: t('oidc.logoutTitle'),
        area,
        body: html`<h1>${t('oidc.logoutTitle')}</h1><p>${t('oidc.logoutQuestion')}</p>${raw(form)}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>${t('oidc.logoutYes')}</button>
<button type="submit" form="op.logoutForm" class="secondary">${t('oidc.logoutNo')}</button></p>`,
      });
    },
    async postLogoutSuccessSource(ctx) {
      ctx.type = 'html';
      ctx.body = page({
        title: t('oidc.loggedOutTitle'),
        area,
        body: html`<h1>${t('oidc.loggedOutTitle')}</h1><p>${t('oidc.loggedOut')}</p>`,
      });
    },
  };
}

/** The provider in force, rebuilt with the same configuration when the published keys change. */
export class ProviderHolder {
  private built:
    | {
        provider: Provider;
        handler: ReturnType<Provider['callback']>;
        keys: KeySet;
        publicKeys: ReturnType<typeof createLocalJWKSet>;
      }
    | undefined;

  constructor(
    readonly keys: SigningKeys,
    private readonly build: (keys: KeySet) => Provider,
  ) {}

  get provider(): Provider {
    return this.state.provider;
  }

  /** The provider's request handler, made once per build (Koa composes the middleware at each callback()). */
  get handler(): ReturnType<Provider['callback']> {
    return this.state.handler;
  }

  /** The key set now in force (public parts are what the JWKS endpoint publishes). */
  get current(): KeySet | undefined {
    return this.built?.keys;
  }

  /** The published public keys, to verify the tokens the provider signs. */
  get publicKeys(): ReturnType<typeof createLocalJWKSet> {
    return this.state.publicKeys;
  }

  /** Rebuilds the provider if the keys (or their order) changed; true when it did. */
  async refresh(): Promise<boolean> {
    const set = await this.keys.current();
    if (this.built && kids(set) === kids(this.built.keys)) return false;
    const provider = this.build(set);
    const publicKeys = createLocalJWKSet({
      keys: set.keys.map(({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...pub }) => pub),
    });
    this.built = { provider, handler: provider.callback(), keys: set, publicKeys };
    return true;
  }

  private get state(): NonNullable<ProviderHolder['built']> {
    if (!this.built) throw new Error(`${this.keys.provider} provider used before refresh()`);
    return this.built;
  }
}

const kids = (set: KeySet) => set.keys.map((k) => k.kid).join(',');

export { Provider };
