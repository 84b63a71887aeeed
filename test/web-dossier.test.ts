// The readiness board and the signed evidence dossier in a real browser (Debian's chromium through
// playwright-core), end to end: the campaign started from the Jobs tab while the reference LPS plays it, the
// board (32/34 OK, the two reopen tests left), « Rejouer les KO » (34/34 OK), « Générer le dossier de preuves »
// downloaded from the page; the dossier checked with tools nobody here wrote — `openssl cms -verify` with the
// evidence root the web server publishes, `sha256sum -c` — and with `motco dossier verify`; a one-byte change
// to an evidence file and to the manifest each detected and named; the agency's upload page showing the
// verified table; the vendor kit; « Contacter l'agence » sent through the platform's outgoing mail. A dossier
// never takes another account's execution. Screenshots go to docs/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT_JOBS } from '../src/catalogue/jobs.ts';
import { dossier as dossierCommand } from '../src/cli/dossier.ts';
import { followExecution } from '../src/lps/follow.ts';
import { playJob } from '../src/lps/play.ts';
import { staff } from './helpers/api.ts';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { ownRelay, randomPortBase, startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { motco, opensslCmsVerify, run } from './helpers/run.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

const DOMAIN = 'mail-tests-editeur.motco.localhost';
const AGENCY = `agence@${DOMAIN}`;
const RELAY_USER = `motco-relais@${DOMAIN}`;

let t: TestPlatform;
let browser: Browser;
let alice: VendorAccount;
let bob: VendorAccount;
let vendorContext: BrowserContext;
let page: Page;
let files: string;
let bobExecution: number;
/** The dossier as the browser downloaded it. */
let dossierZip: string;
const url = (p: string) => `${t.config.publicUrl}${p}`;
const tool = (p = '') => url(`/outil/${alice.id}${p ? `/${p}` : ''}`);
const text = async (p: Page, selector: string) => (await p.locator(selector).first().textContent()) ?? '';

async function signedIn(userId: number): Promise<BrowserContext> {
  const session = await t.platform.auth.sessions.createSession(userId);
  const context = await browser.newContext({
    locale: 'fr-FR',
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  await context.addCookies([{ name: 'motco_session', value: session.value, url: t.config.publicUrl }]);
  return context;
}

/** Follows an execution to its end as a vendor does, the reference LPS playing each unit when prompted. */
async function lpsFollows(id: number): Promise<string[]> {
  const played: string[] = [];
  const ended = await followExecution(
    id,
    t.platform.executions,
    async (jobId) => {
      played.push(jobId);
      await playJob(jobId, alice.context);
    },
    { pollMs: 100 },
  );
  expect(ended?.verdict).toBe('OK');
  return played;
}

/** `motco dossier …` in this process (the separate-process runs above show the real command line). */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dossierCommand({ args, out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A copy of a ZIP with one byte of one of its files changed (python3's zipfile writes it). */
async function tampered(zip: string, entry: string, out: string): Promise<string> {
  const script = `
import sys, zipfile
src, dst, name = sys.argv[1:4]
with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as zout:
    for info in zin.infolist():
        data = zin.read(info.filename)
        if info.filename == name:
            data = bytearray(data); data[len(data) // 2] ^= 0x01; data = bytes(data)
        zout.writestr(info.filename, data)
`;
  const done = await run('python3', ['-c', script, zip, out, entry]);
  expect(done.code, done.stderr).toBe(0);
  return out;
}

beforeAll(async () => {
  const base = randomPortBase();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-dossier-'));
  const trust = path.join(files, 'igc-sante-test-roots.pem');
  const relay = ownRelay(base, RELAY_USER, trust);
  [t, browser] = await Promise.all([
    startTestPlatform({
      portBase: base,
      runner: { reopenImapDelaySeconds: 1 },
      agency: { email: AGENCY },
      // The platform's outgoing mail goes through its own psc endpoint (SMTP submission, STARTTLS, PLAIN).
      webmailPassword: relay.password,
      outgoingMail: relay,
    }),
    launchBrowser(),
  ]);
  await t.platform.pki.exportTrust(files);
  await t.platform.mailboxes.create(AGENCY, 'personal');
  await t.platform.mailboxes.create(RELAY_USER, 'personal');
  alice = await vendorWithAccount(t, {
    login: 'alice',
    immatriculation: '11111111100011',
    nil: 'DEV-DOSSIER',
    idnatPsc: '810000000321',
    idnatAuthCli: '10321321321',
  });
  bob = await vendorWithAccount(t, {
    login: 'bob',
    immatriculation: '22222222200022',
    nil: 'DEV-AUTRE',
    idnatPsc: '810000000654',
    idnatAuthCli: '10654654654',
  });
  const started = await t.platform.runner.start({
    accountId: bob.id,
    target: 'psc-tls-imap',
    delai: 10,
    startedBy: 'bob',
  });
  if (!started.ok) throw new Error(JSON.stringify(started.errors));
  bobExecution = started.execution.id;
  await t.platform.runner.cancel(bobExecution);
  const user = (await t.platform.auth.tokens.verify(alice.token))!;
  vendorContext = await signedIn(user.id);
  page = await vendorContext.newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

describe('readiness board', () => {
  it('the browser tab counts down the listening window, then says the verdict', async () => {
    await page.goto(tool('jobs/psc-reopen-smtp'));
    await page.getByLabel('Délai (en secondes)').fill('30');
    await Promise.all([
      page.waitForURL(/\/executions\/\d+$/),
      page.getByRole('button', { name: 'Exécuter maintenant' }).click(),
    ]);
    const id = Number(/\/executions\/(\d+)$/.exec(page.url())![1]);
    // Not page.waitForFunction('…'): Playwright eval()s a string predicate in the page once its first try fails,
    // which the pages' Content-Security-Policy refuses (a slower start then failed the test).
    await expect.poll(() => page.title(), { timeout: 15_000 }).toMatch(/^⏱/);
    expect(await page.title()).toMatch(new RegExp(`^⏱ 0:\\d\\d — En cours — #${id} MIE PSC`));
    await page.getByRole('button', { name: 'Arrêter le travail' }).click();
    await page.locator('.verdict.v-cancelled').waitFor();
    await expect.poll(() => page.title(), { timeout: 15_000 }).not.toMatch(/^⏱/);
    expect(await page.title()).toMatch(new RegExp(`^ANNULÉ — #${id} MIE PSC.*Réouv Session SMTP`));
  });

  it(
    'runs the campaign from the Jobs tab while the LPS follows; ' + 'the board then shows 32/34 OK and what is left',
    async () => {
      await page.goto(tool('jobs/campaign'));
      await page.getByLabel('Adresse IP').fill('127.0.0.1');
      await page.getByLabel('Délai (en secondes)').fill('30');
      await Promise.all([
        page.waitForURL(/\/executions\/\d+$/),
        page.getByRole('button', { name: 'Exécuter maintenant' }).click(),
      ]);
      const campaign = Number(/\/executions\/(\d+)$/.exec(page.url())![1]);
      expect((await lpsFollows(campaign)).length).toBe(32);
      await page.locator('.verdict.v-ok').waitFor({ timeout: 30_000 });

      await page
        .getByRole('navigation', { name: 'Navigation' })
        .getByRole('link', { name: 'Tableau de conformité' })
        .click();
      expect(await text(page, 'h1')).toBe('Tableau de conformité');
      expect(await text(page, '.readiness .score strong')).toBe('32/34 OK');
      expect(await page.locator('table.board tbody tr').count()).toBe(34);
      expect(await page.locator('table.board tr.s-ok').count()).toBe(32);
      // The cancelled reopen SMTP run and the never-run reopen IMAP test are what « Rejouer les KO » would run.
      expect(await text(page, '.replay')).toContain('2 tests unitaires ne sont pas encore réussis');
      expect(await page.locator('tr[data-job="psc-reopen-imap"]').textContent()).toContain('JAMAIS');
      expect(await page.locator('tr[data-job="psc-reopen-smtp"]').textContent()).toContain('ANNULÉ');
      // Each line leads to its execution.
      const line = page.locator('tr[data-job="psc-tls-imap"]');
      const link = line.getByRole('link', { name: /^#\d+$/ });
      expect(await link.getAttribute('href')).toMatch(new RegExp(`^/outil/${alice.id}/executions/\\d+$`));

      // By requirement, filtered: MSS-CONF.11 is the two reopen tests.
      await page.getByLabel('Regrouper par').selectOption('exigences');
      await page.getByLabel('Exigence').selectOption('MSS-CONF.11');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      expect(await page.locator('.board-group h2').allTextContents()).toEqual(['MSS-CONF.11 0/2 OK']);
      await page.getByLabel('Statut').selectOption('ok');
      await page.getByRole('button', { name: 'Filtrer' }).click();
      expect(await text(page, 'main')).toContain('Aucun test unitaire ne correspond à ces filtres.');
    },
  );

  it('« Rejouer les KO » runs the units left in one execution; the board shows 34/34 OK', async () => {
    await page.goto(tool('conformite'));
    expect(await page.getByLabel('Adresse IP').inputValue()).toBe('127.0.0.1');
    await page.getByLabel('Délai (en secondes)').fill('30');
    await Promise.all([
      page.waitForURL(/\/executions\/\d+$/),
      page.getByRole('button', { name: 'Rejouer les KO (2)' }).click(),
    ]);
    const replay = Number(/\/executions\/(\d+)$/.exec(page.url())![1]);
    expect(await text(page, '.exec-title')).toBe('Reprise des tests non réussis');
    // The catalogue's order: the IMAP reopen folder comes before the SMTP one.
    expect(await lpsFollows(replay)).toEqual(['psc-reopen-imap', 'psc-reopen-smtp']);
    await page.locator('.verdict.v-ok').waitFor({ timeout: 30_000 });

    await page.goto(tool('conformite'));
    expect(await text(page, '.readiness .score strong')).toBe('34/34 OK');
    expect(await text(page, '.replay')).toContain('rien à rejouer');
    expect(await page.locator('table.board tr.s-ok').count()).toBe(34);
    await screenshot(page, 'runner-board');

    // The same through the API.
    const board = await alice.api('GET', `/accounts/${alice.id}/board`);
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ ok: 34, total: 34, toReplay: [] });
    // A selection names known unit jobs, each once.
    for (const units of [['inconnu'], ['psc-tls-imap', 'psc-tls-imap'], []]) {
      const refused = await alice.api('POST', '/executions', {
        account: alice.id,
        target: 'selection',
        units,
        ip: '127.0.0.1',
      });
      expect([refused.status, refused.body.fields?.[0]?.field]).toEqual([400, 'units']);
    }
  });

  it('the Jobs tab searches and filters, without a sentence repeated for every job', async () => {
    await page.goto(tool('jobs'));
    expect(await page.locator('.job').count()).toBe(34);
    expect(await text(page, 'main')).not.toContain('Voici les étapes');
    await page.getByLabel('Type de BAL').selectOption('PSC');
    await page.getByLabel('Protocole').selectOption('smtp');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    const shown = await page.locator('.job').evaluateAll((jobs) => jobs.map((j) => j.getAttribute('data-job')));
    expect(shown).toEqual(UNIT_JOBS.filter((j) => j.bal === 'PSC' && j.protocol === 'smtp').map((j) => j.id));
    await page.getByRole('textbox', { name: 'Rechercher' }).fill('réouv');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    expect(await page.locator('.job').evaluateAll((jobs) => jobs.map((j) => j.getAttribute('data-job')))).toEqual([
      'psc-reopen-smtp',
    ]);
    expect(await text(page, 'form.filters [role="status"]')).toBe('1 sur 34 tests unitaires');
  });
});

describe('evidence dossier', () => {
  it('downloads the signed dossier of the latest execution of each unit job', async () => {
    await page.goto(tool('conformite'));
    await page.getByRole('link', { name: 'Générer le dossier de preuves' }).click();
    expect(await page.locator('.choices input[type="checkbox"]:checked').count()).toBe(34);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Générer et télécharger le dossier' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^dossier-preuves-DEV-DOSSIER-D\d{8}-\d{6}-[0-9A-F]{4}\.zip$/);
    dossierZip = path.join(files, download.suggestedFilename());
    await download.saveAs(dossierZip);
  });

  it(
    'verifies with openssl cms -verify and the evidence ' + 'root the web server publishes, and with sha256sum -c',
    async () => {
      const dir = path.join(files, 'extracted');
      const entries = unzipSync(readFileSync(dossierZip));
      for (const [name, content] of Object.entries(entries)) {
        const target = path.join(dir, name);
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, content);
      }
      const root = path.join(files, 'motco-evidence-root.pem');
      writeFileSync(root, await (await fetch(url('/pki/trust/motco-evidence-root.pem'))).text());
      const cms = await opensslCmsVerify(path.join(dir, 'manifest.json.p7s'), path.join(dir, 'manifest.json'), root);
      expect(cms.stderr).toContain('Verification successful');
      expect(cms.code).toBe(0);
      // The other roots do not vouch for it.
      const igc = await opensslCmsVerify(
        path.join(dir, 'manifest.json.p7s'),
        path.join(dir, 'manifest.json'),
        path.join(files, 'igc-sante-test-roots.pem'),
      );
      expect(igc.code).not.toBe(0);

      const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      expect(manifest).toMatchObject({
        format: 'motco-dossier/1',
        platform: { name: 'motco', publicUrl: t.config.publicUrl },
        account: { nil: 'DEV-DOSSIER' },
      });
      expect(manifest.executions).toHaveLength(34);
      expect(manifest.executions.map((e: { targetId: string }) => e.targetId)).toEqual(UNIT_JOBS.map((j) => j.id));
      expect(manifest.executions.every((e: { verdict: string }) => e.verdict === 'OK')).toBe(true);
      writeFileSync(
        path.join(dir, 'SHA256SUMS'),
        `${manifest.files.map((f: { sha256: string; path: string }) => `${f.sha256}  ${f.path}`).join('\n')}\n`,
      );
      const sums = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
      expect(sums.code, sums.stdout + sums.stderr).toBe(0);
      expect(sums.stdout.split('\n').filter((l) => l.endsWith(': OK'))).toHaveLength(34 * 3 + 1);
      // The printable pages read offline: their stylesheet is inside.
      const html = readFileSync(path.join(dir, manifest.executions[0].files[1].path), 'utf8');
      expect(html).toContain('<style>');
      expect(html).not.toContain('/assets/motco.css');
    },
  );

  it(
    '`motco dossier verify` prints the verdict table and exits 0; ' +
      'a one-byte change to an evidence file or to the manifest fails, naming the file',
    async () => {
      const root = path.join(files, 'motco-evidence-root.pem');
      const ok = await motco(['dossier', 'verify', dossierZip, '--root', root]);
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('Signature valide');
      expect(ok.stdout).toContain('Verdicts (34 exécutions, 34 OK)');
      expect(ok.stdout).toContain('Résultat\u00a0: dossier valide (code retour 0)');
      expect(ok.stdout.split('\n').filter((l) => /^ {2}#\d+ /.test(l))).toHaveLength(34);

      const manifest = JSON.parse(Buffer.from(unzipSync(readFileSync(dossierZip))['manifest.json']!).toString('utf8'));
      const evidence = manifest.executions[5].files[0].path as string;
      const changedEvidence = await tampered(dossierZip, evidence, path.join(files, 'evidence-changed.zip'));
      const bad = await cli(['verify', changedEvidence, '--root', root]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain(`✘ ${evidence}\u00a0: modifié`);
      expect(bad.stdout).toContain('dossier NON valide');

      const changedManifest = await tampered(dossierZip, 'manifest.json', path.join(files, 'manifest-changed.zip'));
      const forged = await cli(['verify', changedManifest, '--root', root]);
      expect(forged.code).toBe(1);
      expect(forged.stdout).toContain('manifest.json a été modifié');
      expect(forged.stderr).toContain('✘ manifest.json\u00a0: modifié');

      // Another platform's root (here the IGC Santé TEST bundle) does not vouch for it either.
      const foreign = await cli(['verify', dossierZip, '--root', path.join(files, 'igc-sante-test-roots.pem')]);
      expect(foreign.code).toBe(1);
      // Without --root, the data folder's own evidence root; a folder without one is a usage error, not a pass.
      expect((await cli(['verify', dossierZip, '--data', t.dataDir])).code).toBe(0);
      await expect(cli(['verify', dossierZip, '--data', path.join(files, 'empty-data')])).rejects.toThrow(
        'Aucune racine des preuves',
      );
    },
  );

  it(
    '`motco dossier create` writes the dossier through the API, ' + 'and never takes another account’s execution',
    async () => {
      const out = path.join(files, 'cli-dossier.zip');
      const options = ['--data', t.dataDir, '--url', t.config.publicUrl, '--token', alice.token];
      const mine = (
        await t.platform.executions.list({ accountIds: [alice.id], targetId: 'psc-tls-imap', limit: 1 })
      )[0]!.id;
      const created = await motco([
        'dossier',
        'create',
        '--account',
        'DEV-DOSSIER',
        '--out',
        out,
        '--executions',
        String(mine),
        ...options,
      ]);
      expect(created.code, created.stderr).toBe(0);
      const manifest = JSON.parse(Buffer.from(unzipSync(readFileSync(out))['manifest.json']!).toString('utf8'));
      expect(manifest.executions.map((e: { id: number }) => e.id)).toEqual([mine]);
      expect((await cli(['verify', out, '--root', path.join(files, 'motco-evidence-root.pem')])).code).toBe(0);

      const stolen = await cli([
        'create',
        '--account',
        'DEV-DOSSIER',
        '--out',
        path.join(files, 'stolen.zip'),
        '--executions',
        `${mine},${bobExecution}`,
        ...options,
      ]);
      expect(stolen.code).toBe(2);
      expect(stolen.stderr).toContain(`Aucune exécution n° ${bobExecution} pour ce compte.`);
      const api = await alice.api('POST', `/accounts/${bob.id}/dossier`, {});
      expect(api.status).toBe(404);
      // In the browser too.
      await page.goto(tool('dossier'));
      await page.getByLabel('Autres exécutions à inclure').fill(String(bobExecution));
      await page.getByRole('button', { name: 'Générer et télécharger le dossier' }).click();
      expect(await text(page, '.notice.error')).toContain(`Aucune exécution n° ${bobExecution} pour ce compte.`);
    },
  );

  it(
    'the agency uploads the dossier: signature valid, this platform’s key, ' +
      'each execution identical to the record, the verdict table',
    async () => {
      const reviewer = await staff(t.platform, 'jeanne.agence', 'reviewer');
      const context = await signedIn(reviewer.user.id);
      const agency = await context.newPage();
      await agency.goto(url('/revue/dossier'));
      await agency.setInputFiles('#f-dossier', dossierZip);
      await agency.getByRole('button', { name: 'Vérifier le dossier' }).click();
      await agency.locator('.verdict-box').waitFor();
      expect(await text(agency, '.verdict-box')).toContain(
        'Dossier vérifié : signature valide et tous les fichiers intacts (34 exécutions).'.replace(' :', '\u00a0:'),
      );
      expect(await text(agency, 'table.facts')).toContain('cette plateforme');
      expect(await text(agency, 'table.facts')).toContain('CN=motco evidence signing');
      expect(await text(agency, 'table.facts')).toContain('CN=motco evidence root');
      const rows = agency.locator('table.verdicts tbody tr');
      expect(await rows.count()).toBe(34);
      expect(await agency.locator('table.verdicts tbody tr', { hasText: 'identique' }).count()).toBe(34);
      expect(await text(agency, 'h2#verdicts-title')).toBe('Verdicts (34/34 OK)');
      await screenshot(agency, 'review-dossier');

      const manifest = JSON.parse(Buffer.from(unzipSync(readFileSync(dossierZip))['manifest.json']!).toString('utf8'));
      const evidence = manifest.executions[2].files[0].path as string;
      await agency.setInputFiles('#f-dossier', path.join(files, 'evidence-changed.zip'));
      await agency.getByRole('button', { name: 'Vérifier le dossier' }).click();
      await agency.locator('.verdict-box.error').waitFor();
      expect(await text(agency, '.verdict-box')).toContain('Dossier NON valide');
      expect(await text(agency, '.verdict-box')).toContain(manifest.executions[5].files[0].path);
      expect(await text(agency, '.verdict-box')).not.toContain(evidence);
      await context.close();

      // Vendors do not reach the agency's page.
      await page.goto(url('/revue/dossier'));
      expect(await text(page, 'h1')).toBe('Page introuvable');
    },
  );
});

describe('vendor kit and contacting the agency', () => {
  it(
    'the account page has copy buttons and the kit: trust roots, ' +
      'certificate (PEM, PKCS#12 and password), mailboxes, endpoints, autoconfig',
    async () => {
      await page.goto(url(`/comptes/${alice.id}`));
      const copies = page.locator('button.copy');
      await copies.first().waitFor({ state: 'visible' });
      expect(await copies.count()).toBeGreaterThan(10);
      await page.getByRole('link', { name: 'Kit de configuration' }).click();
      expect(await text(page, 'h1')).toBe('Kit de configuration du compte DEV-DOSSIER');
      await screenshot(page, 'site-vendor-kit');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Télécharger le kit (ZIP)' }).click(),
      ]);
      const kitPath = path.join(files, 'kit.zip');
      await download.saveAs(kitPath);
      const kit = unzipSync(readFileSync(kitPath));
      const names = Object.keys(kit).sort();
      const idnat = alice.account.idnatAuthCli!;
      expect(names).toEqual(
        expect.arrayContaining([
          'LISEZMOI.txt',
          'bal.json',
          'serveurs.json',
          'confiance/igc-sante-test-roots.pem',
          'confiance/motco-evidence-root.pem',
          `certificat/${idnat}.p12`,
          `certificat/${idnat}.key.pem`,
          `certificat/${idnat}.chain.pem`,
          `autoconfig/${alice.account.personalMailbox}.xml`,
          `autoconfig/${alice.account.applicativeMailbox}.xml`,
        ]),
      );
      const password = Buffer.from(kit[`certificat/${idnat}.p12-mot-de-passe.txt`]!).toString().trim();
      writeFileSync(path.join(files, 'kit.p12'), kit[`certificat/${idnat}.p12`]!);
      const p12 = await run('openssl', [
        'pkcs12',
        '-in',
        path.join(files, 'kit.p12'),
        '-passin',
        `pass:${password}`,
        '-nokeys',
      ]);
      expect(p12.code, p12.stderr).toBe(0);
      expect(p12.stdout).toContain(`OU = ${idnat}`);
      const mailboxes = JSON.parse(Buffer.from(kit['bal.json']!).toString());
      expect(mailboxes.mailboxes.find((m: { role: string }) => m.role === 'personal')).toMatchObject({
        address: alice.account.personalMailbox,
        password: alice.context.passwords[alice.account.personalMailbox!],
      });
      expect(Buffer.from(kit[`autoconfig/${alice.account.personalMailbox}.xml`]!).toString()).toContain(
        `<username>${alice.account.personalMailbox}</username>`,
      );
      // Another vendor's kit is « page introuvable ».
      expect((await page.request.get(url(`/comptes/${bob.id}/kit.zip`))).status()).toBe(404);
    },
  );

  it(
    '« Contacter l’agence » prepares the [MOTCO2] message ' + 'and sends it through the platform’s outgoing mail',
    async () => {
      await page.goto(tool('contact?dossier=D20250101-000000-ABCD'));
      const subject = await page.getByLabel('Objet').inputValue();
      expect(subject).toBe('[MOTCO2] DEV-DOSSIER — tests de référencement Ségur (34/34 OK)');
      const body = await page.getByLabel('Message').inputValue();
      expect(body).toContain('Dossier de preuves\u00a0: D20250101-000000-ABCD');
      expect(body).toContain('Tableau de conformité\u00a0: 34/34 OK');
      expect(body.split('\n').filter((l) => /^- n° \d+\u00a0: OK — /.test(l))).toHaveLength(34);
      expect(await page.getByRole('link', { name: 'Ouvrir dans ma messagerie' }).getAttribute('href')).toMatch(
        /^mailto:agence@mail-tests-editeur\.motco\.localhost\?subject=%5BMOTCO2%5D/,
      );
      await page.getByRole('button', { name: 'Envoyer à l’agence' }).click();
      await page.locator('.notice[role="status"]').waitFor();
      expect(await text(page, '.notice[role="status"]')).toBe(`Message envoyé à ${AGENCY}.`);
      const box = (await t.platform.mailboxes.find(AGENCY))!;
      const received = (await t.platform.mailboxes.messages(box.id, 'INBOX')).at(-1)!.raw.toString();
      expect(received).toContain(`Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`);
      const [, encoded] = received.split('\r\n\r\n');
      expect(Buffer.from(encoded!.replace(/\s+/g, ''), 'base64').toString()).toContain('D20250101-000000-ABCD');
    },
  );
});
