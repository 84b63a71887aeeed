// Two instances of the platform on one PostgreSQL database, as the agency deploys them behind a load balancer
// (PostgreSQL leg only: TEST_POSTGRES_URL). What one instance sees reaches the other over LISTEN/NOTIFY: a job
// started through one instance's API judges a client served by the other, IDLE on one hears a delivery made on
// the other, one instance's live log shows the other's execution line by line, and a cancel sent to one stops
// the execution the other runs. One instance leads (advisory lock); the other's claims check tells a running
// execution from an abandoned one. Then HAProxy (mode tcp, PROXY v2) in front of both instances' IMAP and SMTP:
// sessions spread over both, a job started on one judges a session the other served, and the journal holds the
// client's own address, not HAProxy's. Clients are python3 smtplib and imaplib, nodemailer and imapflow.
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import { sql } from 'kysely';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/config.ts';
import type { EndpointId } from '../src/config/schema.ts';
import type { Observation } from '../src/observe/journal.ts';
import { startPlatform } from '../src/platform.ts';
import type { ExecutionEvent } from '../src/runner/types.ts';
import { DATABASE_URL_FILE } from '../src/store/store.ts';
import { silentLogger } from '../src/util/log.ts';
import { apiAs } from './helpers/api.ts';
import { randomPortBase, testDataDir, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

const admin = process.env.TEST_POSTGRES_URL;
/** HAProxy connects to the instances from this address (the one trusted to send PROXY headers)… */
const BALANCER = '127.0.0.3';
/** …and the client connects to HAProxy from this one: what the journal must show. */
const CLIENT = '127.0.0.2';

interface SseEvent {
  event: string;
  data: any;
}

/** An instance on a data folder (its own ports); an IDLE session hears other processes' changes only by the bus. */
async function instance(dataDir: string): Promise<TestPlatform> {
  for (let attempt = 0; ; attempt++) {
    const config = loadConfig({
      env: {},
      cwd: dataDir,
      overrides: {
        dataDir,
        portBase: randomPortBase(),
        imap: { changePollSeconds: 3600 },
        runner: { delaiMinSeconds: 2 },
        proxyProtocol: { imap: true, smtp: true, trustedSources: [BALANCER] },
      },
    });
    try {
      const platform = await startPlatform(config, { log: silentLogger });
      return {
        platform,
        config,
        dataDir,
        endpoint: (id: EndpointId) => config.endpoints.find((e) => e.id === id)!,
        stop: () => platform.stop(),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

/** Reads a server-sent event stream to its end (the server closes it at the execution's end). */
async function readEvents(url: string, token: string, onEvent: (e: SseEvent) => void = () => {}): Promise<SseEvent[]> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok || !response.body) throw new Error(`SSE ${url}: ${response.status}`);
  const events: SseEvent[] = [];
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
      const event = { event: fields.event, data: JSON.parse(fields.data ?? 'null') };
      events.push(event);
      onEvent(event);
    }
  }
  return events;
}

describe.runIf(admin)('two instances on one PostgreSQL', () => {
  let a: TestPlatform;
  let b: TestPlatform;
  let alice: VendorAccount;
  const folders: string[] = [];

  beforeAll(async () => {
    // Same database, same PKI (the CAs), separate data folders and ports: two hosts of one deployment.
    const dirA = testDataDir('motco-instance-a-');
    const dirB = mkdtempSync(path.join(os.tmpdir(), 'motco-instance-b-'));
    folders.push(dirA, dirB);
    cpSync(path.join(dirA, 'pki'), path.join(dirB, 'pki'), { recursive: true });
    copyFileSync(path.join(dirA, DATABASE_URL_FILE), path.join(dirB, DATABASE_URL_FILE));
    a = await instance(dirA);
    b = await instance(dirB);
    alice = await vendorWithAccount(a, {
      login: 'alice',
      immatriculation: '11111111100011',
      nil: 'DEV-ALICE',
      idnatPsc: '810000000123',
      idnatAuthCli: '10123456789',
    });
  });

  afterAll(async () => {
    await b?.stop();
    await a?.stop();
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a job through an instance's API and waits until its window is open. */
  async function startOn(on: TestPlatform, target: string, delai: number, ip = '127.0.0.1'): Promise<number> {
    const started = await apiAs(on.platform, { token: alice.token })('POST', '/executions', {
      account: alice.id,
      target,
      delai,
      ip,
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as number;
    await expect
      .poll(async () => (await on.platform.executions.log(id)).some((l) => l.event?.type === 'window.open'), {
        timeout: 20_000,
      })
      .toBe(true);
    return id;
  }
  const startOnA = (target: string, delai: number) => startOn(a, target, delai);

  it('elects one leader', () => {
    expect([a.platform.bus.leader(), b.platform.bus.leader()]).toEqual([true, false]);
  });

  it(
    'a job started through A judges a client served by B, ' + 'early, and B’s live log shows A’s lines as they come',
    async () => {
      const id = await startOnA('psc-send-smtp', 300);
      const relayed: ExecutionEvent[] = [];
      const unfollow = b.platform.runner.follow(id, (e) => relayed.push(e));
      // Facts only B records: what A's journal emits of them came over the bus.
      const heardOnA: Observation[] = [];
      const unsubscribe = a.platform.journal.subscribe({ endpoint: 'psc', protocol: 'smtp' }, (o) => heardOnA.push(o));
      let live!: () => void;
      const streaming = new Promise<void>((resolve) => (live = resolve));
      const sse = readEvents(
        `${b.config.publicUrl}/api/v1/executions/${id}/events`,
        alice.token,
        (e) => e.event === 'state' && live(),
      );
      await streaming;

      // A careless client on B: MAIL FROM in clear, never STARTTLS.
      const script =
        `import smtplib\ns = smtplib.SMTP('127.0.0.1', ${b.endpoint('psc').smtpPort}, timeout=10)\ns.ehlo()\n` +
        `print(s.docmd('MAIL', 'FROM:<${alice.account.personalMailbox}>')[0])\ns.quit()`;
      const client = await run('python3', ['-c', script]);
      expect(client.stdout.trim(), client.stderr).toBe('530');

      const events = await sse;
      unsubscribe();
      const execution = (await a.platform.executions.get(id))!;
      const log = await a.platform.executions.log(id);
      expect(execution.verdict, log.map((l) => l.text).join('\n')).toBe('KO');
      expect(log.some((l) => l.event?.type === 'verdict.early')).toBe(true);
      expect(execution.checks.find((c) => c.id === 'starttls')).toMatchObject({ outcome: 'fail' });
      // B's stream: the lines A wrote after it opened, the end.
      expect(events.filter((e) => e.event === 'log').map((e) => e.data.event?.type)).toEqual(
        expect.arrayContaining(['fact', 'verdict.early', 'check', 'verdict']),
      );
      expect(events.at(-1)).toMatchObject({ event: 'end', data: { id, verdict: 'KO' } });
      // B's runner relayed A's execution (followers here never read the store themselves).
      // (B's stream may have ended first, on its own re-read of the execution.)
      await expect
        .poll(() => relayed.at(-1), { timeout: 20_000 })
        .toMatchObject({ type: 'state', execution: { id, status: 'finished', verdict: 'KO' } });
      unfollow();
      expect(relayed.filter((e) => e.type === 'log').map((e) => e.type === 'log' && e.line.event?.type)).toEqual(
        expect.arrayContaining(['verdict.early', 'verdict']),
      );
      expect(heardOnA.some((o) => o.kind === 'session.open' && o.clientIp === '127.0.0.1')).toBe(true);
    },
  );

  it('IDLE on B hears a message delivered by SMTP on A', async () => {
    const user = alice.account.personalMailbox!;
    const pass = alice.context.passwords[user]!;
    const trust = a.platform.pki.trustBundlePem();
    const onB = b.endpoint('psc');
    const idler = new ImapFlow({
      host: onB.address,
      port: onB.imapPort,
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [trust], servername: onB.host },
      auth: { user, pass },
      logger: false,
    });
    await idler.connect();
    try {
      const before = (await idler.mailboxOpen('INBOX')).exists;
      const counts: number[] = [];
      idler.on('exists', (event: { count: number }) => counts.push(event.count));
      const idling = idler.idle();
      const onA = a.endpoint('psc');
      const transport = nodemailer.createTransport({
        host: onA.address,
        port: onA.smtpPort,
        secure: false,
        requireTLS: true,
        tls: { ca: [trust], servername: onA.host },
        auth: { user, pass },
      });
      await transport.sendMail({ from: user, to: user, subject: 'Par l’instance A', text: 'Bonjour' });
      transport.close();
      // The IDLE session's own look for changes is an hour away (imap.changePollSeconds): only the bus tells it.
      await expect.poll(() => counts.at(-1), { timeout: 20_000 }).toBe(before + 1);
      await idler.logout();
      await idling.catch(() => undefined);
    } finally {
      idler.close();
    }
  });

  it('a cancel sent to B stops the execution A runs, and B’s live log shows it end', async () => {
    const id = await startOnA('psc-access-imap', 300);
    // A runs it: its claim is held (B would never take it for abandoned).
    expect(await b.platform.bus.claims!.heldElsewhere(id)).toBe(true);
    const relayed: ExecutionEvent[] = [];
    const unfollow = b.platform.runner.follow(id, (e) => relayed.push(e));
    let live!: () => void;
    const streaming = new Promise<void>((resolve) => (live = resolve));
    const sse = readEvents(
      `${b.config.publicUrl}/api/v1/executions/${id}/events`,
      alice.token,
      (e) => e.event === 'state' && live(),
    );
    await streaming;

    const cancelled = await apiAs(b.platform, { token: alice.token })('POST', `/executions/${id}/cancel`);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(202);
    const events = await sse;
    expect(events.filter((e) => e.event === 'log').map((e) => e.data.text)).toContain(
      'Travail arrêté par l’utilisateur.',
    );
    expect(events.at(-1)).toMatchObject({ event: 'end', data: { id, verdict: 'CANCELLED' } });
    await expect
      .poll(() => relayed.at(-1), { timeout: 20_000 })
      .toMatchObject({ type: 'state', execution: { id, verdict: 'CANCELLED' } });
    unfollow();
    expect(relayed.some((e) => e.type === 'log' && e.line.text === 'Travail arrêté par l’utilisateur.')).toBe(true);
    expect((await a.platform.executions.get(id))?.verdict).toBe('CANCELLED');
    // Ended: nobody holds it any more, and B refuses a second cancel.
    await expect.poll(() => b.platform.bus.claims!.heldElsewhere(id)).toBe(false);
    expect((await apiAs(b.platform, { token: alice.token })('POST', `/executions/${id}/cancel`)).status).toBe(409);
  });

  it('an execution left running by no live process is unclaimed', async () => {
    const orphan = await b.platform.executions.create({
      accountId: alice.id,
      account: {
        nil: alice.nil,
        runnerUserId: 'x',
        idnatPsc: null,
        idnatAuthCli: null,
        personalMailbox: null,
        applicativeMailbox: null,
        patientAddress: null,
      },
      targetType: 'job',
      targetId: 'psc-send-smtp',
      parentId: null,
      options: { delaiSeconds: 60, ip: null },
      startedBy: 'test',
    });
    expect(await a.platform.bus.claims!.heldElsewhere(orphan.id)).toBe(false);
    // Not running anywhere: a cancel is refused rather than sent into the void.
    expect(await b.platform.runner.cancel(orphan.id)).toBe(false);
    await a.platform.executions.finish(orphan.id, 'INTERRUPTED', [], []);
  });

  it(
    'a cut bus connection comes back: ' + 'the claims are taken again and a cancel still reaches the execution',
    async () => {
      const id = await startOnA('psc-access-imap', 300);
      expect(await b.platform.bus.claims!.heldElsewhere(id)).toBe(true);
      // The connection holding the execution's claim is A's bus connection: PostgreSQL ends it.
      const query = sql<{ pid: number }>`SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND classid = ${0x6d6f7463} AND objid = ${id}`.compile(
        b.platform.store.db,
      );
      const holder = await b.platform.store.db.executeQuery(query);
      expect(holder.rows).toHaveLength(1);
      await sql`SELECT pg_terminate_backend(${holder.rows[0]!.pid})`.execute(b.platform.store.db);
      // A new connection (another backend) holds the claim again.
      const claimant = async () => (await b.platform.store.db.executeQuery<{ pid: number }>(query)).rows[0]?.pid;
      await expect
        .poll(claimant, { timeout: 20_000 })
        .toSatisfy((pid) => typeof pid === 'number' && pid !== holder.rows[0]!.pid);
      expect(await b.platform.bus.claims!.heldElsewhere(id)).toBe(true);
      const cancelled = await apiAs(b.platform, { token: alice.token })('POST', `/executions/${id}/cancel`);
      expect(cancelled.status).toBe(202);
      await expect
        .poll(async () => (await a.platform.executions.get(id))?.verdict, { timeout: 20_000 })
        .toBe('CANCELLED');
    },
  );

  it(
    'behind HAProxy (PROXY v2): sessions spread over both instances, ' +
      'a job started on one judges a session the other served, with the client’s own address',
    async () => {
      const base = randomPortBase();
      const front = { smtp: base, imap: base + 1 };
      const backend = (protocol: 'smtp' | 'imap') =>
        [a, b]
          .map((i, n) => {
            const e = i.endpoint('psc');
            const port = protocol === 'smtp' ? e.smtpPort : e.imapPort;
            return `  server ${'ab'[n]} ${e.address}:${port} send-proxy-v2 source ${BALANCER}`;
          })
          .join('\n');
      const config = path.join(folders[0]!, 'haproxy.cfg');
      writeFileSync(
        config,
        [
          'defaults',
          '  mode tcp',
          '  timeout connect 5s',
          '  timeout client 30s',
          '  timeout server 30s',
          ...(['smtp', 'imap'] as const).flatMap((p) => [
            `frontend ${p}`,
            `  bind 127.0.0.1:${front[p]}`,
            `  default_backend ${p}s`,
            `backend ${p}s`,
            '  balance roundrobin',
            backend(p),
          ]),
          '',
        ].join('\n'),
      );
      const haproxy = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      haproxy.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      try {
        await expect.poll(() => connects(front.smtp), { timeout: 10_000 }).toBe(true);
        await expect.poll(() => connects(front.imap), { timeout: 10_000 }).toBe(true);
        const served = (o: Observation) => (o.kind === 'session.open' ? o.data.localPort : undefined);
        const ports = {
          smtp: [a, b].map((i) => i.endpoint('psc').smtpPort),
          imap: [a, b].map((i) => i.endpoint('psc').imapPort),
        };

        // IMAP through HAProxy, twice (round robin: once to each instance): the sessions are the client's.
        const imap =
          `import imaplib, socket\nclass C(imaplib.IMAP4):\n  def _create_socket(self, timeout):\n` +
          `    return socket.create_connection((self.host, self.port), timeout, ` +
          `source_address=('${CLIENT}', 0))\nfor _ in range(2):\n` +
          `  m = C('127.0.0.1', ${front.imap}, timeout=10)\n  print(m.capability()[0])\n  m.logout()`;
        const imapRun = await run('python3', ['-c', imap]);
        expect(imapRun.stdout.trim(), imapRun.stderr + stderr).toBe('OK\nOK');
        const imapOpens = await a.platform.journal.query({ kind: 'session.open', protocol: 'imap', clientIp: CLIENT });
        expect(imapOpens.map(served).sort()).toEqual([...ports.imap].sort());

        // SMTP: a first session shows which instance HAProxy chose; round robin sends the next one to the other.
        const smtp = (mail: boolean) =>
          `import smtplib\ns = smtplib.SMTP('127.0.0.1', ${front.smtp}, timeout=10, ` +
          `source_address=('${CLIENT}', 0))\ns.ehlo()\n` +
          `${mail ? `print(s.docmd('MAIL', 'FROM:<${alice.account.personalMailbox}>')[0])` : 'print(250)'}\ns.quit()`;
        expect((await run('python3', ['-c', smtp(false)])).stdout.trim()).toBe('250');
        const probe = (await a.platform.journal.query({ kind: 'session.open', protocol: 'smtp', clientIp: CLIENT })).at(
          -1,
        )!;
        const [starter, server] = served(probe) === ports.smtp[0] ? [a, b] : [b, a];
        const id = await startOn(starter, 'psc-send-smtp', 300, CLIENT);
        const client = await run('python3', ['-c', smtp(true)]);
        expect(client.stdout.trim(), client.stderr + stderr).toBe('530');
        await expect
          .poll(async () => (await starter.platform.executions.get(id))?.status, { timeout: 20_000 })
          .toBe('finished');
        const execution = (await starter.platform.executions.get(id))!;
        const log = await starter.platform.executions.log(id);
        expect(execution.verdict, log.map((l) => l.text).join('\n')).toBe('KO');
        expect(log.some((l) => l.event?.type === 'verdict.early')).toBe(true);
        // The evidence: the session the other instance served, under the client's address (never HAProxy's).
        const evidence = await a.platform.journal.byIds(execution.observationIds);
        expect(evidence.length).toBeGreaterThan(0);
        expect(new Set(evidence.map((o) => o.clientIp))).toEqual(new Set([CLIENT]));
        const opened = (
          await a.platform.journal.query({ kind: 'session.open', protocol: 'smtp', clientIp: CLIENT })
        ).find((o) => o.sessionId === evidence[0]!.sessionId)!;
        expect(served(opened)).toBe(server.endpoint('psc').smtpPort);
        expect(await a.platform.journal.query({ clientIp: BALANCER })).toEqual([]);
      } finally {
        haproxy.kill();
      }
    },
  );
});

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
