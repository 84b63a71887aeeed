// A global job's execution page in a real browser while the reference LPS follows the runner's prompts
// (followExecution, as `motco lps --follow` does): the page shows « Étape i/n », what to do now and the
// listening window of the step running, each step's verdict as it ends and each step's log nested in the
// job's, all without a reload, then the job's verdict; the log box follows new lines only while the reader is
// at its end. Also the operator's message of the day.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFolder } from '../src/catalogue/jobs.ts';
import { followExecution } from '../src/lps/follow.ts';
import { playJob } from '../src/lps/play.ts';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

let t: TestPlatform;
let browser: Browser;
let vendor: VendorAccount;

const FOLDER = 'MSS-LPS-SEGUR-APP';
const MOTD = 'Maintenance du serveur SMTP de test jeudi à 18 h.';

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestPlatform({ runner: { messageOfTheDay: MOTD } }), launchBrowser()]);
  vendor = await vendorWithAccount(t, {
    login: 'carla',
    immatriculation: '33333333300033',
    nil: 'DEV-GLOBAL',
    idnatPsc: '810000000789',
    idnatAuthCli: '10333333333',
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const text = async (p: Page, selector: string) => (await p.locator(selector).first().textContent()) ?? '';
const LOG_AT_END =
  `(() => { const box = document.querySelector('.log-box'); ` +
  `return box.scrollHeight > box.clientHeight && box.scrollHeight - box.scrollTop - box.clientHeight < 32; })()`;

describe('a global job', () => {
  it('shows its steps progressing, each with its verdict, while the LPS follows the prompts', async () => {
    const user = (await t.platform.auth.tokens.verify(vendor.token))!;
    const session = await t.platform.auth.sessions.createSession(user.id);
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'motco_session', value: session.value, url: t.config.publicUrl }]);
    const page = await context.newPage();

    // The operator's message of the day (setting runner.messageOfTheDay) replaces the default line.
    await page.goto(`${t.config.publicUrl}/outil/${vendor.id}/tableau-de-bord`);
    expect(await text(page, '.motd p')).toBe(MOTD);

    await page.goto(`${t.config.publicUrl}/outil/${vendor.id}/jobs`);
    await page.getByRole('link', { name: `Lancer les 2 tests de ${FOLDER} à la suite` }).click();
    expect(await text(page, 'h1')).toBe(`Job global ${FOLDER}`);
    const units = findFolder(FOLDER)!.jobs;
    expect(await page.locator('main ol li').allTextContents()).toEqual(units.map((j) => j.title));
    // The Adresse IP is required for a global job; the browser's address fills it.
    expect(await page.getByLabel('Adresse IP').inputValue()).toBe('127.0.0.1');
    await page.getByLabel('Délai (en secondes)').fill('30');
    await Promise.all([
      page.waitForURL(/\/executions\/\d+$/),
      page.getByRole('button', { name: 'Exécuter maintenant' }).click(),
    ]);
    const id = Number(/\/executions\/(\d+)$/.exec(page.url())![1]);
    await page.evaluate('window.__sameDocument = true');

    const played: string[] = [];
    const ended = await followExecution(
      id,
      t.platform.executions,
      async (jobId) => {
        const index = units.findIndex((j) => j.id === jobId) + 1;
        // What the vendor reads before acting: the step, what to do, the window counting down.
        await page.locator('.step-count', { hasText: `Étape ${index}/2 — ${units[index - 1]!.title}` }).waitFor();
        await page.locator('.progress-panel .window .countdown').waitFor();
        expect(await text(page, '.todo')).toContain('À faire maintenant :');
        expect(await text(page, '#etat')).toContain(`étape ${index}/2`);
        if (index === 1) {
          expect(await text(page, '.steps-panel .counts')).toBe(
            'réussies : 0 · échouées : 0 · en cours : 1 · pas commencées : 1',
          );
          await screenshot(page, 'runner-global-running');
          // A short log box, so that the lines to come overflow it; the reader is at its end.
          await page.evaluate(
            `(() => { const box = document.querySelector('.log-box'); ` +
              `box.style.maxHeight = '6rem'; box.scrollTop = box.scrollHeight; })()`,
          );
        } else {
          // The box followed the new lines while the reader stayed at its end…
          expect(await page.evaluate(LOG_AT_END)).toBe(true);
          expect(await page.locator('.jump').isVisible()).toBe(false);
          // …and now the reader scrolls up to read the first step again: the box must stay there.
          await page.evaluate(`document.querySelector('.log-box').scrollTop = 0`);
          // The first step's verdict arrived as it ended, and its log sits in the job's.
          await expect.poll(() => text(page, '.steps-panel ol.steps > li:first-child .verdict-badge')).toBe('OK');
          expect(await text(page, '.steps-panel .counts')).toBe(
            'réussies : 1 · échouées : 0 · en cours : 1 · pas commencées : 0',
          );
          const firstStep = await t.platform.executions.list({ parentId: id, limit: 10 }).then((list) => list.at(-1)!);
          expect(
            await text(page, `.log-box li.nested > ol.log[data-execution="${firstStep.id}"] .l-result .text`),
          ).toBe('Résultat : OK (code retour 0)');
        }
        played.push(jobId);
        await playJob(jobId, vendor.context);
      },
      { pollMs: 100 },
    );
    expect(ended?.verdict).toBe('OK');
    expect(played).toEqual(units.map((j) => j.id));

    await page.locator('.verdict.v-ok').waitFor({ timeout: 30_000 });
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    // The new lines did not pull the reader down; the button takes them to the end.
    expect(await page.evaluate(`document.querySelector('.log-box').scrollTop`)).toBe(0);
    await page.getByRole('button', { name: 'Aller aux dernières lignes' }).click();
    expect(await page.evaluate(LOG_AT_END)).toBe(true);
    expect(await page.locator('.jump').isVisible()).toBe(false);
    expect(await text(page, '#etat')).toBe('Terminée : OK (réussi).');
    expect(await page.locator('.steps-panel ol.steps > li .verdict-badge').allTextContents()).toEqual(['OK', 'OK']);
    expect(await text(page, '.steps-panel .counts')).toBe(
      'réussies : 2 · échouées : 0 · en cours : 0 · pas commencées : 0',
    );
    // Parent lines and each step's nested log, in the order the runner wrote them.
    expect(await page.locator('.log-box li.nested').count()).toBe(2);
    expect(await page.locator('.log-box > ol.log > li.line .text').allTextContents()).toEqual(
      (await t.platform.executions.log(id)).map((l) => l.text),
    );
    await context.close();
  });

  it(
    'lists the steps in the activity with their parent under the job, ' + 'in the value column on a narrow screen',
    async () => {
      const user = (await t.platform.auth.tokens.verify(vendor.token))!;
      const session = await t.platform.auth.sessions.createSession(user.id);
      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 375, height: 812 } });
      await context.addCookies([{ name: 'motco_session', value: session.value, url: t.config.publicUrl }]);
      const page = await context.newPage();
      await page.goto(`${t.config.publicUrl}/outil/${vendor.id}/activite?etapes=1`);
      const jobCells = page.locator('table.activity td[data-label="Travail"]', { has: page.locator('.hint') });
      expect(await jobCells.count()).toBe(2);
      for (const cell of await jobCells.all()) {
        expect(await cell.locator('.hint').textContent()).toMatch(/^étape de l’exécution #\d+$/);
        // The cell is a grid whose first column shows the label: the hint sits right of it, with the title.
        const [box, hint] = await Promise.all([cell.boundingBox(), cell.locator('.hint').boundingBox()]);
        expect(hint!.x).toBeGreaterThan(box!.x + box!.width / 4);
      }
      await context.close();
    },
  );
});
