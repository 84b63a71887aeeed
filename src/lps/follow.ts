// Following a running execution (unit job, global job or campaign) as a vendor does: read its log, and play
// each unit job once the runner listens for it. A global job's or campaign's steps are executions of their
// own: each "Étape i/n … (exécution #N)" line is followed into that execution, down to the unit's
// "Début du test … (id)" and "Écoute jusqu’à …" lines; the play starts after the latter, when the window is
// open and a reopen job's close is armed.
import { t, type MessageKey } from '../i18n/messages.ts';
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

/** A matcher for lines written from a message template: its `{name}` parts as named groups. */
export function templateMatcher(key: MessageKey): (text: string) => Record<string, string> | null {
  const source = t(key)
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>.*?)` : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const pattern = new RegExp(`^${source}$`, 's');
  return (text) => (pattern.exec(text)?.groups as Record<string, string> | undefined) ?? null;
}

const childStart = templateMatcher('runner.childStart');
const unitStart = templateMatcher('runner.unitStart');
const listening = templateMatcher('runner.listening');

/** Follows `id` to its end, calling `play` for each unit job in the order the runner runs them. */
export async function followExecution(id: number, source: ExecutionLog, play: (jobId: string) => Promise<void>, options: FollowOptions = {}): Promise<Execution | undefined> {
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
      const child = childStart(line.text);
      if (child?.execution) {
        await followExecution(Number(child.execution), source, play, options);
        continue;
      }
      const unit = unitStart(line.text);
      if (unit) waiting = line.jobId ?? unit.id ?? null;
      else if (waiting && listening(line.text)) {
        const jobId = waiting;
        waiting = null;
        await play(jobId);
      }
    }
    if (execution.status === 'finished') return execution;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
