// The execution page's clock in a real browser: while a job runs, « Temps écoulé » moves by itself (runner.js
// ticks every element carrying data-since), and the page says which time zone its times are in.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

let t: TestPlatform;
let browser: Browser;
let alice: VendorAccount;

beforeAll(async () => {
  [t, browser] = await Promise.all([startTestPlatform({ runner: { delaiMinSeconds: 2 } }), launchBrowser()]);
  alice = await vendorWithAccount(t, {
    login: 'alice',
    immatriculation: '11111111100011',
    nil: 'DEV-ALICE',
    idnatPsc: '810000000123',
    idnatAuthCli: '10123456789',
  });
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

describe('execution page', () => {
  it('moves « Temps écoulé » during a run and names the time zone', async () => {
    const started = await t.platform.runner.start({
      accountId: alice.id,
      target: 'psc-tls-smtp',
      delai: 60,
      startedBy: 'test',
    });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    const user = (await t.platform.auth.tokens.verify(alice.token))!;
    const session = await t.platform.auth.sessions.createSession(user.id);
    const context = await browser.newContext({ locale: 'fr-FR', timezoneId: 'UTC' });
    await context.addCookies([{ name: 'motco_session', value: session.value, url: t.config.publicUrl }]);
    const page = await context.newPage();
    try {
      await page.goto(`${t.config.publicUrl}/outil/${alice.id}/executions/${started.execution.id}`);
      const elapsed = page.locator('dt', { hasText: 'Temps écoulé' }).locator('xpath=following-sibling::dd[1]');
      expect(await elapsed.getAttribute('data-since')).toBe(String(started.execution.startedAt));
      // The live log's first lines re-read the page once; after them, only runner.js's tick moves the time.
      await page.waitForTimeout(1500);
      const first = await elapsed.textContent();
      expect(first).toMatch(/^\d+\u00a0s$|^\d+ s$/);
      await expect.poll(() => elapsed.textContent(), { timeout: 10_000, interval: 200 }).not.toBe(first);
      expect(await page.locator('footer.page-foot').textContent()).toContain('heure de Paris');
    } finally {
      t.platform.runner.cancel(started.execution.id);
      await context.close();
    }
  });
});
