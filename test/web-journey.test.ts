// Issue 6's acceptance in one browser journey, as the README's "Run your first test in the browser" tells it:
// the ISC login with the e-mailed code and consent, a PSC test identity created on the EDIT page, an account
// created and provisioned, « Accès à l'outil », « MIE PSC : TLS SMTP » run while the reference LPS plays it,
// the live log and the OK verdict with its evidence, then logout; another vendor opening that execution gets
// nothing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityDb } from '../src/identity/db.ts';
import { PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from '../src/identity/issuers.ts';
import { Secrets } from '../src/identity/secrets.ts';
import type { LpsContext } from '../src/lps/context.ts';
import { playJob } from '../src/lps/play.ts';
import { PscTokenSource } from '../src/lps/tokens.ts';
import { endpointListing } from '../src/mail/endpoints.ts';
import { launchBrowser } from './helpers/browser.ts';
import { iscPerson, signIn } from './helpers/isc-login.ts';
import { passwordsOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

const IDNAT_PSC = '810000002024';
const NIL = 'DEV-JOURNEY';
let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  // The operator creates the vendors at the (simulated) ISC, as `motco isc org add` / `isc user add` do.
  await iscPerson(t, {
    login: 'claire.moreau',
    organisation: { raisonSociale: 'Éditeur Parcours', immatriculation: '88888888800088' },
  });
  await iscPerson(t, {
    login: 'hugo.lambert',
    organisation: { raisonSociale: 'Autre éditeur', immatriculation: '99999999900099' },
    givenName: 'Hugo',
    familyName: 'Lambert',
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

/** What `motco lps` builds for an account, here for the one the vendor created in the browser. */
async function lpsContext(nil: string): Promise<LpsContext> {
  const account = (await t.platform.accounts.list()).find((a) => a.nil === nil)!;
  const secret = (await new Secrets(identityDb(t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
  return {
    account: {
      nil,
      idnatPsc: account.idnatPsc,
      idnatAuthCli: account.idnatAuthCli,
      personalMailbox: account.mailboxes.personal,
      applicativeMailbox: account.mailboxes.applicative,
      patientAddress: account.patientAddress,
    },
    endpoints: endpointListing(t.config),
    trust: t.platform.pki.trustBundlePem(),
    tokens: new PscTokenSource(
      {
        discoveryUrl: t.platform.identity.psc.discoveryUrl,
        clientId: TOOLS_CLIENT_ID,
        clientSecret: secret,
        idnat: IDNAT_PSC,
      },
      t.config.psc.clockSkewSeconds,
    ),
    passwords: Object.fromEntries(
      await passwordsOf(
        t,
        [account.mailboxes.personal, account.mailboxes.applicative].filter((a): a is string => a !== null),
      ),
    ),
    reopenDelaySeconds: t.config.runner.reopenImapDelaySeconds,
    timeoutMs: 15_000,
  };
}

describe('a new vendor, in the browser', () => {
  let page: Page;
  let executionUrl: string;

  it('logs in through ISC, creates a PSC test identity, creates an account and opens its tool', async () => {
    page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await signIn(page, t, 'claire.moreau');
    expect(await page.locator('h1').textContent()).toBe('Liste de comptes');

    // The EDIT page is the signed-in vendor's: the identity belongs to their organisation.
    await page.goto(`${t.config.publicUrl}/psc/edit`);
    await page.locator('#f-idnat').fill(IDNAT_PSC);
    await page.locator('#f-givenName').fill('Claire');
    await page.locator('#f-familyName').fill('Moreau');
    await page.getByRole('button', { name: 'Créer l’identité' }).click();
    await expect.poll(() => page.locator('body').textContent()).toContain(`Identité ${IDNAT_PSC} créée.`);

    await page.goto(`${t.config.publicUrl}/comptes`);
    await page.getByRole('link', { name: 'Créer un nouveau compte' }).click();
    await page.getByLabel('Référence produit (NIL)').fill(NIL);
    await page.getByLabel('Identifiant national PSC').fill(IDNAT_PSC);
    await page.getByRole('button', { name: 'Valider' }).click();
    await expect.poll(() => page.locator('table').first().textContent()).toContain('Disponible');
    await page.getByRole('link', { name: 'Accès à l’outil' }).first().click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Projets');
  });

  it(
    'runs « MIE PSC : TLS SMTP » while the reference LPS plays it, ' +
      'and reads the OK verdict live, with its evidence',
    async () => {
      await page.getByRole('link', { name: 'Jobs', exact: true }).first().click();
      await page.getByRole('link', { name: 'MIE PSC : TLS SMTP (MSS-CONF.01;03)' }).first().click();
      expect(await page.getByLabel('Adresse IP').inputValue()).toBe('127.0.0.1');
      await page.getByLabel('Délai (en secondes)').fill('60');
      await Promise.all([
        page.waitForURL(/\/executions\/\d+$/),
        page.getByRole('button', { name: 'Exécuter maintenant' }).click(),
      ]);
      executionUrl = page.url();
      await page.locator('.log-box .line', { hasText: 'Écoute jusqu’à' }).first().waitFor();

      const report = await playJob('psc-tls-smtp', await lpsContext(NIL));
      expect(report.completed).toBe(true);

      // Without reloading: the facts, then the verdict.
      await page.locator('.log-box .line', { hasText: 'ClientHello' }).first().waitFor();
      await page.locator('.log-box .line', { hasText: 'Résultat : OK (code retour 0)' }).first().waitFor();
      expect(await page.locator('main').textContent()).toContain('Aucune suite TLS 1.2 hors des six autorisées');

      const evidenceUrl = await page.getByRole('link', { name: 'Preuves : page imprimable' }).getAttribute('href');
      const shown = await page.context().newPage();
      await shown.goto(new URL(evidenceUrl!, t.config.publicUrl).toString());
      const text = (await shown.locator('body').textContent()) ?? '';
      expect(text).toContain('MIE PSC : TLS SMTP');
      expect(text).toContain(NIL);
      expect(text).toMatch(/TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384/);
    },
  );

  it('logs out, and another vendor opening that execution gets « Page introuvable »', async () => {
    await page.goto(executionUrl);
    await page.locator('.bar .profile summary').click();
    await page.getByRole('button', { name: 'Déconnexion' }).click();
    await page.waitForURL((url) => url.pathname === '/' || url.pathname.startsWith('/isc/'));
    // the simulator confirms the ISC logout
    if (new URL(page.url()).pathname.startsWith('/isc/')) await page.getByRole('button').first().click();
    await page.waitForURL((url) => url.pathname === '/');

    const other = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await signIn(other, t, 'hugo.lambert');
    const response = await other.goto(executionUrl);
    expect(response?.status()).toBe(404);
    const body = (await other.locator('body').textContent()) ?? '';
    expect(body).toContain('Page introuvable');
    expect(body).not.toContain(NIL);
  });
});

// The operator guide's walkthrough and this journey must not drift apart.
describe('the operator guide', () => {
  it('tells a new user this journey', () => {
    const guide = readFileSync(path.join(import.meta.dirname, '..', 'docs', 'operator-guide.md'), 'utf8');
    const start = guide.indexOf('### A first test in the browser');
    expect(start).toBeGreaterThan(0);
    const section = guide.slice(start, guide.indexOf('\n## ', start));
    for (const step of [
      'Connexion',
      'boite-d-envoi',
      '/psc/edit',
      'Créer un nouveau compte',
      'Accès à l’outil',
      'MIE PSC : TLS SMTP',
      'Exécuter maintenant',
      'motco lps psc-tls-smtp',
      'Déconnexion',
    ]) {
      expect(section, step).toContain(step);
    }
  });
});
