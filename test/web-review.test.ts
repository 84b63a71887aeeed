// The agency review in a real browser: a reviewer the operator created (motco user add --role reviewer) signs
// in through the same ISC login, is bound to their ISC subject by login and e-mail, finds a real execution by its
// number — judged on a session python3 imaplib opened — reads its evidence and exports it as JSON and as the
// printable page; an admin may too; a vendor gets « page introuvable ».
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { iscPerson, signIn } from './helpers/isc-login.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let browser: Browser;
let executionId: number;

const VENDOR = {
  login: 'claire.editeur',
  organisation: { raisonSociale: 'Éditeur Exemple SAS', immatriculation: '12345678900012' },
};
// Agency people also have ISC accounts (their own organisation at ISC); the platform knows them by login.
const AGENCY = { raisonSociale: 'Agence du Numérique en Santé', immatriculation: '13000000000001' };
const REVIEWER = { login: 'jeanne.agence', organisation: AGENCY, givenName: 'Jeanne', familyName: 'Relectrice' };
const ADMIN = { login: 'paul.exploitation', organisation: AGENCY, givenName: 'Paul', familyName: 'Exploitant' };
// A vendor whose ISC login happens to be a reviewer's platform login, but not their e-mail address.
const NAMESAKE = { login: 'marc.durand', organisation: VENDOR.organisation, givenName: 'Marc', familyName: 'Durand' };

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
  return { context, page: await context.newPage() };
}

const url = (path: string) => `${t.config.publicUrl}${path}`;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  for (const person of [VENDOR, REVIEWER, ADMIN, NAMESAKE]) await iscPerson(t, person);
  // As `motco user add --login <ISC login> --email <address> --role reviewer` does.
  await t.platform.users.createUser({
    login: REVIEWER.login,
    email: `${REVIEWER.login}@editeur.example`,
    role: 'reviewer',
  });
  await t.platform.users.createUser({ login: ADMIN.login, email: `${ADMIN.login}@editeur.example`, role: 'admin' });
  await t.platform.users.createUser({ login: NAMESAKE.login, email: 'marc.durand@agence.example', role: 'reviewer' });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('agency review', () => {
  it(
    'binds the reviewer the operator created to their ISC login, ' +
      'who finds an execution by number, reads and exports its evidence',
    async () => {
      // A vendor's account and an execution judged on a real session: IMAP LOGIN where PSC wants XOAUTH2.
      const organisation = await t.platform.users.createOrganisation(VENDOR.organisation);
      const created = await t.platform.accounts.create(
        { nil: 'REVUE-1', idnatPsc: '810001234567' },
        { organisationId: organisation.id, by: 'test' },
      );
      if (!created.ok) throw new Error(JSON.stringify(created.errors));
      const started = await t.platform.runner.start({
        accountId: created.account.id,
        target: 'psc-tls-imap',
        delai: 60,
        startedBy: 'test',
      });
      if (!started.ok) throw new Error(JSON.stringify(started));
      executionId = started.execution.id;
      const psc = t.endpoint('psc');
      const roots = path.join(t.dataDir, 'roots.pem');
      writeFileSync(roots, t.platform.pki.trustBundlePem());
      const imap = await run('python3', ['test/clients/imap_client.py'], {
        input: JSON.stringify({
          host: psc.address,
          port: psc.imapPort,
          cafile: roots,
          mechanism: 'LOGIN',
          user: created.account.mailboxes.personal,
          password: (await t.platform.accounts.passwords(created.account)).personal,
          steps: [['select', 'INBOX']],
        }),
      });
      expect(JSON.parse(imap.stdout), imap.stderr).toMatchObject({ ok: true });
      await expect
        .poll(async () => (await t.platform.executions.get(executionId))?.status, { timeout: 60_000 })
        .toBe('finished');

      const { page, context } = await newPage();
      await signIn(page, t, REVIEWER.login);
      expect(new URL(page.url()).pathname).toBe('/revue');
      expect(await t.platform.users.user(REVIEWER.login)).toMatchObject({
        role: 'reviewer',
        iscSubject: REVIEWER.login,
        organisation: null,
      });

      // A number that is not one, then one that does not exist: the error is next to the field, the value kept.
      const field = page.getByLabel('Rechercher une exécution n°');
      await field.fill('douze');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      expect(await page.locator('#f-execution-error').textContent()).toBe(
        'Numéro d’exécution invalide : un nombre entier positif est attendu.',
      );
      expect(await field.inputValue()).toBe('douze');
      expect(await field.getAttribute('aria-describedby')).toBe('f-execution-hint f-execution-error');
      await field.fill('999999');
      await page.getByRole('button', { name: 'Rechercher' }).click();
      expect(await page.locator('#f-execution-error').textContent()).toBe('Aucune exécution n° 999999.');

      await field.fill(String(executionId));
      await page.getByRole('button', { name: 'Rechercher' }).click();
      await page.waitForURL(url(`/revue/executions/${executionId}`));
      const execution = (await t.platform.executions.get(executionId))!;
      expect(await page.locator('h1').textContent()).toBe(
        `Exécution #${executionId} — MIE PSC : TLS IMAP (MSS-CONF.01;03)`,
      );
      const main = (await page.locator('main').textContent())!;
      for (const text of [
        'Verdict',
        execution.verdict!,
        'Vérifications',
        'MSS-CONF.01',
        'Journal d’exécution',
        'Observations utilisées par le verdict',
        'délai 60 s',
      ])
        expect(main, text).toContain(text);
      for (const check of execution.checks) expect(main).toContain(check.detail);
      expect(execution.observationIds.length).toBeGreaterThan(0);
      await screenshot(page, 'review-execution');

      const json = await page.request.get(
        url((await page.getByRole('link', { name: 'Exporter en JSON' }).getAttribute('href'))!),
      );
      expect(json.status()).toBe(200);
      const evidence = await json.json();
      expect(evidence.execution).toMatchObject({ id: executionId, verdict: execution.verdict });
      expect(evidence.observations.map((o: { id: number }) => o.id)).toEqual(
        expect.arrayContaining(execution.observationIds),
      );
      await page.getByRole('link', { name: 'Page imprimable' }).click();
      expect(await page.locator('h1').textContent()).toBe(
        `Exécution #${executionId} — MIE PSC : TLS IMAP (MSS-CONF.01;03)`,
      );
      expect(new URL(page.url()).pathname).toBe(`/api/v1/executions/${executionId}/export.html`);
      await context.close();
    },
  );

  it('lets an admin review too', async () => {
    const { page, context } = await newPage();
    await signIn(page, t, ADMIN.login);
    await page.goto(url(`/revue?execution=${executionId}`));
    expect(new URL(page.url()).pathname).toBe(`/revue/executions/${executionId}`);
    expect((await t.platform.users.user(ADMIN.login))!.role).toBe('admin');
    await context.close();
  });

  it('answers a vendor with « page introuvable » on every review page', async () => {
    const { page, context } = await newPage();
    await signIn(page, t, VENDOR.login);
    expect(new URL(page.url()).pathname).toBe('/comptes');
    for (const path of ['/revue', `/revue?execution=${executionId}`, `/revue/executions/${executionId}`]) {
      const response = await page.goto(url(path));
      expect(response!.status(), path).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page introuvable');
    }
    await context.close();
  });

  it('does not give a reviewer’s role to a vendor who only shares their login', async () => {
    const { page, context } = await newPage();
    await signIn(page, t, NAMESAKE.login);
    expect(new URL(page.url()).pathname).toBe('/comptes');
    expect(await t.platform.users.user(`${NAMESAKE.login}2`)).toMatchObject({
      role: 'vendor',
      iscSubject: NAMESAKE.login,
    });
    expect(await t.platform.users.user(NAMESAKE.login)).toMatchObject({ role: 'reviewer', iscSubject: null });
    expect((await page.goto(url('/revue')))!.status()).toBe(404);
    await context.close();
  });
});
