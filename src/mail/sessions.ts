// Live sessions of every endpoint, so that the platform can list them, close one, close a mailbox's next
// session when it reaches a given point (the MSS-CONF.11 reopen jobs), and close them all at shutdown.
// Connected to the bus, an armed close reaches the other workers and instances: the mailbox's next session may
// live in any of them. The first process to fire it closes its session and the others disarm; two sessions
// reaching the point in two processes within the bus's delay (milliseconds) may both be closed.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../bus/bus.ts';
import type { MailProtocol, MailSession } from './session.ts';

export interface LiveSession {
  session: MailSession;
  /** Ends the session as the server: SMTP 421 / IMAP * BYE, then close. */
  closeByServer(reason: string): void;
}

/** Points of a session that protocols report, and on which a close can be armed. */
export type SessionEvent = { type: 'selected'; folder: string } | { type: 'message-accepted' };

export interface CloseTrigger {
  mailbox: string;
  protocol: MailProtocol;
  on: SessionEvent['type'];
  /** With on = 'selected': fire only when a folder other than this one is selected (e.g. 'INBOX'). */
  exceptFolder?: string;
  /** Wait this long after the event before closing. */
  delayMs: number;
  reason: string;
}

export interface ArmedClose {
  /** Resolves once the trigger fired: the session, and whether it was still open for us to close. */
  fired: Promise<{ sessionId: string; closed: boolean }>;
  cancel(): void;
}

interface Armed {
  id: string;
  trigger: CloseTrigger;
  fire(sessionId: string): void;
}

/** How long another process keeps a close armed if its owner never says it is over (the longest Délai). */
const REMOTE_ARM_MS = 24 * 3600 * 1000;

export class SessionRegistry {
  private readonly live = new Map<string, LiveSession>();
  private readonly armed = new Map<string, Armed>();
  /** Closes armed here, by id: how another process's firing resolves them. */
  private readonly owned = new Map<string, (result: { sessionId: string; closed: boolean }) => void>();
  /** Closes armed by another process and not yet over here: its cancel stops a delayed close too. */
  private readonly foreign = new Map<string, { cancelled: boolean; timer: NodeJS.Timeout }>();
  private bus: Bus | undefined;

  /** Shares armed closes with the other processes of the deployment. */
  connect(bus: Bus): void {
    this.bus = bus;
    bus.on('close.arm', ({ armId, trigger, expiresAt }) => this.armForAnother(armId, trigger, expiresAt));
    bus.on('close.cancel', ({ armId }) => this.disarmForeign(armId, true));
    bus.on('close.fired', ({ armId, sessionId, closed }) => this.owned.get(armId)?.({ sessionId, closed }));
  }

  add(entry: LiveSession): () => void {
    this.live.set(entry.session.id, entry);
    return () => this.live.delete(entry.session.id);
  }

  get(id: string): LiveSession | undefined {
    return this.live.get(id);
  }

  list(): LiveSession[] {
    return [...this.live.values()];
  }

  /** Closes one session as the server; false when it is not (or no longer) live. */
  close(id: string, reason: string): boolean {
    const entry = this.live.get(id);
    if (!entry) return false;
    entry.closeByServer(reason);
    return true;
  }

  closeAll(reason: string): void {
    for (const entry of this.live.values()) entry.closeByServer(reason);
  }

  /**
   * Arms a one-shot close of the next session of a mailbox that reaches the trigger's event (in any process, with a
   * bus).
   */
  armClose(trigger: CloseTrigger): ArmedClose {
    const id = randomUUID();
    let cancelled = false;
    let resolve!: (result: { sessionId: string; closed: boolean }) => void;
    const fired = new Promise<{ sessionId: string; closed: boolean }>((r) => (resolve = r));
    const over = () => {
      this.armed.delete(id);
      this.owned.delete(id);
      this.bus?.publish({ type: 'close.cancel', armId: id });
    };
    this.owned.set(id, (result) => {
      over();
      if (!cancelled) resolve(result);
    });
    this.armed.set(id, {
      id,
      trigger,
      fire: (sessionId) => {
        over();
        this.closeLater(sessionId, trigger, () => cancelled, resolve);
      },
    });
    this.bus?.publish({ type: 'close.arm', armId: id, trigger, expiresAt: Date.now() + REMOTE_ARM_MS });
    return {
      fired,
      cancel: () => {
        cancelled = true;
        over();
      },
    };
  }

  /** A close another process armed: fired here, it tells that process which session it closed. */
  private armForAnother(id: string, trigger: CloseTrigger, expiresAt: number): void {
    const state = {
      cancelled: false,
      timer: setTimeout(
        () => this.disarmForeign(id, true),
        Math.min(REMOTE_ARM_MS, Math.max(0, expiresAt - Date.now())),
      ),
    };
    state.timer.unref();
    this.foreign.set(id, state);
    this.armed.set(id, {
      id,
      trigger,
      fire: (sessionId) => {
        this.armed.delete(id);
        this.closeLater(
          sessionId,
          trigger,
          () => state.cancelled,
          (result) => {
            this.disarmForeign(id, false);
            this.bus?.publish({ type: 'close.fired', armId: id, ...result });
          },
        );
      },
    });
  }

  private disarmForeign(id: string, cancelled: boolean): void {
    this.armed.delete(id);
    const state = this.foreign.get(id);
    if (!state) return;
    this.foreign.delete(id);
    clearTimeout(state.timer);
    state.cancelled = cancelled;
  }

  private closeLater(
    sessionId: string,
    trigger: CloseTrigger,
    cancelled: () => boolean,
    done: (result: { sessionId: string; closed: boolean }) => void,
  ): void {
    const close = () => {
      if (!cancelled()) done({ sessionId, closed: this.close(sessionId, trigger.reason) });
    };
    // Without a delay, close right away: the client must not get to send another command first.
    if (trigger.delayMs <= 0) close();
    else setTimeout(close, trigger.delayMs).unref();
  }

  /** Called by the protocols when a session reaches an event; fires the matching armed closes. */
  notify(session: MailSession, event: SessionEvent): void {
    for (const armed of [...this.armed.values()]) {
      const { trigger } = armed;
      if (trigger.mailbox !== session.mailbox || trigger.protocol !== session.protocol || trigger.on !== event.type)
        continue;
      if (
        event.type === 'selected' &&
        trigger.exceptFolder !== undefined &&
        event.folder.toUpperCase() === trigger.exceptFolder.toUpperCase()
      )
        continue;
      armed.fire(session.id);
    }
  }
}
