// Live sessions of every endpoint, so that the platform can list them, close one (MSS-CONF.11 reopen
// jobs), and close them all at shutdown.
import type { MailSession } from './session.ts';

export interface LiveSession {
  session: MailSession;
  /** Ends the session as the server: SMTP 421 / IMAP * BYE, then close. */
  closeByServer(reason: string): void;
}

export class SessionRegistry {
  private readonly live = new Map<string, LiveSession>();

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
}
