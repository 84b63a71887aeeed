// Test mailboxes, their folders and messages. SMTP delivers into them, IMAP (and later the webmail) serve
// them. Every read goes to the database, so a mailbox created by another process is usable at once.
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { parseAddress } from './address.ts';

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

export class MailboxError extends Error {
  constructor(
    readonly code: 'invalid_address' | 'wrong_domain' | 'exists' | 'unknown_mailbox',
    message: string,
  ) {
    super(message);
  }
}

export class MailboxStore {
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
  async append(mailboxId: number, folderName: string, raw: Buffer, options: { flags?: string[]; internalDate?: number } = {}): Promise<{ uid: number; folderId: number }> {
    return this.db.transaction().execute(async (tx) => {
      const folder = await tx
        .updateTable('folders')
        .set((eb) => ({ uid_next: eb('uid_next', '+', 1) }))
        .where('mailbox_id', '=', mailboxId)
        .where('name', '=', folderName)
        .returning(['id', 'uid_next'])
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
      return { uid, folderId: Number(folder.id) };
    });
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
}

function toMailbox(row: { id: number; address: string; type: string; idnat: string | null; created_at: number }): Mailbox {
  return { id: Number(row.id), address: row.address, type: row.type as MailboxType, idnat: row.idnat, createdAt: Number(row.created_at) };
}
