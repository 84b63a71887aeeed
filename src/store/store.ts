// Opens the database — SQLite under the data folder by default, PostgreSQL when a URL is configured —,
// applies pending migrations and hands out the Kysely instance every other module queries through.
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type MigrationProvider,
  type SqliteDialectConfig,
} from 'kysely';
import type pg from 'pg';
import { migrations, type DialectName } from './migrations.ts';
import type { Database } from './schema.ts';
import { PRIVATE_FILE_MODE, readOptional, securePrivateFolder, touchPrivate, writeFileAtomic } from '../util/files.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: DialectName;
  /** Where the data lives, for messages to the operator (never a password). */
  location: string;
  /** PostgreSQL: a new client (not yet connected) outside the pool, for a dedicated connection (LISTEN). */
  newClient?: () => pg.Client;
  close(): Promise<void>;
}

export interface StoreOptions {
  dataDir: string;
  database?: { url?: string | undefined; poolSize?: number | undefined };
}

/**
 * The data folder remembers the PostgreSQL URL it was started with (mode 0600, like the admin token), so
 * that CLI commands given the same --data use the same database without repeating it.
 */
export const DATABASE_URL_FILE = 'database.url';

export async function openStore(options: StoreOptions): Promise<Store> {
  const { dataDir } = options;
  securePrivateFolder(dataDir);
  const rememberedFile = path.join(dataDir, DATABASE_URL_FILE);
  const remembered = (await readOptional(rememberedFile))?.toString('utf8').trim() || undefined;
  const url = options.database?.url ?? remembered;
  if (url) {
    if (url !== remembered) await writeFileAtomic(rememberedFile, `${url}\n`, PRIVATE_FILE_MODE);
    return openPostgres(url, options.database?.poolSize ?? 10);
  }
  return openSqlite(path.join(dataDir, 'motco.sqlite'));
}

async function openSqlite(file: string): Promise<Store> {
  // SQLite gives the -wal and -shm files the database file's mode: create it private first.
  touchPrivate(file);
  const database = new Sqlite(file);
  // WAL lets the CLI write (a new mailbox, say) while the running platform reads, and the platform sees it at once.
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }) });
  await migrate(db, 'sqlite');
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

async function openPostgres(url: string, poolSize: number): Promise<Store> {
  // Loaded here: a platform on SQLite never needs the driver (a few MB of heap in every process).
  const { default: pg } = await import('pg');
  // int8 (ids, counts, times in ms) as numbers: every value we store fits in 2^53.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its server (restart, network) must not crash the platform.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrate(db, 'postgres');
  } catch (error) {
    await db.destroy();
    throw error;
  }
  const location = new URL(url);
  location.password = '';
  return {
    db,
    dialect: 'postgres',
    location: location.toString(),
    newClient: () => new pg.Client({ connectionString: url }),
    close: () => db.destroy(),
  };
}

/** Compiled statements kept, by SQL text: the least recently used beyond this many are dropped. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely asks better-sqlite3 to prepare (compile) every query it runs, each time: an IMAP or SMTP session runs the
 * same dozen statements. Kept compiled and reused instead — safe, as better-sqlite3 runs a statement to completion
 * synchronously (we never iterate one), and SQLite recompiles a kept statement by itself after a schema change.
 */
function withStatementCache(database: Sqlite.Database): SqliteDialectConfig['database'] {
  const statements = new Map<string, Sqlite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement)
        statements.delete(sql); // re-inserted below: the Map's order is the recency
      else statement = database.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

/**
 * Transactions that take the write lock when they begin (BEGIN IMMEDIATE): several processes write the same
 * file (the workers of `motco start`, the CLI), and a deferred transaction that reads and then writes fails at
 * once (SQLITE_BUSY) when another process wrote in between, whereas an immediate one waits (busy_timeout).
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly settings: SqliteDialectConfig) {
    super(settings);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.settings);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

async function migrate(db: Kysely<Database>, dialect: DialectName): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(dialect) };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}
