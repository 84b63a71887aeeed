// The bus between the workers of one `motco start` on SQLite: each worker sends its messages to the primary
// over the cluster's IPC channel, and the primary relays them to every other worker. IPC keeps each
// channel's order, so a worker's messages arrive in the order it published them.
import cluster from 'node:cluster';
import type { Logger } from '../util/log.ts';
import { BusNode, type BusMessage } from './bus.ts';

/** How bus batches travel on the IPC channel, told apart from the primary's other messages. */
interface Envelope {
  motcoBus: BusMessage[];
}

function isEnvelope(message: unknown): message is Envelope {
  return typeof message === 'object' && message !== null && Array.isArray((message as Envelope).motcoBus);
}

/** In a worker: the first worker (index 0) does the singleton work. */
export class ClusterBus extends BusNode {
  private readonly receive = (message: unknown) => {
    if (isEnvelope(message)) this.deliver(message.motcoBus);
  };

  constructor(
    private readonly isLeader: boolean,
    log: Logger,
  ) {
    super(log);
    process.on('message', this.receive);
  }

  leader(): boolean {
    return this.isLeader;
  }

  override async close(): Promise<void> {
    process.off('message', this.receive);
  }

  protected transmit(batch: BusMessage[]): void {
    // The primary may be gone (it stops last, after the workers): nothing left to tell.
    if (process.connected) process.send!({ motcoBus: batch } satisfies Envelope, undefined, undefined, () => {});
  }
}

/** In the primary: relays each worker's bus messages to the other workers. */
export function relayBus(): void {
  cluster.on('message', (from, message: unknown) => {
    if (!isEnvelope(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker !== from && worker.isConnected()) worker.send(message, undefined, () => {});
    }
  });
}
