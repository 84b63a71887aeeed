// Schema migrations, in order. Each one is written once and never edited after it has shipped; a change
// to the schema is a new migration. Column types go through `types` so that SQLite and PostgreSQL agree.
import type { Kysely, Migration } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

function types(dialect: DialectName) {
  return {
    id: dialect === 'postgres' ? ('bigserial' as const) : ('integer' as const),
    bigint: 'bigint' as const,
    bytes: dialect === 'postgres' ? ('bytea' as const) : ('blob' as const),
  };
}

export function migrations(dialect: DialectName): Record<string, Migration> {
  const ty = types(dialect);
  const id = (db: Kysely<unknown>, table: string) =>
    db.schema
      .createTable(table)
      .addColumn('id', ty.id, (c) => (dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()));

  return {
    '0001_observations_and_mailboxes': {
      async up(db) {
        await id(db, 'observations')
          .addColumn('at', ty.bigint, (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('endpoint', 'text')
          .addColumn('protocol', 'text')
          .addColumn('session_id', 'text')
          .addColumn('client_ip', 'text')
          .addColumn('client_port', 'integer')
          .addColumn('mailbox', 'text')
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('observations_at').on('observations').column('at').execute();
        await db.schema.createIndex('observations_mailbox').on('observations').columns(['mailbox', 'id']).execute();
        await db.schema.createIndex('observations_client_ip').on('observations').columns(['client_ip', 'id']).execute();
        await db.schema.createIndex('observations_session').on('observations').column('session_id').execute();
        await db.schema.createIndex('observations_endpoint').on('observations').columns(['endpoint', 'id']).execute();

        await id(db, 'mailboxes')
          .addColumn('address', 'text', (c) => c.notNull().unique())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('idnat', 'text')
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .execute();

        await id(db, 'folders')
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('special_use', 'text')
          .addColumn('uid_validity', ty.bigint, (c) => c.notNull())
          .addColumn('uid_next', 'integer', (c) => c.notNull())
          .addColumn('subscribed', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addUniqueConstraint('folders_mailbox_name', ['mailbox_id', 'name'])
          .execute();

        await id(db, 'messages')
          .addColumn('folder_id', 'integer', (c) => c.notNull().references('folders.id').onDelete('cascade'))
          .addColumn('uid', 'integer', (c) => c.notNull())
          .addColumn('flags', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('internal_date', ty.bigint, (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('raw', ty.bytes, (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addUniqueConstraint('messages_folder_uid', ['folder_id', 'uid'])
          .execute();

        // Every message a client submitted, kept as evidence even if the mailbox copy is later deleted.
        await id(db, 'submissions')
          .addColumn('at', ty.bigint, (c) => c.notNull())
          .addColumn('session_id', 'text', (c) => c.notNull())
          .addColumn('mailbox', 'text')
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size', 'integer', (c) => c.notNull())
          .addColumn('raw', ty.bytes, (c) => c.notNull())
          .execute();
      },
    },
  };
}
