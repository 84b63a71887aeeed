// Following a running execution (unit job, global job or campaign) as a vendor does: read its log, and play
// each unit job once the runner listens for it. The follower reads the run events the lines carry
// (runner/types.ts RunEvent), never their French text: a global job's or campaign's steps are executions of
// their own, each announced by a `child.started` event and followed into, down to the unit's `unit.started`
// and `window.open` events; the play starts after the latter, when the window is open and a reopen job's
// close is armed.
import type { Execution, LogLine } from '../runner/types.ts';

/** Where the log is read from: the execution store today, the platform's API (GET …/executions/:id/log) later. */
export interface ExecutionLog {
  get(id: number): Promise<Execution | undefined>;
  log(id: number, afterSeq?: number): Promise<LogLine[]>;
}

export interface FollowOptions {
  pollMs?: number;
  /** Every line read, of the execution or of one of its steps. */
  onLine?: (executionId: number, line: LogLine) => void;
}

/** Follows `id` to its end, calling `play` for each unit job in the order the runner runs them. */
export async function followExecution(
  id: number,
  source: ExecutionLog,
  play: (jobId: string) => Promise<void>,
  options: FollowOptions = {},
): Promise<Execution | undefined> {
  const pollMs = options.pollMs ?? 500;
  let seq = 0;
  let waiting: string | null = null;
  for (;;) {
    // Read the state first: lines written before it finished are then all in the next read.
    const execution = await source.get(id);
    if (!execution) return undefined;
    for (const line of await source.log(id, seq)) {
      seq = line.seq;
      options.onLine?.(id, line);
      const event = line.event;
      if (event?.type === 'child.started') await followExecution(event.executionId, source, play, options);
      else if (event?.type === 'unit.started') waiting = event.jobId;
      else if (event?.type === 'window.open' && waiting) {
        const jobId = waiting;
        waiting = null;
        await play(jobId);
      }
    }
    if (execution.status === 'finished') return execution;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
