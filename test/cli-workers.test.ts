// `motco start --workers 2`: two worker processes behind the cluster's shared sockets. Real clients show that
// both serve, that an IMAP IDLE session on one hears a delivery made through the other, that an execution
// started through the API on one judges a client served by the other, that a client certificate issued on one
// reads « good » at the other's OCSP responder, that the connection limits count both workers' connections
// together, that a killed worker is replaced (its connections' places given back) while the platform keeps
// serving, and that SIGTERM stops every process. Which worker holds a connection is read from Linux's /proc (the
// socket's inode among the worker's open files): nothing is exposed for the test.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_TLS12_SUITES } from '../src/mail/tls/policy.ts';
import { randomPortBase, testDataDir } from './helpers/platform.ts';
import { cleanEnv, motco, waitForMatch } from './helpers/run.ts';

const NIL = 'DEV-WORKERS-1';
/** limits.maxConnectionsPerAddress for this platform. */
const PER_ADDRESS = 10;
const running: ChildProcess[] = [];
const dirs: string[] = [];
let env: NodeJS.ProcessEnv;
let dataDir: string;
let primary: { child: ChildProcess; output: () => string; exited: Promise<number | null> };
let psc: { host: string; address: string; imap: number; smtp: number };
let mailDomain: string;
let web: string;
let trust: string;
let adminToken: string;
/** The product account the executions run for (made by the execution test). */
let accountId: number;

/** The worker pids the primary reported ready, latest per worker index. */
function workerPids(): number[] {
  const latest = new Map<number, number>();
  for (const m of primary.output().matchAll(/Processus (\d+) prêt \(pid (\d+)\)/g))
    latest.set(Number(m[1]), Number(m[2]));
  return [...latest.values()];
}

/** The worker (pid) holding the server side of the TCP connection from local port `clientPort` to `serverPort`. */
function servedBy(serverPort: number, clientPort: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const port = (address: string) => Number.parseInt(address.split(':').at(-1)!, 16);
      if (port(fields[1]!) === serverPort && port(fields[2]!) === clientPort) inodes.add(fields[9]!);
    }
  }
  for (const pid of workerPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // a worker that died
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '')) return pid;
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}

/** A TCP connection to `port` that a worker (not `notServedBy`) holds; its greeting is left unread for the client. */
async function connectionTo(port: number, notServedBy?: number): Promise<{ socket: net.Socket; pid: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const socket = net.connect(port, psc.address);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    // The primary hands the connection over to a worker: wait until one holds it.
    let pid: number | undefined;
    for (let i = 0; i < 100 && pid === undefined; i++) {
      pid = servedBy(port, socket.localPort!);
      if (pid === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    if (pid !== undefined && pid !== notServedBy) return { socket, pid };
    socket.destroy();
  }
  throw new Error(`no worker other than ${notServedBy} took a connection to ${port}`);
}

/**
 * `count` IMAP connections from the loopback address `from`, each with its greeting (OK or the limit's BYE) and the
 * worker holding it (a connection refused is still held until its BYE is read).
 */
async function greeted(count: number, from: string): Promise<{ socket: net.Socket; greeting: string }[]> {
  const open = (): Promise<{ socket: net.Socket; greeting: string }> =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ port: psc.imap, host: psc.address, localAddress: from });
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes('\r\n')) resolve({ socket, greeting: text.split('\r\n')[0]! });
      });
      socket.once('error', reject);
    });
  // One after the other: which ones are refused is then known (the last ones).
  const all = [];
  for (let i = 0; i < count; i++) all.push(await open());
  return all;
}

/** How many of PER_ADDRESS connections from `from` are greeted `* OK` (closed again at once). */
async function placesFor(from: string): Promise<number> {
  const again = await greeted(PER_ADDRESS, from);
  for (const { socket } of again) socket.destroy();
  return again.filter((c) => c.greeting.startsWith('* OK')).length;
}

/** The status the platform's OCSP responder gives `serial` (hex) of the ORG CA: OpenSSL's request and reading. */
async function ocspStatus(serial: string, agent?: http.Agent): Promise<string | undefined> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-workers-ocsp-'));
  dirs.push(dir);
  const issuer = path.join(dataDir, 'pki', 'ca', 'igc-sante-test-org.pem');
  const request = path.join(dir, 'request.der');
  execFileSync('openssl', ['ocsp', '-issuer', issuer, '-serial', `0x${serial}`, '-no_nonce', '-reqout', request]);
  const answer = await new Promise<Buffer>((resolve, reject) => {
    const post = http.request(
      `${web}/pki/ocsp`,
      { agent, method: 'POST', headers: { 'content-type': 'application/ocsp-request' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      },
    );
    post.on('error', reject);
    post.end(readFileSync(request));
  });
  const responseFile = path.join(dir, 'response.der');
  writeFileSync(responseFile, answer);
  const text = execFileSync('openssl', ['ocsp', '-respin', responseFile, '-resp_text', '-noverify'], {
    encoding: 'utf8',
  });
  return /Cert Status: (\w+)/.exec(text)?.[1];
}

/** An SMTP client (nodemailer's) on a connection already open: STARTTLS with the allowed suites only. */
function smtpOn(socket: net.Socket): SMTPConnection {
  const ciphers = ALLOWED_TLS12_SUITES.map((s) => s.openssl).join(':');
  return new SMTPConnection({
    connection: socket,
    requireTLS: true,
    name: 'lps.example',
    tls: { ca: readFileSync(trust, 'utf8'), servername: psc.host, ciphers, minVersion: 'TLSv1.2' },
  });
}

function smtp<T>(act: (done: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => act((error, value) => (error ? reject(error) : resolve(value as T))));
}

/** A keep-alive HTTP connection to send API requests through, and the worker that holds it. */
async function apiConnection(): Promise<{ agent: http.Agent; pid: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const clientPort = await new Promise<number>((resolve, reject) => {
    http
      .get(`${web}/api/v1/openapi.json`, { agent }, (res) => {
        const port = res.socket.localPort!;
        res.resume().on('end', () => resolve(port));
      })
      .on('error', reject);
  });
  const pid = servedBy(Number(new URL(web).port), clientPort);
  if (pid === undefined) throw new Error('no worker holds the HTTP connection');
  return { agent, pid };
}

function api(
  agent: http.Agent | undefined,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${web}/api/v1${url}`,
      {
        agent,
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      },
    );
    request.on('error', reject);
    request.end(body ? JSON.stringify(body) : undefined);
  });
}

beforeAll(async () => {
  dataDir = testDataDir('motco-workers-');
  dirs.push(dataDir);
  // IDLE's own change poll off (an hour): what an idling session hears within the test came over the workers' bus.
  // Ten connections per address and endpoint: the limits test shows the workers share one count.
  env = {
    MOTCO_PORT_BASE: String(randomPortBase()),
    MOTCO_IMAP__CHANGE_POLL_SECONDS: '3600',
    MOTCO_LIMITS__MAX_CONNECTIONS_PER_ADDRESS: String(PER_ADDRESS),
  };
  const child = spawn(process.execPath, ['bin/motco.js', 'start', '--workers', '2', '--data', dataDir], {
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  primary = { child, output: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  await waitForMatch(primary.output, /^psc-revoq +mail-psc-revoq/m, 90_000);
  // The table is printed once worker 0 serves; worker 1 joins then.
  await waitForMatch(primary.output, /Processus 1 prêt/, 60_000);

  const listing = JSON.parse((await motco(['endpoints', '--json', '--data', dataDir], env)).stdout);
  psc = listing.endpoints.find((e: { id: string }) => e.id === 'psc');
  mailDomain = listing.domain;
  web = listing.autoconfig;
  const exportDir = mkdtempSync(path.join(os.tmpdir(), 'motco-workers-pki-'));
  dirs.push(exportDir);
  expect((await motco(['pki', 'export', '--out', exportDir, '--data', dataDir], env)).code).toBe(0);
  trust = path.join(exportDir, 'igc-sante-test-roots.pem');
  adminToken = readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
}, 120_000);

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  for (const pid of primary ? workerPids() : []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('motco start --workers 2', () => {
  it('starts two workers, prints the start-up output once, and both take connections', async () => {
    expect(workerPids()).toHaveLength(2);
    expect(primary.output().match(/Plateforme motco démarrée\./g)).toHaveLength(1);
    // Each worker's young generation is capped (src/cli/workers.ts: the memory held with many sessions).
    for (const pid of workerPids())
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-semi-space-size=4');
    const held = await Promise.all(Array.from({ length: 6 }, () => connectionTo(psc.imap)));
    expect(new Set(held.map((c) => c.pid))).toEqual(new Set(workerPids()));
    for (const { socket } of held) socket.destroy();
  });

  it('an IMAP IDLE session on one worker hears a delivery made through the other', async () => {
    const added = await motco(
      ['mailbox', 'add', `10999000111@${mailDomain}`, '--type', 'applicative', '--json', '--data', dataDir],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    const { address, password } = JSON.parse(added.stdout) as { address: string; password: string };

    const imap = new ImapFlow({
      host: psc.address,
      port: psc.imap,
      secure: false,
      doSTARTTLS: true,
      tls: { ca: [readFileSync(trust, 'utf8')], servername: psc.host },
      auth: { user: address, pass: password },
      logger: false,
    });
    imap.on('error', () => {});
    await imap.connect();
    try {
      const idler = servedBy(psc.imap, (imap as unknown as { socket: net.Socket }).socket.localPort!);
      expect(workerPids()).toContain(idler);
      await imap.mailboxOpen('INBOX');
      const counts: number[] = [];
      imap.on('exists', (event: { count: number }) => counts.push(event.count));
      const idling = imap.idle();

      const { socket, pid } = await connectionTo(psc.smtp, idler);
      expect(pid).not.toBe(idler);
      const client = smtpOn(socket);
      client.on('error', () => {});
      await smtp<void>((done) => client.connect(() => done(null)));
      await smtp<void>((done) => client.login({ user: address, pass: password }, (error) => done(error)));
      await smtp((done) =>
        client.send(
          { from: address, to: [address] },
          `From: <${address}>\r\nSubject: across workers\r\n\r\nbody\r\n`,
          done,
        ),
      );
      client.quit();

      await expect.poll(() => counts, { timeout: 15_000 }).toContain(1);
      await imap.noop().catch(() => {});
      void idling;
    } finally {
      await imap.logout().catch(() => {});
    }
  });

  it('an execution started through the API on one worker judges a client served by the other', async () => {
    for (const args of [
      ['org', 'add', '--raison-sociale', 'Éditeur workers', '--immatriculation', '55555555500055'],
      ['psc', 'identity', 'add', '--idnat', '810000000555', '--given', 'Jeanne', '--family', 'Durand'],
    ]) {
      const r = await motco([...args, '--data', dataDir], env);
      expect(r.code, r.stderr + r.stdout).toBe(0);
    }
    const created = await motco(
      [
        'account',
        'create',
        '--org',
        '55555555500055',
        '--nil',
        NIL,
        '--idnat-psc',
        '810000000555',
        '--idnat-auth-cli',
        '10555555555',
        '--json',
        '--data',
        dataDir,
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    accountId = (JSON.parse(created.stdout) as { id: number }).id;

    // The execution runs in the worker that took the API request; the client's session goes to the other one.
    const { agent, pid: runningIn } = await apiConnection();
    const started = await api(agent, 'POST', '/executions', {
      account: accountId,
      target: 'psc-tls-smtp',
      delai: 60,
      ip: '127.0.0.1',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as number;
    await expect
      .poll(async () => JSON.stringify((await api(agent, 'GET', `/executions/${id}/log`)).body), { timeout: 15_000 })
      .toMatch(/Écoute jusqu’à/);

    const { socket, pid: clientServedBy } = await connectionTo(psc.smtp, runningIn);
    expect(clientServedBy).not.toBe(runningIn);
    const client = smtpOn(socket);
    client.on('error', () => {});
    await smtp<void>((done) => client.connect(() => done(null)));
    client.quit();

    await expect
      .poll(async () => (await api(agent, 'GET', `/executions/${id}`)).body.verdict, { timeout: 20_000 })
      .toBe('OK');
    agent.destroy();
  });

  it("a client certificate issued on one worker reads « good » at the other's OCSP responder", async () => {
    // Two keep-alive connections held by different workers: the account is made through one, OCSP asked of the other.
    const issuing = await apiConnection();
    let asking = await apiConnection();
    for (let i = 0; i < 20 && asking.pid === issuing.pid; i++) {
      asking.agent.destroy();
      asking = await apiConnection();
    }
    expect(asking.pid).not.toBe(issuing.pid);
    const created = await api(issuing.agent, 'POST', '/accounts', {
      organisation: '55555555500055',
      nil: 'DEV-WORKERS-2',
      idnatAuthCli: '10555555556',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const serial = created.body.certificate.serialNumber as string;

    // The other worker hears of the certificate over the bus (or, missing it, reads the data folder again before
    // answering « unknown »): within moments, not necessarily before the 201.
    await expect.poll(() => ocspStatus(serial, asking.agent), { timeout: 5000, interval: 100 }).toBe('good');
    issuing.agent.destroy();
    asking.agent.destroy();
  });

  it('a client certificate issued by `motco pki issue-client` beside the running platform reads « good »', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'motco-workers-issued-'));
    dirs.push(out);
    const issued = await motco(['pki', 'issue-client', '--idnat', '10555555557', '--out', out, '--data', dataDir], env);
    expect(issued.code, issued.stderr).toBe(0);
    const certificate = path.join(out, '10555555557.cert.pem');
    const serial = execFileSync('openssl', ['x509', '-in', certificate, '-noout', '-serial'], {
      encoding: 'utf8',
    })
      .trim()
      .replace(/^serial=/, '');
    // No bus reaches the CLI: the responder reads the data folder again before answering « unknown ».
    expect(await ocspStatus(serial)).toBe('good');
    // A serial never issued stays « unknown ».
    expect(await ocspStatus('0123456789ABCDEF')).toBe('unknown');
  });

  it('counts the connections both workers hold under one limit per address, and gives places back', async () => {
    const first = await greeted(PER_ADDRESS + 4, '127.0.0.3');
    const accepted = first.filter((c) => c.greeting.startsWith('* OK'));
    expect(accepted).toHaveLength(PER_ADDRESS);
    expect(first.slice(PER_ADDRESS).map((c) => c.greeting)).toEqual(
      Array(4).fill('* BYE Too many connections from your address'),
    );
    // Both workers hold some of the accepted ones: without a shared count, each would have taken ten.
    const holders = accepted.map((c) => servedBy(psc.imap, c.socket.localPort!));
    expect(new Set(holders)).toEqual(new Set(workerPids()));
    // Another address is not affected.
    expect((await greeted(1, '127.0.0.4'))[0]!.greeting).toMatch(/^\* OK/);
    for (const { socket } of first) socket.destroy();
    // Closed connections give their places back, whichever worker held them.
    await expect.poll(() => placesFor('127.0.0.3'), { timeout: 10_000, interval: 300 }).toBe(PER_ADDRESS);
  });

  it('replaces a killed worker, which ends the execution the dead one ran, and keeps serving', async () => {
    // Connections at the limit from one address, some held by the worker about to die: its places are given back.
    const full = await greeted(PER_ADDRESS, '127.0.0.5');
    expect(full.every((c) => c.greeting.startsWith('* OK'))).toBe(true);
    // An execution running in the worker about to die.
    const { agent, pid: victim } = await apiConnection();
    const survivor = workerPids().find((p) => p !== victim)!;
    expect(full.map((c) => servedBy(psc.imap, c.socket.localPort!))).toContain(victim);
    const started = await api(agent, 'POST', '/executions', {
      account: accountId,
      target: 'psc-tls-smtp',
      delai: 60,
      ip: '127.0.0.1',
    });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.id as number;
    await expect
      .poll(async () => JSON.stringify((await api(agent, 'GET', `/executions/${id}/log`)).body), { timeout: 15_000 })
      .toMatch(/Écoute jusqu’à/);
    agent.destroy();

    process.kill(victim, 'SIGKILL');
    await waitForMatch(primary.output, new RegExp(`\\(pid ${victim}\\) s’est arrêté \\(SIGKILL\\)`), 10_000);
    // Meanwhile the others serve.
    const alone = await connectionTo(psc.imap);
    expect(alone.pid).not.toBe(victim);
    alone.socket.destroy();
    await expect
      .poll(() => workerPids().filter((p) => p !== victim && p !== survivor), { timeout: 60_000, interval: 200 })
      .toHaveLength(1);
    const held = await Promise.all(Array.from({ length: 6 }, () => connectionTo(psc.imap)));
    expect(new Set(held.map((c) => c.pid))).toEqual(new Set(workerPids()));
    for (const { socket } of held) socket.destroy();
    // The dead worker's connections were cut and their places given back: once the survivor's are closed, the
    // address has its ten places again.
    for (const { socket } of full) socket.destroy();
    await expect.poll(() => placesFor('127.0.0.5'), { timeout: 10_000, interval: 300 }).toBe(PER_ADDRESS);
    const page = await fetch(`${web}/`);
    expect(page.status).toBe(200);
    // The execution the dead worker was running ends INTERRUPTED, as at a restart: on SQLite its replacement ends
    // it at once (the primary saw which worker ran it); on PostgreSQL the leader's sweep of executions nobody
    // claims does, after two looks (src/runner/runner.ts).
    const postgres = Boolean(process.env.TEST_POSTGRES_URL);
    await expect
      .poll(async () => (await api(undefined, 'GET', `/executions/${id}`)).body.verdict, {
        timeout: postgres ? 60_000 : 10_000,
        interval: 500,
      })
      .toBe('INTERRUPTED');
    if (!postgres) expect(primary.output()).toMatch(new RegExp(`Exécution #${id} interrompue`));
  }, 150_000);

  it('stops every process on SIGTERM', async () => {
    const pids = workerPids();
    primary.child.kill('SIGTERM');
    expect(await primary.exited).toBe(0);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
