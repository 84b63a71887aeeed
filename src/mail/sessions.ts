// Live sessions of every endpoint, so that the platform can list them, close one, close a mailbox's next
// session when it reaches a given point (the MSS-CONF.11 reopen jobs), and close them all at shutdown.
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
  trigger: CloseTrigger;
  fire(sessionId: string): void;
}

export class SessionRegistry {
  private readonly live = new Map<string, LiveSession>();
  private readonly armed = new Set<Armed>();

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

  /** Arms a one-shot close of the next session of a mailbox that reaches the trigger's event. */
  armClose(trigger: CloseTrigger): ArmedClose {
    let cancelled = false;
    let resolve!: (result: { sessionId: string; closed: boolean }) => void;
    const fired = new Promise<{ sessionId: string; closed: boolean }>((r) => (resolve = r));
    const armed: Armed = {
      trigger,
      fire: (sessionId) => {
        this.armed.delete(armed);
        const close = () => {
          if (!cancelled) resolve({ sessionId, closed: this.close(sessionId, trigger.reason) });
        };
        // Without a delay, close right away: the client must not get to send another command first.
        if (trigger.delayMs <= 0) close();
        else setTimeout(close, trigger.delayMs).unref();
      },
    };
    this.armed.add(armed);
    return {
      fired,
      cancel: () => {
        cancelled = true;
        this.armed.delete(armed);
      },
    };
  }

  /** Called by the protocols when a session reaches an event; fires the matching armed closes. */
  notify(session: MailSession, event: SessionEvent): void {
    for (const armed of [...this.armed]) {
      const { trigger } = armed;
      if (trigger.mailbox !== session.mailbox || trigger.protocol !== session.protocol || trigger.on !== event.type) continue;
      if (event.type === 'selected' && trigger.exceptFolder !== undefined && event.folder.toUpperCase() === trigger.exceptFolder.toUpperCase()) continue;
      armed.fire(session.id);
    }
  }
}
