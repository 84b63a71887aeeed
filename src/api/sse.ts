// The live log of an execution as server-sent events: the lines already written (after Last-Event-ID or
// ?after=), then each new `log` line and `state` change as the runner emits them, then `end`, and the
// stream closes: a follower never holds a connection open past the execution's end.
import type { FastifyReply } from 'fastify';
import type { Runner } from '../runner/runner.ts';
import { executionView } from '../runner/evidence.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Execution, ExecutionEvent, LogLine } from '../runner/types.ts';
import { EventStreams } from '../web/event-stream.ts';

/** The pace of the safety re-read. */
const RECHECK_MS = 2_000;

export class LogStreams {
  private readonly streams = new EventStreams();

  constructor(
    private readonly runner: Runner,
    private readonly executions: ExecutionStore,
  ) {}

  async stream(reply: FastifyReply, execution: Execution, after: number): Promise<void> {
    const stream = this.streams.start(reply, { 'cache-control': 'no-store' });

    let lastSeq = after;
    const sendLine = (line: LogLine) => {
      if (line.seq <= lastSeq) return;
      lastSeq = line.seq;
      stream.send('log', line, { id: line.seq });
    };
    // Live events are held while the past is read, so that none falls between the two.
    const held: ExecutionEvent[] = [];
    let live = false;
    const onEvent = (event: ExecutionEvent) => {
      if (!live) held.push(event);
      else deliver(event);
    };
    const unfollow = this.runner.follow(execution.id, onEvent);

    let ending = false;
    const finish = async (ended: Execution) => {
      if (ending) return;
      ending = true;
      for (const line of await this.executions.log(ended.id, lastSeq)) sendLine(line);
      stream.send('state', executionView(ended));
      stream.send('end', { id: ended.id, verdict: ended.verdict });
      stream.close();
    };
    const deliver = (event: ExecutionEvent) => {
      if (stream.closed) return;
      if (event.type === 'log') sendLine(event.line);
      else if (event.execution.status === 'finished') void finish(event.execution);
      else stream.send('state', executionView(event.execution));
    };
    // The database has the last word: an execution that ended without this process seeing it still ends the stream.
    const recheck = setInterval(() => {
      void this.executions.get(execution.id).then((current) => {
        if (current?.status === 'finished') return finish(current);
      });
    }, RECHECK_MS).unref();
    stream.onClose(() => {
      unfollow();
      clearInterval(recheck);
    });

    const current = (await this.executions.get(execution.id)) ?? execution;
    for (const line of await this.executions.log(execution.id, lastSeq)) sendLine(line);
    if (current.status === 'finished') return finish(current);
    stream.send('state', executionView(current));
    live = true;
    for (const event of held.splice(0)) deliver(event);
  }

  /** Ends every open stream (the platform is stopping). */
  closeAll(): void {
    this.streams.closeAll();
  }
}
