// Starts a whole platform for a test: its own data folder, its own ports (loopback only), a silent log,
// and a copy of the PKI generated once for the test run (so no test waits for RSA key generation).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config, type EndpointConfig } from '../../src/config/config.ts';
import type { EndpointId } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform.ts';
import { DATABASE_URL_FILE } from '../../src/store/store.ts';
import { silentLogger } from '../../src/util/log.ts';

export interface TestPlatform {
  platform: Platform;
  config: Config;
  dataDir: string;
  endpoint(id: EndpointId): EndpointConfig;
  stop(): Promise<void>;
}

/**
 * A fresh data folder holding a copy of the run's PKI. With TEST_POSTGRES_URL (an admin URL of a throwaway
 * PostgreSQL, as scripts/test-postgres.sh provides), the folder gets its own new database: every platform
 * and CLI process given this folder then uses it (the data folder remembers its database URL).
 */
export function testDataDir(prefix = 'motco-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const template = inject('pkiTemplate');
  if (template && existsSync(path.join(template, 'pki')))
    cpSync(path.join(template, 'pki'), path.join(dir, 'pki'), { recursive: true });
  const admin = process.env.TEST_POSTGRES_URL;
  if (admin) {
    const name = `motco_t_${randomBytes(6).toString('hex')}`;
    execFileSync('psql', [admin, '-q', '-c', `CREATE DATABASE ${name}`]);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    writeFileSync(path.join(dir, DATABASE_URL_FILE), url.toString(), { mode: 0o600 });
  }
  return dir;
}

/** Port bases reserved by this process, released when it exits. */
const reserved = new Set<string>();
const LOCKS = path.join(os.tmpdir(), 'motco-test-port-bases');
process.once('exit', () => reserved.forEach((lock) => rmSync(lock, { force: true })));

/**
 * A port base whose ~600 ports no other test process is using: test files run in parallel processes, so a
 * base is reserved with a lock file (O_EXCL) that names the owning process; a dead owner's lock is taken over.
 */
export function randomPortBase(): number {
  mkdirSync(LOCKS, { recursive: true });
  for (let attempt = 0; attempt < 500; attempt++) {
    // Below Linux's ephemeral range (32768–60999): a client socket elsewhere never takes a port we listen on.
    const base = 11200 + 700 * Math.floor(Math.random() * 30);
    const lock = path.join(LOCKS, String(base));
    if (reserved.has(lock)) continue;
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
    } catch {
      if (alive(Number(readFileSync(lock, 'utf8')))) continue;
      writeFileSync(lock, String(process.pid));
    }
    reserved.add(lock);
    return base;
  }
  throw new Error('no free port base for a test platform');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Relay settings that send through the test platform's own psc endpoint (SMTP submission at portBase + 588,
 * STARTTLS trusting `caFile`, the test roots the platform exports, PLAIN as `user`). The password is the shared
 * webmail password, which the platform must be given (`webmailPassword: relay.password`): `user`'s own password
 * only comes to be once its mailbox is created, after the start.
 */
export function ownRelay(portBase: number, user: string, caFile: string) {
  return { host: '127.0.0.1', port: portBase + 587 + 1, from: user, user, password: 'ODTMotco2', caFile };
}

export async function startTestPlatform(overrides: Record<string, unknown> = {}): Promise<TestPlatform> {
  const dataDir = testDataDir();
  for (let attempt = 0; ; attempt++) {
    const config = loadConfig({
      env: {},
      cwd: dataDir,
      overrides: { dataDir, portBase: randomPortBase(), ...overrides },
    });
    try {
      const platform = await startPlatform(config, { log: silentLogger });
      return {
        platform,
        config,
        dataDir,
        endpoint: (id) => config.endpoints.find((e) => e.id === id)!,
        async stop() {
          await platform.stop();
          rmSync(dataDir, { recursive: true, force: true });
          // A fact that does not match its kind's schema is a writer's bug: it fails the test that produced it.
          const invalid = platform.journal.invalidFacts;
          if (invalid.length > 0)
            throw new Error(
              `facts that do not match their schema (src/observe/facts.ts): ${JSON.stringify(invalid.slice(0, 5))}`,
            );
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pkiTemplate: string;
  }
}
