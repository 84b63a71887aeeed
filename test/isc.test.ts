// The ISC simulator with openid-client as the account site (its relying party) would use it: password, then
// the code e-mailed to the development outbox (or through an SMTP relay), then consent; refusals, new codes,
// expired codes, wrong passwords, logout, the admin page and the CLI.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../src/identity/db.ts';
import { Browser } from './helpers/identity-browser.ts';
import { iscAdmin } from './helpers/isc-login.ts';
import { ownRelay, randomPortBase, startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { motco } from './helpers/run.ts';

let t: TestPlatform;
let rp: client.Configuration;
let redirect: string;
const LOGIN = 'jeanne.editeur';
const PASSWORD = 'motdepasse-de-test';

beforeAll(async () => {
  // No wait between two codes here: the test asks for a new one at once.
  t = await startTestPlatform({ isc: { adminPassword: 'admin-de-test', throttle: { codeResendIntervalSeconds: 0 } } });
  const { directory } = t.platform.identity.isc.simulator!;
  await directory.createOrganisation({
    raisonSociale: 'Éditeur Test SAS',
    immatriculation: '12345678900012',
    telephone: '01 23 45 67 89',
    adresse: '1 rue de la Paix, 75002 Paris',
  });
  await directory.createUser({
    login: LOGIN,
    password: PASSWORD,
    email: 'jeanne@editeur.example',
    civilite: 'Mme',
    givenName: 'Jeanne',
    familyName: 'Durand',
    organisation: '12345678900012',
  });
  const { isc } = t.platform.identity;
  rp = await client.discovery(new URL(isc.issuer), isc.clientId, isc.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
  redirect = `${t.config.publicUrl}/connexion/retour`;
});

afterAll(async () => {
  await t?.stop();
});

interface Attempt {
  browser: Browser;
  verifier: string;
  state: string;
  nonce: string;
  /** The page the browser is on. */
  url: string;
  page: string;
}

async function start(): Promise<Attempt> {
  const browser = new Browser();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: redirect,
    scope: 'openid profile email organisation',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const { response, url: at } = await browser.follow(url.href, `${t.config.publicUrl}/isc`);
  expect(at).toMatch(/\/isc\/connexion\//);
  return { browser, verifier, state, nonce, url: at, page: await response.text() };
}

/** Submits the page's form at `action` (relative to the attempt's page) and follows redirects on the platform. */
async function submit(
  a: Attempt,
  action: string,
  values: Record<string, string>,
): Promise<{ status: number; url: string; page: string }> {
  const { fields } = Browser.formFields(a.page, action);
  const response = await a.browser.post(new URL(action, a.url).href, { ...fields, ...values });
  if (response.status !== 303) {
    a.page = await response.text();
    return { status: response.status, url: a.url, page: a.page };
  }
  const next = await a.browser.follow(
    new URL(response.headers.get('location')!, a.url).href,
    `${t.config.publicUrl}/isc`,
  );
  a.url = next.url;
  a.page = next.url.startsWith(redirect) ? '' : await next.response.text();
  return { status: 303, url: a.url, page: a.page };
}

const ADMIN = { authorization: `Basic ${Buffer.from('admin:admin-de-test').toString('base64')}` };

/** The development outbox is the admin's: read with the admin credential. */
async function latestCode(): Promise<string> {
  const page = await (await fetch(`${t.config.publicUrl}/isc/dev/boite-d-envoi`, { headers: ADMIN })).text();
  return /pour la connexion de [^:]+\u00a0: (\d{6})/.exec(page)![1]!;
}

async function passwordStep(a: Attempt) {
  const uid = a.url.split('/').pop()!;
  const result = await submit(a, `/isc/connexion/${uid}/identifiants`, { login: LOGIN, password: PASSWORD });
  expect(result.page).toContain('Connexion à deux étapes');
  return uid;
}

describe('ISC login: password, e-mailed code, consent', () => {
  it('logs a vendor in through openid-client and shares the listed data', async () => {
    const a = await start();
    expect(a.page).toContain('Nom d’utilisateur');
    const uid = await passwordStep(a);
    expect(a.page).toContain('Un e-mail de vérification vient de vous être envoyé.');
    expect(a.page).toContain('valable pendant 5\u00a0minutes');
    const consent = await submit(a, `/isc/connexion/${uid}/code`, { code: await latestCode() });
    expect(consent.page).toContain('Pour accéder au service');
    for (const item of [
      'login',
      'civilité',
      'prénom',
      'nom',
      'organisation (raison sociale, téléphone principal, adresse, immatriculation)',
    ])
      expect(consent.page).toContain(`<li>${item}</li>`);
    const consentUid = consent.url.split('/').pop()!;
    const back = await submit(a, `/isc/connexion/${consentUid}/consentement`, { decision: 'accept' });
    expect(back.url.startsWith(redirect)).toBe(true);
    const tokens = await client.authorizationCodeGrant(rp, new URL(back.url), {
      pkceCodeVerifier: a.verifier,
      expectedState: a.state,
      expectedNonce: a.nonce,
    });
    expect(tokens.claims()).toMatchObject({
      sub: LOGIN,
      preferred_username: LOGIN,
      organisation: { immatriculation: '12345678900012' },
    });
    const info = await client.fetchUserInfo(rp, tokens.access_token, LOGIN);
    expect(info).toMatchObject({
      preferred_username: LOGIN,
      civilite: 'Mme',
      given_name: 'Jeanne',
      family_name: 'Durand',
      email: 'jeanne@editeur.example',
      organisation: {
        raison_sociale: 'Éditeur Test SAS',
        immatriculation: '12345678900012',
        telephone: '01 23 45 67 89',
        adresse: '1 rue de la Paix, 75002 Paris',
      },
    });

    // Logout (RP-initiated) ends the ISC session.
    const end = client.buildEndSessionUrl(rp, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: `${t.config.publicUrl}/`,
    });
    const confirm = await (await a.browser.get(end.href)).text();
    const { action, fields } = Browser.formFields(confirm);
    const done = await a.browser.post(new URL(action, end).href, { ...fields, logout: 'yes' });
    expect(done.headers.get('location')).toBe(`${t.config.publicUrl}/`);
    // A new authorization asks for the password again.
    expect((await start()).page).toContain('id="f-password"');
  });

  it('Refuser sends access_denied back to the relying party', async () => {
    const a = await start();
    const uid = await passwordStep(a);
    const consent = await submit(a, `/isc/connexion/${uid}/code`, { code: await latestCode() });
    const back = await submit(a, `/isc/connexion/${consent.url.split('/').pop()!}/consentement`, {
      decision: 'refuse',
    });
    expect(back.url.startsWith(redirect)).toBe(true);
    await expect(
      client.authorizationCodeGrant(rp, new URL(back.url), { pkceCodeVerifier: a.verifier, expectedState: a.state }),
    ).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('“Envoyer un nouveau code” makes the previous code useless', async () => {
    const a = await start();
    const uid = await passwordStep(a);
    const old = await latestCode();
    const resent = await submit(a, `/isc/connexion/${uid}/nouveau-code`, {});
    expect(resent.page).toContain('Un nouveau code vient de vous être envoyé');
    const fresh = await latestCode();
    const refused = await submit(a, `/isc/connexion/${uid}/code`, {
      code: old === fresh ? String((Number(old) + 1) % 1_000_000).padStart(6, '0') : old,
    });
    expect(refused.status).toBe(400);
    expect(refused.page).toContain('Code incorrect.');
    const consent = await submit(a, `/isc/connexion/${uid}/code`, { code: fresh });
    expect(consent.page).toContain('Pour accéder au service');
  });

  it('refuses an expired code', async () => {
    const a = await start();
    const uid = await passwordStep(a);
    const code = await latestCode();
    // The code's five minutes are over (moved in the store rather than waited for).
    await identityDb(t.platform.store.db)
      .updateTable('isc_codes')
      .set({ expires_at: Date.now() - 1 })
      .where('interaction_uid', '=', uid)
      .execute();
    const refused = await submit(a, `/isc/connexion/${uid}/code`, { code });
    expect(refused.status).toBe(400);
    expect(refused.page).toContain('Ce code a expiré.');
  });

  it('refuses a wrong password or an unknown login with the same words, keeping the login typed', async () => {
    for (const [login, password] of [
      [LOGIN, 'pas-le-bon'],
      ['personne.inconnue', PASSWORD],
    ] as const) {
      const a = await start();
      const uid = a.url.split('/').pop()!;
      const refused = await submit(a, `/isc/connexion/${uid}/identifiants`, { login, password });
      expect(refused.status).toBe(401);
      expect(refused.page).toContain('Nom d’utilisateur ou mot de passe incorrect.');
      expect(refused.page).toContain(`value="${login}"`);
      expect(refused.page).not.toContain('Connexion à deux étapes');
    }
  });
});

describe('ISC administration', () => {
  const admin = { authorization: `Basic ${Buffer.from('admin:admin-de-test').toString('base64')}` };

  it('asks for the admin credential', async () => {
    expect((await fetch(`${t.config.publicUrl}/isc/admin`)).status).toBe(401);
    expect(
      (
        await fetch(`${t.config.publicUrl}/isc/admin`, {
          headers: { authorization: `Basic ${Buffer.from('admin:faux').toString('base64')}` },
        })
      ).status,
    ).toBe(401);
  });

  it('creates an organisation and a user from the page, with field errors', async () => {
    const get = async (cookie?: string) =>
      fetch(`${t.config.publicUrl}/isc/admin`, { headers: { ...admin, ...(cookie ? { cookie } : {}) } });
    const first = await get();
    const cookie = first.headers.getSetCookie()[0]!.split(';')[0]!;
    const page = await first.text();
    const post = (action: string, fields: Record<string, string>) =>
      fetch(`${t.config.publicUrl}${action}`, {
        method: 'POST',
        headers: { ...admin, cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
      });
    const { fields } = Browser.formFields(page, '/isc/admin/organisations');
    const bad = await post('/isc/admin/organisations', {
      ...fields,
      raisonSociale: 'Autre éditeur',
      immatriculation: '123',
    });
    expect(bad.status).toBe(400);
    const badPage = await bad.text();
    expect(badPage).toContain('L’immatriculation doit être un SIRET (14 chiffres) ou un SIREN (9 chiffres).');
    expect(badPage).toContain('value="Autre éditeur"');
    expect(
      (
        await post('/isc/admin/organisations', {
          ...fields,
          raisonSociale: 'Autre éditeur',
          immatriculation: '987654321',
        })
      ).status,
    ).toBe(200);
    const created = await post('/isc/admin/utilisateurs', {
      ...fields,
      organisation: '987654321',
      givenName: 'Éloïse',
      familyName: 'Bernard',
      email: 'eloise@autre.example',
    });
    const createdPage = await created.text();
    expect(createdPage).toContain('Utilisateur eloise.bernard créé.');
    const password = /Mot de passe généré \(il ne sera plus affiché\)\u00a0: <code>([^<]+)<\/code>/.exec(
      createdPage,
    )![1]!;
    expect(await t.platform.identity.isc.simulator!.directory.authenticate('eloise.bernard', password)).toMatchObject({
      login: 'eloise.bernard',
    });
    expect(
      (
        await post('/isc/admin/utilisateurs', {
          organisation: '987654321',
          givenName: 'X',
          familyName: 'Y',
          email: 'x@y.example',
        })
      ).status,
    ).toBe(403);
  });

  it('motco isc org add / user add print the login and a password shown once', async () => {
    const env = { MOTCO_PORT_BASE: String(t.config.portBase) };
    const org = await motco(
      ['isc', 'org', 'add', '--data', t.dataDir, '--raison-sociale', 'CLI SARL', '--immatriculation', '55555555500017'],
      env,
    );
    expect(org.stdout).toContain('Organisation créée : CLI SARL (55555555500017)');
    const user = await motco(
      [
        'isc',
        'user',
        'add',
        '--data',
        t.dataDir,
        '--org',
        '55555555500017',
        '--given',
        'Léon',
        '--family',
        'Martin',
        '--email',
        'leon@cli.example',
      ],
      env,
    );
    expect(user.stdout).toContain('Utilisateur ISC créé : leon.martin');
    const password = /Mot de passe \(affiché une seule fois\)\u00a0: (\S+)/.exec(user.stdout)![1]!;
    expect(await t.platform.identity.isc.simulator!.directory.authenticate('leon.martin', password)).toBeDefined();
    const again = await motco(
      [
        'isc',
        'user',
        'add',
        '--data',
        t.dataDir,
        '--org',
        '55555555500017',
        '--login',
        'leon.martin',
        '--given',
        'Léon',
        '--family',
        'Martin',
        '--email',
        'bad',
      ],
      env,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--login\u00a0: Ce nom d’utilisateur est déjà pris.');
    expect(again.stderr).toContain('--email\u00a0: Adresse e-mail invalide.');
  });
});

describe('code e-mails through an SMTP relay', () => {
  it('sends the code through the configured relay (here the platform’s own SMTP endpoint)', async () => {
    const files = mkdtempSync(path.join(os.tmpdir(), 'motco-isc-relay-'));
    const trust = path.join(files, 'igc-sante-test-roots.pem');
    const mailbox = (c: { mailDomain: string }) => `871122334455@${c.mailDomain}`;
    // The relay's address is known only once the platform has its ports: use the psc endpoint of the platform itself.
    const base = randomPortBase();
    const domain = 'mail-tests-editeur.motco.localhost';
    // The relay signs in with the manual's shared password, set here: the mailbox, and so its own password, only
    // comes to be after the start.
    const relay = ownRelay(base, `871122334455@${domain}`, trust);
    const relayed = await startTestPlatform({ portBase: base, webmailPassword: relay.password, isc: { smtp: relay } });
    try {
      await relayed.platform.pki.exportTrust(files);
      const box = await relayed.platform.mailboxes.create(mailbox(relayed.config), 'personal');
      const { directory } = relayed.platform.identity.isc.simulator!;
      await directory.createOrganisation({ raisonSociale: 'Relais SAS', immatriculation: '11111111100011' });
      await directory.createUser({
        login: 'relais',
        password: PASSWORD,
        email: mailbox(relayed.config),
        givenName: 'R',
        familyName: 'S',
        organisation: '11111111100011',
      });
      const { isc } = relayed.platform.identity;
      const relayRp = await client.discovery(new URL(isc.issuer), isc.clientId, isc.clientSecret, undefined, {
        execute: [client.allowInsecureRequests],
      });
      const browser = new Browser();
      const url = client.buildAuthorizationUrl(relayRp, {
        redirect_uri: `${relayed.config.publicUrl}/connexion/retour`,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      const { response, url: at } = await browser.follow(url.href, `${relayed.config.publicUrl}/isc`);
      const { fields } = Browser.formFields(await response.text());
      const answer = await browser.post(`${at}/identifiants`, { ...fields, login: 'relais', password: PASSWORD });
      expect(answer.status).toBe(303);
      const messages = await relayed.platform.mailboxes.messages(box.id, 'INBOX');
      const text = Buffer.from(
        messages.at(-1)!.raw.toString().split('\r\n\r\n').slice(1).join('').replace(/\s+/g, ''),
        'base64',
      ).toString();
      expect(text).toMatch(/pour la connexion de relais\u00a0: \d{6}/);
      expect(
        (await fetch(`${relayed.config.publicUrl}/isc/dev/boite-d-envoi`, { headers: await iscAdmin(relayed) })).status,
      ).toBe(404);
    } finally {
      await relayed.stop();
      rmSync(files, { recursive: true, force: true });
    }
  });
});
