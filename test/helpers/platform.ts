// Starts a whole platform for a test: its own data folder, its own ports (loopback only), a silent log,
// and a copy of the PKI generated once for the test run (so no test waits for RSA key generation).
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config, type EndpointConfig } from '../../src/config/config.ts';
import type { EndpointId } from '../../src/config/schema.ts';
import { startPlatform, type Platform } from '../../src/platform.ts';
import { silentLogger } from '../../src/util/log.ts';

export interface TestPlatform {
  platform: Platform;
  config: Config;
  dataDir: string;
  endpoint(id: EndpointId): EndpointConfig;
  stop(): Promise<void>;
}

/** A fresh data folder holding a copy of the run's PKI. */
export function testDataDir(prefix = 'motco-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  const template = inject('pkiTemplate');
  if (template && existsSync(path.join(template, 'pki'))) cpSync(path.join(template, 'pki'), path.join(dir, 'pki'), { recursive: true });
  return dir;
}

/** A port base whose 600 ports are unlikely to collide with another test file running in parallel. */
export function randomPortBase(): number {
  return 20000 + 1000 * Math.floor(Math.random() * 40);
}

export async function startTestPlatform(overrides: Record<string, unknown> = {}): Promise<TestPlatform> {
  const dataDir = testDataDir();
  for (let attempt = 0; ; attempt++) {
    const config = loadConfig({ env: {}, cwd: dataDir, overrides: { dataDir, portBase: randomPortBase(), ...overrides } });
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
