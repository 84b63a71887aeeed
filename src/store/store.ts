// Opens the database (SQLite under the data folder by default), applies pending migrations and hands out
// the Kysely instance every other module queries through.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationProvider } from 'kysely';
import { migrations, type DialectName } from './migrations.ts';
import type { Database } from './schema.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages to the operator. */
  location: string;
  close(): Promise<void>;
}

export async function openStore(dataDir: string): Promise<Store> {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'motco.sqlite');
  const database = new Sqlite(file);
  // WAL lets the CLI write (a new mailbox, say) while the running platform reads, and the platform sees it at once.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  await migrate(db, 'sqlite');
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

async function migrate(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
