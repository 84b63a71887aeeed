// Waiting for facts in the journal: endpoints record asynchronously with respect to what a client sees.
import { expect } from 'vitest';
import type { Journal, Observation, ObservationFilter } from '../../src/observe/journal.ts';

export async function waitFor(journal: Journal, filter: ObservationFilter, predicate: (o: Observation) => boolean = () => true, timeoutMs = 10_000): Promise<Observation> {
  let found: Observation | undefined;
  await expect
    .poll(
      async () => {
        found = (await journal.query(filter)).find(predicate);
        return found !== undefined;
      },
      { timeout: timeoutMs, interval: 50 },
    )
    .toBe(true);
  return found!;
}

/** All observations of the session(s) that produced a fact matching the filter. */
export async function sessionOf(journal: Journal, observation: Observation): Promise<Observation[]> {
  return journal.query({ sessionId: observation.sessionId! });
}
