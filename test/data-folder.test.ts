// Secrets at rest: the data folder holds the PSC and ISC signing keys, cookie and CSRF keys, API tokens and all
// mail. It is created private (0700, files 0600, the SQLite journal files too), an open one is fixed at start-up,
// and another local user can read nothing in it — checked with a process running as that user.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

const run = promisify(execFile);
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** Every file and folder under dir with its permission bits. */
function modes(dir: string): Map<string, number> {
  const found = new Map<string, number>();
  const visit = (entry: string) => {
    const stat = statSync(entry);
    found.set(entry, stat.mode & 0o777);
    if (stat.isDirectory()) for (const name of readdirSync(entry)) visit(path.join(entry, name));
  };
  visit(dir);
  return found;
}

describe('data folder', () => {
  let test: TestPlatform;
  beforeAll(async () => {
    test = await startTestPlatform();
  });
  afterAll(async () => test?.stop());

  it('is private: folder 0700, every file 0600, the database and its WAL/SHM included', async () => {
    const all = modes(test.dataDir);
    expect(all.get(test.dataDir)).toBe(0o700);
    const open = [...all]
      .filter(([, mode]) => (mode & 0o077) !== 0)
      .map(([entry, mode]) => `${entry} ${mode.toString(8)}`);
    expect(open).toEqual([]);
    if (!process.env.TEST_POSTGRES_URL) {
      for (const name of ['motco.sqlite', 'motco.sqlite-wal', 'motco.sqlite-shm'])
        expect(all.get(path.join(test.dataDir, name)), name).toBe(0o600);
    }
  });

  it.runIf(asRoot)('cannot be read by another local user', async () => {
    const file = process.env.TEST_POSTGRES_URL
      ? path.join(test.dataDir, 'admin.token')
      : path.join(test.dataDir, 'motco.sqlite');
    const attempt = run('cat', [file], { uid: NOBODY, gid: NOBODY });
    await expect(attempt).rejects.toMatchObject({ stderr: expect.stringContaining('Permission denied') });
  });
});

describe('an open data folder', () => {
  it('is made private at start-up, keys and database included', async () => {
    const test = await startTestPlatform();
    const { dataDir } = test;
    await test.platform.stop();
    // As an older version or a careless copy would leave it.
    chmodSync(dataDir, 0o755);
    for (const [entry] of modes(dataDir)) chmodSync(entry, statSync(entry).isDirectory() ? 0o755 : 0o644);
    const again = await startTestPlatform({ dataDir });
    try {
      const open = [...modes(dataDir)].filter(([, mode]) => (mode & 0o077) !== 0);
      expect(open).toEqual([]);
    } finally {
      await again.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.runIf(asRoot)('stops the start-up, naming the path and the fix, when it is not ours to fix', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-open-'));
    try {
      chmodSync(dir, 0o755);
      writeFileSync(path.join(dir, 'motco.sqlite'), '');
      chmodSync(path.join(dir, 'motco.sqlite'), 0o644);
      // Another user running motco on a folder root left open: it may not chmod what it does not own. That user
      // may not be able to read this checkout (a 0700 clone): the function runs from a bundle it can read.
      const bundle = path.join(dir, 'files.mjs');
      await esbuild.build({
        entryPoints: [path.resolve('src/util/files.ts')],
        outfile: bundle,
        bundle: true,
        platform: 'node',
        format: 'esm',
        logLevel: 'error',
      });
      chmodSync(bundle, 0o644);
      const script = `import(${JSON.stringify(bundle)}).then((m) => m.securePrivateFolder(${JSON.stringify(dir)}))`;
      const attempt = run(process.execPath, ['-e', script], { uid: NOBODY, gid: NOBODY, cwd: os.tmpdir() });
      await expect(attempt).rejects.toMatchObject({ stderr: expect.stringMatching(/n’est pas privé.*chmod 700/s) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
