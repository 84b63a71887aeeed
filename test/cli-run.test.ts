// The acceptance, as a user types it: `motco start` in one terminal; an organisation, a PSC test
// identity and an account created by CLI; `motco run MSS-LPS-SEGUR-GEN-PER-ORG --account NIL --ip 127.0.0.1
// --delai 20` in another while `motco lps --follow` plays each unit — OK, exit 0; then a unit job with a
// fault injected — KO, exit 1, the failed check named in the streamed log.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomPortBase, testDataDir } from './helpers/platform.ts';
import { cleanEnv, motco, waitForMatch } from './helpers/run.ts';

const NIL = 'DEV-CLI-7';
const IDNAT_PSC = '810000000777';
const IDNAT_ORG = '10777777777';
const running: ChildProcess[] = [];
let dataDir: string;
let outDir: string;
let env: NodeJS.ProcessEnv;

interface Spawned {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnMotco(args: string[]): Spawned {
  const child = spawn(process.execPath, ['bin/motco.js', ...args, '--data', dataDir], {
    env: { ...cleanEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

beforeAll(async () => {
  dataDir = testDataDir('motco-cli-run-');
  outDir = mkdtempSync(path.join(os.tmpdir(), 'motco-cli-run-out-'));
  env = { MOTCO_PORT_BASE: String(randomPortBase()), MOTCO_RUNNER__REOPEN_IMAP_DELAY_SECONDS: '1' };
  const platform = spawnMotco(['start']);
  await waitForMatch(platform.output, /^psc-revoq +mail-psc-revoq/m, 90_000);
  for (const args of [
    ['org', 'add', '--raison-sociale', 'Éditeur CLI', '--immatriculation', '44444444400044'],
    ['psc', 'identity', 'add', '--idnat', IDNAT_PSC, '--given', 'Claire', '--family', 'Moreau'],
    [
      'account',
      'create',
      '--org',
      '44444444400044',
      '--nil',
      NIL,
      '--idnat-psc',
      IDNAT_PSC,
      '--idnat-auth-cli',
      IDNAT_ORG,
      '--json',
    ],
  ]) {
    const r = await motco([...args, '--data', dataDir], env);
    expect(r.code, r.stderr + r.stdout).toBe(0);
  }
}, 180_000);

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(outDir, { recursive: true, force: true });
});

describe('motco run with the reference LPS', () => {
  it(
    'runs the global job MSS-LPS-SEGUR-GEN-PER-ORG while `motco lps --follow` plays it: ' + 'OK, exit 0, JUnit report',
    async () => {
      const junit = path.join(outDir, 'gen-per-org.xml');
      const run = spawnMotco([
        'run',
        'MSS-LPS-SEGUR-GEN-PER-ORG',
        '--account',
        NIL,
        '--ip',
        '127.0.0.1',
        '--delai',
        '20',
        '--junit',
        junit,
      ]);
      await expect.poll(run.output, { timeout: 30_000 }).toMatch(/Exécution #\d+ lancée/);
      const id = /Exécution #(\d+) lancée/.exec(run.output())![1]!;
      const lps = spawnMotco(['lps', '--follow', id, '--account', NIL]);
      const [runCode, lpsCode] = await Promise.all([run.exited, lps.exited]);
      expect(runCode, run.output()).toBe(0);
      expect(lpsCode, lps.output()).toBe(0);
      // The streamed log shows each step and its own lines, indented, and the final verdict.
      expect(run.output()).toMatch(/Étape 1\/10 — MIE PSC : Accès Mail IMAP \(MSS-CONF\.06\)/);
      expect(run.output()).toMatch(/ {2}│ .*ClientHello\u00a0: jusqu’à TLSv1\.3/);
      expect(run.output()).toMatch(new RegExp(`Exécution #${id} terminée : OK`));
      const xml = readFileSync(junit, 'utf8');
      expect(xml).toContain('tests="10" failures="0"');
      expect(xml.match(/<testcase /g)).toHaveLength(10);
    },
  );

  it('fails with the named check when the LPS offers a forbidden suite: KO, exit 1', async () => {
    const run = spawnMotco(['run', 'psc-tls-smtp', '--account', NIL, '--delai', '20']);
    await expect.poll(run.output, { timeout: 30_000 }).toMatch(/Écoute jusqu’à/);
    const lps = await motco(
      ['lps', 'psc-tls-smtp', '--account', NIL, '--fault', 'forbidden-suite', '--data', dataDir],
      env,
    );
    expect(lps.code, lps.stderr + lps.stdout).toBe(0);
    expect(await run.exited, run.output()).toBe(1);
    expect(run.output()).toContain(
      '✘ Aucune suite TLS 1.2 hors des six autorisées — ' +
        'Suites non autorisées proposées : TLS_RSA_WITH_AES_128_CBC_SHA.',
    );
    expect(run.output()).toMatch(/terminée\u00a0: KO/);
  });

  it('fails the global job, naming the check, when `motco lps --follow` injects a fault where it applies', async () => {
    const run = spawnMotco([
      'run',
      'MSS-LPS-SEGUR-GEN-PER-ORG',
      '--account',
      NIL,
      '--ip',
      '127.0.0.1',
      '--delai',
      '20',
    ]);
    await expect.poll(run.output, { timeout: 30_000 }).toMatch(/Exécution #\d+ lancée/);
    const id = /Exécution #(\d+) lancée/.exec(run.output())![1]!;
    const lps = spawnMotco(['lps', '--follow', id, '--account', NIL, '--fault', 'forbidden-suite']);
    const [runCode] = await Promise.all([run.exited, lps.exited]);
    expect(runCode, run.output()).toBe(1);
    // The two TLS units are KO on the forbidden suite; the other eight are played conformant and OK.
    expect(
      run.output().match(/Suites non autorisées proposées\u00a0: TLS_RSA_WITH_AES_128_CBC_SHA/g)?.length,
    ).toBeGreaterThanOrEqual(2);
    expect(run.output()).toMatch(/MIE PSC : TLS IMAP \(MSS-CONF\.01;03\)\u00a0: KO/);
    expect(run.output()).toMatch(/MIE PSC : Envoi Mail SMTP \(MSS-CONF\.05\)\u00a0: OK/);
    expect(run.output()).toMatch(new RegExp(`Exécution #${id} terminée : KO`));
  });

  it('lists the catalogue and refuses a bad option with a French message and exit 2', async () => {
    const jobs = await motco(['jobs', '--json', '--data', dataDir], env);
    const listing = JSON.parse(jobs.stdout) as {
      folders: { id: string; global: boolean; jobs: { id: string; title: string }[] }[];
    };
    expect(listing.folders.flatMap((f) => f.jobs)).toHaveLength(34);
    expect(listing.folders.filter((f) => f.global)).toHaveLength(5);
    const bad = await motco(['run', 'psc-expired-smtp', '--account', NIL, '--delai', '5000', '--data', dataDir], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('delai\u00a0: Le délai doit être un nombre entier de secondes entre 10 et 900.');
    expect(bad.stderr).toContain(
      'ip\u00a0: L’adresse IP publique du poste où tourne le LPS est obligatoire pour ce test.',
    );
  });
});
