// Test mailboxes, their folders and messages. SMTP delivers into them, IMAP (and later the webmail) serve
// them. Every read goes to the database, so a mailbox created by another process is usable at once.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { parseAddress } from './address.ts';
import { MailboxEvents } from './events.ts';

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
  subscribed: boolean;
}

/** What the folder index holds of a message (its bytes are read separately, when needed). */
export interface MessageEntry {
  uid: number;
  flags: string[];
  internalDate: number;
  size: number;
}

export type FlagChange = 'set' | 'add' | 'remove';

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

export class MailboxStore {
  /** Committed changes, for live sessions (IMAP IDLE, selected folders). */
  readonly events = new MailboxEvents();
  private lastUidValidity = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly domains: { mail: string; patient: string },
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
        .values({ address: parsed.address, type, idnat: idnat ?? (type === 'patient' || type === 'test' ? null : parsed.local), created_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
      // UIDVALIDITY: seconds since the epoch fit the 32 bits IMAP allows until 2106.
      const uidValidity = Math.floor(now / 1000);
      for (const folder of DEFAULT_FOLDERS) {
        await tx
          .insertInto('folders')
          .values({ mailbox_id: Number(row.id), name: folder.name, special_use: folder.specialUse, uid_validity: uidValidity, uid_next: 1, subscribed: 1, created_at: now })
          .execute();
      }
      return toMailbox(row);
    });
  }

  /** Finds a mailbox by address; the domain is compared case-insensitively, the local part exactly. */
  async find(address: string): Promise<Mailbox | undefined> {
    const parsed = parseAddress(address);
    if (!parsed) return undefined;
    const row = await this.db.selectFrom('mailboxes').selectAll().where('address', '=', parsed.address).executeTakeFirst();
    return row ? toMailbox(row) : undefined;
  }

  async list(): Promise<Mailbox[]> {
    const rows = await this.db.selectFrom('mailboxes').selectAll().orderBy('id').execute();
    return rows.map(toMailbox);
  }

  /**
   * Appends a message to a folder and returns its UID. The UID comes from an atomic increment of the
   * folder's UIDNEXT, so concurrent deliveries (even from two processes) never share one.
   */
  async append(mailboxId: number, folderName: string, raw: Buffer, options: { flags?: string[]; internalDate?: number } = {}): Promise<{ uid: number; folderId: number; uidValidity: number }> {
    const appended = await this.db.transaction().execute(async (tx) => {
      const folder = await tx
        .updateTable('folders')
        .set((eb) => ({ uid_next: eb('uid_next', '+', 1) }))
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

  async messages(mailboxId: number, folderName: string): Promise<{ uid: number; flags: string[]; internalDate: number; size: number; raw: Buffer }[]> {
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
    const rows = await this.db.selectFrom('folders').selectAll().where('mailbox_id', '=', mailboxId).orderBy('name').execute();
    return rows.map(toFolder);
  }

  /** A folder by name; INBOX (and INBOX/…) in any case. */
  async folder(mailboxId: number, name: string): Promise<Folder | undefined> {
    const row = await this.db.selectFrom('folders').selectAll().where('mailbox_id', '=', mailboxId).where('name', '=', canonicalFolderName(name)).executeTakeFirst();
    return row ? toFolder(row) : undefined;
  }

  /** Creates a folder and the superiors it needs (RFC 3501 §6.3.3); a trailing delimiter is dropped. */
  async createFolder(mailboxId: number, name: string): Promise<Folder> {
    const canonical = newFolderName(name);
    const created = await this.db.transaction().execute(async (tx) => {
      const existing = await tx.selectFrom('folders').select(['name', 'uid_validity']).where('mailbox_id', '=', mailboxId).execute();
      const names = new Set(existing.map((r) => r.name));
      if (names.has(canonical)) throw new FolderError('exists', canonical);
      const segments = canonical.split(FOLDER_DELIMITER);
      const missing = segments.map((_, i) => segments.slice(0, i + 1).join(FOLDER_DELIMITER)).filter((n) => !names.has(n));
      const uidValidity = this.nextUidValidity(Math.max(0, ...existing.map((r) => Number(r.uid_validity))));
      const now = Date.now();
      let folder: Folder | undefined;
      for (const folderName of missing) {
        const row = await tx
          .insertInto('folders')
          .values({ mailbox_id: mailboxId, name: folderName, special_use: null, uid_validity: uidValidity, uid_next: 1, subscribed: 1, created_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        folder = toFolder(row);
      }
      return folder!;
    });
    this.events.emit({ type: 'folders', mailboxId });
    return created;
  }

  /** Deletes a folder and its messages; INBOX and folders with children stay. */
  async deleteFolder(mailboxId: number, name: string): Promise<void> {
    const folder = await this.requireFolder(mailboxId, name);
    if (folder.name === 'INBOX') throw new FolderError('inbox', name);
    if ((await this.folders(mailboxId)).some((f) => f.name.startsWith(folder.name + FOLDER_DELIMITER))) throw new FolderError('has_children', name);
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
    if (target === source.name || target.startsWith(source.name + FOLDER_DELIMITER)) throw new FolderError('invalid_name', to);
    const parent = target.split(FOLDER_DELIMITER).slice(0, -1).join(FOLDER_DELIMITER);
    if (parent && !(await this.folder(mailboxId, parent))) await this.createFolder(mailboxId, parent);
    if (source.name === 'INBOX') {
      const created = await this.createFolder(mailboxId, target);
      const uids = (await this.index(source.id)).map((m) => m.uid);
      await this.moveMessages(source, uids, created);
      return;
    }
    const renamed = (await this.folders(mailboxId)).filter((f) => f.id === source.id || f.name.startsWith(source.name + FOLDER_DELIMITER));
    await this.db.transaction().execute(async (tx) => {
      for (const folder of renamed) await tx.updateTable('folders').set({ name: target + folder.name.slice(source.name.length) }).where('id', '=', folder.id).execute();
    });
    this.events.emit({ type: 'folders', mailboxId });
  }

  /** Marks a folder subscribed or not (IMAP SUBSCRIBE/LSUB). */
  async setSubscribed(mailboxId: number, name: string, subscribed: boolean): Promise<void> {
    const folder = await this.requireFolder(mailboxId, name);
    await this.db.updateTable('folders').set({ subscribed: subscribed ? 1 : 0 }).where('id', '=', folder.id).execute();
  }

  /** The messages of a folder without their bytes, in UID order. */
  async index(folderId: number): Promise<MessageEntry[]> {
    const rows = await this.db.selectFrom('messages').select(['uid', 'flags', 'internal_date', 'size']).where('folder_id', '=', folderId).orderBy('uid').execute();
    return rows.map((r) => ({ uid: Number(r.uid), flags: splitFlags(r.flags), internalDate: Number(r.internal_date), size: Number(r.size) }));
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
        sql<number>`sum(case when (' ' || messages.flags || ' ') like ${'% \\Seen %'} escape '!' then 0 else 1 end)`.as('unseen'),
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
    const row = await this.db.selectFrom('messages').select('raw').where('folder_id', '=', folderId).where('uid', '=', uid).executeTakeFirst();
    return row ? Buffer.from(row.raw) : undefined;
  }

  /**
   * Sets, adds or removes flags; returns every message found with its flags afterwards. `origin` (see
   * MailboxChange) names the listener that applies the result itself.
   */
  async updateFlags(folder: Pick<Folder, 'id' | 'mailboxId'>, uids: number[], change: FlagChange, flags: string[], origin?: object): Promise<{ uid: number; flags: string[]; changed: boolean }[]> {
    const results = await this.db.transaction().execute(async (tx) => {
      const out: { uid: number; flags: string[]; changed: boolean }[] = [];
      for (const batch of chunks(uids)) {
        const rows = await tx.selectFrom('messages').select(['uid', 'flags']).where('folder_id', '=', folder.id).where('uid', 'in', batch).orderBy('uid').execute();
        for (const row of rows) {
          const before = splitFlags(row.flags);
          const after = applyFlagChange(before, change, flags);
          const changed = after.join(' ') !== before.join(' ');
          if (changed) await tx.updateTable('messages').set({ flags: after.join(' ') }).where('folder_id', '=', folder.id).where('uid', '=', Number(row.uid)).execute();
          out.push({ uid: Number(row.uid), flags: after, changed });
        }
      }
      return out;
    });
    if (results.some((r) => r.changed)) this.events.emit({ type: 'flags', mailboxId: folder.mailboxId, folderId: folder.id, origin });
    return results;
  }

  /** Copies messages (flags kept) and returns the [source, copy] UID pairs in source UID order. */
  async copyMessages(source: Pick<Folder, 'id' | 'mailboxId'>, uids: number[], target: Pick<Folder, 'id' | 'mailboxId'>): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    return this.transfer(source, uids, target, false);
  }

  /** Moves messages (RFC 6851): copies, then removes them from the source, in one transaction. */
  async moveMessages(source: Pick<Folder, 'id' | 'mailboxId'>, uids: number[], target: Pick<Folder, 'id' | 'mailboxId'>, origin?: object): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    return this.transfer(source, uids, target, true, origin);
  }

  /** Removes the messages flagged \Deleted (only those among `uids` when given); returns their UIDs. */
  async expunge(folder: Pick<Folder, 'id' | 'mailboxId'>, uids?: number[], origin?: object): Promise<number[]> {
    const only = uids ? new Set(uids) : undefined;
    const expunged = (await this.index(folder.id)).filter((m) => m.flags.includes('\\Deleted') && (!only || only.has(m.uid))).map((m) => m.uid);
    for (const batch of chunks(expunged)) await this.db.deleteFrom('messages').where('folder_id', '=', folder.id).where('uid', 'in', batch).execute();
    if (expunged.length > 0) this.events.emit({ type: 'expunged', mailboxId: folder.mailboxId, folderId: folder.id, origin });
    return expunged;
  }

  private async transfer(source: Pick<Folder, 'id' | 'mailboxId'>, uids: number[], target: Pick<Folder, 'id' | 'mailboxId'>, move: boolean, origin?: object): Promise<{ uidValidity: number; pairs: [number, number][] }> {
    const result = await this.db.transaction().execute(async (tx) => {
      const rows = [];
      for (const batch of chunks(uids)) rows.push(...(await tx.selectFrom('messages').selectAll().where('folder_id', '=', source.id).where('uid', 'in', batch).execute()));
      rows.sort((a, b) => Number(a.uid) - Number(b.uid));
      const folder = await tx
        .updateTable('folders')
        .set((eb) => ({ uid_next: eb('uid_next', '+', rows.length) }))
        .where('id', '=', target.id)
        .returning(['uid_next', 'uid_validity'])
        .executeTakeFirstOrThrow();
      const first = Number(folder.uid_next) - rows.length;
      const now = Date.now();
      const pairs: [number, number][] = [];
      for (const [i, row] of rows.entries()) {
        await tx.insertInto('messages').values({ folder_id: target.id, uid: first + i, flags: row.flags, internal_date: row.internal_date, size: row.size, raw: row.raw, created_at: now }).execute();
        pairs.push([Number(row.uid), first + i]);
      }
      if (move) for (const batch of chunks(pairs.map(([uid]) => uid))) await tx.deleteFrom('messages').where('folder_id', '=', source.id).where('uid', 'in', batch).execute();
      return { uidValidity: Number(folder.uid_validity), pairs };
    });
    if (result.pairs.length > 0) {
      // The copies are news even to the origin (a MOVE into its own folder); only the removal is not.
      this.events.emit({ type: 'appended', mailboxId: target.mailboxId, folderId: target.id });
      if (move) this.events.emit({ type: 'expunged', mailboxId: source.mailboxId, folderId: source.id, origin });
    }
    return result;
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
  return name.length > 0 && name.length <= 255 && !/[\x00-\x1f\x7f%*]/.test(name) && name.split(FOLDER_DELIMITER).every((level) => level.length > 0);
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

function toFolder(row: { id: number; mailbox_id: number; name: string; special_use: string | null; uid_validity: number; uid_next: number; subscribed: number }): Folder {
  return {
    id: Number(row.id),
    mailboxId: Number(row.mailbox_id),
    name: row.name,
    specialUse: row.special_use,
    uidValidity: Number(row.uid_validity),
    uidNext: Number(row.uid_next),
    subscribed: Number(row.subscribed) === 1,
  };
}

/** Batches of ids small enough for one SQL statement's parameters. */
function chunks(ids: number[], size = 500): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

function toMailbox(row: { id: number; address: string; type: string; idnat: string | null; created_at: number }): Mailbox {
  return { id: Number(row.id), address: row.address, type: row.type as MailboxType, idnat: row.idnat, createdAt: Number(row.created_at) };
}
