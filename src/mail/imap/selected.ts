// The folder a session has selected (RFC 3501 §6.3.1): its messages in sequence-number order with the
// flags this session last announced, and the changes made elsewhere still to announce (EXISTS, EXPUNGE,
// FETCH FLAGS). Changes arrive from the store's event bus; they are announced by diffing against the
// database at safe points (after a command, during IDLE), so none is lost and none is told twice. Changes
// this session makes itself (STORE, EXPUNGE, MOVE) it applies and announces at once, passing itself to the
// store as their origin, so they cost no new look at the database. Changes made by another process (the CLI,
// another instance) raise no event here: poll() compares the folder's change counter with the database's, and
// the session polls at NOOP and CHECK and regularly while idling (imap.changePollSeconds).
import {
  hasFlag,
  sameFlags,
  SYSTEM_FLAGS,
  type Folder,
  type MailboxStore,
  type MessageEntry,
} from '../mailbox/store.ts';
import { inSequenceSet, type SequenceRange } from './sequence.ts';

export class SelectedFolder {
  private entries: MessageEntry[] = [];
  /** The keywords defined in the folder when it was selected (the store keeps their list, bounded). */
  private keywords: string[] = [];
  private recent = new Set<number>();
  private changed = false;
  /** The folder's change counter when its messages were last read (MailboxStore.changeMark). */
  private mark: number | undefined;
  private syncing: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  /** Called when a change arrives, so that an idling session can announce it at once. */
  onChange: (() => void) | undefined;

  private constructor(
    readonly folder: Folder,
    readonly readOnly: boolean,
    private readonly store: MailboxStore,
    /** Writes one untagged response line (without "* " and CRLF). */
    private readonly announce: (line: string) => void,
  ) {
    this.unsubscribe = store.events.onFolder(folder.id, (change) => {
      if ('origin' in change && change.origin === this) return;
      this.changed = true;
      this.onChange?.();
    });
  }

  /** Opens a folder; listening starts before the first read so that no change falls in between. */
  static async open(
    store: MailboxStore,
    folder: Folder,
    readOnly: boolean,
    announce: (line: string) => void,
  ): Promise<SelectedFolder> {
    const view = new SelectedFolder(folder, readOnly, store, announce);
    view.mark = await store.changeMark(folder.id); // before the read: a change in between is seen again
    view.entries = await store.index(folder.id);
    view.keywords = await store.keywords(folder.id);
    view.recent = await claimRecent(store, folder.id, view.entries, !readOnly);
    return view;
  }

  close(): void {
    this.unsubscribe();
    this.onChange = undefined;
  }

  get exists(): number {
    return this.entries.length;
  }

  get recentCount(): number {
    return this.recent.size;
  }

  get lastUid(): number {
    return this.entries.at(-1)?.uid ?? 0;
  }

  get uidNext(): number {
    return Math.max(this.folder.uidNext, this.lastUid + 1);
  }

  /** Sequence number of the first message without \Seen, if any. */
  get firstUnseen(): number | undefined {
    const index = this.entries.findIndex((e) => !hasFlag(e, '\\Seen'));
    return index < 0 ? undefined : index + 1;
  }

  /** Flags and keywords for the FLAGS response: the system ones and the keywords defined in the folder. */
  flagsInUse(): string[] {
    return [...SYSTEM_FLAGS, ...this.keywords];
  }

  /** Whether a STORE may still define new keywords here (PERMANENTFLAGS \\*, RFC 3501 §7.1). */
  get keywordsAllowed(): boolean {
    return this.keywords.length < this.store.limits.maxKeywordsPerFolder;
  }

  /** Flags as FETCH shows them: stored ones plus \Recent for this session. */
  shownFlags(entry: MessageEntry): string[] {
    return this.recent.has(entry.uid) ? [...entry.flags, '\\Recent'] : entry.flags;
  }

  isRecent(uid: number): boolean {
    return this.recent.has(uid);
  }

  /** Messages of a sequence set (by UID or by sequence number), with their sequence numbers, in order. */
  select(set: SequenceRange[], byUid: boolean): { msn: number; entry: MessageEntry }[] {
    const star = byUid ? this.lastUid : this.entries.length;
    const out: { msn: number; entry: MessageEntry }[] = [];
    this.entries.forEach((entry, i) => {
      if (inSequenceSet(set, byUid ? entry.uid : i + 1, star)) out.push({ msn: i + 1, entry });
    });
    return out;
  }

  msnOf(uid: number): number {
    let low = 0;
    let high = this.entries.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const value = this.entries[mid]!.uid;
      if (value === uid) return mid + 1;
      if (value < uid) low = mid + 1;
      else high = mid - 1;
    }
    return 0;
  }

  /** Records flags this session has just announced itself (STORE, FETCH setting \Seen). */
  setFlags(uid: number, flags: string[]): void {
    const entry = this.entries[this.msnOf(uid) - 1];
    if (entry) entry.flags = flags;
  }

  /** Removes messages this session expunged itself; returns the EXPUNGE sequence numbers to send, in order. */
  forget(uids: number[]): number[] {
    const msns: number[] = [];
    for (const uid of [...uids].sort((a, b) => a - b)) {
      const msn = this.msnOf(uid);
      if (msn === 0) continue;
      this.entries.splice(msn - 1, 1);
      this.recent.delete(uid);
      msns.push(msn);
    }
    return msns;
  }

  /** Looks whether the folder changed in the database (by another process) since its messages were last read. */
  async poll(): Promise<void> {
    if (this.changed) return;
    if ((await this.store.changeMark(this.folder.id)) !== this.mark) this.changed = true;
  }

  /**
   * Announces what changed since the last look. Expunges are held back while a FETCH, STORE or SEARCH by
   * sequence number is answered (RFC 3501 §7.4.1), since they would renumber the messages under the client.
   */
  sync(allowExpunge: boolean): Promise<void> {
    const next = this.syncing.then(() => this.announceChanges(allowExpunge));
    this.syncing = next.catch(() => {}); // a failed look is the caller's to report; later ones still run
    return next;
  }

  private async announceChanges(allowExpunge: boolean): Promise<void> {
    if (!this.changed) return;
    this.changed = false;
    this.mark = await this.store.changeMark(this.folder.id);
    const fresh = await this.store.index(this.folder.id);
    const byUid = new Map(fresh.map((e) => [e.uid, e]));
    const gone = this.entries.filter((e) => !byUid.has(e.uid)).map((e) => e.uid);
    if (gone.length > 0) {
      if (allowExpunge) for (const msn of this.forget(gone)) this.announce(`${msn} EXPUNGE`);
      else this.changed = true; // still to announce
    }
    this.entries.forEach((entry, i) => {
      const now = byUid.get(entry.uid);
      if (now && !sameFlags(now, entry)) {
        entry.flags = now.flags;
        this.announce(`${i + 1} FETCH (FLAGS (${this.shownFlags(entry).join(' ')}))`);
      }
    });
    const last = this.lastUid;
    const added = fresh.filter((e) => e.uid > last);
    if (added.length > 0) {
      this.entries.push(...added);
      for (const uid of await claimRecent(this.store, this.folder.id, added, !this.readOnly)) this.recent.add(uid);
      this.announce(`${this.entries.length} EXISTS`);
      this.announce(`${this.recent.size} RECENT`);
    }
  }
}

/**
 * \Recent (RFC 3501 §2.3.2): a message is recent for the first session that sees it with the folder
 * selected read-write. The claim is the folder's highest UID claimed, kept in the database (MailboxStore.claimRecent):
 * it holds across sessions, processes and restarts.
 */
async function claimRecent(
  store: MailboxStore,
  folderId: number,
  entries: MessageEntry[],
  claim: boolean,
): Promise<Set<number>> {
  // Entries come in UID order: the last is the highest.
  const claimed = await store.claimRecent(folderId, entries.at(-1)?.uid ?? 0, claim);
  return new Set(entries.filter((e) => e.uid > claimed).map((e) => e.uid));
}
