// The bus between the processes of one deployment (the workers of `motco start`, the instances sharing a
// PostgreSQL database): what one process must tell the others so that they react at once — a fact recorded
// (running executions, live pages), a mailbox changed (IDLE, the webmail), an execution's new log line or end
// (live logs), a server-side close to arm or cancel (the reopen jobs), a cancel request, the PKI changed.
// Messages carry ids, never rows: receivers read what they need from the database. Each component still
// delivers its events in its own process first, as it always did; the bus carries them to the other processes
// only. Transports: none (one process), the cluster's IPC through the primary (cluster.ts), PostgreSQL
// LISTEN/NOTIFY (postgres.ts).
import type { CloseTrigger } from '../mail/sessions.ts';
import type { Logger } from '../util/log.ts';

export type BusMessage =
  /**
   * A fact was recorded (observe/journal.ts): its envelope, so that a receiver can tell whether it concerns it before
   * reading it.
   */
  | {
      type: 'observation';
      id: number;
      at: number;
      kind: string;
      endpoint: string | null;
      protocol: string | null;
      mailbox: string | null;
      clientIp: string | null;
      sessionId: string | null;
    }
  /** A mailbox or one of its folders changed (mail/mailbox/events.ts). */
  | {
      type: 'mailbox';
      change:
        | { type: 'appended' | 'flags' | 'expunged'; mailboxId: number; folderId: number }
        | { type: 'folders'; mailboxId: number };
    }
  /** An execution wrote log line `seq`, or ended (runner/runner.ts). */
  | { type: 'execution'; executionId: number; seq?: number; finished?: boolean }
  /** Stop this execution, wherever it runs. */
  | { type: 'execution.cancel'; executionId: number }
  /**
   * Arm a one-shot close of a mailbox's next session reaching a point (mail/sessions.ts); dropped after `expiresAt`.
   */
  | { type: 'close.arm'; armId: string; trigger: CloseTrigger; expiresAt: number }
  /** The armed close is over (fired, or cancelled): disarm it. */
  | { type: 'close.cancel'; armId: string }
  /** Another process fired the armed close on one of its sessions. */
  | { type: 'close.fired'; armId: string; sessionId: string; closed: boolean }
  /**
   * A client certificate was issued for `idnat`: learn it from the data folder, so that this process's OCSP
   * responder answers « good » for it (CRLs are re-signed by every process on its own, from the same revocations).
   */
  | { type: 'pki.changed'; idnat: string };

export type BusMessageOf<T extends BusMessage['type']> = Extract<BusMessage, { type: T }>;

export interface Bus {
  /** Sends to every other process of the deployment (not to this one). */
  publish(message: BusMessage): void;
  /** Messages of one type from the other processes; returns the function that stops listening. */
  on<T extends BusMessage['type']>(type: T, listener: (message: BusMessageOf<T>) => void): () => void;
  /**
   * Whether this process does the deployment's singleton work now (the provisioning schedule, the PKI refresh,
   * purges): one process at a time does, whatever the number of workers and instances.
   */
  leader(): boolean;
  /** Which process runs which execution, where the transport can tell (PostgreSQL); absent otherwise. */
  readonly claims?: ExecutionClaims;
  close(): Promise<void>;
}

/**
 * Running executions held by live processes, so that a process can tell an execution another one runs from
 * one a dead process left running (runner.ts). A claim dies with the process that holds it.
 */
export interface ExecutionClaims {
  /** This process runs the execution (until release()). */
  claim(executionId: number): void;
  release(executionId: number): void;
  /** Whether another live process holds a claim on the execution (false if nobody does, or this process does). */
  heldElsewhere(executionId: number): Promise<boolean>;
}

const TYPES = new Set<string>([
  'observation',
  'mailbox',
  'execution',
  'execution.cancel',
  'close.arm',
  'close.cancel',
  'close.fired',
  'pki.changed',
]);

/** Listeners and batching shared by the transports: what is published in one turn of the event loop leaves together. */
export abstract class BusNode implements Bus {
  private readonly listeners = new Map<string, Set<(message: BusMessage) => void>>();
  private queue: BusMessage[] = [];
  private scheduled = false;

  constructor(protected readonly log: Logger) {}

  publish(message: BusMessage): void {
    this.queue.push(message);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const batch = this.queue;
      this.queue = [];
      this.transmit(batch);
    });
  }

  on<T extends BusMessage['type']>(type: T, listener: (message: BusMessageOf<T>) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    const entry = listener as (message: BusMessage) => void;
    set.add(entry);
    return () => set.delete(entry);
  }

  abstract leader(): boolean;

  async close(): Promise<void> {}

  /** Sends a batch to the other processes, in order. */
  protected abstract transmit(batch: BusMessage[]): void;

  /** Hands messages received from another process to this process's listeners; anything malformed is dropped. */
  protected deliver(batch: unknown): void {
    if (!Array.isArray(batch)) return;
    for (const message of batch) {
      if (typeof message !== 'object' || message === null || !TYPES.has((message as { type?: unknown }).type as string))
        continue;
      for (const listener of this.listeners.get((message as BusMessage).type) ?? []) {
        try {
          listener(message as BusMessage);
        } catch (error) {
          this.log.error('bus: listener failed', { type: (message as BusMessage).type, error });
        }
      }
    }
  }
}

/** One process alone (`workers` 1, SQLite): nobody to tell, and it does the singleton work. */
export class LocalBus extends BusNode {
  override publish(): void {}

  leader(): boolean {
    return true;
  }

  protected transmit(): void {}
}
