// PSC test identities (EDIT-like page, JSON API, CLI), persistence of keys, grants and sessions across a
// restart, the CIBA auto-approve setting, and `motco psc token` against a running platform.
import { rmSync } from 'node:fs';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import { testIdnat } from '../src/identity/psc/identities.ts';
import { startPlatform, type Platform } from '../src/platform.ts';
import { silentLogger } from '../src/util/log.ts';
import { vendor } from './helpers/api.ts';
import { Browser } from './helpers/identity-browser.ts';
import { randomPortBase, startTestPlatform, testDataDir, type TestPlatform } from './helpers/platform.ts';
import { motco } from './helpers/run.ts';

let t: TestPlatform;
/** A vendor's API token, and a browser signed in as that vendor: the pages and the API act for them. */
let token: string;
let signedIn: () => Browser;

beforeAll(async () => {
  t = await startTestPlatform({ psc: { cibaAutoApprove: true } });
  const v = await vendor(t.platform, { login: 'lea.editeur', immatriculation: '33333333300033' });
  token = v.token;
  const session = await t.platform.auth.sessions.createSession(v.user.id);
  signedIn = () => new Browser().setCookie(t.config.publicUrl, 'motco_session', session.value);
});

afterAll(async () => {
  await t?.stop();
});

const future = testIdnat(new Date(Date.now() + 2 * 86_400_000));

describe('EDIT-like page', () => {
  async function submit(browser: Browser, values: Record<string, string>) {
    const page = await (await browser.get(`${t.config.publicUrl}/psc/edit`)).text();
    const { fields } = Browser.formFields(page, '/psc/edit');
    return browser.post(`${t.config.publicUrl}/psc/edit`, { ...fields, ...values });
  }

  it('creates an identity in the manual’s 87AAMMJJHHMM format and lists it', async () => {
    const browser = signedIn();
    const idnat = testIdnat(new Date(Date.now() - 60_000));
    const answer = await submit(browser, {
      idnat,
      civilite: 'M',
      givenName: 'Jean',
      familyName: 'Dupont',
      profession: '21',
    });
    expect(answer.status).toBe(303);
    const page = await (await browser.get(new URL(answer.headers.get('location')!, t.config.publicUrl).href)).text();
    expect(page).toContain(`Identité ${idnat} créée.`);
    expect(page).toContain('<td>Pharmacien</td>');
  });

  it.each([
    ['12345', 'L’IdNat doit comporter 12 chiffres'],
    ['872302301200', 'date et une heure qui existent'],
    [future, 'ne peut pas être dans le futur'],
  ])('refuses IdNat %s with a field error and keeps what was typed', async (idnat, message) => {
    const answer = await submit(signedIn(), { idnat, givenName: 'Zoé', familyName: '<Durand>' });
    expect(answer.status).toBe(400);
    const page = await answer.text();
    expect(page).toContain(message);
    expect(page).toMatch(
      new RegExp(
        `id="f-idnat" name="idnat" value="${idnat}"[^>]*aria-invalid="true" ` +
          `aria-describedby="f-idnat-hint f-idnat-error"`,
      ),
    );
    expect(page).toContain('value="&lt;Durand&gt;"');
  });

  it('refuses a duplicate, and a form without its CSRF token', async () => {
    const browser = signedIn();
    const idnat = '810000000001';
    expect((await submit(browser, { idnat, givenName: 'A', familyName: 'B' })).status).toBe(303);
    const again = await submit(browser, { idnat, givenName: 'A', familyName: 'B' });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('Une identité de test porte déjà cet IdNat.');
    const forged = await signedIn().post(`${t.config.publicUrl}/psc/edit`, {
      idnat: '810000000002',
      givenName: 'A',
      familyName: 'B',
    });
    expect(forged.status).toBe(403);
    expect(await t.platform.identity.psc.simulator!.identities.find('810000000002')).toBeUndefined();
  });
});

describe('identity API', () => {
  const post = (body: unknown) =>
    fetch(`${t.config.publicUrl}/psc/api/identities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it('creates (201), refuses a duplicate (409) and invalid input (400) with per-field codes', async () => {
    const created = await post({ idnat: '810000000010', givenName: 'Léa', familyName: 'Petit', civilite: 'Mme' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ idnat: '810000000010', givenName: 'Léa', civilite: 'Mme' });
    const duplicate = await post({ idnat: '810000000010', givenName: 'Léa', familyName: 'Petit' });
    expect(duplicate.status).toBe(409);
    expect(await duplicate.json()).toMatchObject({ error: 'exists', errors: { idnat: { code: 'idnat_exists' } } });
    const invalid = await post({ idnat: future, civilite: 'Dr', givenName: '' });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: 'invalid',
      errors: {
        idnat: { code: 'idnat_future' },
        civilite: { code: 'civilite_invalid' },
        givenName: { code: 'given_missing' },
        familyName: { code: 'family_missing' },
      },
    });
    const list = (await (
      await fetch(`${t.config.publicUrl}/psc/api/identities`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { idnat: string }[];
    expect(list.map((i) => i.idnat)).toContain('810000000010');
  });

  it('takes JSON only', async () => {
    const form = await fetch(`${t.config.publicUrl}/psc/api/identities`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
      body: 'idnat=810000000011&givenName=A&familyName=B',
    });
    expect(form.status).toBe(415);
  });
});

describe('motco psc', () => {
  const env = () => ({ MOTCO_PORT_BASE: String(t.config.portBase) });

  it('identity add validates like the page and identity list shows the result', async () => {
    const ok = await motco(
      [
        'psc',
        'identity',
        'add',
        '--data',
        t.dataDir,
        '--idnat',
        '810000000020',
        '--given',
        'Paul',
        '--family',
        'Roux',
        '--civilite',
        'M',
      ],
      env(),
    );
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toContain('Identité de test créée : 810000000020 (Paul Roux)');
    const duplicate = await motco(
      ['psc', 'identity', 'add', '--data', t.dataDir, '--idnat', '810000000020', '--given', 'Paul', '--family', 'Roux'],
      env(),
    );
    expect(duplicate.code).toBe(3);
    expect(duplicate.stderr).toContain('--idnat\u00a0: Une identité de test porte déjà cet IdNat.');
    const bad = await motco(
      ['psc', 'identity', 'add', '--data', t.dataDir, '--idnat', '871302301200', '--given', 'Paul'],
      env(),
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--idnat\u00a0: Au format 87AAMMJJHHMM');
    expect(bad.stderr).toContain('--family\u00a0: Saisissez le nom.');
    const list = await motco(['psc', 'identity', 'list', '--data', t.dataDir, '--json'], env());
    expect((JSON.parse(list.stdout) as { idnat: string }[]).map((i) => i.idnat)).toContain('810000000020');
  });

  it('token obtains an access token from the running platform by CIBA', async () => {
    const result = await motco(['psc', 'token', '--data', t.dataDir, '--idnat', '810000000020', '--json'], env());
    expect(result.code).toBe(0);
    const tokens = JSON.parse(result.stdout) as { access_token: string; refresh_token: string };
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      SubjectNameID: '810000000020',
      acr: 'eidas1',
      iss: t.platform.identity.psc.issuer,
    });
    expect(tokens.refresh_token).toBeTruthy();
  });

  it('token says clearly when the platform is not running', async () => {
    const dir = testDataDir();
    try {
      // A data folder used by a platform that has stopped: the CLI finds the secret but nobody answers.
      const config = loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir, portBase: randomPortBase() } });
      const stopped = await startPlatform(config, { log: silentLogger });
      await stopped.stop();
      const result = await motco(['psc', 'token', '--data', dir, '--idnat', '810000000020'], {
        MOTCO_PORT_BASE: String(config.portBase),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('La plateforme ne répond pas à');
      expect(result.stderr).toContain('motco start');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('CIBA auto-approve setting', () => {
  it('approves the vendors’ client at once when psc.cibaAutoApprove is on', async () => {
    const config = await client.discovery(
      new URL(t.platform.identity.psc.issuer),
      'motco-lps',
      undefined,
      client.ClientSecretBasic('motco-lps-secret'),
      { execute: [client.allowInsecureRequests] },
    );
    const request = await client.initiateBackchannelAuthentication(config, {
      scope: 'openid scope_all',
      acr_values: 'eidas1',
      login_hint: '810000000010',
      binding_message: '55',
    });
    const tokens = await client.genericGrantRequest(config, 'urn:openid:params:grant-type:ciba', {
      auth_req_id: request.auth_req_id,
    });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ SubjectNameID: '810000000010', azp: 'motco-lps' });
    expect(await t.platform.identity.psc.simulator!.ciba.pending()).toEqual([]);
  });
});

describe('persistence across a restart', () => {
  it('keeps the signing key, identities, grants and refresh tokens', async () => {
    const dir = testDataDir();
    const config = loadConfig({
      env: {},
      cwd: dir,
      overrides: { dataDir: dir, portBase: randomPortBase(), psc: { cibaAutoApprove: true } },
    });
    let platform: Platform | undefined = await startPlatform(config, { log: silentLogger });
    try {
      await platform.identity.psc.simulator!.identities.create({
        idnat: '810000000030',
        givenName: 'Eve',
        familyName: 'Blanc',
      });
      const discover = () =>
        client.discovery(
          new URL(platform!.identity.psc.issuer),
          'motco-lps',
          undefined,
          client.ClientSecretBasic('motco-lps-secret'),
          { execute: [client.allowInsecureRequests] },
        );
      let oidc = await discover();
      const request = await client.initiateBackchannelAuthentication(oidc, {
        scope: 'openid scope_all',
        acr_values: 'eidas1',
        login_hint: '810000000030',
        binding_message: '01',
      });
      const before = await client.genericGrantRequest(oidc, 'urn:openid:params:grant-type:ciba', {
        auth_req_id: request.auth_req_id,
      });
      const kid = decodeProtectedHeader(before.access_token).kid;

      await platform.stop();
      platform = await startPlatform(config, { log: silentLogger });
      oidc = await discover();
      const jwks = (await (await fetch(oidc.serverMetadata().jwks_uri!)).json()) as { keys: { kid: string }[] };
      expect(jwks.keys.map((k) => k.kid)).toContain(kid);
      const after = await client.refreshTokenGrant(oidc, before.refresh_token!);
      expect(decodeProtectedHeader(after.access_token).kid).toBe(kid);
      expect(decodeJwt(after.access_token)).toMatchObject({ SubjectNameID: '810000000030' });
    } finally {
      await platform?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
