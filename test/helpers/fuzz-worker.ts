// The worker side of fuzz.ts: replays the target's corpus, then runs fast-check's property over its inputs,
// announcing each input before running it so that the watchdog knows which one never ended.
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import type { WorkerMessage } from './fuzz.ts';
import { loadTarget } from './fuzz-targets.ts';

const data = workerData as {
  target: string;
  numRuns: number;
  seed: number;
  path?: string;
  inputLimitMs: number;
  shrink: boolean;
  corpus: { file: string; input: Uint8Array }[];
  scratch: string;
};
const target = await loadTarget(data.target);
const post = (message: WorkerMessage) => parentPort!.postMessage(message);

async function runOne(input: Buffer): Promise<void> {
  post({ type: 'input', input });
  const started = performance.now();
  await target.run(input);
  const ms = performance.now() - started;
  if (ms > data.inputLimitMs) throw new Error(`one input took ${Math.round(ms)} ms (bound ${data.inputLimitMs} ms)`);
}

const message = (error: unknown) =>
  error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);

await target.setup?.(data.scratch);
try {
  let failed = false;
  for (const { file, input } of data.corpus) {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
    try {
      await runOne(bytes);
    } catch (error) {
      post({ type: 'done', failed: true, kind: 'corpus', input: bytes, message: message(error), corpusFile: file });
      failed = true;
      break;
    }
  }
  if (!failed) {
    const details = await fc.check(fc.asyncProperty(target.arbitrary, runOne), {
      numRuns: data.numRuns,
      seed: data.seed,
      endOnFailure: !data.shrink,
      ...(data.path ? { path: data.path } : {}),
    });
    if (details.failed) {
      post({
        type: 'done',
        failed: true,
        kind: 'property',
        input: details.counterexample?.[0],
        message: message(details.errorInstance ?? 'interrupted'),
        path: details.counterexamplePath ?? undefined,
      });
    } else {
      post({ type: 'done', failed: false, runs: details.numRuns });
    }
  }
} finally {
  await target.teardown?.();
}
