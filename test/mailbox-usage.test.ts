// What a mailbox holds, as the quota reads it: counters the database keeps with triggers (migration 0014). On
// both engines (the PostgreSQL leg gives the data folder its own database), every way messages come and go —
// APPEND, delivery, COPY, MOVE, EXPUNGE, renaming INBOX, deleting a folder — leaves the counters equal to a count
// of the messages themselves; and the migration fills them in for mail stored before it.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Delivery } from '../src/mail/mailbox/delivery.ts';
import { MailboxStore, type Mailbox } from '../src/mail/mailbox/store.ts';
import { migrations } from '../src/store/migrations.ts';
import type { Database } from '../src/store/schema.ts';
import { DATABASE_URL_FILE, openStore, type Store } from '../src/store/store.ts';
import { testDataDir } from './helpers/platform.ts';

const dirs: string[] = [];
const stores: Store[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const LIMITS = {
  quotaMessages: 1000,
  quotaBytes: 1_000_000,
  maxKeywordsPerMessage: 8,
  maxKeywordsPerFolder: 8,
  maxKeywordBytes: 32,
};
const DOMAINS = { mail: 'mail.test', patient: 'patient.mail.test' };

async function opened(): Promise<{ store: Store; mailboxes: MailboxStore }> {
  const dir = testDataDir('motco-usage-');
  dirs.push(dir);
  const store = await openStore({ dataDir: dir });
  stores.push(store);
  return { store, mailboxes: new MailboxStore(store.db, DOMAINS, LIMITS) };
}

/** What the mailbox holds, counted from its messages. */
async function counted(db: Kysely<Database>, m: Mailbox): Promise<{ messages: number; bytes: number }> {
  const row = await db
    .selectFrom('messages')
    .innerJoin('folders', 'folders.id', 'messages.folder_id')
    .select((eb) => [eb.fn.countAll<number>().as('n'), sql<number>`coalesce(sum(messages.size), 0)`.as('bytes')])
    .where('folders.mailbox_id', '=', m.id)
    .executeTakeFirstOrThrow();
  return { messages: Number(row.n), bytes: Number(row.bytes) };
}

const message = (subject: string, bytes: number) => Buffer.from(`Subject: ${subject}\r\n\r\n${'x'.repeat(bytes)}\r\n`);

describe('mailbox usage counters', () => {
  it('equal the messages held after APPEND, delivery, COPY, MOVE, EXPUNGE, RENAME INBOX and DELETE', async () => {
    const { store, mailboxes } = await opened();
    const a = await mailboxes.create('usage-a@mail.test', 'test');
    const b = await mailboxes.create('usage-b@mail.test', 'test');
    const agree = async (expected: number) => {
      for (const m of [a, b]) expect(await mailboxes.usage(m.id)).toEqual(await counted(store.db, m));
      expect((await mailboxes.usage(a.id)).messages).toBe(expected);
    };
    await agree(0);
    for (let i = 0; i < 5; i++) await mailboxes.append(a.id, 'INBOX', message(`a${i}`, 100 * i));
    await mailboxes.append(a.id, 'Sent', message('sent', 321));
    await mailboxes.append(b.id, 'INBOX', message('b', 50));
    await agree(6);
    // A delivery to two recipients, one of them a patient address whose mailbox it creates.
    const delivery = new Delivery(mailboxes);
    await delivery.deliver(['usage-a@mail.test', '2990101000000@patient.mail.test'], message('delivered', 777));
    const patient = (await mailboxes.find('2990101000000@patient.mail.test'))!;
    expect(await mailboxes.usage(patient.id)).toEqual(await counted(store.db, patient));
    expect((await mailboxes.usage(patient.id)).messages).toBe(1);
    await agree(7);
    const inbox = (await mailboxes.folder(a.id, 'INBOX'))!;
    const trash = (await mailboxes.folder(a.id, 'Trash'))!;
    await mailboxes.copyMessages(inbox, [1, 2, 3], trash);
    await agree(10);
    await mailboxes.moveMessages(inbox, [4], trash);
    await agree(10);
    await mailboxes.updateFlags(trash, [1, 2], 'add', ['\\Deleted']);
    await mailboxes.expunge(trash, [1]);
    await agree(9);
    await mailboxes.createFolder(a.id, 'Archives');
    const archives = (await mailboxes.folder(a.id, 'Archives'))!;
    await mailboxes.copyMessages(inbox, [5], archives);
    await agree(10);
    // Renaming INBOX moves its messages into a new folder: nothing more, nothing less.
    await mailboxes.renameFolder(a.id, 'INBOX', 'Old');
    await agree(10);
    // Deleting a folder takes its messages with it (the foreign key's cascade).
    await mailboxes.deleteFolder(a.id, 'Trash');
    await agree(7);
    await mailboxes.deleteFolder(a.id, 'Old');
    await agree(2);
  });

  it('are what the quota compares: a mailbox refused at its quota takes mail again once emptied', async () => {
    const { store, mailboxes: roomy } = await opened();
    const mailboxes = new MailboxStore(store.db, DOMAINS, { ...LIMITS, quotaMessages: 2 });
    const m = await roomy.create('usage-quota@mail.test', 'test');
    await mailboxes.append(m.id, 'INBOX', message('one', 10));
    await mailboxes.append(m.id, 'INBOX', message('two', 10));
    await expect(mailboxes.append(m.id, 'INBOX', message('three', 10))).rejects.toMatchObject({ resource: 'messages' });
    expect(await new Delivery(mailboxes).overQuota([m.address], 10)).toBe(m.address);
    const inbox = (await mailboxes.folder(m.id, 'INBOX'))!;
    await mailboxes.updateFlags(inbox, [1, 2], 'add', ['\\Deleted']);
    expect(await mailboxes.expunge(inbox)).toEqual([1, 2]);
    expect(await mailboxes.usage(m.id)).toEqual({ messages: 0, bytes: 0 });
    expect(await new Delivery(mailboxes).overQuota([m.address], 10)).toBeUndefined();
    await mailboxes.append(m.id, 'INBOX', message('again', 10));
    expect(await mailboxes.usage(m.id)).toEqual(await counted(store.db, m));
  });

  it('are filled in by the migration for mail stored before it', async () => {
    const dir = testDataDir('motco-usage-migration-');
    dirs.push(dir);
    let url: string | undefined;
    try {
      url = readFileSync(path.join(dir, DATABASE_URL_FILE), 'utf8').trim();
    } catch {
      // SQLite
    }
    const dialect = url ? 'postgres' : 'sqlite';
    const db = new Kysely<Database>({
      dialect: url
        ? new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) })
        : new SqliteDialect({ database: new Sqlite(path.join(dir, 'motco.sqlite')) }),
    });
    try {
      const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
      expect((await migrator.migrateTo('0013_agency_messages')).error).toBeUndefined();
      const before = new MailboxStore(db, DOMAINS, { ...LIMITS, quotaMessages: Infinity, quotaBytes: Infinity });
      const m = await before.create('usage-old@mail.test', 'test');
      const folders = await db.selectFrom('folders').select(['id', 'name']).where('mailbox_id', '=', m.id).execute();
      let uid = 1;
      for (const folder of folders)
        for (const size of [10, 2000, 30])
          await db
            .insertInto('messages')
            .values({
              folder_id: Number(folder.id),
              uid: uid++,
              flags: '',
              internal_date: 0,
              internal_zone: null,
              size,
              raw: Buffer.alloc(size),
              created_at: 0,
            })
            .execute();
      expect((await migrator.migrateToLatest()).error).toBeUndefined();
      const usage = await new MailboxStore(db, DOMAINS, LIMITS).usage(m.id);
      expect(usage).toEqual({ messages: 3 * folders.length, bytes: 2040 * folders.length });
      expect(usage).toEqual(await counted(db, m));
    } finally {
      await db.destroy();
    }
  });
});
