// IMAP load generator, run in its own process so that its TLS work does not share the server's event loop.
// `concurrency` workers run sessions (bench/imap-client.ts) until `sessions` are done; prints one JSON line
// with the failures, the wall time and every session's latency.
import { benchSession, type Target } from './imap-client.ts';
import { type LoadResult, runSessions } from './load-runner.ts';

export type { LoadResult };

export interface LoadOptions extends Target {
  sessions: number;
  concurrency: number;
  /** Bytes the FETCH must return, to check that the whole message came back. */
  expectBytes: number;
}

function runLoad(options: LoadOptions): Promise<LoadResult> {
  return runSessions(options, () => benchSession(options, options.expectBytes));
}

const result = await runLoad(JSON.parse(process.argv[2] ?? '{}') as LoadOptions);
process.stdout.write(`${JSON.stringify(result)}\n`);
