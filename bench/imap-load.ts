// IMAP load generator, run in its own process so that its TLS work does not share the server's event loop.
// `concurrency` workers run sessions (bench/imap-client.ts) until `sessions` are done; prints one JSON line
// with the failures, the wall time and every session's latency.
import { benchSession, type Target } from './imap-client.ts';

export interface LoadOptions extends Target {
  sessions: number;
  concurrency: number;
  /** Bytes the FETCH must return, to check that the whole message came back. */
  expectBytes: number;
}

export interface LoadResult {
  sessions: number;
  failures: number;
  firstError: string | null;
  wallMs: number;
  latenciesMs: number[];
}

async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let failures = 0;
  let firstError: string | null = null;
  let started = 0;
  const start = performance.now();
  const worker = async () => {
    while (started < options.sessions) {
      started++;
      const begin = performance.now();
      try {
        await benchSession(options, options.expectBytes);
        latenciesMs.push(performance.now() - begin);
      } catch (error) {
        failures++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { sessions: latenciesMs.length, failures, firstError, wallMs: performance.now() - start, latenciesMs };
}

const result = await runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadOptions);
process.stdout.write(`${JSON.stringify(result)}\n`);
