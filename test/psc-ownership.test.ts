// The simulated PSC respects ownership as the real one does: its pages act for the signed-in vendor and show
// only identities their organisation owns; another organisation's CIBA request is never listed to, nor
// approvable by, this vendor; the e-CPS login offers only the vendor's own identities; accounts cannot name
// another organisation's identity. A token whose grant was revoked stops opening mailboxes at once (python3
// imaplib and smtplib), with the simulator's store, and through introspection when PSC is external.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { decodeJwt } from 'jose';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../src/identity/db.ts';
import { migrations } from '../src/store/migrations.ts';
import { openStore } from '../src/store/store.ts';
import { staff, vendor } from './helpers/api.ts';
import { Browser } from './helpers/identity-browser.ts';
import { iscAdmin } from './helpers/isc-login.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { motco, run } from './helpers/run.ts';

let t: TestPlatform;
let rp: client.Configuration;
let files: string;
let trust: string;
type Vendor = Awaited<ReturnType<typeof vendor>> & { browser: () => Browser };
let a: Vendor;
let b: Vendor;
const IDNAT_A = '810000000501';
const IDNAT_B = '810000000502';
/** A's mailbox, provisioned for the account naming IDNAT_A. */
let mailboxA: string;

async function signedIn(login: string, immatriculation: string): Promise<Vendor> {
  const v = await vendor(t.platform, { login, immatriculation });
  const session = await t.platform.auth.sessions.createSession(v.user.id);
  return { ...v, browser: () => new Browser().setCookie(t.config.publicUrl, 'motco_session', session.value) };
}

/** Creates an identity as a vendor would: A through the JSON API with its token, B on the EDIT page. */
async function createThroughApi(v: Vendor, idnat: string) {
  const response = await fetch(`${t.config.publicUrl}/psc/api/identities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
    body: JSON.stringify({ idnat, givenName: 'Claire', familyName: v.user.login }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-psc-ownership-'));
  await t.platform.pki.exportTrust(files);
  trust = path.join(files, 'igc-sante-test-roots.pem');
  a = await signedIn('anne.editeur', '11111111100011');
  b = await signedIn('bruno.editeur', '22222222200022');
  expect((await createThroughApi(a, IDNAT_A)).status).toBe(201);
  const browser = b.browser();
  const page = await (await browser.get(`${t.config.publicUrl}/psc/edit`)).text();
  const { fields } = Browser.formFields(page, '/psc/edit');
  expect(
    (
      await browser.post(`${t.config.publicUrl}/psc/edit`, {
        ...fields,
        idnat: IDNAT_B,
        givenName: 'Bruno',
        familyName: 'B',
      })
    ).status,
  ).toBe(303);
  const account = await a.api('POST', '/accounts', { nil: 'OWN-A', idnatPsc: IDNAT_A });
  expect(account.status, JSON.stringify(account.body)).toBe(201);
  mailboxA = account.body.mailboxes.personal;
  rp = await client.discovery(
    new URL(t.platform.identity.psc.issuer),
    'motco-lps',
    undefined,
    client.ClientSecretBasic('motco-lps-secret'),
    { execute: [client.allowInsecureRequests] },
  );
});

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

const url = (p: string) => `${t.config.publicUrl}${p}`;
const ciba = (idnat: string, binding: string) =>
  client.initiateBackchannelAuthentication(rp, {
    scope: 'openid scope_all',
    acr_values: 'eidas1',
    login_hint: idnat,
    binding_message: binding,
  });
const cibaTokens = (request: { auth_req_id: string }) =>
  client.genericGrantRequest(rp, 'urn:openid:params:grant-type:ciba', { auth_req_id: request.auth_req_id });

/** Accepts a pending request on the holder's « e-CPS de test » page, as they would click it. */
async function accept(v: Vendor, binding: string): Promise<string> {
  const browser = v.browser();
  const page = await (await browser.get(url('/psc/e-cps'))).text();
  const row = page.split('<tr>').find((r) => r.includes(`<strong class="binding">${binding}</strong>`));
  expect(row, 'the request is listed to its holder').toBeDefined();
  const { action, fields } = Browser.formFields(row!);
  const answer = await browser.post(url(action), { ...fields, decision: 'accept' });
  return answer.headers.get('location') ?? '';
}

describe('without a platform session nothing is listed', () => {
  it('the e-CPS de test page, the EDIT page and the e-CPS login send the visitor to the login', async () => {
    const request = await ciba(IDNAT_A, '71');
    for (const page of ['/psc/e-cps', `/psc/e-cps?idnat=${IDNAT_A}`, '/psc/edit']) {
      const response = await new Browser().get(url(page));
      expect(response.status, page).toBe(303);
      expect(response.headers.get('location')).toBe(`/connexion?retour=${encodeURIComponent(page)}`);
      expect(await response.text()).not.toContain(IDNAT_A);
    }
    // Answering without a session does nothing, even with a valid form token (the site's logout page gives one to
    // anyone).
    const visitor = new Browser();
    const { fields } = Browser.formFields(await (await visitor.get(url('/deconnexion'))).text());
    const anonymous = await visitor.post(url(`/psc/e-cps/demandes/${request.auth_req_id}`), {
      csrf: fields.csrf!,
      decision: 'accept',
    });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe(`/connexion?retour=${encodeURIComponent('/psc/e-cps')}`);
    expect((await t.platform.identity.psc.simulator!.ciba.pending(IDNAT_A)).map((p) => p.id)).toContain(
      request.auth_req_id,
    );

    const authorize = client.buildAuthorizationUrl(rp, {
      redirect_uri: 'http://127.0.0.1/callback',
      scope: 'openid scope_all',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const { response, url: at } = await new Browser().follow(authorize.href, `${t.config.publicUrl}/psc`);
    expect(response.status).toBe(303);
    expect(at).toMatch(new RegExp(`^${t.config.publicUrl}/connexion\\?retour=%2Fpsc%2Fe-cps%2Fconnexion%2F`));
  });

  it('the identity API answers 401', async () => {
    const list = await fetch(url('/psc/api/identities'));
    expect(list.status).toBe(401);
    expect(await list.json()).toMatchObject({ error: 'unauthenticated' });
    const create = await fetch(url('/psc/api/identities'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ idnat: '810000000599', givenName: 'X', familyName: 'Y' }),
    });
    expect(create.status).toBe(401);
    expect(await t.platform.identity.psc.simulator!.identities.find('810000000599')).toBeUndefined();
  });

  it('the ISC development outbox is the admin’s', async () => {
    await t.platform.identity.isc.simulator!.mailer.send({
      to: 'anne@editeur.example',
      subject: 'Industriels Santé Connect : votre code de vérification',
      text: 'Code pour la connexion de anne.editeur : 424242',
    });
    const anonymous = await fetch(url('/isc/dev/boite-d-envoi'));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await anonymous.text()).not.toContain('424242');
    const wrong = await fetch(url('/isc/dev/boite-d-envoi'), {
      headers: { authorization: `Basic ${Buffer.from('admin:pas-le-bon').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    const admin = await fetch(url('/isc/dev/boite-d-envoi'), { headers: await iscAdmin(t) });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('424242');
  });
});

describe('a vendor sees and answers only their organisation’s identities', () => {
  it('the EDIT page and the API list the organisation’s identities only', async () => {
    const page = await (await b.browser().get(url('/psc/edit'))).text();
    expect(page).toContain(IDNAT_B);
    expect(page).not.toContain(IDNAT_A);
    const list = (await (
      await fetch(url('/psc/api/identities'), { headers: { authorization: `Bearer ${b.token}` } })
    ).json()) as { idnat: string }[];
    expect(list.map((i) => i.idnat)).toEqual([IDNAT_B]);
  });

  it('B never sees A’s CIBA request and cannot approve it, even with a valid form token; A approves it', async () => {
    const request = await ciba(IDNAT_A, '42');
    const browser = b.browser();
    for (const page of ['/psc/e-cps', `/psc/e-cps?idnat=${IDNAT_A}`]) {
      const body = await (await browser.get(url(page))).text();
      expect(body).toContain('Aucune demande en attente.');
      expect(body).not.toContain(request.auth_req_id);
    }
    // B's own form token (from B's EDIT page), on A's request id.
    const { fields } = Browser.formFields(await (await browser.get(url('/psc/edit'))).text(), '/psc/edit');
    for (const decision of ['accept', 'refuse']) {
      const answer = await browser.post(url(`/psc/e-cps/demandes/${request.auth_req_id}`), {
        csrf: fields.csrf!,
        decision,
      });
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toBe('/psc/e-cps?fait=perime');
    }
    await expect(cibaTokens(request)).rejects.toMatchObject({ error: 'authorization_pending' });

    expect(await accept(a, '42')).toBe('/psc/e-cps?fait=accepte');
    const tokens = await cibaTokens(request);
    expect(decodeJwt(tokens.access_token)).toMatchObject({ SubjectNameID: IDNAT_A, azp: 'motco-lps' });
  });

  it('the e-CPS login offers B only B’s identities and refuses A’s', async () => {
    const browser = b.browser();
    const authorize = client.buildAuthorizationUrl(rp, {
      redirect_uri: 'http://127.0.0.1/callback',
      scope: 'openid scope_all',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      login_hint: IDNAT_A,
    });
    const { response, url: at } = await browser.follow(authorize.href, t.config.publicUrl);
    expect(at).toMatch(/\/psc\/e-cps\/connexion\//);
    const page = await response.text();
    expect(page).toContain(`<option value="${IDNAT_B}"`);
    expect(page).not.toContain(IDNAT_A);
    const { fields } = Browser.formFields(page);
    const refused = await browser.post(at, { ...fields, idnat: IDNAT_A, decision: 'confirm' });
    expect(refused.status).toBe(400);
    const again = await refused.text();
    expect(again).toContain('Choisissez une identité de test de la liste.');
    expect(again).not.toContain(`<option value="${IDNAT_A}"`);
  });

  it(
    'an account cannot name another organisation’s identity; ' + 'an identity an account names is its organisation’s',
    async () => {
      const own = '810000000503';
      expect((await createThroughApi(a, own)).status).toBe(201);
      const taken = await b.api('POST', '/accounts', { nil: 'OWN-B', idnatPsc: own });
      expect(taken.status).toBe(400);
      expect(taken.body.fields).toEqual([
        {
          field: 'idnatPsc',
          code: 'owned',
          message: expect.stringContaining(`L’identité de test PSC « ${own} » appartient à une autre organisation`),
        },
      ]);

      // A names an IdNat before its identity exists: B may not create it, A may.
      const named = '810000000504';
      expect((await a.api('POST', '/accounts', { nil: 'OWN-A2', idnatPsc: named })).status).toBe(201);
      const refused = await createThroughApi(b, named);
      expect(refused.status).toBe(400);
      expect(refused.body.errors.idnat).toMatchObject({
        code: 'idnat_other_organisation',
        message: 'Cet IdNat est celui d’un compte d’une autre organisation.',
      });
      expect((await createThroughApi(a, named)).status).toBe(201);
    },
  );

  it('an identity the operator created is for admins until an account names it; reviewers get nothing', async () => {
    const env = { MOTCO_PORT_BASE: String(t.config.portBase) };
    const operator = '810000000505';
    const created = await motco(
      ['psc', 'identity', 'add', '--data', t.dataDir, '--idnat', operator, '--given', 'Oscar', '--family', 'Opérateur'],
      env,
    );
    expect(created.stderr).toBe('');
    const owned = await motco(
      [
        'psc',
        'identity',
        'add',
        '--data',
        t.dataDir,
        '--idnat',
        '810000000506',
        '--given',
        'Inès',
        '--family',
        'B',
        '--org',
        '22222222200022',
      ],
      env,
    );
    expect(owned.stderr).toBe('');
    const listOf = async (token: string) =>
      (
        (await (await fetch(url('/psc/api/identities'), { headers: { authorization: `Bearer ${token}` } })).json()) as {
          idnat: string;
        }[]
      ).map((i) => i.idnat);
    expect(await listOf(b.token)).toEqual([IDNAT_B, '810000000506']);
    expect(await listOf(a.token)).not.toContain(operator);
    const admin = await staff(t.platform, 'admin.ownership', 'admin');
    expect(await listOf(admin.token)).toEqual(expect.arrayContaining([IDNAT_A, IDNAT_B, operator]));

    expect((await b.api('POST', '/accounts', { nil: 'OWN-B2', idnatPsc: operator })).status).toBe(201);
    expect(await listOf(b.token)).toContain(operator);

    const reviewer = await staff(t.platform, 'relecteur.ownership', 'reviewer');
    expect(
      (await fetch(url('/psc/api/identities'), { headers: { authorization: `Bearer ${reviewer.token}` } })).status,
    ).toBe(403);
    const session = await t.platform.auth.sessions.createSession(reviewer.user.id);
    const page = await new Browser()
      .setCookie(t.config.publicUrl, 'motco_session', session.value)
      .get(url('/psc/edit'));
    expect(page.status).toBe(403);
    expect(await page.text()).not.toContain(IDNAT_A);
  });
});

describe('a revoked grant stops opening mailboxes at once', () => {
  const imap = (token: string) => {
    const e = t.endpoint('psc');
    return run('python3', ['test/clients/imap_client.py'], {
      input: JSON.stringify({
        host: e.address,
        port: e.imapPort,
        cafile: trust,
        mechanism: 'XOAUTH2',
        user: mailboxA,
        token,
        steps: [['select', 'INBOX']],
      }),
    }).then((r) => JSON.parse(r.stdout) as Record<string, any>);
  };
  const smtp = (token: string) => {
    const e = t.endpoint('psc');
    return run('python3', ['test/clients/smtp_client.py'], {
      input: JSON.stringify({
        host: e.address,
        port: e.smtpPort,
        cafile: trust,
        mechanism: 'XOAUTH2',
        user: mailboxA,
        token,
      }),
    }).then((r) => JSON.parse(r.stdout) as Record<string, any>);
  };
  const approvedTokens = async (binding: string) => {
    const request = await ciba(IDNAT_A, binding);
    await accept(a, binding);
    return cibaTokens(request);
  };
  const recordedReason = (token: string) =>
    waitFor(
      t.platform.journal,
      { kind: 'auth', endpoint: 'psc' },
      (o) =>
        o.data.outcome === 'failure' &&
        JSON.stringify(o.data.bearerDetails ?? {}).includes(String(decodeJwt(token).jti)),
    );

  it('revocation of the refresh token (RFC 7009): IMAP and SMTP refuse the access token', async () => {
    const tokens = await approvedTokens('13');
    expect(await imap(tokens.access_token)).toMatchObject({ ok: true });
    await client.tokenRevocation(rp, tokens.refresh_token!);
    expect(await imap(tokens.access_token)).toMatchObject({ ok: false, error: 'imap' });
    expect(await smtp(tokens.access_token)).toMatchObject({ ok: false, error: 'smtp', code: 535 });
    expect((await recordedReason(tokens.access_token)).data).toMatchObject({
      reason: 'bearer_revoked',
      bearerVerified: false,
    });
  });

  it('deletion of the grant: refused at once', async () => {
    const tokens = await approvedTokens('14');
    expect(await smtp(tokens.access_token)).toMatchObject({ ok: true });
    const row = await identityDb(t.platform.store.db)
      .selectFrom('oidc_payloads')
      .select('grant_id')
      .where('provider', '=', 'psc')
      .where('id', '=', String(decodeJwt(tokens.access_token).jti))
      .executeTakeFirstOrThrow();
    const grant = await t.platform.identity.psc.simulator!.holder.provider.Grant.find(row.grant_id!);
    await grant!.destroy();
    expect(await imap(tokens.access_token)).toMatchObject({ ok: false, error: 'imap' });
  });

  it(
    'an external PSC (here another platform’s simulator) ' + 'is asked by introspection, its answer kept seconds only',
    async () => {
      const external = await startTestPlatform({
        psc: {
          mode: 'external',
          issuer: t.platform.identity.psc.issuer,
          clientId: 'motco-lps',
          clientSecret: 'motco-lps-secret',
          introspectionCacheSeconds: 1,
        },
      });
      try {
        await external.platform.pki.exportTrust(files);
        const box = `${IDNAT_A}@${external.config.mailDomain}`;
        await external.platform.mailboxes.create(box, 'personal');
        const e = external.endpoint('psc');
        const login = (token: string) =>
          run('python3', ['test/clients/imap_client.py'], {
            input: JSON.stringify({
              host: e.address,
              port: e.imapPort,
              cafile: trust,
              mechanism: 'XOAUTH2',
              user: box,
              token,
            }),
          }).then((r) => JSON.parse(r.stdout) as Record<string, any>);
        const tokens = await approvedTokens('15');
        expect(await login(tokens.access_token)).toMatchObject({ ok: true });
        await client.tokenRevocation(rp, tokens.refresh_token!);
        await expect
          .poll(async () => (await login(tokens.access_token)).ok, { timeout: 10_000, interval: 300 })
          .toBe(false);
        const refused = await waitFor(
          external.platform.journal,
          { kind: 'auth', endpoint: 'psc' },
          (o) => o.data.outcome === 'failure',
        );
        expect(refused.data).toMatchObject({ reason: 'bearer_revoked' });
      } finally {
        await external.stop();
      }
    },
  );
});

describe('migration of a store that had identities without owners', () => {
  it('gives the identities an account names to its organisation and leaves the others to the operator', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-psc-owners-migration-'));
    try {
      const db = new Kysely<any>({
        dialect: new SqliteDialect({ database: new Sqlite(path.join(dir, 'motco.sqlite')) }),
      });
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations('sqlite') } });
      expect((await migrator.migrateTo('0005_execution_account')).error).toBeUndefined();
      const now = Date.now();
      const org = await db
        .insertInto('organisations')
        .values({
          raison_sociale: 'Ancien éditeur',
          immatriculation: '77777777700077',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('product_accounts')
        .values({
          organisation_id: org.id,
          nil: 'OLD',
          idnat_psc: '810000000701',
          status: 'available',
          runner_user_id: 'u-old',
          patient_address: 'p@old',
          created_by: 'test',
          created_at: now,
          updated_at: now,
        })
        .execute();
      for (const idnat of ['810000000701', '810000000702'])
        await db
          .insertInto('psc_identities')
          .values({ idnat, given_name: 'A', family_name: 'B', created_at: now })
          .execute();
      await db.destroy();

      const store = await openStore({ dataDir: dir });
      try {
        const rows = await identityDb(store.db)
          .selectFrom('psc_identities')
          .select(['idnat', 'organisation_id'])
          .orderBy('idnat')
          .execute();
        expect(rows).toEqual([
          { idnat: '810000000701', organisation_id: Number(org.id) },
          { idnat: '810000000702', organisation_id: null },
        ]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
