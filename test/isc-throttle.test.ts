// The ISC simulator's login resists guessing: wrong passwords (and codes) are counted per login and per client
// address — the address as the web server sees it behind a trusted proxy (web.trustProxy) — and past the limit
// every attempt is refused with a French 429 page and Retry-After, the right password included, until the
// window is over; new codes per login attempt are limited in number and spaced. Driven through the real pages
// with openid-client as the account site starts a login. The identity maintenance forgets codes a day past
// their expiry and development-outbox mail a day old, and nothing younger.
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../src/identity/db.ts';
import { Browser } from './helpers/identity-browser.ts';
import { latestCode } from './helpers/isc-login.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

let t: TestPlatform;
let rp: client.Configuration;
const PASSWORD = 'motdepasse-de-test';
const ORG = '12345678900012';

beforeAll(async () => {
  t = await startTestPlatform({
    isc: { adminPassword: 'admin-de-test', throttle: { maxFailuresPerAddress: 12 } },
    web: { trustProxy: ['127.0.0.1'] },
  });
  const { directory } = t.platform.identity.isc.simulator!;
  await directory.createOrganisation({ raisonSociale: 'Éditeur Test SAS', immatriculation: ORG });
  for (const login of ['cible.editeur', 'voisin.editeur', 'code.editeur', 'renvoi.editeur']) {
    await directory.createUser({
      login,
      password: PASSWORD,
      email: `${login}@editeur.example`,
      givenName: 'A',
      familyName: 'B',
      organisation: ORG,
    });
  }
  const { isc } = t.platform.identity;
  rp = await client.discovery(new URL(isc.issuer), isc.clientId, isc.clientSecret, undefined, {
    execute: [client.allowInsecureRequests],
  });
});

afterAll(async () => {
  await t?.stop();
});

/** A login attempt as the account site starts it: the browser is on /isc/connexion/<uid>. */
async function start() {
  const browser = new Browser();
  const url = client.buildAuthorizationUrl(rp, {
    redirect_uri: `${t.config.publicUrl}/connexion/retour`,
    scope: 'openid profile email organisation',
    code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const { response, url: at } = await browser.follow(url.href, `${t.config.publicUrl}/isc`);
  expect(at).toMatch(/\/isc\/connexion\//);
  const page = await response.text();
  return { browser, at, csrf: Browser.formFields(page).fields.csrf! };
}

type Attempt = Awaited<ReturnType<typeof start>>;

/** Posts the password form from `address` (X-Forwarded-For through the trusted proxy, here loopback). */
async function password(a: Attempt, login: string, pass: string, address: string) {
  const response = await a.browser.post(
    `${a.at}/identifiants`,
    { csrf: a.csrf, login, password: pass },
    { 'x-forwarded-for': address },
  );
  return { status: response.status, retryAfter: response.headers.get('retry-after'), page: await response.text() };
}

/** The throttle windows are over (moved in the store rather than waited for). */
async function windowsOver() {
  await identityDb(t.platform.store.db).updateTable('isc_throttle').set({ window_start: 0 }).execute();
}

describe('password guessing', () => {
  it(
    '40 wrong passwords for one login (from 40 addresses), ' +
      'then the right one: refused while throttled, accepted after the window',
    async () => {
      const a = await start();
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++)
        statuses.push((await password(a, 'cible.editeur', `mauvais-${i}`, `198.51.100.${i + 1}`)).status);
      // The first five are judged (wrong password), then every attempt is refused without being judged.
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(new Set(statuses.slice(5))).toEqual(new Set([429]));

      const right = await password(a, 'cible.editeur', PASSWORD, '198.51.100.200');
      expect(right.status).toBe(429);
      expect(right.page).toMatch(/Trop de tentatives, réessayez dans (\d+\u00a0minutes|1\u00a0minute)\./);
      expect(Number(right.retryAfter)).toBeGreaterThan(0);
      expect(right.page).not.toContain('Connexion à deux étapes');
      // Another login is not affected.
      expect((await password(await start(), 'voisin.editeur', PASSWORD, '198.51.100.201')).status).toBe(303);

      await windowsOver();
      const after = await password(a, 'cible.editeur', PASSWORD, '198.51.100.200');
      expect(after.status).toBe(303);
    },
  );

  it('one address trying many logins is stopped too; another address behind the same proxy is not', async () => {
    await windowsOver();
    const a = await start();
    for (let i = 0; i < 12; i++) expect((await password(a, `inconnu.${i}`, 'x', '203.0.113.7')).status).toBe(401);
    const blocked = await password(a, 'voisin.editeur', PASSWORD, '203.0.113.7');
    expect(blocked.status).toBe(429);
    expect(blocked.page).toContain('Trop de tentatives');
    expect((await password(a, 'voisin.editeur', PASSWORD, '203.0.113.8')).status).toBe(303);
  });

  it('wrong codes count as failures of the login', async () => {
    await windowsOver();
    const a = await start();
    expect((await password(a, 'code.editeur', PASSWORD, '192.0.2.1')).status).toBe(303);
    const code = (value: string) =>
      a.browser.post(`${a.at}/code`, { csrf: a.csrf, code: value }, { 'x-forwarded-for': '192.0.2.1' });
    for (let i = 0; i < 5; i++) expect((await code('000000')).status).toBe(400);
    const blocked = await code('123456');
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain('Trop de tentatives');
  });
});

describe('new codes', () => {
  it('are spaced and limited per login attempt', async () => {
    await windowsOver();
    const a = await start();
    expect((await password(a, 'renvoi.editeur', PASSWORD, '192.0.2.2')).status).toBe(303);
    const uid = a.at.split('/').pop()!;
    const resend = async () => {
      const response = await a.browser.post(`${a.at}/nouveau-code`, { csrf: a.csrf });
      return { status: response.status, retryAfter: response.headers.get('retry-after'), page: await response.text() };
    };
    // Right after the first code: wait (isc.throttle.codeResendIntervalSeconds, 30 s).
    const early = await resend();
    expect(early.status).toBe(429);
    expect(early.page).toMatch(
      /Un code vient d’être envoyé\u00a0: attendez \d+\u00a0s avant d’en demander un nouveau\./,
    );
    expect(Number(early.retryAfter)).toBeGreaterThan(0);
    // Time passes (moved in the store): three new codes, then no more for this attempt.
    const codes = identityDb(t.platform.store.db)
      .updateTable('isc_codes')
      .set({ created_at: 0 })
      .where('interaction_uid', '=', uid);
    for (let i = 0; i < 3; i++) {
      await codes.execute();
      const sent = await resend();
      expect(sent.status).toBe(200);
      expect(sent.page).toContain('Un nouveau code vient de vous être envoyé');
    }
    await codes.execute();
    const refused = await resend();
    expect(refused.status).toBe(429);
    expect(refused.page).toContain('Trop de codes demandés pour cette connexion');
    const issued = await identityDb(t.platform.store.db)
      .selectFrom('isc_codes')
      .select('id')
      .where('interaction_uid', '=', uid)
      .execute();
    expect(issued).toHaveLength(4);
  });
});

describe('identity maintenance', () => {
  it('purges codes a day past expiry and outbox mail a day old, in batches, and keeps the younger ones', async () => {
    await windowsOver();
    const db = identityDb(t.platform.store.db);
    const DAY = 24 * 60 * 60 * 1000;
    // Two login attempts reach the code step: each has its code and its mail in the outbox.
    const old = await start();
    expect((await password(old, 'code.editeur', PASSWORD, '192.0.2.10')).status).toBe(303);
    const recent = await start();
    expect((await password(recent, 'renvoi.editeur', PASSWORD, '192.0.2.11')).status).toBe(303);
    const uid = (a: Attempt) => a.at.split('/').pop()!;
    const recentCode = await latestCode(t, 'renvoi.editeur');
    // The first attempt's code expired 25 hours ago, the second's 23 hours ago (moved in the store); the first
    // attempt's mail is 25 hours old, plus 600 such mails of long ago (more than two batches).
    await db
      .updateTable('isc_codes')
      .set({ expires_at: Date.now() - 25 * 60 * 60 * 1000 })
      .where('interaction_uid', '=', uid(old))
      .execute();
    await db
      .updateTable('isc_codes')
      .set({ expires_at: Date.now() - 23 * 60 * 60 * 1000 })
      .where('interaction_uid', '=', uid(recent))
      .execute();
    await db
      .updateTable('dev_outbox')
      .set({ at: Date.now() - DAY - 60_000 })
      .where('recipient', '=', 'code.editeur@editeur.example')
      .execute();
    const ancient = Array.from({ length: 600 }, (_, i) => ({
      at: Date.now() - 30 * DAY + i,
      recipient: `ancien.${i}@editeur.example`,
      subject: 'ancien',
      body: 'ancien',
    }));
    for (let i = 0; i < ancient.length; i += 100)
      await db
        .insertInto('dev_outbox')
        .values(ancient.slice(i, i + 100))
        .execute();

    await t.platform.identity.maintain();

    const codes = await db.selectFrom('isc_codes').select('interaction_uid').execute();
    expect(codes.map((c) => c.interaction_uid)).not.toContain(uid(old));
    expect(codes.map((c) => c.interaction_uid)).toContain(uid(recent));
    const outbox = await db.selectFrom('dev_outbox').select(['recipient', 'at']).execute();
    expect(outbox.filter((m) => m.recipient.startsWith('ancien.'))).toEqual([]);
    expect(outbox.map((m) => m.recipient)).not.toContain('code.editeur@editeur.example');
    expect(outbox.map((m) => m.recipient)).toContain('renvoi.editeur@editeur.example');
    expect(outbox.every((m) => Number(m.at) > Date.now() - DAY)).toBe(true);
    // The younger attempt still has its code's row: its code is refused as expired, not as unknown.
    const answer = await recent.browser.post(
      `${recent.at}/code`,
      { csrf: recent.csrf, code: recentCode },
      { 'x-forwarded-for': '192.0.2.11' },
    );
    expect(await answer.text()).toContain('Ce code a expiré.');
  });
});
