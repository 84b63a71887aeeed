// The webmail over plain HTTP, as a browser without JavaScript uses it: how it opens (from the account site,
// for the signed-in vendor's own mailboxes only, without a password; the password form only when the operator
// set the manual's shared password), the session cookie's attributes, CSRF, isolation between mailboxes,
// what downloads and the raw source are served as, the size limit keeping the form, the live change stream,
// the list's paging and order, every action, reply and forward, and the same state as IMAP in both directions.
import https from 'node:https';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xdmArchive } from '../src/lps/health-document.ts';
import { contentFacts } from '../src/mail/message/attachments.ts';
import { headerValue, parseHeaderFields } from '../src/mail/message/headers.ts';
import { vendor } from './helpers/api.ts';
import { waitFor } from './helpers/observations.ts';
import { passwordOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { deliver, imapClient, inImap, WebmailHttp } from './helpers/webmail.ts';

let t: TestPlatform;
/** The personal and applicative mailboxes of a vendor's account, and another account's personal one (carol). */
let alice: string;
let bob: string;
let carol: string;
/** The vendor's account-site session (the cookie ISC's login gives it), and another vendor's. */
let siteSession: string;
let strangerSession: string;
const LIMIT = 256 * 1024;
const SHARED = 'ODTMotco2';

beforeAll(async () => {
  t = await startTestPlatform({ smtp: { maxMessageBytes: LIMIT } });
  const owner = await vendor(t.platform, { login: 'alice', immatriculation: '22222222200022' });
  const account = await t.platform.accounts.create(
    { nil: 'WEBMAIL-1', idnatPsc: '810000000111', idnatAuthCli: '10123456789' },
    { organisationId: owner.organisation.id, by: 'test' },
  );
  const second = await t.platform.accounts.create(
    { nil: 'WEBMAIL-2', idnatPsc: '810000000444' },
    { organisationId: owner.organisation.id, by: 'test' },
  );
  if (!account.ok || !second.ok) throw new Error('accounts not created');
  alice = account.account.mailboxes.personal!;
  bob = account.account.mailboxes.applicative!;
  carol = second.account.mailboxes.personal!;
  siteSession = (await t.platform.auth.sessions.createSession(owner.user.id)).value;
  // Another vendor, with an account of its own (its pages then carry a valid CSRF token to forge with).
  const other = await vendor(t.platform, { login: 'mallory', immatriculation: '33333333300033' });
  await t.platform.accounts.create(
    { nil: 'TIERS-1', idnatPsc: '810000000666' },
    { organisationId: other.organisation.id, by: 'test' },
  );
  strangerSession = (await t.platform.auth.sessions.createSession(other.user.id)).value;
});

afterAll(async () => {
  await t?.stop();
});

const web = (session?: string) => {
  const w = new WebmailHttp(t.config.publicUrl);
  if (session) w.signInSite(session);
  return w;
};

/** The vendor signed in on the account site opens one of its mailboxes, as « Ouvrir le webmail » does. */
async function signedIn(address: string): Promise<WebmailHttp> {
  const w = web(siteSession);
  const answer = await w.open(address);
  expect(answer.status).toBe(303);
  return w;
}

describe('opening the webmail', () => {
  it(
    'explains in French how to open it from the account page, ' + 'under a strict CSP, and offers no password form',
    async () => {
      const w = web();
      const home = await w.get('/webmail/dossier?d=INBOX');
      expect(home.status).toBe(303);
      expect(home.headers.get('location')).toBe('/webmail/connexion');
      const page = await w.get('/webmail/connexion');
      expect(page.status).toBe(200);
      expect(page.text).toContain('<html lang="fr">');
      expect(page.text).toContain('Le webmail s’ouvre depuis le site des comptes, sans mot de passe');
      expect(page.text).toContain('href="/connexion?retour=%2Fcomptes"');
      expect(page.text).not.toContain('name="motdepasse"');
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('cache-control')).toBe('no-store');
    },
  );

  it(
    'opens nothing with a password when the shared password is not set: ' +
      'not the manual’s, not even the mailbox’s own',
    async () => {
      for (const password of [SHARED, await passwordOf(t, alice)]) {
        const answer = await web().login(alice, password);
        expect(answer.status).toBe(404);
        expect(answer.headers.getSetCookie().some((c) => c.startsWith('motco_webmail='))).toBe(false);
      }
    },
  );

  it('lists the signed-in vendor’s mailboxes and opens one without a password, then switches to another', async () => {
    const w = web(siteSession);
    const page = await w.get('/webmail/connexion');
    expect(page.text).toContain('Vos BAL de test');
    for (const address of [alice, bob, carol]) expect(page.text).toContain(`<option value="${address}"`);
    const opened = await w.post('/webmail/ouvrir', { adresse: alice });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/webmail/dossier?d=INBOX');
    const inbox = await w.get('/webmail/dossier?d=INBOX');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain(`<option value="${alice}" selected>`);
    expect(inbox.text).toContain('Changer de BAL');
    const switched = await w.post('/webmail/ouvrir', { adresse: bob });
    expect(switched.status).toBe(303);
    expect((await w.get('/webmail/dossier?d=INBOX')).text).toContain(`<option value="${bob}" selected>`);
  });

  it(
    'refuses another vendor’s mailbox, ' +
      'a visitor without an account-site session, and a form without its CSRF token',
    async () => {
      const stranger = web(strangerSession);
      const theirs = await stranger.open(alice);
      expect(stranger.csrf).not.toBe('');
      expect(theirs.status).toBe(404);
      expect(theirs.headers.getSetCookie().some((c) => c.startsWith('motco_webmail='))).toBe(false);
      expect((await stranger.get('/webmail/dossier?d=INBOX')).status).toBe(303);
      // The stranger's page lists none of alice's mailboxes.
      expect((await stranger.get('/webmail/connexion')).text).not.toContain(alice);

      // A page rendered while signed in, posted once the account-site session is gone.
      const expired = web(siteSession);
      await expired.get('/webmail/connexion');
      expired.cookies.delete('motco_session');
      const visitor = await expired.post('/webmail/ouvrir', { adresse: alice });
      expect(visitor.status).toBe(401);
      expect(visitor.text).toContain('connectez-vous d’abord au site des comptes');

      const w = web(siteSession);
      await w.get('/webmail/connexion');
      const forged = await w.post('/webmail/ouvrir', { adresse: alice }, { csrf: false });
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('Formulaire expiré');
    },
  );

  it('opens a session with an HttpOnly, SameSite=Lax cookie scoped to /webmail, and closes it', async () => {
    const w = web(siteSession);
    const answer = await w.open(alice);
    expect(answer.status).toBe(303);
    const cookie = answer.headers.getSetCookie().find((c) => c.startsWith('motco_webmail='))!;
    expect(cookie).toMatch(/; Path=\/webmail;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure'); // plain http here; Secure over https
    const inbox = await w.get('/webmail/dossier?d=INBOX');
    expect(inbox.status).toBe(200);
    expect(inbox.text).toContain(alice);
    expect((await w.post('/webmail/deconnexion', {})).status).toBe(303);
    expect((await w.get('/webmail/dossier?d=INBOX')).status).toBe(303);
  });

  it('marks the cookie Secure when the webmail is reached over https', async () => {
    const exchange = (method: string, path: string, headers: Record<string, string>, body = '') =>
      new Promise<{ status: number; cookies: string[]; text: string }>((resolve, reject) => {
        const request = https.request(
          {
            host: '127.0.0.1',
            port: t.config.ports.webTls,
            method,
            path,
            headers,
            ca: t.platform.pki.nonIgcRootPem(),
            servername: 'localhost',
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (c: Buffer) => chunks.push(c));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                cookies: response.headers['set-cookie'] ?? [],
                text: Buffer.concat(chunks).toString(),
              }),
            );
          },
        );
        request.on('error', reject);
        request.end(body);
      });
    const site = `motco_session=${siteSession}`;
    const form = await exchange('GET', '/webmail/connexion', { cookie: site });
    const csrf = /name="csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const cookie = [site, ...form.cookies.map((c) => c.split(';')[0])].join('; ');
    const body = new URLSearchParams({ csrf, adresse: alice }).toString();
    const opened = await exchange(
      'POST',
      '/webmail/ouvrir',
      { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    );
    expect(opened.status).toBe(303);
    expect(opened.cookies.find((c) => c.startsWith('motco_webmail='))).toMatch(/; Secure/);
  });

  it('reads no upload without a session', async () => {
    const w = web();
    await w.get('/webmail/connexion');
    const upload = new FormData();
    upload.set('pj', new Blob([Buffer.alloc(64 * 1024)]), 'x.bin');
    expect((await w.post('/webmail/ecrire', upload)).status).toBe(401);
    expect((await w.post('/webmail/ouvrir', upload)).status).toBe(415);
  });
});

describe('with the manual’s shared password set (webmailPassword)', () => {
  let shared: TestPlatform;
  let box: string;
  beforeAll(async () => {
    shared = await startTestPlatform({ webmailPassword: SHARED });
    box = `810000000555@${shared.config.mailDomain}`;
    await shared.platform.mailboxes.create(box, 'personal');
  });
  afterAll(async () => {
    await shared?.stop();
  });
  const sharedWeb = () => new WebmailHttp(shared.config.publicUrl);

  it('shows the password form as before, and answers an unknown address and a wrong password alike', async () => {
    const form = await sharedWeb().get('/webmail/connexion');
    expect(form.text).toContain('Adresse de la BAL');
    expect(form.text).toContain('name="motdepasse"');
    const wrong = await sharedWeb().login(box, 'pas-le-bon');
    const unknown = await sharedWeb().login(`899999999999@${shared.config.mailDomain}`, SHARED);
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.text).toContain('Adresse ou mot de passe incorrect.');
      expect(answer.headers.getSetCookie().some((c) => c.startsWith('motco_webmail='))).toBe(false);
    }
    const strip = (a: typeof wrong) => a.text.replace(/value="[^"]*"/g, '');
    expect(strip(wrong)).toBe(strip(unknown));
  });

  it('opens the mailbox with the shared password and with its own', async () => {
    for (const password of [SHARED, await passwordOf(shared, box)]) {
      const w = sharedWeb();
      const answer = await w.login(box, password);
      expect(answer.status).toBe(303);
      expect((await w.get('/webmail/dossier?d=INBOX')).text).toContain(box);
    }
  });

  it('refuses the form without its CSRF token', async () => {
    const w = sharedWeb();
    await w.get('/webmail/connexion');
    const answer = await w.post('/webmail/connexion', { adresse: box, motdepasse: SHARED }, { csrf: false });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('Formulaire expiré');
  });
});

describe('isolation', () => {
  it('finds nothing of another mailbox through the ids in URLs, and changes nothing there', async () => {
    await deliver(t, bob, {
      subject: 'Pour Bob seulement',
      text: 'secret',
      attachments: [{ filename: 'b.txt', content: 'b' }],
    });
    const bobBox = (await t.platform.mailboxes.find(bob))!;
    const bobInbox = (await t.platform.mailboxes.folder(bobBox.id, 'INBOX'))!;
    const [bobMessage] = await t.platform.mailboxes.index(bobInbox.id);
    const uid = String(bobMessage!.uid);
    const w = await signedIn(alice);
    for (const path of [
      '/webmail/message',
      '/webmail/message/source',
      '/webmail/message/html',
      '/webmail/message/partie',
    ]) {
      const answer = await w.get(`${path}?${new URLSearchParams({ d: 'INBOX', uid, p: '2' })}`);
      expect(answer.status, path).toBe(404);
      expect(answer.text).not.toContain('Pour Bob');
    }
    await w.get('/webmail/dossier?d=INBOX');
    await w.post('/webmail/actions', { d: 'INBOX', [`m${uid}`]: '1', action: 'supprimer' });
    expect((await t.platform.mailboxes.index(bobInbox.id)).map((m) => m.uid)).toContain(Number(uid));
    expect((await w.get('/webmail/dossier?d=INBOX')).text).not.toContain('Pour Bob');
  });
});

describe('downloads and source', () => {
  it('serves parts as attachments (type, RFC 6266 name, nosniff, sandbox) and the source as text', async () => {
    const page = '<html><body><script>alert(1)</script>page</body></html>';
    await deliver(t, alice, {
      subject: 'Pièces',
      text: 'voir pièces',
      attachments: [
        { filename: 'compte rendu é.html', content: page, contentType: 'text/html' },
        { filename: 'données.bin', content: Buffer.from([0, 1, 2, 255]) },
      ],
    });
    const w = await signedIn(alice);
    const list = await w.get('/webmail/dossier?d=INBOX');
    const uid = /\/webmail\/message\?d=INBOX&amp;uid=(\d+)/.exec(list.text)![1]!;
    const view = await w.get(`/webmail/message?d=INBOX&uid=${uid}`);
    expect(view.text).toContain('compte rendu é.html');

    const html = await w.get(`/webmail/message/partie?d=INBOX&uid=${uid}&p=2`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('content-disposition')).toBe(
      `attachment; filename="compte rendu _.html"; filename*=UTF-8''compte%20rendu%20%C3%A9.html`,
    );
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    expect(html.headers.get('content-security-policy')).toContain('sandbox');
    expect(html.text).toBe(page);

    const binary = await w.get(`/webmail/message/partie?d=INBOX&uid=${uid}&p=3`);
    expect(binary.bytes).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(binary.headers.get('content-type')).toBe('application/octet-stream');

    const source = await w.get(`/webmail/message/source?d=INBOX&uid=${uid}`);
    expect(source.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(source.headers.get('content-disposition')).toBeNull();
    expect(source.text).toMatch(/^Received: /);
    const download = await w.get(`/webmail/message/source?d=INBOX&uid=${uid}&telecharger=1`);
    expect(download.headers.get('content-disposition')).toContain(`filename="message-${uid}.eml"`);
    expect(download.bytes).toEqual(source.bytes);
  });
});

describe('compose', () => {
  it('keeps the form when the message exceeds smtp.maxMessageBytes, with a French error', async () => {
    const w = await signedIn(alice);
    await w.get('/webmail/ecrire');
    const form = new FormData();
    form.set('mode', 'nouveau');
    form.set('a', alice);
    form.set('cc', '');
    form.set('objet', 'Trop gros');
    form.set('texte', 'Ligne à garder');
    form.set('pj', new Blob([Buffer.alloc(LIMIT)]), 'gros.bin');
    const answer = await w.post('/webmail/ecrire', form);
    expect(answer.status).toBe(413);
    expect(answer.text).toContain('dépasse la taille maximale acceptée');
    expect(answer.text).toContain(`value="${alice}"`);
    expect(answer.text).toContain('value="Trop gros"');
    expect(answer.text).toContain('Ligne à garder</textarea>');
    expect(answer.text).toContain('joignez de nouveau gros.bin');

    const huge = new FormData();
    huge.set('a', alice);
    huge.set('pj', new Blob([Buffer.alloc(2 * LIMIT + 1024 * 1024)]), 'enorme.bin');
    const refused = await w.post('/webmail/ecrire', huge);
    expect(refused.status).toBe(413);
    expect(refused.text).toContain('Message trop volumineux');
  });

  it('refuses invalid recipients in French, keeping what was typed', async () => {
    const w = await signedIn(alice);
    await w.get('/webmail/ecrire');
    const form = new FormData();
    form.set('a', 'pas-une-adresse, ');
    form.set('objet', 'Sujet gardé');
    const answer = await w.post('/webmail/ecrire', form);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Adresse(s) invalide(s)\u00a0: pas-une-adresse');
    expect(answer.text).toContain('value="Sujet gardé"');
  });
});

describe('the SMTP endpoint decides', () => {
  it('shows the server’s refusal in French and keeps the form', async () => {
    const w = await signedIn(alice);
    await w.get('/webmail/ecrire');
    const form = new FormData();
    form.set('a', 'quelqu-un@ailleurs.example');
    form.set('objet', 'Hors domaine');
    form.set('texte', 'Texte gardé');
    const answer = await w.post('/webmail/ecrire', form);
    expect(answer.status).toBe(502);
    expect(answer.text).toMatch(
      /Le serveur SMTP a refusé le message\u00a0: RCPT TO:&lt;quelqu-un@ailleurs.example&gt; → 550/,
    );
    expect(answer.text).toContain('value="Hors domaine"');
    expect(answer.text).toContain('Texte gardé</textarea>');
    // A client session like any other: the refusal is in the journal, on the psc endpoint.
    const refused = await waitFor(
      t.platform.journal,
      { kind: 'command', mailbox: alice },
      (o) =>
        (o.data as { verb?: string; reply?: { code?: number } }).verb === 'RCPT' &&
        (o.data as { reply?: { code?: number } }).reply?.code === 550,
    );
    expect(refused.endpoint).toBe('psc');
  });

  it(
    'submits for an applicative mailbox through org with its ORG_AUTH_CLI certificate, ' +
      'for a personal one through psc with its own password',
    async () => {
      for (const [from, endpoint, reason] of [
        [bob, 'org', 'client_certificate'],
        [alice, 'psc', 'password'],
      ] as const) {
        const w = await signedIn(from);
        await w.get('/webmail/ecrire');
        const form = new FormData();
        form.set('a', from);
        form.set('objet', `Depuis ${endpoint}`);
        form.set('texte', 'x');
        expect((await w.post('/webmail/ecrire', form)).status).toBe(303);
        const auth = await waitFor(
          t.platform.journal,
          { kind: 'auth', mailbox: from, endpoint },
          (o) => o.data.reason === reason,
        );
        expect(auth.data).toMatchObject({ mechanism: 'PLAIN', outcome: 'success' });
      }
    },
  );
});

describe('same mailboxes as IMAP', () => {
  it('streams a change event when mail arrives, and shares flags both ways', async () => {
    const w = await signedIn(alice);
    const controller = new AbortController();
    const stream = await fetch(`${t.config.publicUrl}/webmail/evenements`, {
      headers: { cookie: `motco_webmail=${w.cookies.get('motco_webmail')}` },
      signal: controller.signal,
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = stream.body!.getReader();
    let received = '';
    const heard = (async () => {
      while (!received.includes('event: change')) {
        const { value, done } = await reader.read();
        if (done) break;
        received += Buffer.from(value).toString('utf8');
      }
    })();
    await deliver(t, alice, { subject: 'Drapeaux', text: 'x' });
    await heard;
    controller.abort();
    expect(received).toContain('"type":"appended"');

    const imap: ImapFlow = await imapClient(t, alice);
    await imap.connect();
    try {
      await imap.mailboxOpen('INBOX');
      const last = (await imap.fetchOne('*', { uid: true, flags: true, envelope: true })) || undefined;
      expect(last?.envelope?.subject).toBe('Drapeaux');
      const uid = last ? last.uid : 0;
      await w.get('/webmail/dossier?d=INBOX');
      await w.post('/webmail/actions', { d: 'INBOX', [`m${uid}`]: '1', action: 'drapeau' });
      const seenByImap = await imap.fetchOne(String(uid), { flags: true }, { uid: true });
      expect(seenByImap && [...(seenByImap.flags ?? [])]).toContain('\\Flagged');

      await imap.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      await imap.messageFlagsRemove(String(uid), ['\\Flagged'], { uid: true });
      const row = new RegExp(`<tr( class="unread")? data-uid="${uid}">([\\s\\S]*?)</tr>`).exec(
        (await w.get('/webmail/dossier?d=INBOX')).text,
      )!;
      expect(row[1]).toBeUndefined();
      expect(row[2]).not.toContain('flag-mark');
    } finally {
      await imap.logout();
    }
  });
});

/** The UID of the newest message of a folder with this subject, as the webmail lists it. */
async function uidOf(w: WebmailHttp, folder: string, subject: string): Promise<string> {
  const page = await w.get(`/webmail/dossier?d=${encodeURIComponent(folder)}`);
  const row = new RegExp(`data-uid="(\\d+)">(?:(?!</tr>)[\\s\\S])*?>${subject}</a>`).exec(page.text);
  if (!row) throw new Error(`${subject} not in ${folder}`);
  return row[1]!;
}

/** The form fields of a page's compose form, as a browser would send them back. */
function composeFields(page: string): FormData {
  const form = new FormData();
  for (const [, name, value] of page.matchAll(/<input type="(?:hidden|text)"[^>]*? name="([^"]+)" value="([^"]*)"/g))
    form.set(name!, decode(value!));
  for (const [, name, value] of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    form.set(name!, decode(value!));
  for (const [, name] of page.matchAll(/<input type="checkbox"[^>]*? name="([^"]+)" value="1"[^>]*? checked>/g))
    form.set(name!, '1');
  form.set('texte', decode(/<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(page)![1]!));
  return form;
}

const decode = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

async function newestIn(address: string, folder: string): Promise<Buffer> {
  const box = (await t.platform.mailboxes.find(address))!;
  const f = (await t.platform.mailboxes.folder(box.id, folder))!;
  const last = (await t.platform.mailboxes.index(f.id)).at(-1)!;
  return (await t.platform.mailboxes.content(f.id, last.uid))!;
}

describe('the message list', () => {
  it('pages by 25, newest first, and the date order toggles', async () => {
    const box = (await t.platform.mailboxes.find(carol))!;
    for (let i = 1; i <= 27; i++) {
      const raw = Buffer.from(`From: <${carol}>\r\nTo: <${carol}>\r\nSubject: Message ${i}\r\n\r\nCorps ${i}\r\n`);
      await t.platform.mailboxes.append(box.id, 'INBOX', raw, { internalDate: Date.UTC(2025, 0, i) });
    }
    const w = await signedIn(carol);
    const subjects = (page: string) => [...page.matchAll(/uid=\d+">(Message \d+)<\/a>/g)].map((m) => m[1]);
    const first = await w.get('/webmail/dossier?d=INBOX');
    expect(first.text).toContain('Page 1 sur 2 (27 message(s))');
    expect(subjects(first.text)).toHaveLength(25);
    expect(subjects(first.text)[0]).toBe('Message 27');
    expect(first.text).toContain('href="/webmail/dossier?d=INBOX&amp;page=2" rel="next"');
    expect(first.text).toContain('27 non lu(s) sur 27');
    expect(subjects((await w.get('/webmail/dossier?d=INBOX&page=2')).text)).toEqual(['Message 2', 'Message 1']);
    const oldest = await w.get('/webmail/dossier?d=INBOX&tri=ancien');
    expect(subjects(oldest.text).slice(0, 2)).toEqual(['Message 1', 'Message 2']);
    expect(oldest.text).toContain('aria-sort="ascending"');
  });
});

describe('actions', () => {
  it('marks unread, moves to a folder an IMAP client created, and deletes from Trash for good', async () => {
    await deliver(t, alice, { subject: 'À ranger', text: 'x' });
    const w = await signedIn(alice);
    const uid = await uidOf(w, 'INBOX', 'À ranger');
    await w.get(`/webmail/message?d=INBOX&uid=${uid}`);
    await inImap(t, alice, async (imap) => {
      expect(await flagsOf(imap, uid)).toContain('\\Seen');
      await w.post('/webmail/actions', { d: 'INBOX', [`m${uid}`]: '1', action: 'non-lu' });
      expect(await flagsOf(imap, uid)).not.toContain('\\Seen');
      await imap.mailboxCreate('Archives');
    });

    const list = await w.get('/webmail/dossier?d=INBOX');
    expect(list.text).toContain('<option value="Archives">Archives</option>');
    const moved = await w.post('/webmail/actions', {
      d: 'INBOX',
      [`m${uid}`]: '1',
      action: 'deplacer',
      cible: 'Archives',
    });
    expect(moved.headers.get('location')).toBe('/webmail/dossier?d=INBOX&info=deplace');
    expect(await inImap(t, alice, (imap) => count(imap, 'Archives'))).toBe(1);

    const archivedUid = await uidOf(w, 'Archives', 'À ranger');
    await w.post('/webmail/actions', { d: 'Archives', [`m${archivedUid}`]: '1', action: 'supprimer' });
    const trashUid = await uidOf(w, 'Trash', 'À ranger');
    const gone = await w.post('/webmail/actions', { d: 'Trash', [`m${trashUid}`]: '1', action: 'supprimer' });
    expect(gone.headers.get('location')).toBe('/webmail/dossier?d=Trash&info=efface');
    const after = await w.get('/webmail/dossier?d=Trash&info=efface');
    expect(after.text).toContain('Message(s) supprimé(s) définitivement.');
    expect(after.text).not.toContain('À ranger</a>');
    expect(await inImap(t, alice, async (imap) => [await count(imap, 'Archives'), await count(imap, 'Trash')])).toEqual(
      [0, 0],
    );
  });

  it('asks for a selection when none was made', async () => {
    const w = await signedIn(alice);
    await w.get('/webmail/dossier?d=INBOX');
    const answer = await w.post('/webmail/actions', { d: 'INBOX', action: 'lu', retour: '/webmail/dossier?d=INBOX' });
    expect(answer.headers.get('location')).toBe('/webmail/dossier?d=INBOX&info=aucun');
    const open = await w.post('/webmail/actions', { d: 'INBOX', action: 'lu', retour: 'https://ailleurs.example/' });
    expect(open.headers.get('location')).toBe('/webmail/dossier?d=INBOX&info=aucun');
  });
});

describe('reply and forward', () => {
  it('replies with the original quoted, In-Reply-To and References, and marks the original answered', async () => {
    await deliver(t, alice, {
      subject: 'Demande',
      text: 'Ligne 1\nLigne 2',
      messageId: '<demande-1@test.motco>',
      references: '<fil-0@test.motco>',
    });
    const w = await signedIn(alice);
    const uid = await uidOf(w, 'INBOX', 'Demande');
    const form = await w.get(`/webmail/ecrire?mode=repondre&d=INBOX&uid=${uid}`);
    expect(form.text).toContain('value="RE : Demande"');
    expect(form.text).toContain(`name="a" value="${alice}"`);
    expect(form.text).toMatch(/a écrit\u00a0:\n&gt; Ligne 1\n&gt; Ligne 2/);
    const sent = await w.post('/webmail/ecrire', composeFields(form.text));
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/webmail/dossier?d=INBOX&info=envoye');

    const reply = parseHeaderFields(await newestIn(alice, 'Sent'));
    expect(headerValue(reply, 'Subject')).toBe('RE : Demande');
    expect(headerValue(reply, 'In-Reply-To')).toBe('<demande-1@test.motco>');
    expect(headerValue(reply, 'References')).toBe('<fil-0@test.motco> <demande-1@test.motco>');
    expect(await inImap(t, alice, (imap) => flagsOf(imap, uid))).toContain('\\Answered');
  });

  it('forwards inline with the original attachments, the IHE_XDM.ZIP included, to another mailbox', async () => {
    const zip = Buffer.from(
      xdmArchive([{ code: '11488-4', displayName: 'Compte rendu de consultation', ins: '279035121518989' }]),
    );
    await deliver(t, alice, {
      subject: 'Compte rendu',
      text: 'Ci-joint.',
      headers: { 'X-MSS-NIL': 'DEV-1' },
      attachments: [{ filename: 'IHE_XDM.ZIP', content: zip, contentType: 'application/zip' }],
    });
    const w = await signedIn(alice);
    const uid = await uidOf(w, 'INBOX', 'Compte rendu');
    const form = await w.get(`/webmail/ecrire?mode=transferer&d=INBOX&uid=${uid}`);
    expect(form.text).toContain('value="TR : Compte rendu"');
    expect(form.text).toContain('-------- Message transféré --------');
    expect(form.text).toMatch(/name="garder\.2" value="1" data-size="\d+" checked>/);
    const fields = composeFields(form.text);
    fields.set('a', bob);
    expect((await w.post('/webmail/ecrire', fields)).status).toBe(303);

    const forwarded = contentFacts(await newestIn(bob, 'INBOX'));
    expect(forwarded.attachments.map((a) => a.filename)).toEqual(['IHE_XDM.ZIP']);
    expect(forwarded.xdm?.documents.map((d) => d.code)).toEqual(['11488-4']);
    expect(await inImap(t, alice, (imap) => flagsOf(imap, uid))).toContain('$Forwarded');
  });
});

async function count(imap: ImapFlow, folder: string): Promise<number | undefined> {
  const status = await imap.status(folder, { messages: true });
  return status ? status.messages : undefined;
}

/** The flags of an INBOX message by UID, as IMAP reports them. */
async function flagsOf(imap: ImapFlow, uid: string): Promise<string[]> {
  if (imap.mailbox === false || imap.mailbox.path !== 'INBOX') await imap.mailboxOpen('INBOX');
  const message = await imap.fetchOne(uid, { flags: true }, { uid: true });
  return message ? [...(message.flags ?? [])] : [];
}
