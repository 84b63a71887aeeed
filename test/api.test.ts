// The REST API over real HTTP with real tokens and session cookies: authentication, roles, isolation between
// vendors (others' ids answer 404), the live log by server-sent events of a real execution, the evidence
// exports, the vendor's own journal, statistics, and an OpenAPI document that lists every route.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../src/api/index.ts';
import { ADMIN_TOKEN_FILE } from '../src/auth/index.ts';
import { hashSecret } from '../src/auth/secret.ts';
import { silentLogger } from '../src/util/log.ts';
import { apiAs, staff, vendor } from './helpers/api.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';

let t: TestPlatform;
let alice: Awaited<ReturnType<typeof vendor>>;
let bob: Awaited<ReturnType<typeof vendor>>;
let reviewer: Awaited<ReturnType<typeof staff>>;
let aliceAccount: { id: number; mailboxes: { personal: string }; passwords: { personal: string } };
let bobAccount: { id: number };
/** Alice's executions: one that hears nothing (INCONCLUSIVE), one during which her LPS opens her mailbox. */
let quiet: number;
let busy: number;

const PSC = '810001234567';

beforeAll(async () => {
  t = await startTestPlatform();
  alice = await vendor(t.platform, {
    login: 'alice',
    immatriculation: '11111111100011',
    raisonSociale: 'Éditeur Alice',
  });
  bob = await vendor(t.platform, { login: 'bob', immatriculation: '22222222200022', raisonSociale: 'Éditeur Bob' });
  reviewer = await staff(t.platform, 'agence', 'reviewer');
  aliceAccount = (await alice.api('POST', '/accounts', { nil: 'ALICE-1', idnatPsc: PSC })).body;
  bobAccount = (
    await bob.api('POST', '/accounts', { nil: 'BOB-1', idnatPsc: '899700771191', idnatAuthCli: '2123456789' })
  ).body;
});
afterAll(() => t?.stop());

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** Reads a server-sent event stream to its end (the server closes it); `onEvent` sees each event as it comes. */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  onEvent: (e: SseEvent) => void = () => {},
): Promise<{ status: number; type: string | null; events: SseEvent[] }> {
  const response = await fetch(url, { headers });
  const events: SseEvent[] = [];
  if (!response.ok || !response.body)
    return { status: response.status, type: response.headers.get('content-type'), events };
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((l) => !l.startsWith(':'))
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
      if (!fields.event) continue;
      const event = {
        event: fields.event,
        ...(fields.id ? { id: fields.id } : {}),
        data: JSON.parse(fields.data ?? 'null'),
      };
      events.push(event);
      onEvent(event);
    }
  }
  return { status: response.status, type: response.headers.get('content-type'), events };
}

describe('authentication', () => {
  it('answers 401 in French without credentials or with a wrong token', async () => {
    for (const api of [
      apiAs(t.platform),
      apiAs(t.platform, { token: 'motco_forged' }),
      apiAs(t.platform, { token: `${alice.token}x` }),
    ]) {
      const answer = await api('GET', '/accounts');
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toContain('Bearer');
      expect(answer.body).toEqual({
        error: 'unauthenticated',
        message: expect.stringContaining('Authentification requise'),
      });
    }
  });

  it('keeps API tokens hashed at rest: neither the table nor the database files hold one in clear', async () => {
    const rows = await t.platform.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.map((r) => r.token_hash)).toContain(hashSecret(alice.token));
    const files = ['motco.sqlite', 'motco.sqlite-wal']
      .map((f) => path.join(t.dataDir, f))
      .filter((f) => statSync(f, { throwIfNoEntry: false }));
    for (const file of files) {
      const bytes = readFileSync(file);
      for (const token of [alice.token, bob.token, reviewer.token]) expect(bytes.includes(token), file).toBe(false);
    }
  });

  it(
    'writes the operator’s token at first start to <data>/admin.token (0600), ' +
      'usable at once and kept at the next start',
    async () => {
      const file = path.join(t.dataDir, ADMIN_TOKEN_FILE);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const token = readFileSync(file, 'utf8').trim();
      expect((await apiAs(t.platform, { token })('GET', '/me')).body).toMatchObject({
        login: 'admin',
        role: 'admin',
        via: 'token',
      });
      expect(await t.platform.auth.ensureAdminToken(t.dataDir)).toEqual({ file, created: false });
      expect(readFileSync(file, 'utf8').trim()).toBe(token);
    },
  );

  it(
    'accepts a session cookie (HttpOnly, SameSite=Lax), ' +
      'refuses it once expired, and refuses cookie writes from another site',
    async () => {
      // startSession / sessionUser as the account site's pages will use them.
      const app = Fastify();
      app.get('/connexion', async (_request, reply) => {
        await t.platform.auth.sessions.startSession(reply, alice.user.id);
        return 'ok';
      });
      app.get('/qui', async (request) => (await t.platform.auth.sessions.sessionUser(request))?.login ?? 'personne');
      app.get('/deconnexion', async (request, reply) => {
        await t.platform.auth.sessions.endSession(request, reply);
        return 'ok';
      });
      const login = await app.inject('/connexion');
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/^motco_session=[\w-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
      const cookie = setCookie.split(';')[0]!;
      expect((await app.inject({ url: '/qui', headers: { cookie } })).body).toBe('alice');
      expect((await app.inject({ url: '/qui', headers: { cookie: 'motco_session=forged' } })).body).toBe('personne');

      const api = apiAs(t.platform, { cookie });
      expect((await api('GET', '/me')).body).toMatchObject({
        login: 'alice',
        role: 'vendor',
        via: 'session',
        organisation: { immatriculation: '11111111100011' },
      });
      const foreign = await api('POST', '/accounts', { nil: '' }, { origin: 'https://attaquant.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.body.error).toBe('foreign_origin');
      const ours = await api('POST', '/accounts', { nil: '' }, { origin: new URL(t.config.publicUrl).origin });
      expect(ours.status).toBe(400);

      const loggedOut = await app.inject({ url: '/deconnexion', headers: { cookie } });
      expect(String(loggedOut.headers['set-cookie'])).toContain('Max-Age=0');
      expect((await api('GET', '/me')).status).toBe(401);

      const second = await t.platform.auth.sessions.createSession(alice.user.id);
      const api2 = apiAs(t.platform, { cookie: `motco_session=${second.value}` });
      expect((await api2('GET', '/me')).status).toBe(200);
      await t.platform.store.db
        .updateTable('web_sessions')
        .set({ expires_at: Date.now() - 1 })
        .where('id_hash', '=', hashSecret(second.value))
        .execute();
      expect((await api2('GET', '/me')).status).toBe(401);
      await app.close();
    },
  );
});

describe('executions, live log and evidence', () => {
  it(
    'follows a real execution by server-sent events: the past lines, ' +
      'then live lines and states, then end, and the stream closes',
    async () => {
      const started = await alice.api('POST', '/executions', {
        account: aliceAccount.id,
        target: 'psc-tls-imap',
        delai: 10,
      });
      expect(started.status, JSON.stringify(started.body)).toBe(201);
      expect(started.body).toMatchObject({
        accountId: aliceAccount.id,
        targetId: 'psc-tls-imap',
        status: 'running',
        options: { delaiSeconds: 10, ip: null },
        startedBy: 'alice',
      });
      quiet = started.body.id;
      await expect
        .poll(async () => (await alice.api('GET', `/executions/${quiet}/log`)).body.lines.length)
        .toBeGreaterThanOrEqual(4);
      const past = (await alice.api('GET', `/executions/${quiet}/log`)).body.lines.length;

      // Another vendor cannot see it, follow it or stop it while it runs.
      expect((await bob.api('GET', `/executions/${quiet}`)).status).toBe(404);
      expect((await bob.api('POST', `/executions/${quiet}/cancel`)).status).toBe(404);
      expect(
        (
          await readEvents(`${t.config.publicUrl}/api/v1/executions/${quiet}/events`, {
            authorization: `Bearer ${bob.token}`,
          })
        ).status,
      ).toBe(404);

      // A follower that leaves early costs nothing to the others.
      const leaving = new AbortController();
      const early = await fetch(`${t.config.publicUrl}/api/v1/executions/${quiet}/events`, {
        headers: { authorization: `Bearer ${alice.token}` },
        signal: leaving.signal,
      });
      const first = await early.body!.getReader().read();
      expect(new TextDecoder().decode(first.value)).toContain('event: log');
      leaving.abort();

      let runningWhenFollowed = false;
      const followed = await readEvents(
        `${t.config.publicUrl}/api/v1/executions/${quiet}/events`,
        { authorization: `Bearer ${alice.token}` },
        (e) => {
          if (e.event === 'state' && e.data.status === 'running') runningWhenFollowed = true;
        },
      );
      expect(followed.status).toBe(200);
      expect(followed.type).toContain('text/event-stream');
      expect(runningWhenFollowed).toBe(true);
      const logs = followed.events.filter((e) => e.event === 'log');
      expect(logs.map((e) => e.data.seq)).toEqual(logs.map((_, i) => i + 1));
      expect(logs.map((e) => e.id)).toEqual(logs.map((e) => String(e.data.seq)));
      expect(logs.length).toBeGreaterThan(past);
      expect(logs[0]!.data.text).toContain('MIE PSC : TLS IMAP');
      expect(logs.at(-1)!.data.text).toBe('Résultat : NON CONCLUANT (code retour 1)');
      // Each line carries its run event: what followers act on, whatever the wording.
      expect(logs[0]!.data.event).toEqual({
        type: 'unit.started',
        jobId: 'psc-tls-imap',
        title: 'MIE PSC : TLS IMAP (MSS-CONF.01;03)',
      });
      const window = logs.find((e) => e.data.event.type === 'window.open')!.data.event;
      expect(window.until - window.from).toBe(10_000);
      expect(logs.at(-1)!.data.event).toEqual({ type: 'verdict', verdict: 'INCONCLUSIVE' });
      expect((await alice.api('GET', `/executions/${quiet}/log`)).body.lines).toEqual(logs.map((e) => e.data));
      expect(followed.events.at(-2)).toMatchObject({
        event: 'state',
        data: { id: quiet, status: 'finished', verdict: 'INCONCLUSIVE' },
      });
      expect(followed.events.at(-1)).toEqual({ event: 'end', data: { id: quiet, verdict: 'INCONCLUSIVE' } });

      // Once finished: everything at once, and the stream ends; Last-Event-ID resumes after a line.
      const again = await readEvents(`${t.config.publicUrl}/api/v1/executions/${quiet}/events`, {
        authorization: `Bearer ${alice.token}`,
        'last-event-id': '3',
      });
      expect(again.events.filter((e) => e.event === 'log').map((e) => e.data.seq)).toEqual(
        logs.slice(3).map((e) => e.data.seq),
      );
      expect(again.events.at(-1)!.event).toBe('end');
      expect((await alice.api('GET', `/executions/${quiet}/log?after=${logs.length - 1}`)).body).toMatchObject({
        status: 'finished',
        verdict: 'INCONCLUSIVE',
        lines: [logs.at(-1)!.data],
      });
    },
  );

  it(
    'keeps the observations a verdict used and exports them with options, ' +
      'timings, checks and log, as JSON and as a printable page',
    async () => {
      const started = await alice.api('POST', '/executions', {
        account: aliceAccount.id,
        target: 'psc-tls-imap',
        delai: 60,
      });
      busy = started.body.id;
      const psc = t.endpoint('psc');
      const roots = path.join(t.dataDir, 'roots.pem');
      writeFileSync(roots, t.platform.pki.trustBundlePem());
      const imap = await run('python3', ['test/clients/imap_client.py'], {
        input: JSON.stringify({
          host: psc.address,
          port: psc.imapPort,
          cafile: roots,
          mechanism: 'LOGIN',
          user: aliceAccount.mailboxes.personal,
          password: aliceAccount.passwords.personal,
          steps: [['select', 'INBOX']],
        }),
      });
      expect(JSON.parse(imap.stdout), imap.stderr).toMatchObject({ ok: true });
      await expect
        .poll(async () => (await alice.api('GET', `/executions/${busy}`)).body.status, { timeout: 60_000 })
        .toBe('finished');
      const execution = (await alice.api('GET', `/executions/${busy}`)).body;
      expect(['OK', 'KO']).toContain(execution.verdict);
      expect(execution.observationIds.length).toBeGreaterThan(0);
      expect(execution.children).toEqual([]);

      const exported = await alice.api('GET', `/executions/${busy}/export.json`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-disposition')).toContain(`motco-execution-${busy}.json`);
      const evidence = exported.body;
      expect(evidence.execution).toMatchObject({
        id: busy,
        title: 'MIE PSC : TLS IMAP (MSS-CONF.01;03)',
        options: { delaiSeconds: 60, ip: null },
        verdict: execution.verdict,
      });
      expect(evidence.account).toMatchObject({ id: aliceAccount.id, nil: 'ALICE-1', organisation: 'Éditeur Alice' });
      expect(evidence.durationMs).toBe(execution.endedAt - execution.startedAt);
      expect(evidence.execution.window.end - evidence.execution.window.start).toBe(60_000);
      expect(
        evidence.execution.checks.some(
          (c: { id: string; requirement: string }) => c.id === 'forbidden-suites' && c.requirement === 'MSS-CONF.03',
        ),
      ).toBe(true);
      expect(evidence.log.map((l: { text: string }) => l.text).join('\n')).toContain('ClientHello');
      // The evidence's log is as it always was (text lines); the run events are in the log API.
      expect(evidence.log.every((l: object) => !('event' in l))).toBe(true);
      const events = (await alice.api('GET', `/executions/${busy}/log`)).body.lines.map(
        (l: { event: unknown }) => l.event,
      );
      expect(events.filter((e: { type: string }) => e.type === 'fact').map((e: { kind: string }) => e.kind)).toContain(
        'tls.client_hello',
      );
      expect(
        events.filter((e: { type: string }) => e.type === 'check').map((e: { check: { id: string } }) => e.check.id),
      ).toEqual(execution.checks.map((c: { id: string }) => c.id));
      expect(evidence.observations.map((o: { id: number }) => o.id).sort()).toEqual(
        [...execution.observationIds].sort(),
      );
      const hello = evidence.observations.find((o: { kind: string }) => o.kind === 'tls.client_hello');
      expect(hello.data.cipherSuites.length).toBeGreaterThan(0);
      expect(hello.mailbox ?? aliceAccount.mailboxes.personal).toBe(aliceAccount.mailboxes.personal);

      const page = await fetch(`${t.config.publicUrl}/api/v1/executions/${busy}/export.html`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      expect(page.headers.get('content-type')).toContain('text/html');
      const htmlText = await page.text();
      expect(htmlText).toContain('<html lang="fr">');
      expect(htmlText).toContain(`Exécution #${busy} — MIE PSC : TLS IMAP (MSS-CONF.01;03)`);
      expect(htmlText).toContain('NIL ALICE-1');
      expect(htmlText).toContain('délai 60 s, adresse IP non renseignée');
      expect(htmlText).toContain('Vérifications');
      expect(htmlText).toContain('MSS-CONF.03');
      expect(htmlText).toContain('Journal d’exécution');
      expect(htmlText).toContain(`Observation ${hello.id} — tls.client_hello`);
      expect(htmlText).toContain('&quot;cipherSuites&quot;');
    },
  );

  it('lets an agency reviewer read any execution and its evidence by id, and nothing else', async () => {
    const r = reviewer.api;
    expect((await r('GET', `/executions/${busy}`)).body.id).toBe(busy);
    expect((await r('GET', `/executions/${busy}/log`)).body.lines.length).toBeGreaterThan(0);
    expect((await r('GET', `/executions/${busy}/export.json`)).body.observations.length).toBeGreaterThan(0);
    const html = await fetch(`${t.config.publicUrl}/api/v1/executions/${busy}/export.html`, {
      headers: { authorization: `Bearer ${reviewer.token}` },
    });
    expect(html.status).toBe(200);
    expect(
      (
        await readEvents(`${t.config.publicUrl}/api/v1/executions/${quiet}/events`, {
          authorization: `Bearer ${reviewer.token}`,
        })
      ).events.at(-1)!.event,
    ).toBe('end');
    for (const [method, url, body] of [
      ['GET', '/accounts'],
      ['GET', `/accounts/${aliceAccount.id}`],
      ['POST', '/accounts', { nil: 'REV-1', idnatPsc: '0123456789' }],
      ['POST', '/executions', { account: aliceAccount.id, target: 'psc-tls-imap' }],
      ['GET', '/executions'],
      ['POST', `/executions/${busy}/cancel`],
      ['GET', '/journal'],
      ['GET', '/jobs/psc-tls-imap/stats'],
      ['POST', '/provisioning/run'],
    ] as const) {
      const answer = await r(method, url, body);
      expect(answer.status, `${method} ${url}`).toBe(403);
      expect(answer.body.message).toBe('Votre rôle ne permet pas cette opération.');
    }
    expect((await r('GET', '/executions/999999')).status).toBe(404);
  });
});

describe('isolation between vendors', () => {
  it(
    'answers 404 for another vendor’s account, execution, export, ' +
      'log, events and certificate — as for ids that do not exist',
    async () => {
      const b = bob.api;
      for (const url of [
        `/accounts/${aliceAccount.id}`,
        `/executions/${busy}`,
        `/executions/${busy}/log`,
        `/executions/${busy}/export.json`,
        `/executions/${busy}/export.html`,
        `/jobs/psc-tls-imap?account=${aliceAccount.id}`,
        `/accounts/${bobAccount.id + 1000}`,
      ]) {
        const answer = await b('GET', url);
        expect(answer.status, url).toBe(404);
        expect(answer.body).toEqual({ error: 'not_found', message: 'Ressource introuvable.' });
      }
      expect((await b('GET', `/accounts/${bobAccount.id}/certificate.p12`)).status).toBe(200);
      expect((await alice.api('GET', `/accounts/${bobAccount.id}/certificate.p12`)).status).toBe(404);
      expect((await b('PUT', `/accounts/${aliceAccount.id}`, { nil: 'PRIS', idnatPsc: PSC })).status).toBe(404);
      expect(
        (await b('POST', '/executions', { account: aliceAccount.id, target: 'psc-tls-imap', delai: 10 })).status,
      ).toBe(404);
      expect(
        (
          await readEvents(`${t.config.publicUrl}/api/v1/executions/${busy}/events`, {
            authorization: `Bearer ${bob.token}`,
          })
        ).status,
      ).toBe(404);
    },
  );

  it('never lists another vendor’s accounts, executions or statistics', async () => {
    expect((await bob.api('GET', '/accounts')).body.accounts.map((a: { id: number }) => a.id)).toEqual([bobAccount.id]);
    expect((await alice.api('GET', '/accounts')).body.accounts.map((a: { id: number }) => a.id)).toEqual([
      aliceAccount.id,
    ]);
    expect((await bob.api('GET', '/executions')).body.executions).toEqual([]);
    expect((await bob.api('GET', `/executions?account=${aliceAccount.id}`)).body.executions).toEqual([]);
    expect(
      (await alice.api('GET', '/executions?topLevel=true')).body.executions.map((e: { id: number }) => e.id),
    ).toEqual([busy, quiet]);
    expect(
      (await alice.api('GET', `/executions?verdict=INCONCLUSIVE`)).body.executions.map((e: { id: number }) => e.id),
    ).toEqual([quiet]);
    expect(
      (await alice.api('GET', `/executions?before=${busy}`)).body.executions.map((e: { id: number }) => e.id),
    ).toEqual([quiet]);
    const mine = (await alice.api('GET', '/jobs/psc-tls-imap/stats')).body;
    expect(mine.executions).toBe(2);
    expect(mine.meanDurationMs).toBeGreaterThan(0);
    expect((await bob.api('GET', '/jobs/psc-tls-imap/stats')).body).toEqual({
      executions: 0,
      successRate: 0,
      meanDurationMs: 0,
    });
    const carol = await vendor(t.platform, { login: 'carol', immatriculation: '333333333' });
    expect((await carol.api('GET', '/jobs/psc-tls-imap/stats')).body.executions).toBe(0);
    expect((await carol.api('GET', '/executions')).body.executions).toEqual([]);
    expect((await carol.api('GET', '/accounts')).body.accounts).toEqual([]);
    const admin = apiAs(t.platform, { token: readFileSync(path.join(t.dataDir, ADMIN_TOKEN_FILE), 'utf8').trim() });
    expect((await admin('GET', '/accounts')).body.accounts).toHaveLength(2);
    expect((await admin('GET', '/jobs/psc-tls-imap/stats')).body.executions).toBe(2);
  });

  it('shows a vendor the journal of its own mailboxes’ sessions only', async () => {
    const mine = (await alice.api('GET', '/journal?limit=1000')).body.observations;
    expect(mine.length).toBeGreaterThan(0);
    expect(
      mine.some(
        (o: { kind: string; mailbox: string | null }) =>
          o.kind === 'auth' && o.mailbox === aliceAccount.mailboxes.personal,
      ),
    ).toBe(true);
    expect(mine.some((o: { kind: string }) => o.kind === 'tls.client_hello')).toBe(true);
    const sessions = new Set(mine.map((o: { sessionId: string }) => o.sessionId));
    expect(sessions.size).toBe(1);
    const auths = (await alice.api('GET', '/journal?kind=auth')).body.observations;
    expect(auths.every((o: { kind: string }) => o.kind === 'auth')).toBe(true);
    expect(
      (await alice.api('GET', `/journal?since=${new Date(Date.now() + 60_000).toISOString()}`)).body.observations,
    ).toEqual([]);
    const paged = (await alice.api('GET', '/journal?limit=2')).body;
    expect(paged.next).toBe(mine[1].id);
    expect((await alice.api('GET', `/journal?after=${paged.next}&limit=1000`)).body.observations).toEqual(
      mine.slice(2),
    );
    const invalid = await alice.api('GET', '/journal?since=hier');
    expect(invalid.status).toBe(400);
    expect(invalid.body.fields).toEqual([
      { field: 'since', code: 'custom', message: 'Date invalide « hier » : date ISO 8601 ou millisecondes attendues.' },
    ]);

    expect((await bob.api('GET', '/journal?limit=1000')).body.observations).toEqual([]);
  });
});

describe('catalogue and document', () => {
  it('serves the catalogue, and each job’s Attendus written for the caller’s account', async () => {
    const catalogue = (await reviewer.api('GET', '/jobs')).body;
    expect(catalogue.folders).toHaveLength(7);
    expect(catalogue.folders.flatMap((f: { jobs: unknown[] }) => f.jobs)).toHaveLength(34);
    expect(catalogue.folders.filter((f: { global: boolean }) => f.global)).toHaveLength(5);
    expect(catalogue.options.delai).toEqual({ min: 10, max: 900, default: 60 });
    const job = (await alice.api('GET', `/jobs/psc-tls-imap?account=${aliceAccount.id}`)).body;
    expect(job.job).toMatchObject({ id: 'psc-tls-imap', bal: 'PSC', protocol: 'imap', endpoint: 'psc' });
    expect(job.attendus.prerequisites.join(' ')).toContain(aliceAccount.mailboxes.personal);
    expect((await alice.api('GET', '/jobs/MSS-LPS-SEGUR-APP')).body.folder.jobs).toHaveLength(2);
    expect((await alice.api('GET', '/jobs/inconnu')).status).toBe(404);
    const route = await alice.api('GET', '/nulle-part');
    expect(route.status).toBe(404);
    expect(route.body.message).toContain('openapi.json');
  });

  it('publishes an OpenAPI 3.1 document listing every registered /api/v1 route', async () => {
    const registered: string[] = [];
    const app = Fastify();
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) registered.push(`${method} ${route.url}`);
    });
    const p = t.platform;
    await app.register(
      apiRoutes({
        config: p.config,
        accounts: p.accounts,
        directory: p.users,
        auth: p.auth,
        runner: p.runner,
        executions: p.executions,
        journal: p.journal,
        schedule: p.schedule,
        pki: p.pki,
        log: silentLogger,
      }),
    );
    await app.ready();
    const document = (await app.inject('/api/v1/openapi.json')).json();
    await app.close();

    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    const asOpenApi = (route: string) => route.replace(/:(\w+)/g, '{$1}');
    expect(registered.length).toBeGreaterThanOrEqual(18);
    expect(
      registered
        .filter((r) => r.split(' ')[1]!.startsWith('/api/v1/'))
        .map(asOpenApi)
        .sort(),
    ).toEqual(documented.sort());

    const served = await apiAs(t.platform)('GET', '/openapi.json');
    expect(served.status).toBe(200);
    expect(Object.keys(served.body.paths).sort()).toEqual(Object.keys(document.paths).sort());
    const create = served.body.paths['/api/v1/accounts'].post;
    expect(create.requestBody.content['application/json'].schema.properties).toHaveProperty('idnatAuthCli');
    expect(create.responses['201'].content['application/json'].schema.properties).toHaveProperty('patientAddress');
    expect(create.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/Erreur');
    expect(served.body.paths['/api/v1/executions/{id}/events'].get.responses['200'].content).toHaveProperty(
      'text/event-stream',
    );
    const logLine =
      served.body.paths['/api/v1/executions/{id}/log'].get.responses['200'].content['application/json'].schema
        .properties.lines.items;
    expect(Object.keys(logLine.properties)).toEqual(['seq', 'at', 'level', 'text', 'jobId', 'event']);
    expect(JSON.stringify(logLine.properties.event)).toContain('"child.started"');
    expect(served.body.paths['/api/v1/executions/{id}'].get.parameters).toEqual([
      expect.objectContaining({ name: 'id', in: 'path', required: true }),
    ]);
  });
});

describe('global jobs', () => {
  it('shows a global job with its steps, stops them together, and exports the steps’ evidence', async () => {
    const started = await alice.api('POST', '/executions', {
      account: aliceAccount.id,
      target: 'MSS-LPS-SEGUR-PER-ORG-1',
      delai: 10,
    });
    expect(started.status).toBe(400);
    expect(started.body.fields).toEqual([{ field: 'ip', message: expect.stringContaining('adresse IP publique') }]);
    const folder = (
      await alice.api('POST', '/executions', {
        account: aliceAccount.id,
        target: 'MSS-LPS-SEGUR-PER-ORG-1',
        delai: 10,
        ip: '192.0.2.7',
      })
    ).body;
    expect(folder).toMatchObject({
      targetType: 'folder',
      title: 'Job global MSS-LPS-SEGUR-PER-ORG-1',
      options: { ip: '192.0.2.7' },
    });
    await expect.poll(async () => (await alice.api('GET', `/executions/${folder.id}`)).body.children.length).toBe(1);
    expect((await alice.api('POST', `/executions/${folder.id}/cancel`)).status).toBe(202);
    await expect.poll(async () => (await alice.api('GET', `/executions/${folder.id}`)).body.status).toBe('finished');
    const tree = (await alice.api('GET', `/executions/${folder.id}`)).body;
    expect(tree.verdict).toBe('CANCELLED');
    expect(tree.children).toEqual([
      expect.objectContaining({ parentId: folder.id, targetId: 'psc-auth-imap', verdict: 'CANCELLED', children: [] }),
    ]);
    expect((await alice.api('POST', `/executions/${folder.id}/cancel`)).body).toEqual({
      error: 'not_running',
      message: `L’exécution #${folder.id} n’est pas en cours.`,
    });

    const evidence = (await reviewer.api('GET', `/executions/${folder.id}/export.json`)).body;
    expect(evidence.children).toHaveLength(1);
    expect(evidence.children[0].execution.title).toBe('MIE PSC : Authentification IMAP (MSS-CONF.07)');
    expect(evidence.children[0].log.length).toBeGreaterThan(0);
    const page = await (
      await fetch(`${t.config.publicUrl}/api/v1/executions/${folder.id}/export.html`, {
        headers: { authorization: `Bearer ${alice.token}` },
      })
    ).text();
    expect(page).toContain(`Étape : exécution #${tree.children[0].id} — MIE PSC : Authentification IMAP (MSS-CONF.07)`);
  });
});
