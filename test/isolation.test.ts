// Isolation on a shared instance, by enumeration rather than by a list kept by hand: every HTTP route the web
// server registered (pages, REST API, webmail, server-sent events, identity simulators) and every operation of
// the OpenAPI document is called by an attacker — anonymously, with the attacker's session cookie and its own
// valid CSRF token, and with the attacker's API token — with the victim's ids in its path, query and form. No
// answer may carry anything of the victim's (its NIL, IdNats, mailboxes, passwords, mail, CIBA request,
// organisation), and nothing of the victim's may change. IMAP and SMTP logins to the victim's mailboxes and the
// PSC CIBA flow are tried the same way with clients nobody here wrote. A route added later is covered by
// itself; one whose path parameter this file cannot fill fails the test until its substitution is added.
import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pscToolsClient } from '../src/identity/issuers.ts';
import { PscTokenSource } from '../src/lps/tokens.ts';
import type { RouteEntry } from '../src/web/server.ts';
import { vendor } from './helpers/api.ts';
import { passwordOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { deliver, WebmailHttp } from './helpers/webmail.ts';

const run = promisify(execFile);

let t: TestPlatform;
type Party = Awaited<ReturnType<typeof vendor>> & {
  session: string;
  account: { id: number; nil: string; idnatPsc: string; idnatAuthCli: string; personal: string; applicative: string };
};
let attacker: Party;
let victim: Party;
let victimExecution: number;
let victimCiba: string;
let files: string;

/**
 * What only the victim may ever read, and that the attacker never sends (answers may echo what was sent — a
 * login redirect carries its return URL, a refused form keeps its fields): any of these in an answer is a leak.
 * The victim's IdNat PSC and addresses are public (they name the mailbox) and are what the attacker sends.
 */
let canaries: string[] = [];
const SUBJECT = 'Objet-canari-9f3b2c';
/** The binding message shown on the e-CPS (two digits, as PSC requires). */
const BINDING = '73';
const VICTIM_ORG = 'Éditeur Victime Canari SA';

async function party(
  login: string,
  immatriculation: string,
  raisonSociale: string,
  ids: { nil: string; idnatPsc: string; idnatAuthCli: string },
): Promise<Party> {
  const v = await vendor(t.platform, { login, immatriculation, raisonSociale });
  const session = (await t.platform.auth.sessions.createSession(v.user.id)).value;
  const identity = await fetch(`${t.config.publicUrl}/psc/api/identities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${v.token}` },
    body: JSON.stringify({ idnat: ids.idnatPsc, givenName: 'Test', familyName: login }),
  });
  expect(identity.status).toBe(201);
  const created = await v.api('POST', '/accounts', ids);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id, mailboxes } = created.body;
  return { ...v, session, account: { id, ...ids, personal: mailboxes.personal, applicative: mailboxes.applicative } };
}

beforeAll(async () => {
  t = await startTestPlatform();
  files = mkdtempSync(path.join(os.tmpdir(), 'motco-isolation-'));
  await t.platform.pki.exportTrust(files);
  attacker = await party('mallory.attaque', '44444444400044', 'Éditeur Attaquant', {
    nil: 'ATTAQUANT-1',
    idnatPsc: '810000004401',
    idnatAuthCli: '10444444401',
  });
  victim = await party('victor.victime', '55555555500055', VICTIM_ORG, {
    nil: 'VICTIME-NIL-7731',
    idnatPsc: '810000007731',
    idnatAuthCli: '10777777731',
  });

  const started = await victim.api('POST', '/executions', {
    account: victim.account.id,
    target: 'psc-tls-imap',
    delai: 10,
  });
  expect(started.status, JSON.stringify(started.body)).toBe(201);
  victimExecution = started.body.id;
  await deliver(t, victim.account.personal, { subject: SUBJECT, text: 'Contenu confidentiel de la victime.' });

  // A CIBA request for the victim's identity, pending on its « e-CPS de test ».
  const rp = await client.discovery(
    new URL(t.platform.identity.psc.issuer),
    t.config.psc.clientId,
    undefined,
    client.ClientSecretBasic(t.config.psc.clientSecret),
    { execute: [client.allowInsecureRequests] },
  );
  await client.initiateBackchannelAuthentication(rp, {
    scope: 'openid scope_all',
    acr_values: 'eidas1',
    login_hint: victim.account.idnatPsc,
    binding_message: BINDING,
  });
  const pending = await t.platform.identity.psc.simulator!.ciba.pending(victim.account.idnatPsc);
  victimCiba = pending[0]!.id;

  const passwords = await Promise.all(
    [victim.account.personal, victim.account.applicative].map((a) => passwordOf(t, a)),
  );
  canaries = [
    victim.account.nil,
    victim.account.idnatAuthCli,
    victim.user.login,
    ...passwords,
    SUBJECT,
    VICTIM_ORG,
    'Contenu confidentiel',
  ];
}, 120_000);

afterAll(async () => {
  await t?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

/** Everything of the victim's that a request could change, to compare before and after. */
async function victimState() {
  const account = await victim.api('GET', `/accounts/${victim.account.id}`);
  const executions = await victim.api('GET', `/executions?account=${victim.account.id}`);
  const execution = await victim.api('GET', `/executions/${victimExecution}`);
  const mail = await t.platform.mailboxes.find(victim.account.personal);
  const folders = mail ? await t.platform.mailboxes.folders(mail.id) : [];
  return {
    account: account.body,
    executions: (executions.body.executions ?? executions.body).length,
    execution: { status: execution.body.status, verdict: execution.body.verdict },
    passwords: await Promise.all([victim.account.personal, victim.account.applicative].map((a) => passwordOf(t, a))),
    folders: folders.map((f) => f.name).sort(),
    ciba: (await t.platform.identity.psc.simulator!.ciba.pending(victim.account.idnatPsc)).map((p) => p.id),
    identities: (await t.platform.identity.psc.simulator!.identities.list()).filter(
      (i) => i.idnat === victim.account.idnatPsc,
    ).length,
  };
}

/** A path parameter filled with the victim's id, by the route it belongs to and its name. */
function fill(route: RouteEntry): string | undefined {
  const byName: Record<string, string> = {
    account: String(victim.account.id),
    execution: String(victimExecution),
    target: 'psc-tls-imap',
    role: 'personal',
    uid: 'victime-interaction',
    file: 'igc-sante-test-roots.pem',
  };
  const idFor = (url: string): string | undefined => {
    if (url.startsWith('/api/v1/accounts/') || url.startsWith('/comptes/')) return String(victim.account.id);
    if (url.startsWith('/api/v1/executions/') || url.startsWith('/revue/executions/')) return String(victimExecution);
    if (url.startsWith('/api/v1/jobs/')) return 'psc-tls-imap';
    if (url.startsWith('/psc/e-cps/demandes/')) return victimCiba;
    return undefined;
  };
  let unknown = false;
  const filled = route.url
    .replace(/:(\w+)/g, (_, name: string) => {
      const value = name === 'id' ? idFor(route.url) : byName[name];
      if (value === undefined) unknown = true;
      return encodeURIComponent(value ?? '');
    })
    .replace(/\*$/, 'x');
  return unknown ? undefined : filled;
}

/** Query parameters a route may take, filled with the victim's ids (the API's come from its OpenAPI document). */
const QUERY = (): Record<string, string> => ({
  account: String(victim.account.id),
  mailbox: victim.account.personal,
  idnat: victim.account.idnatPsc,
  adresse: victim.account.personal,
  emailaddress: '',
});

/** Form fields naming the victim's things, sent with every POST: whatever a form reads, it finds the victim. */
const FORM = (): Record<string, string> => ({
  adresse: victim.account.personal,
  address: victim.account.personal,
  bal: 'personal',
  idnat: victim.account.idnatPsc,
  decision: 'accept',
  account: String(victim.account.id),
  nil: 'PRIS-PAR-ATTAQUANT',
  idnatPsc: victim.account.idnatPsc,
  execution: String(victimExecution),
  dossier: 'INBOX',
  uid: '1',
});

interface Caller {
  name: string;
  headers: () => Promise<Record<string, string>>;
  /** The caller's own valid CSRF token for forms (from a page of its own), if it has a session. */
  csrf?: () => Promise<string>;
}

async function ownCsrf(p: Party): Promise<{ token: string; cookie: string }> {
  const browser = new WebmailHttp(t.config.publicUrl);
  browser.signInSite(p.session);
  await browser.get('/comptes/nouveau');
  return { token: browser.csrf, cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
}

async function call(
  method: string,
  url: string,
  caller: Caller,
  options: { form?: Record<string, string>; json?: unknown } = {},
): Promise<{ status: number; text: string }> {
  const headers = await caller.headers();
  const body =
    options.json !== undefined
      ? JSON.stringify(options.json)
      : options.form
        ? new URLSearchParams(options.form).toString()
        : undefined;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  else if (options.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  // Same-origin, as a browser's own form would be: the API refuses cross-origin cookie posts anyway.
  headers.origin = t.config.publicUrl;
  // node:http rather than fetch: every method the server registered (TRACE included) can be sent.
  return new Promise((resolve, reject) => {
    const request = http.request(`${t.config.publicUrl}${url}`, { method, headers }, (response) => {
      let text = response.headers.location ?? '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      const done = () => resolve({ status: response.statusCode ?? 0, text });
      response.on('end', done);
      response.on('close', done);
      // Event streams never end: what they sent in a moment is what they would leak.
      setTimeout(() => request.destroy(), 1500).unref();
    });
    // A connection dropped without an answer is recorded as status 0 (and fails the test below).
    request.on('error', (error) =>
      resolve({ status: request.destroyed && /aborted|hang up/.test(error.message) ? -1 : 0, text: error.message }),
    );
    if (body !== undefined) request.write(body);
    request.end();
  });
}

function leaks(text: string): string[] {
  return canaries.filter((c) => c && text.includes(c));
}

describe('every registered route, as an attacker with the victim’s ids', () => {
  it('fills every route’s parameters (a new route needs no list; a new kind of parameter fails here)', () => {
    const unfilled = t.platform.routes.filter((r) => fill(r) === undefined).map((r) => `${r.method} ${r.url}`);
    expect(unfilled).toEqual([]);
  });

  it('the OpenAPI document and the registered routes agree', async () => {
    const doc = (await (await fetch(`${t.config.publicUrl}/api/v1/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const registered = new Set(t.platform.routes.map((r) => `${r.method} ${r.url}`));
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.length).toBeGreaterThan(15);
    expect(documented.filter((d) => !registered.has(d))).toEqual([]);
  });

  it('no answer carries anything of the victim’s, and nothing of the victim’s changes', async () => {
    const before = await victimState();
    const mine = await ownCsrf(attacker);
    const callers: Caller[] = [
      { name: 'anonyme', headers: async () => ({}) },
      {
        name: 'session',
        headers: async () => ({ cookie: `motco_session=${attacker.session}; ${mine.cookie}` }),
        csrf: async () => mine.token,
      },
      { name: 'jeton', headers: async () => ({ authorization: `Bearer ${attacker.token}` }) },
    ];
    const found: string[] = [];
    const failed: string[] = [];
    let tried = 0;
    for (const route of t.platform.routes) {
      const filled = fill(route)!;
      const query = new URLSearchParams(QUERY()).toString();
      for (const caller of callers) {
        for (const url of [filled, `${filled}${filled.includes('?') ? '&' : '?'}${query}`]) {
          const options = ['GET', 'DELETE', 'OPTIONS', 'TRACE'].includes(route.method)
            ? {}
            : url.startsWith('/api/v1/') || url.startsWith('/psc/api/')
              ? { json: { ...FORM(), account: victim.account.id, target: 'psc-tls-imap', delai: 10 } }
              : { form: { ...FORM(), ...(caller.csrf ? { csrf: await caller.csrf() } : {}) } };
          const answer = await call(route.method, url, caller, options);
          tried += 1;
          const leaked = leaks(answer.text);
          if (leaked.length > 0)
            found.push(`${caller.name} ${route.method} ${url} → ${answer.status}: ${leaked.join(', ')}`);
          if (answer.status >= 500 || answer.status === 0)
            failed.push(`${caller.name} ${route.method} ${url} → ${answer.status}`);
        }
      }
    }
    expect(found).toEqual([]);
    // Hostile input gets a clear error, never a server failure.
    expect(failed).toEqual([]);
    expect(tried).toBeGreaterThan(500);
    expect(await victimState()).toEqual(before);
  }, 300_000);

  it('the victim’s own session sees its things (the canaries are real)', async () => {
    const answer = await call('GET', `/comptes/${victim.account.id}`, {
      name: 'victime',
      headers: async () => ({ cookie: `motco_session=${victim.session}` }),
    });
    expect(leaks(answer.text)).toEqual(
      expect.arrayContaining([
        victim.account.nil,
        victim.account.idnatAuthCli,
        ...(await Promise.all([victim.account.personal, victim.account.applicative].map((a) => passwordOf(t, a)))),
      ]),
    );
    const ecps = await call('GET', '/psc/e-cps', {
      name: 'victime',
      headers: async () => ({ cookie: `motco_session=${victim.session}` }),
    });
    expect(ecps.text).toContain(`<strong class="binding">${BINDING}</strong>`);
  });
});

describe('mail logins and PSC, as an attacker', () => {
  const trust = () => path.join(files, 'igc-sante-test-roots.pem');

  it(
    'IMAP and SMTP refuse the victim’s mailboxes with the attacker’s password, ' +
      'the manual’s shared one and the attacker’s PSC token',
    async () => {
      const psc = t.endpoint('psc');
      const own = await passwordOf(t, attacker.account.personal);
      // The attacker's own valid PSC token (the platform's tools client, as `motco psc token` gets it).
      const tools = (await pscToolsClient(t.platform.store.db))!;
      const token = await new PscTokenSource(
        { discoveryUrl: t.platform.identity.psc.discoveryUrl, ...tools, idnat: attacker.account.idnatPsc },
        t.config.psc.clockSkewSeconds,
      ).access();
      const script = `
import imaplib, smtplib, ssl, base64, sys
ctx = ssl.create_default_context(cafile=${JSON.stringify(trust())})
ctx.check_hostname = False
victim, own, token = sys.argv[1], sys.argv[2], sys.argv[3]
results = []
for password in (own, 'ODTMotco2'):
    m = imaplib.IMAP4('127.0.0.1', ${psc.imapPort}); m.starttls(ssl_context=ctx)
    try:
        m.login(victim, password); results.append('imap-ok')
    except imaplib.IMAP4.error:
        results.append('imap-no')
    m.logout()
    s = smtplib.SMTP('127.0.0.1', ${psc.smtpPort}); s.starttls(context=ctx); s.ehlo()
    try:
        s.login(victim, password); results.append('smtp-ok')
    except smtplib.SMTPAuthenticationError:
        results.append('smtp-no')
    s.quit()
if token:
    blob = base64.b64encode(('user=%s\\x01auth=Bearer %s\\x01\\x01' % (victim, token)).encode()).decode()
    m = imaplib.IMAP4('127.0.0.1', ${psc.imapPort}); m.starttls(ssl_context=ctx)
    try:
        m.authenticate('XOAUTH2', lambda _: base64.b64decode(blob)); results.append('xoauth2-ok')
    except imaplib.IMAP4.error:
        results.append('xoauth2-no')
print(' '.join(results))
`;
      const { stdout } = await run('python3', ['-c', script, victim.account.personal, own, token ?? '']);
      expect(stdout.trim()).toBe(`imap-no smtp-no imap-no smtp-no${token ? ' xoauth2-no' : ''}`);
      expect(token, 'the attacker got a PSC token of its own to try with').toBeTruthy();
    },
  );

  it('on org, the attacker’s ORG_AUTH_CLI certificate does not open the victim’s applicative mailbox', async () => {
    const org = t.endpoint('org');
    const dir = path.join(t.dataDir, 'pki', 'clients', attacker.account.idnatAuthCli);
    const cert = path.join(dir, `${attacker.account.idnatAuthCli}.chain.pem`);
    const key = path.join(dir, `${attacker.account.idnatAuthCli}.key.pem`);
    const { stdout, stderr } = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--ssl-reqd',
      '--cacert',
      trust(),
      '--cert',
      cert,
      '--key',
      key,
      '--user',
      `${victim.account.applicative}:x`,
      `imap://127.0.0.1:${org.imapPort}/INBOX`,
      '--connect-to',
      `::127.0.0.1:${org.imapPort}`,
    ]).catch((e) => e);
    // curl reports a failed login as "Login denied" (exit 67) — what matters is that nothing was listed.
    expect(`${stdout}${stderr}`).not.toContain(SUBJECT);
    const refused = await t.platform.journal.query({ kind: ['auth'], endpoint: 'org' });
    const attempt = refused.filter((o) => o.data.user === victim.account.applicative).at(-1);
    expect(attempt?.data).toMatchObject({ outcome: 'failure', reason: 'certificate_ou_mismatch' });
  });
});
