// Waiting for facts in the journal: endpoints record asynchronously with respect to what a client sees.
import { expect } from 'vitest';
import type { Journal, Observation, ObservationFilter, ObservationKind } from '../../src/observe/journal.ts';

/** The first fact matching the filter and the predicate, once recorded; a filter on kinds types it. */
export async function waitFor<K extends ObservationKind>(
  journal: Journal,
  filter: ObservationFilter & { kind: K | K[] },
  predicate?: (o: Observation<K>) => boolean,
  timeoutMs?: number,
): Promise<Observation<K>>;
export async function waitFor(
  journal: Journal,
  filter: ObservationFilter,
  predicate?: (o: Observation) => boolean,
  timeoutMs?: number,
): Promise<Observation>;
export async function waitFor(
  journal: Journal,
  filter: ObservationFilter,
  predicate: (o: Observation) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<Observation> {
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
