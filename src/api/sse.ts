// The live log of an execution as server-sent events: the lines already written (after Last-Event-ID or
// ?after=), then each new `log` line and `state` change as the runner emits them, then `end`, and the
// stream closes: a follower never holds a connection open past the execution's end.
import type { FastifyReply } from 'fastify';
import type { Runner } from '../runner/runner.ts';
import type { ExecutionStore } from '../runner/store.ts';
import type { Execution, ExecutionEvent, LogLine } from '../runner/types.ts';
import { executionView } from './evidence.ts';

/** Comments that keep proxies from closing a quiet stream, and the pace of the safety re-read. */
const HEARTBEAT_MS = 15_000;
const RECHECK_MS = 2_000;

export class LogStreams {
  private readonly open = new Set<() => void>();

  constructor(
    private readonly runner: Runner,
    private readonly executions: ExecutionStore,
  ) {}

  async stream(reply: FastifyReply, execution: Execution, after: number): Promise<void> {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const send = (event: string, data: unknown, id?: number) => {
      // The follower may have gone while a read was pending.
      if (!out.writableEnded && !out.destroyed) out.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };

    let lastSeq = after;
    let finished = false;
    const sendLine = (line: LogLine) => {
      if (line.seq <= lastSeq) return;
      lastSeq = line.seq;
      send('log', line, line.seq);
    };
    // Live events are held while the past is read, so that none falls between the two.
    const held: ExecutionEvent[] = [];
    let live = false;
    const onEvent = (event: ExecutionEvent) => {
      if (!live) held.push(event);
      else deliver(event);
    };
    const unfollow = this.runner.follow(execution.id, onEvent);

    const close = () => {
      if (finished) return;
      finished = true;
      unfollow();
      clearInterval(heartbeat);
      clearInterval(recheck);
      this.open.delete(close);
      out.end();
    };
    let ending = false;
    const finish = async (ended: Execution) => {
      if (ending) return;
      ending = true;
      for (const line of await this.executions.log(ended.id, lastSeq)) sendLine(line);
      send('state', executionView(ended));
      send('end', { id: ended.id, verdict: ended.verdict });
      close();
    };
    const deliver = (event: ExecutionEvent) => {
      if (finished) return;
      if (event.type === 'log') sendLine(event.line);
      else if (event.execution.status === 'finished') void finish(event.execution);
      else send('state', executionView(event.execution));
    };
    // The database has the last word: an execution that ended without this process seeing it still ends the stream.
    const recheck = setInterval(() => {
      void this.executions.get(execution.id).then((current) => {
        if (current?.status === 'finished') return finish(current);
      });
    }, RECHECK_MS).unref();
    const heartbeat = setInterval(() => !out.destroyed && out.write(': ping\n\n'), HEARTBEAT_MS).unref();
    out.on('close', close);
    this.open.add(close);

    const current = (await this.executions.get(execution.id)) ?? execution;
    for (const line of await this.executions.log(execution.id, lastSeq)) sendLine(line);
    if (current.status === 'finished') return finish(current);
    send('state', executionView(current));
    live = true;
    for (const event of held.splice(0)) deliver(event);
  }

  /** Ends every open stream (the platform is stopping). */
  closeAll(): void {
    for (const close of [...this.open]) close();
  }
}
