// Runs a fuzz target (fuzz-targets.ts) under a watchdog: fast-check runs in a worker thread that announces each
// input before running it, so that an input that never ends is caught — the worker is terminated and that input
// reported — as well as one that throws, gives a wrong outcome or takes longer than the time bound. Every input
// that ever failed is kept in test/fixtures/fuzz-corpus/<target>/ and replayed before the random ones.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const CORPUS = fileURLToPath(new URL('../fixtures/fuzz-corpus/', import.meta.url));

export interface FuzzOptions {
  numRuns: number;
  /** fast-check's seed; random (and reported) when absent. */
  seed?: number;
  /** fast-check's replay path of a counterexample (with its seed). */
  path?: string;
  /**
   * One input running longer fails: a termination check with a wide margin (inputs reach 1 MiB, machines are
   * loaded), not a benchmark — a quadratic walk over 1 MiB takes minutes, a loop forever.
   */
  inputLimitMs?: number;
  /** No new input for this long means the worker is stuck in one: it is terminated. */
  hangMs?: number;
  /** Shrink a failing input to a small one (slow with large inputs: `npm run fuzz` does, the bounded tests do not). */
  shrink?: boolean;
}

export type FuzzResult =
  | { ok: true; target: string; runs: number; corpus: number; seed: number }
  | {
      ok: false;
      target: string;
      kind: 'corpus' | 'property' | 'hang' | 'crash';
      input: Buffer | undefined;
      message: string;
      seed: number;
      path?: string;
      corpusFile?: string;
    };

/** Messages from the worker (fuzz-worker.ts). */
export type WorkerMessage =
  | { type: 'input'; input: Uint8Array }
  | { type: 'done'; failed: false; runs: number }
  | {
      type: 'done';
      failed: true;
      kind: 'corpus' | 'property';
      input: Uint8Array | undefined;
      message: string;
      path?: string;
      corpusFile?: string;
    };

export function corpusFiles(target: string): { file: string; input: Buffer }[] {
  const dir = path.join(CORPUS, target);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.bin'))
    .sort()
    .map((file) => ({ file, input: readFileSync(path.join(dir, file)) }));
}

/** Keeps a failing input in the corpus (named by its hash, so the same input is kept once); returns its path. */
export function saveToCorpus(target: string, input: Buffer): string {
  const dir = path.join(CORPUS, target);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.bin`);
  writeFileSync(file, input);
  return file;
}

// The worker is TypeScript: register tsx inside it, then load it (Node 20 does not pass loaders to workers).
const WORKER = new URL('./fuzz-worker.ts', import.meta.url).href;
const LOAD_WORKER = `import(${JSON.stringify(WORKER)})`;
const BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return ${LOAD_WORKER}; });`;

export async function runFuzz(target: string, options: FuzzOptions): Promise<FuzzResult> {
  const seed = options.seed ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;
  const hangMs = options.hangMs ?? 30_000;
  const corpus = corpusFiles(target);
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'motco-fuzz-'));
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      target,
      numRuns: options.numRuns,
      seed,
      path: options.path,
      inputLimitMs: options.inputLimitMs ?? 5000,
      shrink: options.shrink ?? true,
      corpus,
      scratch,
    },
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  let last: Buffer | undefined;
  let lastAt = Date.now();
  try {
    return await new Promise<FuzzResult>((resolve) => {
      const watchdog = setInterval(() => {
        if (Date.now() - lastAt < hangMs) return;
        clearInterval(watchdog);
        void worker.terminate();
        resolve({ ok: false, target, kind: 'hang', input: last, message: `no answer within ${hangMs} ms`, seed });
      }, 200);
      worker.on('message', (message: WorkerMessage) => {
        lastAt = Date.now();
        if (message.type === 'input') {
          last = Buffer.from(message.input.buffer, message.input.byteOffset, message.input.byteLength);
          return;
        }
        clearInterval(watchdog);
        if (!message.failed) resolve({ ok: true, target, runs: message.runs, corpus: corpus.length, seed });
        else
          resolve({
            ok: false,
            target,
            kind: message.kind,
            input: message.input && Buffer.from(message.input),
            message: message.message,
            seed,
            ...(message.path ? { path: message.path } : {}),
            ...(message.corpusFile ? { corpusFile: message.corpusFile } : {}),
          });
      });
      worker.on('error', (error) => {
        clearInterval(watchdog);
        resolve({ ok: false, target, kind: 'crash', input: last, message: String(error.stack ?? error), seed });
      });
      worker.on('exit', (code) => {
        clearInterval(watchdog);
        resolve({ ok: false, target, kind: 'crash', input: last, message: `worker exited (${code})`, seed });
      });
    });
  } finally {
    // Let a finished worker close its store before its scratch folder goes; a stuck one is terminated.
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await worker.terminate();
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A failure as a person reads it: what went wrong, the input (start and size), how to run it again. */
export function describeFailure(result: FuzzResult): string {
  if (result.ok)
    return `${result.target}: ${result.runs} inputs and ${result.corpus} corpus files passed (seed ${result.seed})`;
  const input = result.input
    ? `${result.input.length} bytes: ` +
      `${JSON.stringify(result.input.subarray(0, 300).toString('latin1'))}${result.input.length > 300 ? '…' : ''}`
    : 'unknown';
  const replay =
    result.kind === 'corpus'
      ? `corpus file ${result.corpusFile}`
      : `npm run fuzz -- --target ${result.target} --seed ${result.seed}${result.path ? ` --path ${result.path}` : ''}`;
  return `${result.target}: ${result.kind} failure: ${result.message}\n  input (${input})\n  replay: ${replay}`;
}
