// The test runner's pages in a real browser (Debian's chromium through playwright-core), signed in with a web
// session as the account site opens it: projects → dashboard → jobs → a job; the options form (Adresse IP
// pre-filled, a bad Délai answered in French with the values kept); « Exécuter maintenant » while the
// reference LPS plays the job through real sockets — the live log and the verdict arrive without a reload —,
// a fault judged KO with its explanation and requirement, « Arrêter le travail », « Exécuter à nouveau »,
// the activity filters, isolation between vendors, the page without JavaScript and on a 375 px screen.
// Screenshots of the main pages go to docs/screenshots/.
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playJob } from '../src/lps/play.ts';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { run } from './helpers/run.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

let t: TestPlatform;
let browser: Browser;
let alice: VendorAccount;
let bob: VendorAccount;
let aliceContext: BrowserContext;
let page: Page;
/** Executions the tests below start, by what they ended with. */
const ran: Record<'ok' | 'ko' | 'cancelled', number> = { ok: 0, ko: 0, cancelled: 0 };

const JOB = 'psc-tls-smtp';
const JOB_TITLE = 'MIE PSC : TLS SMTP (MSS-CONF.01;03)';
const url = (path: string) => `${t.config.publicUrl}${path}`;
const runner = (who: VendorAccount, path = '') => url(`/outil/${who.id}${path ? `/${path}` : ''}`);

/** A browser context signed in as the vendor, with the cookie the account site's login sets. */
async function signedIn(who: VendorAccount, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const user = (await t.platform.auth.tokens.verify(who.token))!;
  const session = await t.platform.auth.sessions.createSession(user.id);
  const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, ...options });
  await context.addCookies([{ name: 'motco_session', value: session.value, url: t.config.publicUrl }]);
  return context;
}

const text = async (p: Page, selector: string) => (await p.locator(selector).first().textContent()) ?? '';
const executionId = (p: Page) => Number(/\/executions\/(\d+)$/.exec(p.url())?.[1]);

/** Submits the job page's form and lands on the new execution's page. */
async function runFromJobPage(p: Page, job: string, options: { ip?: string; delai: string }): Promise<number> {
  await p.goto(runner(alice, `jobs/${job}`));
  if (options.ip !== undefined) await p.getByLabel('Adresse IP').fill(options.ip);
  await p.getByLabel('Délai (en secondes)').fill(options.delai);
  await Promise.all([
    p.waitForURL(/\/executions\/\d+$/),
    p.getByRole('button', { name: 'Exécuter maintenant' }).click(),
  ]);
  return executionId(p);
}

/** Waits until the unit job listens (its window is open), as a vendor waits for « À faire maintenant ». */
async function listening(p: Page): Promise<void> {
  await p.locator('.log-box .line', { hasText: 'Écoute jusqu’à' }).first().waitFor();
  await p.locator('.window .countdown').waitFor();
}

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestPlatform(), launchBrowser()]);
  alice = await vendorWithAccount(t, {
    login: 'alice',
    immatriculation: '11111111100011',
    nil: 'DEV-ALICE',
    idnatPsc: '810000000123',
    idnatAuthCli: '10123456789',
  });
  bob = await vendorWithAccount(t, {
    login: 'bob',
    immatriculation: '22222222200022',
    nil: 'DEV-BOB',
    idnatPsc: '810000000456',
    idnatAuthCli: '10987654321',
  });
  aliceContext = await signedIn(alice);
  page = await aliceContext.newPage();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('browsing the runner of an account', () => {
  it('opens the projects page, the dashboard, the jobs tree and a job with its Attendus', async () => {
    await page.goto(runner(alice));
    expect(await text(page, 'h1')).toBe('Projets');
    expect(await text(page, 'table.projects')).toContain('0 exécution le dernier jour (0 échec)');
    expect(await text(page, 'table.projects')).toContain(
      `Utilisateur : ${(await t.platform.accounts.get(alice.id))!.runnerUserId}`,
    );
    expect(await text(page, '.legal')).toContain('ne valent pas référencement');
    expect(await text(page, '.bar')).toContain('Test alice');
    await screenshot(page, 'runner-projects');

    await page.getByRole('link', { name: 'MSSanté - Outil de test éditeur - MOTCO2' }).click();
    expect(await text(page, 'h1')).toBe('Tableau de bord');
    expect(await text(page, '.motd')).toContain('Avant de lancer un test');
    const readme = await text(page, '.readme');
    expect(readme).toContain('Lisez-moi');
    expect(readme).toContain(alice.account.personalMailbox!);
    expect(readme).toContain(alice.account.applicativeMailbox!);
    expect(await page.getByRole('link', { name: 'igc-sante-test-roots.pem' }).getAttribute('href')).toBe(
      '/pki/trust/igc-sante-test-roots.pem',
    );
    await screenshot(page, 'runner-dashboard');

    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('link', { name: 'Jobs' }).click();
    expect(await text(page, 'h1')).toBe('Jobs');
    // The manual's folder order, global jobs marked.
    const folders = await page.locator('.folder .folder-id').allTextContents();
    expect(folders).toEqual([
      'MSS-LPS-SEGUR-APP',
      'MSS-LPS-SEGUR-PER-ORG-1',
      'MSS-LPS-SEGUR-GEN-APP',
      'MSS-LPS-SEGUR-GEN-PER-ORG',
      'MSS-LPS-SEGUR-PER-ORG-2',
      'MSS-LPS-SEGUR-PER-ORG-3',
      'MSS-LPS-SEGUR-1',
    ]);
    expect(await page.locator('.folder .tag', { hasText: 'job global' }).count()).toBe(5);
    expect(await page.locator('.job').count()).toBe(34);
    expect(await page.getByRole('link', { name: `Lancer « ${JOB_TITLE} »` }).getAttribute('href')).toBe(
      `/outil/${alice.id}/jobs/${JOB}`,
    );
    expect(await text(page, '.job:has-text("MIE PSC : TLS SMTP")')).toContain('Jamais exécuté pour ce compte');
    await screenshot(page, 'runner-jobs');

    await page.getByRole('link', { name: JOB_TITLE, exact: true }).click();
    expect(await text(page, 'h1')).toBe(JOB_TITLE);
    const attendus = await text(page, '.attendus');
    expect(attendus).toContain(`Configurer la BAL personnelle ${alice.account.personalMailbox}`);
    expect(attendus).toContain(t.endpoint('psc').host);
    // The address the platform sees this browser at: loopback here.
    expect(await page.getByLabel('Adresse IP').inputValue()).toBe('127.0.0.1');
    expect(await page.getByLabel('Délai (en secondes)').inputValue()).toBe('60');
    expect(await text(page, '.launch')).toContain('Délai permettant de définir le temps d’écoute des logs.');
    await screenshot(page, 'runner-job');
  });

  it('answers a bad Délai in French next to the field and keeps what was typed', async () => {
    await page.getByLabel('Adresse IP').fill('192.0.2.7');
    await page.getByLabel('Délai (en secondes)').fill('5 s');
    await page.getByRole('button', { name: 'Exécuter maintenant' }).click();
    await page.locator('#f-delai-error').waitFor();
    expect(await text(page, '#f-delai-error')).toBe('Le délai doit être un nombre entier de secondes entre 10 et 900.');
    expect(await page.getByLabel('Délai (en secondes)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Délai (en secondes)').inputValue()).toBe('5 s');
    expect(await page.getByLabel('Adresse IP').inputValue()).toBe('192.0.2.7');
    expect(await t.platform.executions.list({ accountIds: [alice.id] })).toEqual([]);
  });
});

describe('executions', () => {
  it(
    'runs the job while the reference LPS plays it: ' + 'the live log and the OK verdict arrive without a reload',
    async () => {
      const id = await runFromJobPage(page, JOB, { ip: '127.0.0.1', delai: '30' });
      ran.ok = id;
      expect(await text(page, '.exec-id')).toBe(`#${id}`);
      await listening(page);
      expect(await text(page, '#etat')).toMatch(/^En cours — écoute jusqu’à \d\d:\d\d:\d\d\.$/);
      // Screen readers hear the status change politely, not every log line.
      expect(await page.locator('#etat').getAttribute('aria-live')).toBe('polite');
      expect(await page.locator('.log-box [aria-live], .log-box[aria-live], [role="log"]').count()).toBe(0);
      expect(await text(page, '.todo')).toContain('À faire maintenant : Sur le LPS, envoyer un email');
      expect(await page.getByRole('button', { name: 'Arrêter le travail' }).count()).toBe(1);
      expect(await page.locator('.log-box .l-fact').count()).toBe(0);
      await screenshot(page, 'runner-execution-running');
      // Gone if the page reloads.
      await page.evaluate('window.__sameDocument = true');

      await playJob(JOB, alice.context);
      await page.locator('.verdict.v-ok').waitFor({ timeout: 30_000 });
      expect(await page.evaluate('window.__sameDocument')).toBe(true);
      expect(await page.locator('.log-box .l-fact').count()).toBeGreaterThan(2);
      expect(await text(page, '.log-box')).toContain('ClientHello');
      expect(await text(page, '.log-box .l-result .text')).toBe('Résultat : OK (code retour 0)');
      expect(await page.locator('.log-box .line.pass').count()).toBeGreaterThan(0);
      expect(await text(page, '#etat')).toBe('Terminée : OK (réussi).');
      expect(await page.locator('.checks .check.c-fail').count()).toBe(0);
      expect(await text(page, '.checks')).toContain('Exigence : MSS-CONF.03');
      expect(await page.getByRole('button', { name: 'Exécuter à nouveau' }).count()).toBe(1);
      expect(await page.locator('[data-part="progress"] .progress-panel').count()).toBe(0);
      expect(await text(page, '.stats')).toMatch(/Exécutions\s*1\s*Taux de réussite\s*100\u00a0%/);
      expect(await page.getByRole('link', { name: 'Preuves : fichier JSON' }).getAttribute('href')).toBe(
        `/api/v1/executions/${id}/export.json`,
      );
      // The export accepts the session cookie.
      const exported = await page.request.get(url(`/api/v1/executions/${id}/export.json`));
      expect(exported.status()).toBe(200);
      expect((await exported.json()).execution.verdict).toBe('OK');
      await screenshot(page, 'runner-execution-ok');
    },
  );

  it('judges a run with a fault KO, with the failed check’s explanation and requirement', async () => {
    const id = await runFromJobPage(page, JOB, { delai: '30' });
    ran.ko = id;
    await listening(page);
    await playJob(JOB, alice.context, { fault: 'forbidden-suite' });
    await page.locator('.verdict.v-ko').waitFor({ timeout: 30_000 });
    const failed = page.locator('.check.c-fail');
    expect(await failed.count()).toBe(1);
    expect(await text(page, '.check.c-fail .detail')).toBe(
      'Suites non autorisées proposées : TLS_RSA_WITH_AES_128_CBC_SHA.',
    );
    expect(await text(page, '.check.c-fail .requirement')).toBe('Exigence : MSS-CONF.03');
    expect(await text(page, '.check.c-fail .outcome')).toBe('non conforme');
    expect(await text(page, '.log-box .line.fail')).toContain('✘');
    expect(await text(page, '#etat')).toBe('Terminée : KO (échoué).');
    expect(await text(page, '.stats')).toMatch(/Exécutions\s*2\s*Taux de réussite\s*50\u00a0%/);
    await screenshot(page, 'runner-execution-ko');
  });

  it(
    '« Arrêter le travail » ends a run CANCELLED; ' + '« Exécuter à nouveau » starts another with the same options',
    async () => {
      const id = await runFromJobPage(page, 'psc-expired-imap', { ip: '127.0.0.1', delai: '120' });
      ran.cancelled = id;
      await listening(page);
      await Promise.all([
        page.waitForURL(url(`/outil/${alice.id}/executions/${id}`)),
        page.getByRole('button', { name: 'Arrêter le travail' }).click(),
      ]);
      await page.locator('.verdict.v-cancelled').waitFor();
      expect(await text(page, '#etat')).toBe('Terminée : ANNULÉ (arrêté par l’utilisateur).');
      expect(await text(page, '.log-box')).toContain('Travail arrêté par l’utilisateur.');
      expect((await t.platform.executions.get(id))!.verdict).toBe('CANCELLED');

      await Promise.all([
        page.waitForURL((u) => /\/executions\/\d+$/.test(u.pathname) && executionIdOf(u) !== id),
        page.getByRole('button', { name: 'Exécuter à nouveau' }).click(),
      ]);
      const again = executionId(page);
      expect(again).toBeGreaterThan(id);
      const [first, second] = await Promise.all([t.platform.executions.get(id), t.platform.executions.get(again)]);
      expect(second!.targetId).toBe('psc-expired-imap');
      expect(second!.options).toEqual(first!.options);
      expect(await text(page, '[data-part="summary"]')).toContain('délai 120 s, adresse IP 127.0.0.1');
      await listening(page);
      await page.getByRole('button', { name: 'Arrêter le travail' }).click();
      await page.locator('.verdict.v-cancelled').waitFor();
    },
  );
});

const executionIdOf = (u: URL) => Number(/\/executions\/(\d+)$/.exec(u.pathname)?.[1]);

describe('activity', () => {
  it('lists the account’s executions newest first and filters them by verdict and date', async () => {
    await page.goto(runner(alice, 'activite'));
    const ids = async () =>
      (await page.locator('table.activity tbody tr td:first-child').allTextContents()).map((s) =>
        Number(s.replace('#', '')),
      );
    const all = await ids();
    expect(all.length).toBe(4);
    expect(all).toEqual([...all].sort((a, b) => b - a));

    await page.getByLabel('Verdict').selectOption('KO');
    await Promise.all([page.waitForURL(/verdict=KO/), page.getByRole('button', { name: 'Filtrer' }).click()]);
    expect(await ids()).toEqual([ran.ko]);
    expect(await page.getByLabel('Verdict').inputValue()).toBe('KO');
    await screenshot(page, 'runner-activity');

    await page.getByLabel('Verdict').selectOption('');
    await page.getByLabel('Du', { exact: true }).fill('01/01/2020');
    await page.getByLabel('Au', { exact: true }).fill('31/12/2020');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(/du=/);
    expect(await text(page, 'main')).toContain('Aucune exécution ne correspond.');

    const today = new Date().toLocaleDateString('fr-FR');
    await page.goto(
      runner(alice, `activite?travail=${JOB}&du=${encodeURIComponent(today)}&au=${encodeURIComponent(today)}`),
    );
    expect(await ids()).toEqual([ran.ko, ran.ok]);
    await page.goto(runner(alice, 'activite?du=31%2F02%2F2024'));
    expect(await text(page, '#f-du-error')).toBe('Date invalide : saisissez une date au format JJ/MM/AAAA.');
  });

  it('shows each unit job’s last verdict in the jobs tree and the day’s activity on the projects page', async () => {
    await page.goto(runner(alice, 'jobs'));
    expect(await text(page, '.job:has-text("MIE PSC : TLS SMTP") .last')).toContain(`KO #${ran.ko}`);
    expect(await text(page, '.job:has-text("MIE PSC : Certificat expiré IMAP") .last')).toContain('ANNULÉ');
    await page.goto(runner(alice));
    expect(await text(page, 'table.projects')).toContain('4 exécutions le dernier jour (1 échec)');
  });
});

describe('who sees what', () => {
  it('gives another vendor the French 404 page and none of the first one’s data', async () => {
    const context = await signedIn(bob);
    const other = await context.newPage();
    for (const path of [
      runner(alice),
      runner(alice, 'jobs'),
      runner(alice, `executions/${ran.ok}`),
      runner(bob, `executions/${ran.ok}`),
      runner(bob, 'executions/999999'),
      url('/outil/abc'),
    ]) {
      const response = await other.goto(path);
      expect(response!.status(), path).toBe(404);
      expect(await text(other, 'h1')).toBe('Page introuvable');
      const content = await other.content();
      expect(content).not.toContain('DEV-ALICE');
      expect(content).not.toContain(alice.account.personalMailbox!);
    }
    // Its own runner opens, and knows nothing of the first vendor's executions.
    await other.goto(runner(bob, 'activite'));
    expect(await text(other, 'main')).toContain('Aucune exécution ne correspond.');
    // The live log refuses it too.
    expect((await other.request.get(url(`/api/v1/executions/${ran.ok}/events`))).status()).toBe(404);
    await context.close();
  });

  it(
    'sends a visitor without a session to the account site’s login, ' + 'and refuses a form without its token',
    async () => {
      const anonymous = await browser.newContext();
      const response = await anonymous.request.get(runner(alice, 'jobs'), { maxRedirects: 0 });
      expect(response.status()).toBe(303);
      expect(response.headers().location).toBe(`/connexion?retour=${encodeURIComponent(`/outil/${alice.id}/jobs`)}`);
      await anonymous.close();

      const forged = await page.request.post(runner(alice, `jobs/${JOB}`), { form: { ip: '127.0.0.1', delai: '30' } });
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toContain('Formulaire expiré');
    },
  );
});

describe('without JavaScript, and on a phone', () => {
  it('still shows the log, the verdict and a refresh link', async () => {
    const context = await signedIn(alice, { javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(runner(alice, `executions/${ran.ko}`));
    expect(await text(plain, '.verdict h2')).toContain('KO');
    expect(await text(plain, '.check.c-fail .detail')).toContain('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(await plain.locator('.log-box .l-fact').count()).toBeGreaterThan(2);
    expect(await text(plain, '.log-box .l-result .text')).toBe('Résultat : KO (code retour 1)');
    expect(await plain.getByRole('link', { name: 'Actualiser la page' }).getAttribute('href')).toBe(
      `/outil/${alice.id}/executions/${ran.ko}`,
    );
    await context.close();
  });

  it('renders every page on a 375 px screen without scrolling the whole page sideways', async () => {
    const context = await signedIn(alice, { viewport: { width: 375, height: 800 } });
    const phone = await context.newPage();
    for (const path of ['', 'tableau-de-bord', 'jobs', `jobs/${JOB}`, `executions/${ran.ko}`, 'activite']) {
      await phone.goto(runner(alice, path));
      const width = Number(await phone.evaluate('document.documentElement.scrollWidth'));
      expect(width, path || 'projects').toBeLessThanOrEqual(375);
    }
    await context.close();
  });
});

describe('an early KO', () => {
  it('shows what it did not get to evaluate as neutral « non évalué » lines, and what to correct', async () => {
    // From the job's Adresse IP: python's smtplib names the mailbox in MAIL FROM, in clear, and never sends STARTTLS.
    const id = await runFromJobPage(page, 'psc-send-smtp', { ip: '127.0.0.1', delai: '30' });
    await listening(page);
    const script =
      `import smtplib\ns = smtplib.SMTP('127.0.0.1', ${t.endpoint('psc').smtpPort}, timeout=10)\ns.ehlo()\n` +
      `print(s.docmd('MAIL', 'FROM:<${alice.account.personalMailbox}>')[0])\ns.quit()`;
    expect((await run('python3', ['-c', script])).stdout.trim()).toBe('530');
    await page.locator('.verdict.v-ko').waitFor({ timeout: 30_000 });
    expect(await page.locator('.check.c-fail').count()).toBe(1);
    expect(await text(page, '.check.c-fail .detail')).toBe('Commandes envoyées en clair avant STARTTLS : MAIL.');
    expect(await text(page, '.check.c-fail .fix')).toMatch(/^Que corriger\u00a0: Envoyez STARTTLS/);
    expect(await page.locator('.check.c-missing').count()).toBe(0);
    const neutral = page.locator('.check.c-not_evaluated');
    expect(await neutral.count()).toBe(2);
    expect(await neutral.locator('.outcome').allTextContents()).toEqual(['non évalué', 'non évalué']);
    expect(await neutral.locator('.mark').allTextContents()).toEqual(['○', '○']);
    expect(await neutral.locator('.fix').count()).toBe(0);
    expect(await page.locator('.log-box .line.not-evaluated').count()).toBe(2);
    expect(await text(page, '.log-box .line.fix')).toContain('↳ Que corriger : Envoyez STARTTLS');
    expect(await text(page, '.log-box')).not.toContain('Aucune connexion observée');
    expect(executionId(page)).toBe(id);
    await screenshot(page, 'runner-execution-not-evaluated');
  });

  it('an INCONCLUSIVE says what was seen instead and links to the pre-flight page', async () => {
    // A wrong Adresse IP: the LPS plays from 127.0.0.1.
    await runFromJobPage(page, 'psc-send-smtp', { ip: '192.0.2.99', delai: '10' });
    await listening(page);
    await playJob('psc-send-smtp', alice.context);
    await page.locator('.verdict.v-inconclusive').waitFor({ timeout: 30_000 });
    expect(await text(page, '#etat')).toBe('Terminée : NON CONCLUANT (rien d’attribuable observé).');
    expect(await text(page, '.check.c-info .detail')).toContain(
      's’est connectée depuis 127.0.0.1, et non depuis l’adresse IP du test (192.0.2.99)',
    );
    expect(
      await page.getByRole('link', { name: /Voir ce que la plateforme voit de mon poste/ }).getAttribute('href'),
    ).toBe('/mon-poste');
    await screenshot(page, 'runner-execution-inconclusive');
  });
});
