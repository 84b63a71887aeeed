// The PSC sandbox simulator driven by openid-client as a relying party would: discovery, authorization code
// + PKCE through the e-CPS login page, CIBA approved on the "e-CPS de test" page and auto-approved, refresh
// with rotation, introspection, userinfo, JWKS and end-session.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { identityDb } from '../src/identity/db.ts';
import { PSC_TOOLS_SECRET } from '../src/identity/issuers.ts';
import { PscTokens } from '../src/identity/psc-token.ts';
import { Secrets } from '../src/identity/secrets.ts';
import { vendor } from './helpers/api.ts';
import { Browser } from './helpers/identity-browser.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

let t: TestPlatform;
let issuer: string;
let config: client.Configuration;
const IDNAT = '810001234567';
const REDIRECT = 'http://127.0.0.1/callback';
/** A browser signed in to the platform as a vendor of the organisation that owns IDNAT (its e-CPS holder). */
let holder: () => Browser;

beforeAll(async () => {
  t = await startTestPlatform();
  issuer = t.platform.identity.psc.issuer;
  const owner = await vendor(t.platform, { login: 'alice.editeur', immatriculation: '44444444400044' });
  await t.platform.identity.psc.simulator!.identities.create(
    { idnat: IDNAT, civilite: 'Mme', givenName: 'Alice', familyName: 'Martin', profession: '10' },
    { organisationId: owner.organisation.id },
  );
  const session = await t.platform.auth.sessions.createSession(owner.user.id);
  holder = () => new Browser().setCookie(t.config.publicUrl, 'motco_session', session.value);
  config = await client.discovery(
    new URL(issuer),
    'motco-lps',
    undefined,
    client.ClientSecretBasic('motco-lps-secret'),
    { execute: [client.allowInsecureRequests] },
  );
});

afterAll(async () => {
  await t?.stop();
});

async function ciba(idnat = IDNAT, bindingMessage = '42') {
  return client.initiateBackchannelAuthentication(config, {
    scope: 'openid scope_all',
    acr_values: 'eidas1',
    login_hint: idnat,
    binding_message: bindingMessage,
    channel: 'MOBILE',
  });
}

async function approveOnEcps(bindingMessage: string, decision: 'accept' | 'refuse') {
  const browser = holder();
  const page = await (await browser.get(`${t.config.publicUrl}/psc/e-cps?idnat=${IDNAT}`)).text();
  expect(page).toContain(`<strong class="binding">${bindingMessage}</strong>`);
  const row = page.split('<tr>').find((r) => r.includes(`<strong class="binding">${bindingMessage}</strong>`))!;
  const { action, fields } = Browser.formFields(row);
  const answer = await browser.post(new URL(action, t.config.publicUrl).href, { ...fields, decision });
  expect(answer.status).toBe(303);
  return answer.headers.get('location');
}

describe('PSC simulator: discovery and keys', () => {
  it('publishes PSC BAS-like metadata, also under the wallet discovery name', async () => {
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(`${t.config.publicUrl}/psc/auth/realms/esante-wallet`);
    expect(metadata.token_endpoint).toBe(`${issuer}/protocol/openid-connect/token`);
    expect(metadata.userinfo_endpoint).toBe(`${issuer}/protocol/openid-connect/userinfo`);
    expect(metadata.introspection_endpoint).toBe(`${issuer}/protocol/openid-connect/token/introspect`);
    expect(metadata.jwks_uri).toBe(`${issuer}/protocol/openid-connect/certs`);
    expect(metadata.end_session_endpoint).toBe(`${issuer}/protocol/openid-connect/logout`);
    expect(metadata.backchannel_authentication_endpoint).toBe(`${issuer}/protocol/openid-connect/ext/ciba/auth`);
    expect(metadata.backchannel_token_delivery_modes_supported).toEqual(['poll']);
    expect(metadata.acr_values_supported).toEqual(['eidas1']);
    const wallet = (await (await fetch(`${issuer}/.well-known/wallet-openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(wallet.issuer).toBe(metadata.issuer);
    expect(wallet.token_endpoint).toBe(metadata.token_endpoint);
  });

  it('serves a JWKS with public RSA keys only', async () => {
    const jwks = (await (await fetch(`${issuer}/protocol/openid-connect/certs`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig' });
      expect(key).not.toHaveProperty('d');
    }
  });
});

describe('PSC simulator: request handling', () => {
  it('reuses the provider’s request handler instead of composing its middleware per request', async () => {
    const callback = vi.spyOn(t.platform.identity.psc.simulator!.holder.provider, 'callback');
    try {
      for (let i = 0; i < 2; i++) expect((await fetch(`${issuer}/.well-known/openid-configuration`)).status).toBe(200);
      expect(callback).not.toHaveBeenCalled();
    } finally {
      callback.mockRestore();
    }
  });
});

describe('PSC simulator: CIBA', () => {
  it('is approved on the e-CPS de test page; tokens look like PSC’s', async () => {
    const request = await ciba(IDNAT, '17');
    const polled = client.pollBackchannelAuthenticationGrant(config, request);
    expect(await approveOnEcps('17', 'accept')).toContain('fait=accepte');
    const tokens = await polled;
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(120);
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ typ: 'at+jwt', alg: 'RS256' });
    const claims = decodeJwt(tokens.access_token);
    expect(claims).toMatchObject({
      iss: issuer,
      SubjectNameID: IDNAT,
      preferred_username: IDNAT,
      acr: 'eidas1',
      scope: 'openid scope_all',
      given_name: 'Alice',
      family_name: 'Martin',
      typ: 'Bearer',
    });
    expect(claims.exp! - claims.iat!).toBe(120);
    expect(tokens.refresh_token).toBeTruthy();
    const id = tokens.claims()!;
    expect(id).toMatchObject({ sub: IDNAT, SubjectNameID: IDNAT, acr: 'eidas1', aud: 'motco-lps' });
  });

  it('gives access_denied when the holder refuses on the e-CPS page', async () => {
    const request = await ciba(IDNAT, '08');
    const polled = client.pollBackchannelAuthenticationGrant(config, request).then(
      () => 'granted',
      (error: unknown) => (error instanceof client.ResponseBodyError ? error.error : String(error)),
    );
    await approveOnEcps('08', 'refuse');
    expect(await polled).toBe('access_denied');
  });

  it('refuses a binding message that is not two digits and an unknown IdNat', async () => {
    await expect(ciba(IDNAT, 'abc')).rejects.toMatchObject({ error: 'invalid_binding_message' });
    await expect(ciba('810009999999', '11')).rejects.toMatchObject({ error: 'unknown_user_id' });
  });

  it('is approved at once for the platform’s tools client (token helper), which then refreshes', async () => {
    const { psc } = t.platform.identity;
    const tokens = await PscTokens.obtain({
      discoveryUrl: psc.discoveryUrl,
      clientId: 'motco-outils',
      clientSecret: await toolsSecret(),
      idnat: IDNAT,
    });
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ SubjectNameID: IDNAT, azp: 'motco-outils' });
    const first = tokens.accessToken;
    await tokens.refresh();
    expect(tokens.accessToken).not.toBe(first);
  });
});

async function toolsSecret(): Promise<string> {
  return (await new Secrets(identityDb(t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
}

describe('PSC simulator: authorization code + PKCE through the e-CPS login page', () => {
  async function login(browser: Browser, idnat = IDNAT) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid scope_all',
      acr_values: 'eidas1',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const { response, url: at } = await browser.follow(url.href, t.config.publicUrl);
    expect(at).toMatch(/\/psc\/e-cps\/connexion\//);
    const page = await response.text();
    expect(page).toContain('Connexion avec e-CPS');
    expect(page).toContain('<label for="f-idnat">');
    const { fields } = Browser.formFields(page);
    const answer = await browser.post(at, { ...fields, idnat, decision: 'confirm' });
    expect(answer.status).toBe(303);
    const { url: callback } = await browser.follow(answer.headers.get('location')!, t.config.publicUrl);
    expect(callback.startsWith(REDIRECT)).toBe(true);
    return client.authorizationCodeGrant(config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
  }

  it('logs in with a chosen test identity and gets PSC tokens', async () => {
    const tokens = await login(holder());
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      SubjectNameID: IDNAT,
      acr: 'eidas1',
      scope: 'openid scope_all',
    });
    expect(tokens.claims()).toMatchObject({ sub: IDNAT, acr: 'eidas1', preferred_username: IDNAT });
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid scope_all',
      state: client.randomState(),
    });
    const response = await new Browser().get(url.href);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toContain('error=invalid_request');
  });

  it('rotates refresh tokens: the old one is refused after use', async () => {
    const tokens = await login(holder());
    const renewed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
    expect(decodeJwt(renewed.access_token)).toMatchObject({ SubjectNameID: IDNAT });
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('introspects access and refresh tokens (SubjectNameID only with the access token)', async () => {
    const tokens = await login(holder());
    const access = await client.tokenIntrospection(config, tokens.access_token);
    expect(access).toMatchObject({
      active: true,
      SubjectNameID: IDNAT,
      client_id: 'motco-lps',
      scope: 'openid scope_all',
      token_type: 'Bearer',
    });
    const refresh = await client.tokenIntrospection(config, tokens.refresh_token!);
    expect(refresh).toMatchObject({ active: true, typ: 'Refresh', client_id: 'motco-lps' });
    expect(refresh).not.toHaveProperty('SubjectNameID');
    expect(await client.tokenIntrospection(config, 'not-a-token')).toEqual({ active: false });
    const forged = `${tokens.access_token.slice(0, -4)}AAAA`;
    expect(await client.tokenIntrospection(config, forged)).toEqual({ active: false });
  });

  it('answers userinfo with the identity’s claims', async () => {
    const tokens = await login(holder());
    const info = await client.fetchUserInfo(config, tokens.access_token, IDNAT);
    expect(info).toMatchObject({
      sub: IDNAT,
      SubjectNameID: IDNAT,
      preferred_username: IDNAT,
      given_name: 'Alice',
      family_name: 'Martin',
    });
    expect(info.SubjectRefPro).toMatchObject({
      codeCivilite: 'Mme',
      exercices: [{ codeProfession: '10', libelleProfession: 'Médecin' }],
    });
  });

  it('ends the session: logout revokes the tokens of the session', async () => {
    const browser = holder();
    const tokens = await login(browser);
    const end = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: REDIRECT,
      state: 'bye',
    });
    const confirm = await (await browser.get(end.href)).text();
    expect(confirm).toContain('Voulez-vous vous déconnecter');
    const { action, fields } = Browser.formFields(confirm);
    const done = await browser.post(new URL(action, issuer).href, { ...fields, logout: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${REDIRECT}?state=bye`);
    expect(await client.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
    expect(await client.tokenIntrospection(config, tokens.access_token)).toEqual({ active: false });
  });
});
