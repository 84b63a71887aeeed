// The `motco` command as a user runs it: `start` in one process, other commands in others, all on one data
// folder, with a real client sending mail in between.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, motco, run } from './helpers/run.ts';
import { randomPortBase, testDataDir } from './helpers/platform.ts';

const running: ChildProcess[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Starts `motco start` and resolves once it printed its endpoint table. */
async function startMotco(
  dataDir: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string; exited: Promise<number | null> }> {
  // One process: this test is about the commands; several workers are test/cli-workers.test.ts's.
  const child = spawn(process.execPath, ['bin/motco.js', 'start', '--workers', '1', '--data', dataDir], {
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await expect.poll(() => out, { timeout: 60_000, interval: 100 }).toMatch(/^psc-revoq +mail-psc-revoq-tests-editeur/m);
  return { child, output: () => out, exited };
}

describe('motco CLI', () => {
  it('prints the endpoint table as JSON, following MOTCO_PORT_BASE', async () => {
    const r = await motco(['endpoints', '--json'], { MOTCO_PORT_BASE: '12000', MOTCO_BASE_DOMAIN: 'example.test' });
    expect(r.code, r.stderr).toBe(0);
    const listing = JSON.parse(r.stdout);
    expect(listing.domain).toBe('mail-tests-editeur.example.test');
    expect(listing.endpoints).toHaveLength(8);
    expect(listing.endpoints[0]).toEqual({
      id: 'org',
      host: 'mail-org-tests-editeur.example.test',
      address: '127.0.0.1',
      imap: 12143,
      smtp: 12587,
      certificate: 'valid',
    });
    expect(listing.endpoints.map((e: { id: string }) => e.id)).toEqual([
      'org',
      'psc',
      'org-nonigc',
      'psc-nonigc',
      'org-expire',
      'psc-expire',
      'org-revoq',
      'psc-revoq',
    ]);
    expect(listing.dns).toEqual({ address: '127.0.0.1', port: 12053 });
    expect(listing.autoconfig).toBe('http://127.0.0.1:12080');
  });

  it('refuses an invalid setting with a message naming it', async () => {
    const r = await motco(['endpoints'], { MOTCO_SMTP__MAX_RECIPIENTS: 'many' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('« smtp.maxRecipients »');
    expect(r.stderr).toContain('MOTCO_SMTP__MAX_RECIPIENTS');
  });

  it(
    'starts the platform, serves a mailbox added by another process at once, ' +
      'shows the journal, restarts reusing the PKI',
    async () => {
      const dataDir = testDataDir('motco-cli-');
      dirs.push(dataDir);
      const env = { MOTCO_PORT_BASE: String(randomPortBase()) };
      const first = await startMotco(dataDir, env);
      expect(first.output()).toContain(`Dossier de données : ${dataDir}`);
      expect(first.output()).toMatch(/mail-org-tests-editeur\.motco\.localhost/);

      const listing = JSON.parse((await motco(['endpoints', '--json', '--data', dataDir], env)).stdout);
      const org = listing.endpoints.find((e: { id: string }) => e.id === 'org');
      const psc = listing.endpoints.find((e: { id: string }) => e.id === 'psc');
      const mailbox = `10999888777@${listing.domain}`;
      const added = await motco(['mailbox', 'add', mailbox, '--type', 'applicative', '--json', '--data', dataDir], env);
      expect(added.code, added.stderr).toBe(0);
      const { address, password } = JSON.parse(added.stdout);
      expect(address).toBe(mailbox);
      expect(password).toMatch(/^([a-z2-9]{4}-){6}[a-z2-9]{4}$/);
      expect((await motco(['mailbox', 'password', mailbox, '--data', dataDir], env)).stdout).toContain(
        `Mot de passe de ${mailbox}\u00a0: ${password}`,
      );
      expect((await motco(['mailbox', 'add', mailbox, '--data', dataDir], env)).code).toBe(3);

      const exportDir = mkdtempSync(path.join(os.tmpdir(), 'motco-export-'));
      dirs.push(exportDir);
      const exported = await motco(['pki', 'export', '--out', exportDir, '--data', dataDir], env);
      expect(exported.code, exported.stderr).toBe(0);
      const trust = path.join(exportDir, 'igc-sante-test-roots.pem');

      const sent = await run('python3', ['test/clients/smtp_client.py'], {
        input: JSON.stringify({
          // Its own password, through psc (org opens an applicative mailbox with its certificate only).
          host: psc.address,
          port: psc.smtp,
          cafile: trust,
          mechanism: 'PLAIN',
          user: mailbox,
          password,
          from: mailbox,
          to: [mailbox],
          message: 'From: <lps>\r\nX-MSS-NIL: 4242\r\nSubject: via CLI\r\n\r\nbody\r\n',
        }),
      });
      expect(JSON.parse(sent.stdout), sent.stderr).toMatchObject({ ok: true, refused: {} });

      const journal = await motco(['journal', '--json', '--mailbox', mailbox, '--data', dataDir], env);
      expect(journal.code, journal.stderr).toBe(0);
      const facts = journal.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const hello = facts.find((o) => o.kind === 'tls.client_hello');
      expect(hello.data.cipherSuites.length).toBeGreaterThan(0);
      expect(hello.data.cipherSuites[0]).toHaveProperty('name');
      expect(facts.find((o) => o.kind === 'tls.established').data).toMatchObject({
        version: expect.stringMatching(/^TLSv1\.[23]$/),
        cipher: expect.stringMatching(/^TLS_/),
      });
      expect(facts.find((o) => o.kind === 'auth').data).toMatchObject({ mechanism: 'PLAIN', outcome: 'success' });
      const message = facts.find((o) => o.kind === 'message');
      expect(message.data.headers).toEqual([
        { name: 'From', value: '<lps>' },
        { name: 'X-MSS-NIL', value: '4242' },
        { name: 'Subject', value: 'via CLI' },
      ]);

      const human = await motco(['journal', '--data', dataDir, '--kind', 'auth'], env);
      expect(human.stdout).toMatch(/ auth Authentification PLAIN de 10999888777@\S+ réussie/);

      // `journal --follow` in its own process sees what the running platform records next.
      const follower = spawn(
        process.execPath,
        ['bin/motco.js', 'journal', '--follow', '--json', '--kind', 'session.open', '--data', dataDir],
        { env: { ...cleanEnv(), ...env } },
      );
      running.push(follower);
      let followed = '';
      follower.stdout.on('data', (d: Buffer) => (followed += d.toString()));
      // It prints the past first (the one session so far, the submission through psc), then polls.
      await expect.poll(() => followed.split('\n').filter(Boolean).length, { timeout: 20_000 }).toBe(1);
      const linesBefore = 1;
      await run('curl', ['-s', '--max-time', '5', `telnet://${org.address}:${org.smtp}`], { input: 'QUIT\r\n' });
      await expect.poll(() => followed.split('\n').filter(Boolean).length, { timeout: 10_000 }).toBe(linesBefore + 1);
      expect(JSON.parse(followed.trim().split('\n').at(-1)!)).toMatchObject({
        kind: 'session.open',
        endpoint: 'org',
        protocol: 'smtp',
      });
      follower.kill('SIGINT');

      const caFile = path.join(dataDir, 'pki');
      const before = snapshot(caFile);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      const second = await startMotco(dataDir, env);
      expect(snapshot(caFile)).toEqual(before);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    },
  );
});

/** Modification times and contents of the CA material, to prove a restart reused it. */
function snapshot(pkiDir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/key|ca|root/i.test(entry.name) && !/crl/i.test(entry.name))
        result[path.relative(pkiDir, full)] = `${statSync(full).mtimeMs}:${readFileSync(full).length}`;
    }
  };
  walk(pkiDir);
  return result;
}
