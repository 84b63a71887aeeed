// Runs an external program (a real client: curl, openssl, python3…) without blocking the event loop, so
// that servers living in the test process keep answering it.
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  options: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/**
 * `openssl cms -verify` of a detached DER signature over `content`, trusting `caFile` only: how the agency checks a
 * dossier's manifest (docs/dossier.md).
 */
export function opensslCmsVerify(signature: string, content: string, caFile: string): Promise<RunResult> {
  const args = [
    '-binary',
    '-inform',
    'DER',
    '-in',
    signature,
    '-content',
    content,
    '-CAfile',
    caFile,
    '-out',
    '/dev/null',
  ];
  return run('openssl', ['cms', '-verify', ...args]);
}

/** Runs the motco CLI from the checkout, as a user would (`npx motco …`). */
export function motco(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  options: { timeoutMs?: number } = {},
): Promise<RunResult> {
  return run(process.execPath, ['bin/motco.js', ...args], {
    env: { ...cleanEnv(), ...env },
    timeoutMs: options.timeoutMs ?? 60_000,
  });
}

/** The process environment without MOTCO_* settings that a developer may have exported. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MOTCO_')));
}

/** Waits until `read()` matches (for hooks, where expect.poll is not available); throws with what was read. */
export async function waitForMatch(read: () => string, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(read())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; got:\n${read()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
