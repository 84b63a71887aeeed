// What the load generators (imap-load.ts, smtp-load.ts) share: `concurrency` workers run sessions until
// `sessions` are started, timing each; the result is what they print as one JSON line.

export interface LoadResult {
  sessions: number;
  failures: number;
  firstError: string | null;
  wallMs: number;
  latenciesMs: number[];
}

export async function runSessions(
  options: { sessions: number; concurrency: number },
  session: () => Promise<void>,
): Promise<LoadResult> {
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
        await session();
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
