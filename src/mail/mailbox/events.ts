// Changes to mailboxes, announced by the store once they are committed: IMAP sessions with the folder
// selected (another client, an IDLE client) learn at once that mail arrived, flags changed or messages
// were expunged, whoever made the change (SMTP delivery, another IMAP session, later the webmail).
// Connected to the bus, changes reach the other workers and instances too (without their origin, which only
// means something in the process that made them); a change made by the CLI is seen at the next read of the
// database (IMAP's change poll).
import type { Bus } from '../../bus/bus.ts';

export type MailboxChange =
  | { type: 'appended'; mailboxId: number; folderId: number }
  | {
      type: 'flags' | 'expunged';
      mailboxId: number;
      folderId: number;
      /** Who made the change and has already applied it (an IMAP session's selected folder), if anyone. */
      origin?: object;
    }
  | { type: 'folders'; mailboxId: number };

export type ChangeListener = (change: MailboxChange) => void;

export class MailboxEvents {
  private readonly byFolder = new Map<number, Set<ChangeListener>>();
  private readonly byMailbox = new Map<number, Set<ChangeListener>>();
  private bus: Bus | undefined;

  /** Tells the other processes of the deployment about the changes made here, and hears theirs. */
  connect(bus: Bus): void {
    this.bus = bus;
    bus.on('mailbox', (message) => this.deliver(message.change));
  }

  /** Listens to the changes of one folder; returns the function that stops listening. */
  onFolder(folderId: number, listener: ChangeListener): () => void {
    return subscribe(this.byFolder, folderId, listener);
  }

  /** Listens to every change of a mailbox (its folders included). */
  onMailbox(mailboxId: number, listener: ChangeListener): () => void {
    return subscribe(this.byMailbox, mailboxId, listener);
  }

  emit(change: MailboxChange): void {
    this.deliver(change);
    if (!this.bus) return;
    const { type, mailboxId } = change;
    this.bus.publish({
      type: 'mailbox',
      change: type === 'folders' ? { type, mailboxId } : { type, mailboxId, folderId: change.folderId },
    });
  }

  private deliver(change: MailboxChange): void {
    const listeners = [...(this.byMailbox.get(change.mailboxId) ?? [])];
    if (change.type !== 'folders') listeners.push(...(this.byFolder.get(change.folderId) ?? []));
    for (const listener of listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own session's business; the change is committed and others must hear of it.
      }
    }
  }
}

function subscribe(map: Map<number, Set<ChangeListener>>, key: number, listener: ChangeListener): () => void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
    if (set.size === 0 && map.get(key) === set) map.delete(key);
  };
}
