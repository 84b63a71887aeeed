// The webmail in a real browser (Debian's chromium driven by playwright-core) against a real platform whose
// operator set the manual's shared password (`webmailPassword`), so that its password form works as before
// (opening from the account page, the default, is driven in web-site.test.ts): log in, send a message with attachments
// (an IHE_XDM.ZIP among them) to the mailbox itself, see it arrive without reloading, read its headers and attachments,
// flag it, delete it; an IMAP client sees the same state and the journal sees the webmail's submission as a client
// session; HTML mail runs no script and loads nothing remote until asked; and the acceptance: a vendor reads,
// in the webmail, the message the reference LPS sent during a runner execution of « MIE PSC : Envoi Mail SMTP »,
// X-MSS-* headers included.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findJob } from '../src/catalogue/jobs.ts';
import { t as text } from '../src/i18n/messages.ts';
import { xdmArchive } from '../src/lps/health-document.ts';
import { playJob } from '../src/lps/play.ts';
import type { Execution } from '../src/runner/types.ts';
import { launchBrowser, screenshot } from './helpers/browser.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { vendorWithAccount } from './helpers/vendor-lps.ts';
import { deliver, inImap } from './helpers/webmail.ts';

let t: TestPlatform;
let browser: Browser;
let mailbox: string;
const INS = '279035121518989';
const XDM = Buffer.from(xdmArchive([{ code: '11488-4', displayName: 'Compte rendu de consultation', ins: INS }]));
const NOTE = Buffer.from('Résultats de biologie\r\n', 'utf8');
const SUBJECT = 'Envoi depuis le webmail';
const SHARED_PASSWORD = 'ODTMotco2';

beforeAll(async () => {
  t = await startTestPlatform({ webmailPassword: SHARED_PASSWORD });
  mailbox = `810000000222@${t.config.mailDomain}`;
  await t.platform.mailboxes.create(mailbox, 'personal');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

const url = (path: string) => `${t.config.publicUrl}${path}`;

async function signIn(context: BrowserContext, address: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url('/webmail'));
  await page.getByLabel('Adresse de la BAL').fill(address);
  await page.getByLabel('Mot de passe').fill(SHARED_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/webmail\/dossier\?d=INBOX/);
  return page;
}

async function subjectsIn(
  address: string,
  folder: string,
): Promise<{ uid: number; subject: string; flags: string[] }[]> {
  return inImap(t, address, async (imap) => {
    const opened = await imap.mailboxOpen(folder, { readOnly: true });
    if (opened.exists === 0) return [];
    const found = [];
    for await (const m of imap.fetch('1:*', { uid: true, envelope: true, flags: true }))
      found.push({ uid: m.uid, subject: m.envelope?.subject ?? '', flags: [...(m.flags ?? [])] });
    return found;
  });
}

describe('a test mailbox in the webmail', () => {
  let context: BrowserContext;
  let list: Page;
  let sentUid = 0;

  beforeAll(async () => {
    context = await browser.newContext({
      acceptDownloads: true,
      locale: 'fr-FR',
      viewport: { width: 1280, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
  });

  it('refuses a wrong password in French, then logs in', async () => {
    const page = await context.newPage();
    await page.goto(url('/webmail'));
    await expect.poll(() => page.title()).toBe('Connexion au webmail · motco');
    await screenshot(page, 'webmail-login');
    await page.getByLabel('Adresse de la BAL').fill(mailbox);
    await page.getByLabel('Mot de passe').fill('mauvais');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Adresse ou mot de passe incorrect.');
    expect(page.url()).toContain('/webmail/connexion');
    await page.close();
    list = await signIn(context, mailbox);
    await expect.poll(() => list.locator('h1').textContent()).toBe('Boîte de réception');
  });

  it('sends a message with attachments to itself, which appears in the open list without reloading', async () => {
    // The list stays open in its own tab; a mark on its window would vanish with any reload.
    await list.evaluate('window.__sameDocument = true');
    // Not waitForFunction('…'): a string predicate is eval()'d in the page, which its CSP refuses.
    await list.locator('[data-live]').first().waitFor({ state: 'attached' });
    const compose = await context.newPage();
    await compose.goto(url('/webmail/ecrire'));
    await compose.getByLabel('À *', { exact: true }).fill(mailbox);
    await compose.getByLabel('Objet').fill(SUBJECT);
    await compose.getByLabel('Message').fill('Bonjour,\nvoici le compte rendu.');
    await compose.getByLabel('Pièces jointes').setInputFiles([
      { name: 'note.txt', mimeType: 'text/plain', buffer: NOTE },
      { name: 'IHE_XDM.ZIP', mimeType: 'application/zip', buffer: XDM },
    ]);
    await screenshot(compose, 'webmail-compose');
    await compose.getByRole('button', { name: 'Envoyer' }).click();
    await compose.waitForURL(/info=envoye/);
    expect(await compose.getByRole('status').first().textContent()).toContain('Message envoyé');
    await compose.close();

    const row = list.locator('#message-rows tr', { hasText: SUBJECT });
    await row.waitFor();
    expect(await list.evaluate('window.__sameDocument')).toBe(true);
    expect(await row.getAttribute('class')).toBe('unread');
    expect(await row.locator('.attachment-mark').count()).toBe(1);
    await screenshot(list, 'webmail-list');
    sentUid = Number(await row.getAttribute('data-uid'));
  });

  it('shows the message: headers, body, attachments (same bytes) and the IHE_XDM.ZIP contents', async () => {
    await list.getByRole('link', { name: SUBJECT }).click();
    await list.waitForURL(/\/webmail\/message\?/);
    const headers = list.locator('.main-headers');
    await expect.poll(() => headers.textContent()).toContain(mailbox);
    expect(await headers.textContent()).toContain(SUBJECT);
    expect(await list.locator('.message-text').textContent()).toContain('voici le compte rendu.');

    await list.getByText(/Tous les en-têtes/).click();
    const userAgent = list.locator('.all-headers tr', { hasText: 'User-Agent' });
    expect(await userAgent.textContent()).toContain('motco webmail');

    const [download] = await Promise.all([
      list.waitForEvent('download'),
      list.getByRole('link', { name: 'note.txt' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('note.txt');
    expect(readFileSync((await download.path())!)).toEqual(NOTE);
    const [zip] = await Promise.all([
      list.waitForEvent('download'),
      list.getByRole('link', { name: 'IHE_XDM.ZIP' }).click(),
    ]);
    expect(readFileSync((await zip.path())!)).toEqual(XDM);

    const xdm = list.locator('.xdm');
    expect(await xdm.locator('.xdm-entries li').allTextContents()).toEqual([
      'INDEX.HTM',
      'README.TXT',
      'IHE_XDM/SUBSET01/METADATA.XML',
      'IHE_XDM/SUBSET01/DOC0001.XML',
    ]);
    const cda = xdm.locator('table.cda tbody tr');
    expect(await cda.locator('.cda-code').textContent()).toContain('11488-4');
    expect(await cda.textContent()).toContain('Compte rendu de consultation (document de test motco)');
    expect(await cda.locator('.ins').textContent()).toBe('INS');
    expect(await cda.locator('.patient-id').textContent()).toBe(`1.2.250.1.213.1.4.10 / ${INS}`);
    await list.getByText('Structure MIME').click();
    await screenshot(list, 'webmail-message-xdm');
  });

  it(
    'keeps the webmail and IMAP in one state: Sent, ' +
      'a flag set in the webmail, and the journal sees a client session',
    async () => {
      expect((await subjectsIn(mailbox, 'Sent')).map((m) => m.subject)).toContain(SUBJECT);
      await list.getByRole('button', { name: 'Ajouter un drapeau' }).click();
      await list.getByRole('button', { name: 'Retirer le drapeau' }).waitFor();
      const inbox = await subjectsIn(mailbox, 'INBOX');
      expect(inbox.find((m) => m.uid === sentUid)?.flags).toEqual(expect.arrayContaining(['\\Seen', '\\Flagged']));

      // The submission went through the psc endpoint like any client's: STARTTLS, AUTH PLAIN, the message.
      const message = await waitFor(
        t.platform.journal,
        { kind: 'message', mailbox },
        (o) => o.data.subject === SUBJECT,
      );
      expect(message.endpoint).toBe('psc');
      expect(message.data.outcome).toBe('accepted');
      const session = await t.platform.journal.query({ sessionId: message.sessionId! });
      expect(session.some((o) => o.kind === 'command' && (o.data as { verb?: string }).verb === 'STARTTLS')).toBe(true);
      expect(session.find((o) => o.kind === 'tls.established')).toBeDefined();
      expect(session.find((o) => o.kind === 'auth')?.data).toMatchObject({
        mechanism: 'PLAIN',
        user: mailbox,
        outcome: 'success',
        reason: 'password',
        tls: true,
      });
    },
  );

  it('moves a deleted message to Trash, as IMAP sees it', async () => {
    await list.getByRole('button', { name: 'Supprimer' }).click();
    await list.waitForURL(/info=corbeille/);
    expect(await list.getByRole('status').first().textContent()).toContain('corbeille');
    expect(await list.locator('#message-rows tr', { hasText: SUBJECT }).count()).toBe(0);
    expect((await subjectsIn(mailbox, 'INBOX')).map((m) => m.subject)).not.toContain(SUBJECT);
    expect((await subjectsIn(mailbox, 'Trash')).map((m) => m.subject)).toContain(SUBJECT);
  });

  it('shows a flag set by an IMAP client without reloading', async () => {
    await deliver(t, mailbox, { subject: 'Marqué par IMAP', text: 'x' });
    await list.goto(url('/webmail/dossier?d=INBOX'));
    const row = list.locator('#message-rows tr', { hasText: 'Marqué par IMAP' });
    await row.waitFor();
    await list.evaluate('window.__sameDocument = true');
    const uid = await row.getAttribute('data-uid');
    await inImap(t, mailbox, async (imap) => {
      await imap.mailboxOpen('INBOX');
      await imap.messageFlagsAdd(uid!, ['\\Flagged'], { uid: true });
    });
    await list.locator(`#message-rows tr[data-uid="${uid}"] .flag-mark`).waitFor();
    expect(await list.evaluate('window.__sameDocument')).toBe(true);
  });

  it('stays readable on a phone-sized screen', async () => {
    await list.setViewportSize({ width: 375, height: 800 });
    await list.reload();
    expect(await list.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await screenshot(list, 'webmail-list-375');
  });
});

describe('HTML mail', () => {
  let spy: http.Server;
  const hits: string[] = [];

  beforeAll(async () => {
    spy = http.createServer((request, response) => {
      hits.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/gif' }).end(Buffer.from('R0lGODlhAQABAAAAACw=', 'base64'));
    });
    spy.listen(0, '127.0.0.1');
    await new Promise((resolve) => spy.once('listening', resolve));
  });

  afterAll(async () => {
    await new Promise((resolve) => spy.close(resolve));
  });

  it('runs no script and loads no remote image, until the reader asks for remote content', async () => {
    const base = `http://127.0.0.1:${(spy.address() as AddressInfo).port}`;
    await deliver(t, mailbox, {
      subject: 'Lettre HTML',
      html:
        `<p id="greeting">Bonjour <b>docteur</b></p><img src="${base}/pixel.gif" ` +
        `alt="suivi"><script>new Image().src = "${base}/script-ran"; ` +
        `document.body.dataset.ran = "yes";</script><a href="javascript:alert(1)" onclick="alert(2)">lien</a>`,
    });
    const context = await browser.newContext({ locale: 'fr-FR' });
    try {
      const page = await signIn(context, mailbox);
      await page.getByRole('link', { name: 'Lettre HTML' }).click();
      const frame = page.frameLocator('iframe.message-html');
      await expect.poll(() => frame.locator('#greeting').textContent()).toBe('Bonjour docteur');
      expect(await page.locator('.remote-blocked').textContent()).toContain('Contenu distant bloqué (1 élément(s))');
      const inside = page.frames().find((f) => f.url().includes('/webmail/message/html'))!;
      expect(await inside.content()).not.toMatch(/<script|onclick|javascript:|pixel\.gif/);
      expect(await inside.evaluate('document.body.dataset.ran ?? "no"').catch(() => 'blocked')).not.toBe('yes');

      await page.getByRole('link', { name: 'Afficher le contenu distant' }).click();
      await expect.poll(() => hits.includes('/pixel.gif')).toBe(true);
      expect(hits).not.toContain('/script-ran');
    } finally {
      await context.close();
    }
  });
});

describe('acceptance: the vendor reads its LPS’s message in the webmail', () => {
  it(
    'shows the message the reference LPS sent during « MIE PSC : Envoi Mail SMTP », ' + 'X-MSS-* headers highlighted',
    async () => {
      const vendor = await vendorWithAccount(t, {
        login: 'claire',
        immatriculation: '11111111100011',
        nil: 'DEV-WEBMAIL',
        idnatPsc: '810000000333',
        idnatAuthCli: '10123456780',
      });
      const job = findJob('psc-send-smtp')!;
      const started = await t.platform.runner.start({
        accountId: vendor.id,
        target: job.id,
        delai: 30,
        startedBy: 'test',
      });
      if (!started.ok) throw new Error(JSON.stringify(started));
      const ended = new Promise<Execution>((resolve) => {
        const stop = t.platform.runner.follow(started.execution.id, (event) => {
          if (event.type === 'state' && event.execution.status === 'finished') {
            stop();
            resolve(event.execution);
          }
        });
      });
      await playJob(job.id, vendor.context);
      expect((await ended).verdict).toBe('OK');

      const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
      try {
        const page = await signIn(context, vendor.account.personalMailbox!);
        const subject = text('lps.message.subject', { title: job.title });
        await page.getByRole('link', { name: subject }).click();
        await page.waitForURL(/\/webmail\/message\?/);
        const mss = page.locator('.mss-headers');
        expect(await mss.locator('dt mark').allTextContents()).toEqual(['X-MSS-NIL']);
        expect(await mss.locator('dd').allTextContents()).toEqual(['DEV-WEBMAIL']);
        await page.getByText(/Tous les en-têtes/).click();
        const highlighted = page.locator('.all-headers tr.mss');
        expect(await highlighted.count()).toBe(1);
        expect(await highlighted.locator('th mark').textContent()).toBe('X-MSS-NIL');
        expect(await highlighted.locator('td mark').textContent()).toBe('DEV-WEBMAIL');
        expect(await page.locator('.all-headers tr:not(.mss) mark').count()).toBe(0);
        await screenshot(page, 'webmail-message');
      } finally {
        await context.close();
      }
    },
  );
});
