// The build for running (scripts/build.ts, bin/motco.js): bundled into a folder of its own, it answers `--help`,
// starts the whole platform (web pages and assets, IMAP), and bin/motco.js runs it only while it is at least as
// recent as the sources it was made from, the sources through tsx otherwise. Works on a copy of the package
// (sources copied with their times, node_modules linked), so that nothing here touches the real sources or build/.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../src/i18n/messages.ts';
import { cleanEnv, run, waitForMatch } from './helpers/run.ts';
import { randomPortBase, testDataDir } from './helpers/platform.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const copy = mkdtempSync(path.join(os.tmpdir(), 'motco-build-'));
const dirs = [copy];
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Written by the copy's build/main.js once it ran: tells the build from the sources (same output otherwise). */
const BUILD_MARK = 'ran-from-build';

beforeAll(async () => {
  // The sources first, keeping their modification times: they are then no newer than the build made next.
  cpSync(path.join(ROOT, 'src'), path.join(copy, 'src'), { recursive: true, preserveTimestamps: true });
  copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
  mkdirSync(path.join(copy, 'bin'));
  copyFileSync(path.join(ROOT, 'bin', 'motco.js'), path.join(copy, 'bin', 'motco.js'));
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  const built = await run(
    process.execPath,
    ['--import', 'tsx', 'scripts/build.ts', '--outdir', path.join(copy, 'build')],
    { cwd: ROOT, timeoutMs: 60_000 },
  );
  expect(built.code, built.stderr).toBe(0);
  expect(built.stdout).toMatch(/^build: \d+ files/);
});

describe('build', () => {
  it('writes every chunk in Latin-1, which V8 keeps at one byte a character (one more character doubles it)', () => {
    const scripts = readdirSync(path.join(copy, 'build'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.js'),
    );
    expect(scripts.length).toBeGreaterThan(10);
    const wide = scripts.flatMap((file) => {
      const text = readFileSync(path.join(copy, 'build', file), 'utf8');
      return [...text.matchAll(/[^\u0000-\u00ff]/g)].map((m) => `${file}: ${text.slice(m.index! - 40, m.index! + 1)}`);
    });
    // A character beyond Latin-1 in an html`…` template: write it as an HTML entity (&mdash;, &rarr;…).
    expect(wide).toEqual([]);
  });

  it('answers --help from the bundle alone', async () => {
    const help = await run(process.execPath, [path.join(copy, 'build', 'main.js'), '--help'], { env: cleanEnv() });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toBe(`${t('cli.usage')}\n`);
    expect(help.stderr).toBe('');
  });

  it('starts the platform from the bundle on two workers: ' +
    'web pages and assets answer, IMAP greets, SIGTERM stops it', async () => {
    const dataDir = testDataDir('motco-build-data-');
    dirs.push(dataDir);
    const base = randomPortBase();
    // Two workers whatever the CPU count: the cluster forks the bundle's entry point again.
    const child = spawn(
      process.execPath,
      [path.join(copy, 'build', 'main.js'), 'start', '--workers', '2', '--data', dataDir],
      {
        env: { ...cleanEnv(), MOTCO_PORT_BASE: String(base) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    running.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await waitForMatch(() => out, /^psc-revoq +mail-psc-revoq-tests-editeur/m, 60_000);

    const web = `http://127.0.0.1:${base + 80}`;
    const home = await fetch(`${web}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('<html');
    // Files shipped with the package are read from its root (the copy), not from next to the bundle.
    const css = await fetch(`${web}/assets/motco.css`);
    expect(css.status).toBe(200);
    expect(await css.text()).toBe(readFileSync(path.join(copy, 'src', 'web', 'assets', 'motco.css'), 'utf8'));
    // The simulated identity providers (oidc-provider, bundled) publish their discovery documents.
    const discovery = await fetch(`${web}/psc/auth/realms/esante-wallet/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${web}/psc/auth/realms/esante-wallet`);
    expect(await imapGreeting(base + 143)).toMatch(/^\* OK .*STARTTLS/);

    // The second worker serves too (the start-up output comes once the first one does).
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const secondReady = new RegExp(t('cli.workerReady', { index: 1, pid: '\0' }).split('\0').map(escape).join('\\d+'));
    await waitForMatch(() => out, secondReady, 60_000);
    child.kill('SIGTERM');
    expect(await exited, out).toBe(0);
  }, 120_000);

  it('bin/motco.js runs the build while it is current, the sources through tsx once a source is newer', async () => {
    appendFileSync(path.join(copy, 'build', 'main.js'), `\nprocess.stderr.write(${JSON.stringify(BUILD_MARK)});\n`);
    const bin = path.join(copy, 'bin', 'motco.js');
    const current = await run(process.execPath, [bin, '--help'], { env: cleanEnv() });
    expect(current.code, current.stderr).toBe(0);
    expect(current.stderr).toBe(BUILD_MARK);

    // A source of the copy saved after the build: the build is stale.
    const now = new Date();
    utimesSync(path.join(copy, 'src', 'cli', 'context.ts'), now, now);
    const stale = await run(process.execPath, [bin, '--help'], { env: cleanEnv() });
    expect(stale.code, stale.stderr).toBe(0);
    expect(stale.stdout).toBe(`${t('cli.usage')}\n`);
    expect(stale.stderr).toBe('');

    // No build at all: the sources too.
    rmSync(path.join(copy, 'build'), { recursive: true });
    const none = await run(process.execPath, [bin, '--help'], { env: cleanEnv() });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe(`${t('cli.usage')}\n`);
  });
});

/** The first line an IMAP server sends on a plain connection. */
function imapGreeting(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('no IMAP greeting')));
    socket.on('data', (d: Buffer) => {
      data += d.toString();
      if (data.includes('\r\n')) {
        socket.end();
        resolve(data.split('\r\n')[0]!);
      }
    });
    socket.on('error', reject);
  });
}
