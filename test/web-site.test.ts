// The account site in a real browser (Debian's chromium through playwright-core): the ISC login with password,
// e-mailed code and consent (and a refused consent), the account list, creation with a French error next to
// the wrong field, the account page with everything a vendor configures (mailboxes with their own passwords,
// renewed there, servers, the webmail opened from there without a password, trust roots, the .p12 checked
// with openssl), modification in nightly mode until the operator's batch, the
// pre-flight page against real SMTP sessions (python3 smtplib), isolation between vendors, keyboard-only use
// of the form, a 375 px screen, and logout. Screenshots of the main pages go to docs/screenshots/.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { iscPerson, signIn } from './helpers/isc-login.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let nightly: TestPlatform;
let browser: Browser;
let vendor: { context: BrowserContext; page: Page };
let accountId: number;

const CLAIRE = {
  login: 'claire.editeur',
  organisation: { raisonSociale: 'Éditeur Exemple SAS', immatriculation: '12345678900012' },
};
const BRUNO = {
  login: 'bruno.concurrent',
  organisation: { raisonSociale: 'Autre Éditeur SARL', immatriculation: '98765432100019' },
  givenName: 'Bruno',
  familyName: 'Martin',
};
const IDNAT_PSC = '810001234567';
const IDNAT_AUTH_CLI = '1750000001';
/** The six TLS 1.2 suites of Référentiel #2, OpenSSL names. */
const ALLOWED_SUITES =
  'ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:' +
  'DHE-RSA-AES256-GCM-SHA384:DHE-RSA-AES128-GCM-SHA256';

async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, locale: 'fr-FR' });
  return { context, page: await context.newPage() };
}

const url = (p: TestPlatform, path: string) => `${p.config.publicUrl}${path}`;
/** Width of the whole page: more than the window means a horizontal scroll bar. */
const pageWidth = (page: Page) => page.evaluate<number>('document.documentElement.scrollWidth');

beforeAll(async () => {
  [t, nightly, browser] = await Promise.all([
    startTestPlatform(),
    startTestPlatform({ 'accounts.provisioning': 'nightly' }),
    launchBrowser(),
  ]);
  await iscPerson(t, CLAIRE);
  await iscPerson(t, BRUNO);
  await iscPerson(nightly, CLAIRE);
  vendor = await newPage();
});

afterAll(async () => {
  await browser?.close();
  await Promise.all([t?.stop(), nightly?.stop()]);
});

describe('ISC login', () => {
  it('logs a vendor in with password, e-mailed code and consent, and lands on « Liste de comptes »', async () => {
    const { page, context } = vendor;
    await signIn(page, t, CLAIRE.login, {
      onPage: async (step) => {
        if (step === 'home') {
          await expect.poll(() => page.locator('h1').textContent()).toBe('Outil de tests des éditeurs MSSanté');
          await screenshot(page, 'site-home');
        } else await screenshot(page, `site-isc-${step}`);
      },
    });
    expect(new URL(page.url()).pathname).toBe('/comptes');
    expect(await page.locator('h1').textContent()).toBe('Liste de comptes');
    expect(await page.locator('main').textContent()).toContain(
      'Veuillez créer un compte en cliquant sur le bouton ci-dessous.',
    );
    expect(await page.getByRole('link', { name: 'Créer un nouveau compte' }).getAttribute('href')).toBe(
      '/comptes/nouveau',
    );
    await screenshot(page, 'site-accounts-empty');

    const session = (await context.cookies()).find((c) => c.name === 'motco_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
    // The ISC claims made a vendor of the claimed organisation.
    const user = await t.platform.users.user(CLAIRE.login);
    expect(user).toMatchObject({
      role: 'vendor',
      iscSubject: CLAIRE.login,
      organisation: { immatriculation: CLAIRE.organisation.immatriculation },
    });
    // Personal pages are never cached and allow no inline script.
    const response = await page.request.get(url(t, '/comptes'));
    expect(response.headers()['cache-control']).toBe('no-store');
    expect(response.headers()['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers a refused consent with a French error and opens no session', async () => {
    const { page, context } = await newPage();
    await signIn(page, t, BRUNO.login, { refuse: true });
    expect(new URL(page.url()).pathname).toBe('/connexion/retour');
    expect(await page.locator('h1').textContent()).toBe('Connexion impossible');
    expect(await page.getByRole('alert').textContent()).toContain(
      'Vous avez refusé de partager vos informations avec l’outil : aucune session n’a été ouverte.',
    );
    expect((await context.cookies()).some((c) => c.name === 'motco_session')).toBe(false);
    expect(await t.platform.users.user(BRUNO.login)).toBeUndefined();
    await context.close();
  });

  it('sends a visitor of a private page to the login, and back to that page', async () => {
    const { page, context } = await newPage();
    const response = await page.request.get(url(t, '/mon-poste'), { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    expect(response.headers().location).toBe('/connexion?retour=%2Fmon-poste');
    await context.close();
  });
});

describe('accounts', () => {
  it(
    'shows the French error next to the wrong field, ' +
      'keeps what was typed, then creates the account « Disponible »',
    async () => {
      const { page } = vendor;
      await page.getByRole('link', { name: 'Créer un nouveau compte' }).click();
      expect(await page.locator('h1').textContent()).toBe('Création de compte');
      // The (i) bubble of the NIL, as the manual words it, read with the field.
      expect(await page.locator('#f-nil').getAttribute('aria-describedby')).toBe('f-nil-help');
      expect(await page.locator('#f-nil-help').textContent()).toBe(
        'Numéro d’identification logiciel trouvable sur ISC.',
      );
      await page.locator('#f-nil').fill('DEV-SITE-1');
      await page.locator('#f-idnatPsc').fill('12AB');
      await page.locator('#f-idnatAuthCli').fill(IDNAT_AUTH_CLI);
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.waitForLoadState();

      const psc = page.locator('#f-idnatPsc');
      expect(await psc.getAttribute('aria-invalid')).toBe('true');
      expect(await psc.getAttribute('aria-describedby')).toBe('f-idnatPsc-help f-idnatPsc-error');
      expect(await page.locator('#f-idnatPsc-error').textContent()).toContain(
        'Identifiant national PSC « 12AB » invalide',
      );
      expect(await psc.inputValue()).toBe('12AB');
      expect(await page.locator('#f-nil').inputValue()).toBe('DEV-SITE-1');
      expect(await page.locator('#f-idnatAuthCli').inputValue()).toBe(IDNAT_AUTH_CLI);
      expect(await page.locator('#f-nil').getAttribute('aria-invalid')).toBeNull();
      expect(await page.getByRole('alert').textContent()).toContain('Le formulaire contient des erreurs');
      await page.locator('details.help summary').first().click();
      await screenshot(page, 'site-account-create-error');

      await psc.fill(IDNAT_PSC);
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.waitForURL(/\/comptes\?cree=\d+$/);
      accountId = Number(new URL(page.url()).searchParams.get('cree'));
      expect(await page.getByRole('status').textContent()).toContain(
        'Le compte DEV-SITE-1 est enregistré. Statut : Disponible.',
      );
      const row = page.locator('tbody tr', { hasText: 'DEV-SITE-1' });
      expect((await row.locator('td').allTextContents()).slice(0, 4)).toEqual([
        'DEV-SITE-1',
        IDNAT_PSC,
        IDNAT_AUTH_CLI,
        'Disponible',
      ]);
      expect(await row.getByRole('link', { name: 'Modifier' }).getAttribute('href')).toBe(
        `/comptes/${accountId}/modifier`,
      );
      expect(await row.getByRole('link', { name: 'Accès à l’outil' }).getAttribute('href')).toBe(`/outil/${accountId}`);
      expect((await t.platform.accounts.get(accountId))!.organisation.immatriculation).toBe(
        CLAIRE.organisation.immatriculation,
      );
      await screenshot(page, 'site-accounts');
    },
  );

  it(
    'gives on the account page the mailboxes, server settings, ' +
      'webmail, trust roots and the ORG_AUTH_CLI certificate',
    async () => {
      const { page } = vendor;
      await page.getByRole('link', { name: 'DEV-SITE-1', exact: true }).click();
      expect(await page.locator('h1').textContent()).toBe('Compte DEV-SITE-1');
      const account = (await t.platform.accounts.get(accountId))!;
      const passwords = await t.platform.accounts.passwords(account);
      const main = (await page.locator('main').textContent())!;
      for (const text of [
        account.mailboxes.personal!,
        account.mailboxes.applicative!,
        account.patientAddress,
        account.runnerUserId,
        passwords.personal!,
        passwords.applicative!,
        passwords.patient!,
        'STARTTLS',
      ])
        expect(main).toContain(text);
      // Each mailbox has its own password; no shared one is shown (the operator set none).
      expect(new Set([passwords.personal, passwords.applicative, passwords.patient]).size).toBe(3);
      expect(main).not.toContain('ODTMotco2');
      expect(account.mailboxes.personal).toBe(`${IDNAT_PSC}@${t.config.mailDomain}`);

      // Settings: the valid endpoints, then the ones a client must refuse, with host names and ports.
      const rows = async (heading: string) =>
        page
          .locator(`h3:text-is("${heading}") + table tbody tr, h3:text-is("${heading}") + p + table tbody tr`)
          .evaluateAll((trs) =>
            trs.map((tr) =>
              [...tr.querySelectorAll('td')].map((td) => {
                // The value without its « Copier » button.
                const value = td.cloneNode(true) as typeof td;
                for (const button of [...value.querySelectorAll('button')]) button.remove();
                return value.textContent?.trim();
              }),
            ),
          );
      const valid = await rows('Points d’accès conformes');
      expect(valid.map((r) => r[0])).toEqual(['org', 'psc']);
      for (const r of valid) {
        const e = t.endpoint(r[0] as 'org' | 'psc');
        expect(r.slice(2, 7)).toEqual([e.host, e.address, String(e.imapPort), String(e.smtpPort), 'STARTTLS']);
      }
      expect((await rows('Points d’accès de test (certificats à refuser)')).map((r) => `${r[0]}: ${r[7]}`)).toEqual([
        'org-nonigc: valide, AC non IGC Santé',
        'psc-nonigc: valide, AC non IGC Santé',
        'org-expire: expiré',
        'psc-expire: expiré',
        'org-revoq: révoqué',
        'psc-revoq: révoqué',
      ]);

      // Trust roots: the files the platform serves, each with what to do with it.
      const igc = page.getByRole('link', { name: 'igc-sante-test-roots.pem' });
      expect(await page.locator('ul.trust li').first().textContent()).toContain('magasin de confiance propre au LPS');
      expect(await page.locator('ul.trust li').nth(1).textContent()).toContain('magasin de confiance du système');
      const bundle = await page.request.get(url(t, (await igc.getAttribute('href'))!));
      expect(await bundle.text()).toBe(t.platform.pki.trustBundlePem());
      const nonIgc = await page.request.get(
        url(t, (await page.getByRole('link', { name: 'non-igc-root.pem' }).getAttribute('href'))!),
      );
      expect(nonIgc.status()).toBe(200);

      // The certificate: the PKCS#12 opens with the password shown, and its OU is the account's IdNat AUTH_CLI.
      const password = (await page.locator('tr:has(th:text-is("Mot de passe du fichier")) code').textContent())!;
      expect(password).toBe(account.certificate!.pkcs12Password);
      const p12 = await page.request.get(
        url(t, (await page.getByRole('link', { name: `${IDNAT_AUTH_CLI}.p12` }).getAttribute('href'))!),
      );
      expect(p12.headers()['content-type']).toBe('application/x-pkcs12');
      const file = path.join(t.dataDir, 'downloaded.p12');
      writeFileSync(file, await p12.body());
      const opened = await run('openssl', [
        'pkcs12',
        '-in',
        file,
        '-passin',
        `pass:${password}`,
        '-nokeys',
        '-clcerts',
      ]);
      expect(opened.code, opened.stderr).toBe(0);
      expect(opened.stdout).toMatch(new RegExp(`subject=.*OU ?= ?${IDNAT_AUTH_CLI}`));
      expect(readFileSync(account.certificate!.files.pkcs12).equals(readFileSync(file))).toBe(true);
      await screenshot(page, 'site-account-detail');
    },
  );

  it(
    'renews a mailbox’s password and opens its webmail without a password, ' +
      'then switches to another of its mailboxes',
    async () => {
      const { page } = vendor;
      await page.goto(url(t, `/comptes/${accountId}`));
      const { personal, applicative } = (await t.platform.accounts.get(accountId))!.mailboxes;
      const shown = () => page.locator('tr', { hasText: personal! }).locator('code.password').textContent();
      const before = (await shown())!;
      await page.getByRole('button', { name: `Renouveler le mot de passe de ${personal}` }).click();
      await page.waitForURL(/\?renouvele=personal$/);
      expect(await page.getByRole('status').textContent()).toContain(
        `Nouveau mot de passe pour ${personal} : l’ancien ne l’ouvre plus`,
      );
      const after = (await shown())!;
      expect(after).not.toBe(before);
      expect(after).toBe((await t.platform.accounts.passwords((await t.platform.accounts.get(accountId))!)).personal);
      // (IMAP with the old and the new password: test/mailbox-passwords.test.ts; no mail session here, which the
      // pre-flight page below counts.)
      const box = (await t.platform.mailboxes.find(personal!))!;
      expect([
        await t.platform.mailboxes.passwordMatches(box.id, before),
        await t.platform.mailboxes.passwordMatches(box.id, after),
      ]).toEqual([false, true]);

      await page.getByRole('button', { name: `Ouvrir le webmail de ${personal}` }).click();
      await page.waitForURL(/\/webmail\/dossier\?d=INBOX/);
      expect(await page.locator('h1').textContent()).toBe('Boîte de réception');
      expect(await page.locator('.profile summary').textContent()).toBe(personal);
      await page.getByLabel('Boîte aux lettres').selectOption(applicative!);
      await page.getByRole('button', { name: 'Changer de BAL' }).click();
      await expect.poll(() => page.locator('.profile summary').textContent()).toBe(applicative);
      await page.goto(url(t, `/comptes/${accountId}`));
    },
  );

  it('is readable on a 375 px screen', async () => {
    const narrow = await newPage({ width: 375, height: 812 });
    await narrow.context.addCookies(await vendor.context.cookies());
    for (const path of ['/comptes', `/comptes/${accountId}`, '/comptes/nouveau', '/mon-poste']) {
      await narrow.page.goto(url(t, path));
      expect(await pageWidth(narrow.page), path).toBeLessThanOrEqual(375);
    }
    await narrow.page.goto(url(t, `/comptes/${accountId}`));
    await screenshot(narrow.page, 'site-account-detail-375');
    await narrow.context.close();
  });
});

describe('modification in nightly mode', () => {
  it(
    'shows « En cours de création », then « Indisponible » while a modification waits, ' +
      '« Disponible » after the operator’s batch',
    async () => {
      const { page, context } = await newPage();
      await signIn(page, nightly, CLAIRE.login);
      const adminToken = readFileSync(path.join(nightly.dataDir, 'admin.token'), 'utf8').trim();
      const runBatch = async () => {
        const response = await fetch(url(nightly, '/api/v1/provisioning/run'), {
          method: 'POST',
          headers: { authorization: `Bearer ${adminToken}` },
        });
        expect(response.status).toBe(200);
        await page.reload();
      };
      const row = page.locator('tbody tr', { hasText: 'NUIT-1' });
      const cells = async () => (await row.locator('td').allTextContents()).map((c) => c.trim());

      await page.getByRole('link', { name: 'Créer un nouveau compte' }).click();
      await page.locator('#f-nil').fill('NUIT-1');
      await page.locator('#f-idnatPsc').fill(IDNAT_PSC);
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.waitForURL(/\/comptes\?cree=\d+$/);
      expect(await page.getByRole('status').textContent()).toContain('lors du traitement de la nuit prochaine');
      expect((await cells())[3]).toMatch(/^En cours de création/);
      expect((await cells())[5]).toBe('Indisponible');
      await runBatch();
      expect((await cells())[3]).toBe('Disponible');

      await row.getByRole('link', { name: 'Modifier' }).click();
      expect(await page.locator('h1').textContent()).toBe('Modification de compte');
      expect(await page.locator('#f-nil').inputValue()).toBe('NUIT-1');
      expect(await page.locator('#f-idnatPsc').inputValue()).toBe(IDNAT_PSC);
      await page.locator('#f-idnatAuthCli').fill('2123456789');
      await page.getByRole('button', { name: 'Modifier' }).click();
      await page.waitForURL(/\/comptes\?modifie=\d+$/);
      expect(await page.getByRole('status').textContent()).toContain(
        'La modification du compte NUIT-1 est enregistrée. Statut : Indisponible.',
      );
      const waiting = await cells();
      expect(waiting[3]).toMatch(/^Indisponible/);
      expect(waiting[3]).toContain('identifiant national AUTH_CLI 2123456789');
      expect(waiting[5]).toBe('Indisponible');
      expect(await row.getByRole('link', { name: 'Accès à l’outil' }).count()).toBe(0);
      await row.locator('details.help summary').click();
      await screenshot(page, 'site-accounts-pending');
      // The form starts from the waiting modification.
      await row.getByRole('link', { name: 'Modifier' }).click();
      expect(await page.locator('#f-idnatAuthCli').inputValue()).toBe('2123456789');
      await page.goto(url(nightly, '/comptes'));

      await runBatch();
      const done = await cells();
      expect(done.slice(0, 4)).toEqual(['NUIT-1', IDNAT_PSC, '2123456789', 'Disponible']);
      expect(done[5]).toBe('Accès à l’outil (compte NUIT-1)');
      await context.close();
    },
  );
});

describe('pre-flight: what the platform sees of my machine', () => {
  it(
    'shows the address the browser comes from and the latest mail sessions from it, ' +
      'naming only the vendor’s own mailboxes',
    async () => {
      const { page } = vendor;
      const own = (await t.platform.accounts.get(accountId))!;
      // Another organisation's account, whose session from the same address must stay anonymous.
      const other = await t.platform.users.createOrganisation({
        raisonSociale: 'Tiers',
        immatriculation: '55555555500055',
      });
      const theirs = await t.platform.accounts.create(
        { nil: 'TIERS-1', idnatPsc: '810005555555' },
        { organisationId: other.id, by: 'test' },
      );
      expect(theirs.ok).toBe(true);
      const theirMailbox = theirs.ok ? theirs.account.mailboxes.personal! : '';

      await page.getByRole('link', { name: 'Ce que la plateforme voit de mon poste' }).click();
      expect(await page.locator('h1').textContent()).toBe('Ce que la plateforme voit de mon poste');
      expect(await page.locator('#adresse-ip').textContent()).toBe('127.0.0.1');

      const psc = t.endpoint('psc');
      const roots = path.join(t.dataDir, 'roots.pem');
      writeFileSync(roots, t.platform.pki.trustBundlePem());
      const smtp = (job: Record<string, unknown>) =>
        run('python3', ['test/clients/smtp_client.py'], {
          input: JSON.stringify({ host: '127.0.0.1', port: psc.smtpPort, cafile: roots, mechanism: 'PLAIN', ...job }),
        });
      // A forbidden suite offered along allowed ones, then the vendor's own mailbox; then another vendor's, with its
      // own password (its LPS behind the same NAT).
      const mine = await smtp({
        user: own.mailboxes.personal,
        password: (await t.platform.accounts.passwords(own)).personal,
        ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA',
        max_version: 'TLSv1_2',
      });
      expect(JSON.parse(mine.stdout), mine.stderr).toMatchObject({ auth: [235, expect.any(String)] });
      const foreign = await smtp({
        user: theirMailbox,
        password: theirs.ok ? (await t.platform.accounts.passwords(theirs.account)).personal : '',
        ciphers: ALLOWED_SUITES,
      });
      expect(JSON.parse(foreign.stdout), foreign.stderr).toMatchObject({ auth: [235, expect.any(String)] });

      await page.getByRole('link', { name: 'Actualiser' }).click();
      const rows = page.locator('table.sessions tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      const [newest, older] = await rows.evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())),
      );
      expect(older![1]).toBe('psc · SMTP');
      expect(older![2]).toContain('jusqu’à TLSv1.2');
      expect(older![2]).toContain('suites interdites : TLS_RSA_WITH_AES_128_CBC_SHA');
      expect(older![3]).toBe('établie : TLSv1.2, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
      expect(older![4]).toBe('aucun');
      expect(older![5]).toBe(`PLAIN : réussie — ${own.mailboxes.personal}`);
      expect(newest![2]).toContain('aucune suite interdite');
      expect(newest![5]).toBe('PLAIN : réussie — BAL d’un autre compte');
      expect(await page.locator('main').textContent()).not.toContain(theirMailbox);
      expect(await pageWidth(page)).toBeLessThanOrEqual(1280);
      await screenshot(page, 'site-preflight');
      await page.setViewportSize({ width: 375, height: 812 });
      expect(await pageWidth(page)).toBeLessThanOrEqual(375);
      await page.setViewportSize({ width: 1280, height: 900 });
    },
  );

  it(
    'names a client certificate’s OU only when it is the vendor’s own, ' + 'even on a session that did not sign in',
    async () => {
      const { page } = vendor;
      const own = (await t.platform.accounts.get(accountId))!;
      // Another organisation's ORG_AUTH_CLI certificate, presented from the same address without signing in.
      const neighbour = await t.platform.users.createOrganisation({
        raisonSociale: 'Voisin',
        immatriculation: '66666666600066',
      });
      const theirs = await t.platform.accounts.create(
        { nil: 'VOISIN-1', idnatAuthCli: '1760000006' },
        { organisationId: neighbour.id, by: 'test' },
      );
      if (!theirs.ok) throw new Error(JSON.stringify(theirs.errors));

      const org = t.endpoint('org');
      const roots = path.join(t.dataDir, 'roots.pem');
      writeFileSync(roots, t.platform.pki.trustBundlePem());
      for (const account of [own, theirs.account]) {
        const files = account.certificate!.files;
        const result = await run('python3', ['test/clients/smtp_client.py'], {
          input: JSON.stringify({
            host: '127.0.0.1',
            port: org.smtpPort,
            cafile: roots,
            certfile: files.chain,
            keyfile: files.key,
          }),
        });
        expect(JSON.parse(result.stdout), result.stderr).toMatchObject({ ok: true });
      }

      await page.goto(url(t, '/mon-poste'));
      const rows = page.locator('table.sessions tbody tr');
      await expect.poll(() => rows.count()).toBe(4);
      const [neighbours, mine] = await rows.evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())),
      );
      expect(mine![1]).toBe('org · SMTP');
      expect(mine![4]).toBe(`OU ${IDNAT_AUTH_CLI}, valide`);
      expect(mine![5]).toBe('aucune');
      expect(neighbours![4]).toBe('valide');
      expect(await page.locator('main').textContent()).not.toContain('1760000006');
    },
  );
});

describe('isolation between vendors', () => {
  it('answers another vendor’s account pages and certificate with the French « page introuvable »', async () => {
    const { page, context } = await newPage();
    await signIn(page, t, BRUNO.login);
    expect(await page.locator('main').textContent()).toContain(
      'Veuillez créer un compte en cliquant sur le bouton ci-dessous.',
    );
    for (const path of [
      `/comptes/${accountId}`,
      `/comptes/${accountId}/modifier`,
      '/comptes/999999',
      '/comptes/abc',
      '/revue',
    ]) {
      const response = await page.goto(url(t, path));
      expect(response!.status(), path).toBe(404);
      expect(await page.locator('h1').textContent()).toBe('Page introuvable');
    }
    const modify = await page.request.post(url(t, `/comptes/${accountId}/modifier`), {
      form: { nil: 'VOLE', idnatPsc: IDNAT_PSC },
    });
    expect(modify.status()).toBe(404);
    expect((await t.platform.accounts.get(accountId))!.nil).toBe('DEV-SITE-1');
    expect((await page.request.get(url(t, `/api/v1/accounts/${accountId}/certificate.p12`))).status()).toBe(404);
    // A forged « Ouvrir le webmail » (Bruno's own valid CSRF token, Claire's address) opens nothing,
    // nor does « Renouveler ».
    await page.goto(url(t, '/comptes'));
    const csrf = (await page.locator('input[name="csrf"]').first().getAttribute('value'))!;
    const claire = (await t.platform.accounts.get(accountId))!.mailboxes.personal!;
    const forged = await page.request.post(url(t, '/webmail/ouvrir'), {
      form: { csrf, adresse: claire },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(404);
    expect(forged.headers()['set-cookie'] ?? '').not.toContain('motco_webmail=');
    expect((await page.request.get(url(t, '/webmail/dossier?d=INBOX'), { maxRedirects: 0 })).status()).toBe(303);
    const before = await t.platform.accounts.passwords((await t.platform.accounts.get(accountId))!);
    expect(
      (
        await page.request.post(url(t, `/comptes/${accountId}/mot-de-passe`), { form: { csrf, bal: 'personal' } })
      ).status(),
    ).toBe(404);
    expect(await t.platform.accounts.passwords((await t.platform.accounts.get(accountId))!)).toEqual(before);
    await context.close();
  });
});

describe('keyboard and logout', () => {
  it(
    'reaches every field of the create form and its button with Tab, ' +
      'focus visible, and submits it from the keyboard',
    async () => {
      const { page } = vendor;
      await page.goto(url(t, '/comptes/nouveau'));
      const stops: string[] = [];
      for (let i = 0; i < 20; i++) {
        await page.keyboard.press('Tab');
        // Evaluated in the page (the tests are compiled without the DOM library).
        const focused = await page.evaluate<{ name: string; outline: string }>(
          "(() => { const e = document.activeElement; return { name: e.id || e.tagName.toLowerCase() + ':' + " +
            'e.textContent.trim(), outline: getComputedStyle(e).outlineStyle }; })()',
        );
        expect(focused.outline, focused.name).not.toBe('none');
        stops.push(focused.name);
        if (focused.name === 'button:Valider') break;
      }
      expect(stops[0]).toBe('a:Aller au contenu');
      const order = ['f-nil', 'f-idnatPsc', 'f-idnatAuthCli', 'button:Valider'].map((s) => stops.indexOf(s));
      expect(
        order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1]!)),
        stops.join(' → '),
      ).toBe(true);
      // Each (i) bubble is a stop of its own, before its field.
      expect(stops[stops.indexOf('f-nil') - 1]).toMatch(/^summary:/);

      await page.locator('#f-nil').focus();
      await page.keyboard.type('CLAVIER-1');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.type('810009999999');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/comptes\?cree=\d+$/);
      expect(await page.locator('tbody tr', { hasText: 'CLAVIER-1' }).count()).toBe(1);
    },
  );

  it(
    'logs out from the profile menu, through ISC’s end of session, ' +
      'back to the home page; the old cookie opens nothing',
    async () => {
      const { page, context } = vendor;
      const cookie = (await context.cookies()).find((c) => c.name === 'motco_session')!;
      await page.locator('details.profile summary').click();
      await page.getByRole('button', { name: 'Déconnexion' }).click();
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.waitForURL(url(t, '/'));
      expect(await page.getByRole('link', { name: 'Connexion', exact: true }).count()).toBe(1);
      expect((await context.cookies()).some((c) => c.name === 'motco_session')).toBe(false);

      const headers = { cookie: `motco_session=${cookie.value}` };
      const accounts = await fetch(url(t, '/comptes'), { headers, redirect: 'manual' });
      expect(accounts.status).toBe(303);
      expect(accounts.headers.get('location')).toBe('/connexion?retour=%2Fcomptes');
      expect((await fetch(url(t, '/api/v1/me'), { headers })).status).toBe(401);
    },
  );

  it('asks to confirm a logout whose form carries no valid token (another site’s, or an expired page)', async () => {
    const forged = await fetch(url(t, '/deconnexion'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=forged',
      redirect: 'manual',
    });
    expect(forged.status).toBe(200);
    expect(await forged.text()).toContain('Voulez-vous vous déconnecter de l’outil et d’Industriels Santé Connect ?');
  });
});
