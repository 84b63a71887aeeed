// Test mailboxes, their folders and messages. SMTP delivers into them, IMAP (and later the webmail) serve
// them. Every read goes to the database, so a mailbox created by another process is usable at once.
import { sql, type Kysely } from 'kysely';
import { sameSecret } from '../../auth/secret.ts';
import type { Database } from '../../store/schema.ts';
import { Pacer } from '../../util/pace.ts';
import { parseAddress } from './address.ts';
import { MailboxEvents } from './events.ts';
import { newMailboxPassword } from './password.ts';

export type MailboxType = 'personal' | 'applicative' | 'patient' | 'test';
export const MAILBOX_TYPES: readonly MailboxType[] = ['personal', 'applicative', 'patient', 'test'];

export interface Mailbox {
  id: number;
  address: string;
  type: MailboxType;
  idnat: string | null;
  createdAt: number;
}

/** Folders every mailbox starts with, with their RFC 6154 special-use attribute. */
export const DEFAULT_FOLDERS: readonly { name: string; specialUse: string | null }[] = [
  { name: 'INBOX', specialUse: null },
  { name: 'Sent', specialUse: '\\Sent' },
  { name: 'Drafts', specialUse: '\\Drafts' },
  { name: 'Trash', specialUse: '\\Trash' },
];

/** Separator of folder names in a hierarchy ("Archives/2025"), as IMAP LIST announces it. */
export const FOLDER_DELIMITER = '/';

export interface Folder {
  id: number;
  mailboxId: number;
  /** UTF-8 name; INBOX is always spelt in upper case. */
  name: string;
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  /** The highest UID already claimed as \Recent (RFC 3501 §2.3.2); those above are recent for the next session. */
  recentUid: number;
  /** Bumped by every change to the folder's messages, whichever process makes it (see MailboxStore.changeMark). */
  modseq: number;
}

/** What the folder index holds of a message (its bytes are read separately, when needed). */
export interface MessageEntry {
  uid: number;
  flags: string[];
  internalDate: number;
  /** INTERNALDATE's time zone in minutes east of UTC, as APPEND gave it (RFC 3501 date-time); absent for +0000. */
  zone?: number;
  size: number;
}

/**
 * An index entry as read from the database: the flags stay one string, split only when someone asks for them
 * as a list (and not kept split), so that opening or searching a folder of thousands of messages with many
 * keywords leaves no arrays of strings behind for the garbage collector.
 */
class IndexEntry implements MessageEntry {
  constructor(
    readonly uid: number,
    private text: string,
    readonly internalDate: number,
    readonly size: number,
    readonly zone: number | undefined,
  ) {}

  get flags(): string[] {
    return splitFlags(this.text);
  }

  set flags(flags: string[]) {
    this.text = flags.join(' ');
  }

  /** The flags as stored: equal strings, equal flags. */
  get flagText(): string {
    return this.text;
  }
}

/** Whether a message has a flag, without splitting an index entry's flags. */
export function hasFlag(entry: MessageEntry, flag: string): boolean {
  return entry instanceof IndexEntry ? ` ${entry.flagText} `.includes(` ${flag} `) : entry.flags.includes(flag);
}

/** Whether two entries of the same message carry the same flags, compared as stored. */
export function sameFlags(a: MessageEntry, b: MessageEntry): boolean {
  const text = (e: MessageEntry) => (e instanceof IndexEntry ? e.flagText : e.flags.join(' '));
  return text(a) === text(b);
}

export type FlagChange = 'set' | 'add' | 'remove';

/** What one client can grow in a mailbox (settings mailbox.*); unlimited where the store is not a client's. */
export interface MailboxLimits {
  quotaMessages: number;
  quotaBytes: number;
  maxKeywordsPerMessage: number;
  maxKeywordsPerFolder: number;
  maxKeywordBytes: number;
}

export const NO_MAILBOX_LIMITS: MailboxLimits = {
  quotaMessages: Infinity,
  quotaBytes: Infinity,
  maxKeywordsPerMessage: Infinity,
  maxKeywordsPerFolder: Infinity,
  maxKeywordBytes: Infinity,
};

/** A mailbox would go over its quota: IMAP NO [OVERQUOTA], SMTP 552 5.2.2. Nothing was stored. */
export class QuotaError extends Error {
  constructor(
    readonly mailboxId: number,
    readonly resource: 'messages' | 'bytes',
    readonly limit: number,
  ) {
    super(`mailbox ${mailboxId} would exceed its quota of ${limit} ${resource}`);
  }
}

/** A keyword limit would be passed: IMAP NO [LIMIT]. Nothing was changed. */
export class KeywordLimitError extends Error {
  constructor(
    readonly limit: 'per_message' | 'per_folder' | 'length',
    readonly max: number,
  ) {
    super(
      limit === 'per_message'
        ? `Too many keywords on one message (at most ${max})`
        : limit === 'per_folder'
          ? `Too many keywords in this mailbox (at most ${max})`
          : `Keyword too long (at most ${max} bytes)`,
    );
  }
}

export class MailboxError extends Error {
  constructor(
    readonly code: 'invalid_address' | 'wrong_domain' | 'exists' | 'unknown_mailbox',
    message: string,
  ) {
    super(message);
  }
}

/** Why a folder operation was refused (IMAP CREATE/DELETE/RENAME/SUBSCRIBE map these to NO responses). */
export class FolderError extends Error {
  constructor(
    readonly code: 'unknown_folder' | 'exists' | 'invalid_name' | 'has_children' | 'inbox',
    message: string,
  ) {
    super(message);
  }
}

/** How many mailboxes found by address a process keeps (MailboxStore.find). */
const FOUND_MAILBOXES = 10_000;

export class MailboxStore {
  /** Committed changes, for live sessions (IMAP IDLE, selected folders). */
  readonly events = new MailboxEvents();
  private lastUidValidity = 0;
  /**
   * Mailboxes found by address, the most recently used last: an SMTP session looks its recipients up at RCPT, at the
   * quota check and at delivery, an IMAP or SMTP login its mailbox. A mailbox is never deleted and what find()
   * returns of it never changes, so a mailbox once found stays true for every process; an address not found is
   * not kept (another process may create it).
   */
  private readonly found = new Map<string, Mailbox>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly domains: { mail: string; patient: string },
    readonly limits: MailboxLimits = NO_MAILBOX_LIMITS,
  ) {}

  /** The domain an address belongs to, if it is one of ours. */
  domainOf(address: string): 'mail' | 'patient' | undefined {
    const parsed = parseAddress(address);
    if (!parsed) return undefined;
    if (parsed.domain === this.domains.mail) return 'mail';
    if (parsed.domain === this.domains.patient) return 'patient';
    return undefined;
  }

  async create(address: string, type: MailboxType, idnat?: string): Promise<Mailbox> {
    const parsed = parseAddress(address);
    if (!parsed) throw new MailboxError('invalid_address', address);
    const expected = type === 'patient' ? this.domains.patient : this.domains.mail;
    if (parsed.domain !== expected) throw new MailboxError('wrong_domain', address);
    if (await this.find(parsed.address)) throw new MailboxError('exists', parsed.address);
    const now = Date.now();
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('mailboxes')
        .values({
          address: parsed.address,
          type,
          idnat: idnat ?? (type === 'patient' || type === 'test' ? null : parsed.local),
          password: newMailboxPassword(),
          created_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      // UIDVALIDITY: seconds since the epoch fit the 32 bits IMAP allows until 2106.
      const uidValidity = Math.floor(now / 1000);
      for (const folder of DEFAULT_FOLDERS) {
        await tx
          .insertInto('folders')
          .values({
            mailbox_id: Number(row.id),
            name: folder.name,
            special_use: folder.specialUse,
            uid_validity: uidValidity,
            uid_next: 1,
            created_at: now,
          })
          .execute();
        await tx
          .insertInto('subscriptions')
          .values({ mailbox_id: Number(row.id), name: folder.name })
          .execute();
      }
      return toMailbox(row);
    });
  }

  /** Finds a mailbox by address; the domain is compared case-insensitively, the local part exactly. */
  async find(address: string): Promise<Mailbox | undefined> {
    const parsed = parseAddress(address);
    if (!parsed) return undefined;
    const known = this.found.get(parsed.address);
    if (known) {
      this.found.delete(parsed.address);
      this.found.set(parsed.address, known);
      return known;
    }
    const row = await this.db
      .selectFrom('mailboxes')
      .select(['id', 'address', 'type', 'idnat', 'created_at'])
      .where('address', '=', parsed.address)
      .executeTakeFirst();
    if (!row) return undefined;
    const mailbox = Object.freeze(toMailbox(row));
    this.found.set(parsed.address, mailbox);
    if (this.found.size > FOUND_MAILBOXES) this.found.delete(this.found.keys().next().value!);
    return mailbox;
  }

  async list(): Promise<Mailbox[]> {
    const rows = await this.db.selectFrom('mailboxes').selectAll().orderBy('id').execute();
    return rows.map(toMailbox);
  }

  /**
   * The mailbox's test password. It is kept in clear, in this private database, and never in Mailbox (so no
   * listing, log or evidence carries it): the account page, `motco account show` and the webmail's own
   * submissions must read it again, and whoever reads this database reads the mailbox's mail anyway. A hash
   * would allow showing it only once; an HMAC from a platform secret would keep that secret in this same
   * database (or in a file every process must share) for no gain. Generated with ~138 bits of entropy, it
   * needs no slow hash against guessing.
   */
  async password(mailboxId: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('mailboxes').select('password').where('id', '=', mailboxId).executeTakeFirst();
    if (!row) return undefined;
    return row.password ?? this.renewPassword(mailboxId);
  }

  /** Whether `given` is the mailbox's password (constant time). */
  async passwordMatches(mailboxId: number, given: string): Promise<boolean> {
    const expected = await this.password(mailboxId);
    return expected !== undefined && sameSecret(given, expected);
  }

  /** Draws a new password; the previous one stops opening the mailbox at once (open sessions keep running). */
  async renewPassword(mailboxId: number): Promise<string> {
    const password = newMailboxPassword();
    await this.db.updateTable('mailboxes').set({ password }).where('id', '=', mailboxId).execute();
    return password;
  }

  /**
   * Appends a message to a folder and returns its UID. The UID comes from an atomic increment of the
   * folder's UIDNEXT, so concurrent deliveries (even from two processes) never share one.
   */
  async append(
    mailboxId: number,
    folderName: string,
    raw: Buffer,
    options: { flags?: string[]; internalDate?: number; internalZone?: number } = {},
  ): Promise<{ uid: number; folderId: number; uidValidity: number }> {
    const keywords = this.checkKeywords(options.flags ?? [], 'set');
    if (keywords.length > 0) {
      const target = await this.folder(mailboxId, folderName);
      if (!target) throw new MailboxError('unknown_mailbox', `${mailboxId}/${folderName}`);
      await this.defineKeywords(target.id, keywords);
    }
    const appended = await this.db.transaction().execute(async (tx) => {
      await this.holdQuota(tx, mailboxId, 1, raw.length);
      const folder = await tx
        .updateTable('folders')
        .set((eb) => ({ uid_next: eb('uid_next', '+', 1), modseq: eb('modseq', '+', 1) }))
        .where('mailbox_id', '=', mailboxId)
        .where('name', '=', canonicalFolderName(folderName))
        .returning(['id', 'uid_next', 'uid_validity'])
        .executeTakeFirst();
      if (!folder) throw new MailboxError('unknown_mailbox', `${mailboxId}/${folderName}`);
      const uid = Number(folder.uid_next) - 1;
      const now = Date.now();
      await tx
        .insertInto('messages')
        .values({
          folder_id: Number(folder.id),
          uid,
          flags: (options.flags ?? []).join(' '),
          internal_date: options.internalDate ?? now,
          internal_zone: options.internalZone || null,
          size: raw.length,
          raw,
          created_at: now,
        })
        .execute();
      return { uid, folderId: Number(folder.id), uidValidity: Number(folder.uid_validity) };
    });
    this.events.emit({ type: 'appended', mailboxId, folderId: appended.folderId });
    return appended;
  }

  async messages(
    mailboxId: number,
    folderName: string,
  ): Promise<{ uid: number; flags: string[]; internalDate: number; size: number; raw: Buffer }[]> {
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('folders', 'folders.id', 'messages.folder_id')
      .select(['messages.uid', 'messages.flags', 'messages.internal_date', 'messages.size', 'messages.raw'])
      .where('folders.mailbox_id', '=', mailboxId)
      .where('folders.name', '=', folderName)
      .orderBy('messages.uid')
      .execute();
    return rows.map((r) => ({
      uid: Number(r.uid),
      flags: r.flags ? r.flags.split(' ') : [],
      internalDate: Number(r.internal_date),
      size: Number(r.size),
      raw: Buffer.from(r.raw),
    }));
  }

  async folders(mailboxId: number): Promise<Folder[]> {
    const rows = await this.db
      .selectFrom('folders')
      .selectAll()
      .where('mailbox_id', '=', mailboxId)
      .orderBy('name')
      .execute();
    return rows.map(toFolder);
  }

  /** A folder by name; INBOX (and INBOX/…) in any case. */
  async folder(mailboxId: number, name: string): Promise<Folder | undefined> {
    const row = await this.db
      .selectFrom('folders')
      .selectAll()
      .where('mailbox_id', '=', mailboxId)
      .where('name', '=', canonicalFolderName(name))
      .executeTakeFirst();
    return row ? toFolder(row) : undefined;
  }

  /**
   * Creates a folder and the superiors it needs (RFC 3501 §6.3.3); a trailing delimiter is dropped. Subscribes nothing.
   */
  async createFolder(mailboxId: number, name: string): Promise<Folder> {
    const canonical = newFolderName(name);
    const created = await this.db.transaction().execute(async (tx) => {
      const existing = await tx
        .selectFrom('folders')
        .select(['name', 'uid_validity'])
        .where('mailbox_id', '=', mailboxId)
        .execute();
      const names = new Set(existing.map((r) => r.name));
      if (names.has(canonical)) throw new FolderError('exists', canonical);
      const segments = canonical.split(FOLDER_DELIMITER);
      const missing = segments
        .map((_, i) => segments.slice(0, i + 1).join(FOLDER_DELIMITER))
        .filter((n) => !names.has(n));
      const uidValidity = this.nextUidValidity(Math.max(0, ...existing.map((r) => Number(r.uid_validity))));
      const now = Date.now();
      let folder: Folder | undefined;
      for (const folderName of missing) {
        const row = await tx
          .insertInto('folders')
          .values({
            mailbox_id: mailboxId,
            name: folderName,
            special_use: null,
            uid_validity: uidValidity,
            uid_next: 1,
            created_at: now,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        folder = toFolder(row);
      }
      return folder!;
    });
    this.events.emit({ type: 'folders', mailboxId });
    return created;
  }

  /**
   * Deletes a folder and its messages; INBOX and folders with children stay. Its subscription stays (RFC 3501 §6.3.6).
   */
  async deleteFolder(mailboxId: number, name: string): Promise<void> {
    const folder = await this.requireFolder(mailboxId, name);
    if (folder.name === 'INBOX') throw new FolderError('inbox', name);
    if ((await this.folders(mailboxId)).some((f) => f.name.startsWith(folder.name + FOLDER_DELIMITER)))
      throw new FolderError('has_children', name);
    await this.db.deleteFrom('folders').where('id', '=', folder.id).execute();
    this.events.emit({ type: 'expunged', mailboxId, folderId: folder.id });
    this.events.emit({ type: 'folders', mailboxId });
  }

  /**
   * Renames a folder with its children. Renaming INBOX moves its messages to a new folder and leaves INBOX
   * empty (RFC 3501 §6.3.5).
   */
  async renameFolder(mailboxId: number, from: string, to: string): Promise<void> {
    const source = await this.requireFolder(mailboxId, from);
    const target = newFolderName(to);
    if (await this.folder(mailboxId, target)) throw new FolderError('exists', target);
    if (target === source.name || target.startsWith(source.name + FOLDER_DELIMITER))
      throw new FolderError('invalid_name', to);
    const parent = target.split(FOLDER_DELIMITER).slice(0, -1).join(FOLDER_DELIMITER);
    if (parent && !(await this.folder(mailboxId, parent))) await this.createFolder(mailboxId, parent);
    if (source.name === 'INBOX') {
      const created = await this.createFolder(mailboxId, target);
      const uids = (await this.index(source.id)).map((m) => m.uid);
      await this.moveMessages(source, uids, created);
      return;
    }
    const renamed = (await this.folders(mailboxId)).filter(
      (f) => f.id === source.id || f.name.startsWith(source.name + FOLDER_DELIMITER),
    );
    await this.db.transaction().execute(async (tx) => {
      for (const folder of renamed)
        await tx
          .updateTable('folders')
          .set({ name: target + folder.name.slice(source.name.length) })
          .where('id', '=', folder.id)
          .execute();
    });
    this.events.emit({ type: 'folders', mailboxId });
  }

  /**
   * IMAP SUBSCRIBE / UNSUBSCRIBE (RFC 3501 §6.3.6–7). Subscriptions are names: only an existing folder can be
   * subscribed (as in Dovecot), but a subscription outlives its folder's deletion or renaming, and unsubscribing
   * a name that is not subscribed succeeds (as in Dovecot).
   */
  async setSubscribed(mailboxId: number, name: string, subscribed: boolean): Promise<void> {
    if (!subscribed) {
      await this.db
        .deleteFrom('subscriptions')
        .where('mailbox_id', '=', mailboxId)
        .where('name', '=', canonicalFolderName(name))
        .execute();
      return;
    }
    const folder = await this.requireFolder(mailboxId, name);
    await this.db
      .insertInto('subscriptions')
      .values({ mailbox_id: mailboxId, name: folder.name })
      .onConflict((oc) => oc.columns(['mailbox_id', 'name']).doNothing())
      .execute();
  }

  /** The subscribed names of a mailbox (IMAP LSUB), folders or not. */
  async subscriptions(mailboxId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('subscriptions')
      .select('name')
      .where('mailbox_id', '=', mailboxId)
      .orderBy('name')
      .execute();
    return rows.map((r) => r.name);
  }

  /**
   * Claims \Recent (RFC 3501 §2.3.2) for the messages of a folder up to `lastUid`, for a session opening it
   * read-write (`claim`) — or only looks, for EXAMINE. Returns the highest UID claimed before: the messages
   * above it are recent for this session. The claim is kept in the database, so that it holds across sessions,
   * processes and restarts; two sessions claiming at once cannot both win (compare and set).
   */
  async claimRecent(folderId: number, lastUid: number, claim: boolean): Promise<number> {
    for (;;) {
      const row = await this.db
        .selectFrom('folders')
        .select('recent_uid')
        .where('id', '=', folderId)
        .executeTakeFirst();
      const before = Number(row?.recent_uid ?? 0);
      if (!row || !claim || lastUid <= before) return before;
      const updated = await this.db
        .updateTable('folders')
        .set({ recent_uid: lastUid })
        .where('id', '=', folderId)
        .where('recent_uid', '=', before)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) > 0) return before;
    }
  }

  /**
   * The folder's change counter (undefined once the folder is gone). Every change to its messages bumps it in
   * the same transaction, whichever process makes it: a session that compares it sees the changes the in-process
   * events cannot tell it of (the CLI, another instance).
   */
  async changeMark(folderId: number): Promise<number | undefined> {
    const row = await this.db.selectFrom('folders').select('modseq').where('id', '=', folderId).executeTakeFirst();
    return row ? Number(row.modseq) : undefined;
  }

  /** Bumps a folder's change counter inside a writing transaction. */
  private async bump(tx: Kysely<Database>, folderId: number): Promise<void> {
    await tx
      .updateTable('folders')
      .set((eb) => ({ modseq: eb('modseq', '+', 1) }))
      .where('id', '=', folderId)
      .execute();
  }

  /** The messages of a folder without their bytes, in UID order, read a page at a time (see Pacer). */
  async index(folderId: number): Promise<MessageEntry[]> {
    const entries: MessageEntry[] = [];
    const pacer = new Pacer();
    for (let after = 0; ; ) {
      const rows = await this.db
        .selectFrom('messages')
        .select(['uid', 'flags', 'internal_date', 'internal_zone', 'size'])
        .where('folder_id', '=', folderId)
        .where('uid', '>', after)
        .orderBy('uid')
        .limit(PAGE)
        .execute();
      for (const r of rows)
        entries.push(
          new IndexEntry(
            Number(r.uid),
            r.flags,
            Number(r.internal_date),
            Number(r.size),
            r.internal_zone ? Number(r.internal_zone) : undefined,
          ),
        );
      if (rows.length < PAGE) return entries;
      after = Number(rows.at(-1)!.uid);
      await pacer.tick();
    }
  }

  /**
   * STATUS of a folder (messages above `recentAfter` count as recent) as SQL aggregates, a page of messages per
   * query with the event loop free in between: no message is read into memory.
   */
  async status(
    folderId: number,
    recentAfter: number,
  ): Promise<{ messages: number; unseen: number; recent: number; lastUid: number }> {
    const total = { messages: 0, unseen: 0, recent: 0, lastUid: 0 };
    const pacer = new Pacer();
    for (;;) {
      const page = this.db
        .selectFrom('messages')
        .select(['uid', 'flags'])
        .where('folder_id', '=', folderId)
        .where('uid', '>', total.lastUid)
        .orderBy('uid')
        .limit(PAGE)
        .as('page');
      const row = await this.db
        .selectFrom(page)
        .select((eb) => [
          eb.fn.countAll<number>().as('messages'),
          sql<number>`coalesce(sum(case when (' ' || page.flags || ' ') like ${'% \\Seen %'} escape '!'
            then 0 else 1 end), 0)`.as('unseen'),
          sql<number>`coalesce(sum(case when page.uid > ${recentAfter} then 1 else 0 end), 0)`.as('recent'),
          sql<number>`coalesce(max(page.uid), 0)`.as('last_uid'),
        ])
        .executeTakeFirstOrThrow();
      total.messages += Number(row.messages);
      total.unseen += Number(row.unseen);
      total.recent += Number(row.recent);
      total.lastUid = Math.max(total.lastUid, Number(row.last_uid));
      if (Number(row.messages) < PAGE) return total;
      await pacer.tick();
    }
  }

  /** Messages and bytes a mailbox holds, all folders together (counters the database keeps: migration 0014). */
  async usage(mailboxId: number): Promise<{ messages: number; bytes: number }> {
    const row = await this.db
      .selectFrom('mailboxes')
      .select(['used_messages', 'used_bytes'])
      .where('id', '=', mailboxId)
      .executeTakeFirst();
    return usageOf(row);
  }

  /** Throws QuotaError when `messages` more messages of `bytes` bytes in all would not fit in the mailbox. */
  async checkQuota(mailboxId: number, messages: number, bytes: number): Promise<void> {
    if (messages <= 0 && bytes <= 0) return;
    this.compareQuota(mailboxId, await this.usage(mailboxId), messages, bytes);
  }

  private compareQuota(mailboxId: number, used: { messages: number; bytes: number }, messages: number, bytes: number) {
    const { quotaMessages, quotaBytes } = this.limits;
    if (used.messages + messages > quotaMessages) throw new QuotaError(mailboxId, 'messages', quotaMessages);
    if (used.bytes + bytes > quotaBytes) throw new QuotaError(mailboxId, 'bytes', quotaBytes);
  }

  /**
   * The quota check inside a writing transaction: the mailbox's row is updated first (to itself), which holds
   * concurrent writers to the same mailbox until this transaction ends (PostgreSQL locks the row; SQLite
   * allows one writer at a time anyway), and read in the same statement.
   */
  private async holdQuota(tx: Kysely<Database>, mailboxId: number, messages: number, bytes: number): Promise<void> {
    if (messages <= 0 && bytes <= 0) return;
    const row = await tx
      .updateTable('mailboxes')
      .set((eb) => ({ address: eb.ref('address') }))
      .where('id', '=', mailboxId)
      .returning(['used_messages', 'used_bytes'])
      .executeTakeFirst();
    this.compareQuota(mailboxId, usageOf(row), messages, bytes);
  }

  /**
   * The keywords among flags to set on a message, checked against the limits that do not depend on the
   * folder: their length, and their number (for a change that sets them all; 'add' is checked per message).
   */
  private checkKeywords(flags: string[], change: FlagChange): string[] {
    const keywords = keywordsOf(flags);
    const { maxKeywordBytes, maxKeywordsPerMessage } = this.limits;
    if (keywords.some((k) => Buffer.byteLength(k) > maxKeywordBytes))
      throw new KeywordLimitError('length', maxKeywordBytes);
    if (change === 'set' && keywords.length > maxKeywordsPerMessage)
      throw new KeywordLimitError('per_message', maxKeywordsPerMessage);
    return change === 'remove' ? [] : keywords;
  }

  /** The keywords defined in a folder, as first spelt, in order: what SELECT announces in FLAGS. */
  async keywords(folderId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('folder_keywords')
      .select('keyword')
      .where('folder_id', '=', folderId)
      .orderBy('keyword_key')
      .execute();
    return rows.map((r) => r.keyword);
  }

  /**
   * Defines keywords in a folder before messages there carry them. When the folder's list is full, keywords
   * no message carries any more are forgotten first; if there is still no room, KeywordLimitError.
   */
  private async defineKeywords(folderId: number, keywords: string[]): Promise<void> {
    if (keywords.length === 0) return;
    const wanted = new Map(keywords.map((k) => [k.toLowerCase(), k]));
    const known = async () =>
      new Set(
        (
          await this.db.selectFrom('folder_keywords').select('keyword_key').where('folder_id', '=', folderId).execute()
        ).map((r) => r.keyword_key),
      );
    let defined = await known();
    let missing = [...wanted.keys()].filter((key) => !defined.has(key));
    if (missing.length === 0) return;
    const max = this.limits.maxKeywordsPerFolder;
    if (defined.size + missing.length > max) {
      await this.forgetUnusedKeywords(folderId, defined);
      defined = await known();
      missing = missing.filter((key) => !defined.has(key));
      if (defined.size + missing.length > max) throw new KeywordLimitError('per_folder', max);
    }
    for (const key of missing) {
      await this.db
        .insertInto('folder_keywords')
        .values({ folder_id: folderId, keyword: wanted.get(key)!, keyword_key: key })
        .onConflict((oc) => oc.columns(['folder_id', 'keyword_key']).doNothing())
        .execute();
    }
  }

  /** Forgets the defined keywords that no message of the folder carries (read a page at a time). */
  private async forgetUnusedKeywords(folderId: number, defined: Set<string>): Promise<void> {
    const unused = new Set(defined);
    const pacer = new Pacer();
    for (let after = 0; unused.size > 0; ) {
      const rows = await this.db
        .selectFrom('messages')
        .select(['uid', 'flags'])
        .where('folder_id', '=', folderId)
        .where('uid', '>', after)
        .orderBy('uid')
        .limit(PAGE)
        .execute();
      for (const row of rows) for (const flag of splitFlags(row.flags)) unused.delete(flag.toLowerCase());
      if (rows.length < PAGE) break;
      after = Number(rows.at(-1)!.uid);
      await pacer.tick();
    }
    for (const batch of chunks([...unused]))
      await this.db
        .deleteFrom('folder_keywords')
        .where('folder_id', '=', folderId)
        .where('keyword_key', 'in', batch)
        .execute();
  }

  /** Messages and unseen messages per folder id of a mailbox (folders without messages are absent). */
  async folderCounts(mailboxId: number): Promise<Map<number, { total: number; unseen: number }>> {
    const rows = await this.db
      .selectFrom('messages')
      .innerJoin('folders', 'folders.id', 'messages.folder_id')
      .select((eb) => [
        'messages.folder_id',
        eb.fn.countAll<number>().as('total'),
        // ESCAPE makes the backslash of \\Seen literal in PostgreSQL's LIKE too (it is its default escape character).
        sql<number>`sum(case when (' ' || messages.flags || ' ') like ${'% \\Seen %'} escape '!' then 0 else 1 end)`.as(
          'unseen',
        ),
      ])
      .where('folders.mailbox_id', '=', mailboxId)
      .groupBy('messages.folder_id')
      .execute();
    return new Map(rows.map((r) => [Number(r.folder_id), { total: Number(r.total), unseen: Number(r.unseen) }]));
  }

  /** The first bytes of some messages (enough for their header), by UID: lists need no whole message. */
  async heads(folderId: number, uids: number[], maxBytes = 64 * 1024): Promise<Map<number, Buffer>> {
    const out = new Map<number, Buffer>();
    for (const batch of chunks(uids)) {
      const rows = await this.db
        .selectFrom('messages')
        .select(['uid', sql<Uint8Array>`substr(raw, 1, ${maxBytes})`.as('head')])
        .where('folder_id', '=', folderId)
        .where('uid', 'in', batch)
        .execute();
      for (const row of rows) out.set(Number(row.uid), Buffer.from(row.head));
    }
    return out;
  }

  /** The bytes of one message; undefined once it is expunged. */
  async content(folderId: number, uid: number): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('messages')
      .select('raw')
      .where('folder_id', '=', folderId)
      .where('uid', '=', uid)
      .executeTakeFirst();
    return row ? Buffer.from(row.raw) : undefined;
  }

  /**
   * Sets, adds or removes flags; returns every message found with its flags afterwards. `origin` (see
   * MailboxChange) names the listener that applies the result itself.
   */
  async updateFlags(
    folder: Pick<Folder, 'id' | 'mailboxId'>,
    uids: number[],
    change: FlagChange,
    flags: string[],
    origin?: object,
  ): Promise<{ uid: number; flags: string[]; changed: boolean }[]> {
    const keywords = this.checkKeywords(flags, change);
    if (keywords.length > 0) {
      if (change === 'add') await this.checkAddedKeywords(folder.id, uids, flags);
      await this.defineKeywords(folder.id, keywords);
    }
    // A chunk of messages per transaction, the event loop free in between: a STORE on thousands of messages
    // holds no other client (RFC 3501 asks nothing of STORE across messages).
    const out: { uid: number; flags: string[]; changed: boolean }[] = [];
    const pacer = new Pacer();
    try {
      for (const batch of chunks(uids, CHUNK)) {
        const done = await this.db.transaction().execute(async (tx) => {
          const results: typeof out = [];
          const rows = await tx
            .selectFrom('messages')
            .select(['uid', 'flags'])
            .where('folder_id', '=', folder.id)
            .where('uid', 'in', batch)
            .orderBy('uid')
            .execute();
          for (const row of rows) {
            const before = splitFlags(row.flags);
            const after = applyFlagChange(before, change, flags);
            const changed = after.join(' ') !== before.join(' ');
            if (changed)
              await tx
                .updateTable('messages')
                .set({ flags: after.join(' ') })
                .where('folder_id', '=', folder.id)
                .where('uid', '=', Number(row.uid))
                .execute();
            results.push({ uid: Number(row.uid), flags: after, changed });
          }
          if (results.some((r) => r.changed)) await this.bump(tx, folder.id);
          return results;
        });
        out.push(...done);
        await pacer.tick();
      }
    } finally {
      if (out.some((r) => r.changed))
        this.events.emit({ type: 'flags', mailboxId: folder.mailboxId, folderId: folder.id, origin });
    }
    return out;
  }

  /** Refuses an 'add' that would leave a message with more keywords than allowed, before changing any. */
  private async checkAddedKeywords(folderId: number, uids: number[], flags: string[]): Promise<void> {
    const max = this.limits.maxKeywordsPerMessage;
    if (max === Infinity) return;
    const pacer = new Pacer();
    for (const batch of chunks(uids)) {
      const rows = await this.db
        .selectFrom('messages')
        .select('flags')
        .where('folder_id', '=', folderId)
        .where('uid', 'in', batch)
        .execute();
      for (const row of rows) {
        const before = splitFlags(row.flags);
        const count = keywordsOf(applyFlagChange(before, 'add', flags)).length;
        if (count > max && count > keywordsOf(before).length) throw new KeywordLimitError('per_message', max);
      }
      await pacer.tick();
    }
  }

  /** Copies messages (flags kept) and returns the [source, copy] UID pairs in source UID order. */
  async copyMessages(
    source: Pick<Folder, 'id' | 'mailboxId'>,
    uids: number[],
    target: Pick<Folder, 'id' | 'mailboxId'>,
  ): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    return this.transfer(source, uids, target, false);
  }

  /** Moves messages (RFC 6851): each chunk is copied and removed from the source in one transaction. */
  async moveMessages(
    source: Pick<Folder, 'id' | 'mailboxId'>,
    uids: number[],
    target: Pick<Folder, 'id' | 'mailboxId'>,
    origin?: object,
  ): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    return this.transfer(source, uids, target, true, origin);
  }

  /** Removes the messages flagged \Deleted (only those among `uids` when given); returns their UIDs. */
  async expunge(folder: Pick<Folder, 'id' | 'mailboxId'>, uids?: number[], origin?: object): Promise<number[]> {
    const only = uids ? new Set(uids) : undefined;
    const pacer = new Pacer();
    const expunged: number[] = [];
    for (let after = 0; ; ) {
      const rows = await this.db
        .selectFrom('messages')
        .select([
          'uid',
          sql<number>`case when (' ' || flags || ' ') like ${'% \\Deleted %'} escape '!' then 1 else 0 end`.as(
            'deleted',
          ),
        ])
        .where('folder_id', '=', folder.id)
        .where('uid', '>', after)
        .orderBy('uid')
        .limit(PAGE)
        .execute();
      for (const r of rows)
        if (Number(r.deleted) === 1 && (!only || only.has(Number(r.uid)))) expunged.push(Number(r.uid));
      if (rows.length < PAGE) break;
      after = Number(rows.at(-1)!.uid);
      await pacer.tick();
    }
    let removed = 0;
    try {
      for (const batch of chunks(expunged)) {
        await this.db.transaction().execute(async (tx) => {
          await tx.deleteFrom('messages').where('folder_id', '=', folder.id).where('uid', 'in', batch).execute();
          await this.bump(tx, folder.id);
        });
        removed += batch.length;
        await pacer.tick();
      }
    } finally {
      if (removed > 0) this.events.emit({ type: 'expunged', mailboxId: folder.mailboxId, folderId: folder.id, origin });
    }
    return expunged;
  }

  /**
   * COPY and MOVE. The bytes never pass through JavaScript (INSERT … SELECT), the work goes a chunk per
   * transaction with the event loop free in between, and the limits are checked before anything is written:
   * the target folder must be able to define the keywords, the target mailbox to hold the copies. A copy
   * that fails half-way is undone; a move keeps what it moved (each message is in exactly one place).
   */
  private async transfer(
    source: Pick<Folder, 'id' | 'mailboxId'>,
    uids: number[],
    target: Pick<Folder, 'id' | 'mailboxId'>,
    move: boolean,
    origin?: object,
  ): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    const pacer = new Pacer();
    const rows: { uid: number; flags: string; size: number }[] = [];
    for (const batch of chunks(uids)) {
      const found = await this.db
        .selectFrom('messages')
        .select(['uid', 'flags', 'size'])
        .where('folder_id', '=', source.id)
        .where('uid', 'in', batch)
        .execute();
      for (const r of found) rows.push({ uid: Number(r.uid), flags: r.flags, size: Number(r.size) });
      await pacer.tick();
    }
    rows.sort((a, b) => a.uid - b.uid);
    // A move within one mailbox leaves its quota as it was; a copy too large is refused before anything else.
    const grows = !move || source.mailboxId !== target.mailboxId;
    const bytes = rows.reduce((sum, r) => sum + r.size, 0);
    if (grows) await this.checkQuota(target.mailboxId, rows.length, bytes);
    const keywords = new Set<string>();
    for (const [i, row] of rows.entries()) {
      for (const keyword of keywordsOf(splitFlags(row.flags))) keywords.add(keyword);
      if (i % 100 === 0) await pacer.tick();
    }
    await this.defineKeywords(target.id, [...keywords]);
    const folder = await this.db.transaction().execute(async (tx) => {
      if (grows) await this.holdQuota(tx, target.mailboxId, rows.length, bytes);
      return tx
        .updateTable('folders')
        .set((eb) => ({ uid_next: eb('uid_next', '+', rows.length) }))
        .where('id', '=', target.id)
        .returning(['uid_next', 'uid_validity'])
        .executeTakeFirstOrThrow();
    });
    const first = Number(folder.uid_next) - rows.length;
    const now = Date.now();
    const pairs: [number, number][] = [];
    try {
      for (let i = 0; i < rows.length; i += CHUNK) {
        const part = rows.slice(i, i + CHUNK).map((row, j): [number, number] => [row.uid, first + i + j]);
        const done = await this.db.transaction().execute(async (tx) => {
          const copied: [number, number][] = [];
          for (const [from, to] of part) {
            const inserted = await tx
              .insertInto('messages')
              .columns(['folder_id', 'uid', 'flags', 'internal_date', 'internal_zone', 'size', 'raw', 'created_at'])
              .expression((eb) =>
                eb
                  .selectFrom('messages')
                  .select((s) => [
                    s.cast<number>(s.val(target.id), 'integer').as('folder_id'),
                    s.cast<number>(s.val(to), 'integer').as('uid'),
                    'flags',
                    'internal_date',
                    'internal_zone',
                    'size',
                    'raw',
                    s.cast<number>(s.val(now), 'bigint').as('created_at'),
                  ])
                  .where('folder_id', '=', source.id)
                  .where('uid', '=', from),
              )
              .executeTakeFirst();
            // A message expunged meanwhile by another session is not copied: its UID stays unused.
            if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) copied.push([from, to]);
          }
          if (move && copied.length > 0)
            await tx
              .deleteFrom('messages')
              .where('folder_id', '=', source.id)
              .where(
                'uid',
                'in',
                copied.map(([from]) => from),
              )
              .execute();
          if (copied.length > 0) {
            await this.bump(tx, target.id);
            if (move && source.id !== target.id) await this.bump(tx, source.id);
          }
          return copied;
        });
        pairs.push(...done);
        await pacer.tick();
      }
    } catch (error) {
      if (!move) {
        for (const batch of chunks(pairs.map(([, to]) => to)))
          await this.db.deleteFrom('messages').where('folder_id', '=', target.id).where('uid', 'in', batch).execute();
        pairs.length = 0;
      }
      origin = undefined; // the origin never learns of a half-done move from its result: it must hear of it
      throw error;
    } finally {
      if (pairs.length > 0) {
        // The copies are news even to the origin (a MOVE into its own folder); only the removal is not.
        this.events.emit({ type: 'appended', mailboxId: target.mailboxId, folderId: target.id });
        if (move) this.events.emit({ type: 'expunged', mailboxId: source.mailboxId, folderId: source.id, origin });
      }
    }
    return { uidValidity: Number(folder.uid_validity), pairs };
  }

  private async requireFolder(mailboxId: number, name: string): Promise<Folder> {
    const folder = await this.folder(mailboxId, name);
    if (!folder) throw new FolderError('unknown_folder', name);
    return folder;
  }

  /**
   * UIDVALIDITY of a new folder: seconds since the epoch, but always above any value given before in this
   * process or held by the mailbox's folders, so that a folder deleted and re-created never reuses one.
   */
  private nextUidValidity(highestInMailbox: number): number {
    this.lastUidValidity = Math.max(Math.floor(Date.now() / 1000), this.lastUidValidity + 1, highestInMailbox + 1);
    return this.lastUidValidity;
  }
}

/** INBOX is case-insensitive (RFC 3501 §5.1), and so is the first level of INBOX/…; other names are exact. */
export function canonicalFolderName(name: string): string {
  const [first, ...rest] = name.split(FOLDER_DELIMITER);
  return first!.toUpperCase() === 'INBOX' ? ['INBOX', ...rest].join(FOLDER_DELIMITER) : name;
}

/** The name of a folder to create or rename to: a trailing delimiter dropped, INBOX canonical, checked. */
function newFolderName(name: string): string {
  const canonical = canonicalFolderName(name.endsWith(FOLDER_DELIMITER) ? name.slice(0, -1) : name);
  if (!isValidFolderName(canonical)) throw new FolderError('invalid_name', name);
  return canonical;
}

/** Non-empty levels, no IMAP wildcards or control characters, a sane length. */
export function isValidFolderName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !/[\x00-\x1f\x7f%*]/.test(name) &&
    name.split(FOLDER_DELIMITER).every((level) => level.length > 0)
  );
}

/** The flags of RFC 3501 §2.3.2 other than \Recent (which is per session and never stored). */
export const SYSTEM_FLAGS = ['\\Answered', '\\Flagged', '\\Deleted', '\\Seen', '\\Draft'];

/** Flags after a STORE-like change; system flags keep their canonical spelling, keywords compare case-insensitively. */
export function applyFlagChange(current: string[], change: FlagChange, flags: string[]): string[] {
  const key = (f: string) => f.toLowerCase();
  const given = new Map(flags.map((f) => [key(f), SYSTEM_FLAGS.find((s) => key(s) === key(f)) ?? f]));
  if (change === 'set') return [...given.values()];
  if (change === 'remove') return current.filter((f) => !given.has(key(f)));
  const present = new Set(current.map(key));
  return [...current, ...[...given.entries()].filter(([k]) => !present.has(k)).map(([, f]) => f)];
}

function splitFlags(text: string): string[] {
  return text ? text.split(' ') : [];
}

/** The keywords among flags: those that are not system flags (which start with a backslash). */
export function keywordsOf(flags: string[]): string[] {
  return flags.filter((f) => !f.startsWith('\\'));
}

/** Rows read per query when going through a whole folder, between two chances for the event loop. */
const PAGE = 2000;
/**
 * Messages written per transaction by the operations on many messages (STORE, COPY, MOVE): a few milliseconds' work.
 */
const CHUNK = 50;

function toFolder(row: {
  id: number;
  mailbox_id: number;
  name: string;
  special_use: string | null;
  uid_validity: number;
  uid_next: number;
  recent_uid: number;
  modseq: number;
}): Folder {
  return {
    id: Number(row.id),
    mailboxId: Number(row.mailbox_id),
    name: row.name,
    specialUse: row.special_use,
    uidValidity: Number(row.uid_validity),
    uidNext: Number(row.uid_next),
    recentUid: Number(row.recent_uid),
    modseq: Number(row.modseq),
  };
}

/** Batches of ids small enough for one SQL statement's parameters. */
function chunks<T>(ids: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** A mailbox row's usage counters (no row: nothing used). */
function usageOf(row: { used_messages: number; used_bytes: number } | undefined): { messages: number; bytes: number } {
  return { messages: Number(row?.used_messages ?? 0), bytes: Number(row?.used_bytes ?? 0) };
}

function toMailbox(row: {
  id: number;
  address: string;
  type: string;
  idnat: string | null;
  created_at: number;
}): Mailbox {
  return {
    id: Number(row.id),
    address: row.address,
    type: row.type as MailboxType,
    idnat: row.idnat,
    createdAt: Number(row.created_at),
  };
}
