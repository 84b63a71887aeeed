// Signs a person in to the account site in a real browser, as the manual's §2.2.1 describes: « Connexion »,
// ISC's user name and password, the code e-mailed to the simulator's development outbox, then the consent
// page. Also creates the person at the simulated ISC (and their organisation).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { identityDb } from '../../src/identity/db.ts';
import { ISC_ADMIN_PASSWORD } from '../../src/identity/issuers.ts';
import { Secrets } from '../../src/identity/secrets.ts';
import type { TestPlatform } from './platform.ts';

export const ISC_PASSWORD = 'motdepasse-de-test';

export interface IscPerson {
  login: string;
  organisation: { raisonSociale: string; immatriculation: string };
  givenName?: string;
  familyName?: string;
}

/** The person at the simulated ISC, with the test password (their organisation is created if needed). */
export async function iscPerson(t: TestPlatform, person: IscPerson): Promise<void> {
  const { directory } = t.platform.identity.isc.simulator!;
  if (!(await directory.organisation(person.organisation.immatriculation))) {
    await directory.createOrganisation({
      ...person.organisation,
      telephone: '01 23 45 67 89',
      adresse: '1 rue de la Paix, 75002 Paris',
    });
  }
  await directory.createUser({
    login: person.login,
    password: ISC_PASSWORD,
    email: `${person.login}@editeur.example`,
    civilite: 'Mme',
    givenName: person.givenName ?? 'Claire',
    familyName: person.familyName ?? 'Moreau',
    organisation: person.organisation.immatriculation,
  });
}

/**
 * The ISC admin's HTTP Basic header (the setting, or the password generated at first start),
 * as `motco isc admin-password` shows it.
 */
export async function iscAdmin(t: TestPlatform): Promise<{ authorization: string }> {
  const password =
    t.config.isc.adminPassword ?? (await new Secrets(identityDb(t.platform.store.db)).get(ISC_ADMIN_PASSWORD))!;
  return { authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` };
}

/** The last code the simulator e-mailed to this login (the outbox, the admin's, lists the newest first). */
export async function latestCode(t: TestPlatform, login: string): Promise<string> {
  const outbox = await (
    await fetch(`${t.config.publicUrl}/isc/dev/boite-d-envoi`, { headers: await iscAdmin(t) })
  ).text();
  return new RegExp(`pour la connexion de ${login.replace(/\./g, '\\.')}\u00a0: (\\d{6})`).exec(outbox)![1]!;
}

export interface LoginOptions {
  /** Refuse the consent instead of accepting it. */
  refuse?: boolean;
  /** Called on each ISC page (login, code, consent) before it is submitted: screenshots, say. */
  onPage?: (step: 'home' | 'login' | 'code' | 'consent') => Promise<void>;
}

/** From the home page to the page the site lands on after ISC; the browser page is left there. */
export async function signIn(page: Page, t: TestPlatform, login: string, options: LoginOptions = {}): Promise<void> {
  await page.goto(`${t.config.publicUrl}/`);
  await options.onPage?.('home');
  await page.getByRole('link', { name: 'Connexion', exact: true }).click();
  await page.waitForURL(/\/isc\/connexion\//);
  await page.locator('#f-login').fill(login);
  await page.locator('#f-password').fill(ISC_PASSWORD);
  await options.onPage?.('login');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Connexion à deux étapes');
  await page.locator('#f-code').fill(await latestCode(t, login));
  await options.onPage?.('code');
  await page.getByRole('button', { name: 'Valider' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Accepter' }).count()).toBe(1);
  await options.onPage?.('consent');
  await page.getByRole('button', { name: options.refuse ? 'Refuser' : 'Accepter' }).click();
  // Back on the site: the landing page, or /connexion/retour's error page when refused.
  await page.waitForURL((url) => !url.pathname.startsWith('/isc/'));
}
