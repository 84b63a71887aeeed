// Schema migrations, in order. Each one is written once and never edited after it has shipped; a change
// to the schema is a new migration. Column types go through `types` so that SQLite and PostgreSQL agree.
import { sql, type Kysely, type Migration } from 'kysely';
import { newMailboxPassword } from '../mail/mailbox/password.ts';

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
    // Identity providers (PSC and ISC simulators): see src/identity/db.ts for what each table holds.
    '0002_identity': {
      async up(db) {
        await db.schema
          .createTable('oidc_payloads')
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('model', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull())
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('grant_id', 'text')
          .addColumn('user_code', 'text')
          .addColumn('uid', 'text')
          .addColumn('account_id', 'text')
          .addColumn('expires_at', ty.bigint)
          .addColumn('consumed_at', ty.bigint)
          .addPrimaryKeyConstraint('oidc_payloads_pk', ['provider', 'model', 'id'])
          .execute();
        await db.schema
          .createIndex('oidc_payloads_grant')
          .on('oidc_payloads')
          .columns(['provider', 'grant_id'])
          .execute();
        await db.schema.createIndex('oidc_payloads_uid').on('oidc_payloads').columns(['provider', 'uid']).execute();
        await db.schema
          .createIndex('oidc_payloads_user_code')
          .on('oidc_payloads')
          .columns(['provider', 'user_code'])
          .execute();
        await db.schema
          .createIndex('oidc_payloads_account')
          .on('oidc_payloads')
          .columns(['provider', 'model', 'account_id'])
          .execute();
        await db.schema.createIndex('oidc_payloads_expires').on('oidc_payloads').column('expires_at').execute();

        await id(db, 'identity_keys')
          .addColumn('provider', 'text', (c) => c.notNull())
          .addColumn('kid', 'text', (c) => c.notNull().unique())
          .addColumn('jwk', 'text', (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('activates_at', ty.bigint, (c) => c.notNull())
          .addColumn('retires_at', ty.bigint)
          .execute();

        await db.schema
          .createTable('identity_secrets')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .execute();

        await id(db, 'psc_identities')
          .addColumn('idnat', 'text', (c) => c.notNull().unique())
          .addColumn('civilite', 'text')
          .addColumn('given_name', 'text', (c) => c.notNull())
          .addColumn('family_name', 'text', (c) => c.notNull())
          .addColumn('profession', 'text')
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .execute();

        await id(db, 'isc_organisations')
          .addColumn('raison_sociale', 'text', (c) => c.notNull())
          .addColumn('immatriculation', 'text', (c) => c.notNull().unique())
          .addColumn('telephone', 'text')
          .addColumn('adresse', 'text')
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .execute();

        await id(db, 'isc_users')
          .addColumn('login', 'text', (c) => c.notNull().unique())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('civilite', 'text')
          .addColumn('given_name', 'text', (c) => c.notNull())
          .addColumn('family_name', 'text', (c) => c.notNull())
          .addColumn('organisation_id', 'integer', (c) => c.notNull().references('isc_organisations.id'))
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .execute();

        // One row per e-mailed login code; a new code for the same interaction supersedes the previous ones.
        await id(db, 'isc_codes')
          .addColumn('interaction_uid', 'text', (c) => c.notNull())
          .addColumn('user_id', 'integer', (c) => c.notNull().references('isc_users.id').onDelete('cascade'))
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('expires_at', ty.bigint, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('closed_at', ty.bigint)
          .execute();
        await db.schema.createIndex('isc_codes_interaction').on('isc_codes').column('interaction_uid').execute();

        // Development outbox: mail the simulators would send, readable on a page when no relay is set.
        await id(db, 'dev_outbox')
          .addColumn('at', ty.bigint, (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // Test runner: executions (#id) and their live logs.
    '0003_runner': {
      async up(db) {
        await id(db, 'executions')
          .addColumn('account_id', 'integer', (c) => c.notNull())
          .addColumn('target_type', 'text', (c) => c.notNull())
          .addColumn('target_id', 'text', (c) => c.notNull())
          .addColumn('parent_id', 'integer')
          .addColumn('options', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('verdict', 'text')
          .addColumn('started_at', ty.bigint, (c) => c.notNull())
          .addColumn('ended_at', ty.bigint)
          .addColumn('window_start', ty.bigint)
          .addColumn('window_end', ty.bigint)
          .addColumn('checks', 'text', (c) => c.notNull())
          .addColumn('observation_ids', 'text', (c) => c.notNull())
          .addColumn('started_by', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('executions_account').on('executions').columns(['account_id', 'id']).execute();
        await db.schema.createIndex('executions_target').on('executions').columns(['target_id', 'status']).execute();
        await db.schema.createIndex('executions_parent').on('executions').column('parent_id').execute();
        await id(db, 'execution_logs')
          .addColumn('execution_id', 'integer', (c) => c.notNull().references('executions.id').onDelete('cascade'))
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('at', ty.bigint, (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text')
          .addUniqueConstraint('execution_logs_seq', ['execution_id', 'seq'])
          .execute();
      },
    },
    // Platform organisations and users, product accounts, their mailboxes over time, API tokens and web
    // sessions (src/accounts/, src/auth/).
    '0004_accounts': {
      async up(db) {
        // immatriculation (SIRET or SIREN) is how ISC identifies an organisation in its claims: the link to ISC.
        await id(db, 'organisations')
          .addColumn('raison_sociale', 'text', (c) => c.notNull())
          .addColumn('immatriculation', 'text', (c) => c.notNull().unique())
          .addColumn('telephone', 'text')
          .addColumn('adresse', 'text')
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('updated_at', ty.bigint, (c) => c.notNull())
          .execute();

        await id(db, 'platform_users')
          .addColumn('login', 'text', (c) => c.notNull().unique())
          .addColumn('isc_subject', 'text', (c) => c.unique())
          .addColumn('civilite', 'text')
          .addColumn('given_name', 'text')
          .addColumn('family_name', 'text')
          .addColumn('email', 'text')
          .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('updated_at', ty.bigint, (c) => c.notNull())
          .execute();

        await id(db, 'product_accounts')
          .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
          .addColumn('nil', 'text', (c) => c.notNull().unique())
          .addColumn('idnat_psc', 'text', (c) => c.unique())
          .addColumn('idnat_auth_cli', 'text', (c) => c.unique())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('pending', 'text')
          .addColumn('runner_user_id', 'text', (c) => c.notNull().unique())
          .addColumn('patient_address', 'text', (c) => c.notNull().unique())
          .addColumn('certificate', 'text')
          .addColumn('claim', 'text')
          .addColumn('claimed_at', ty.bigint)
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('updated_at', ty.bigint, (c) => c.notNull())
          .addColumn('provisioned_at', ty.bigint)
          .execute();
        await db.schema
          .createIndex('product_accounts_organisation')
          .on('product_accounts')
          .column('organisation_id')
          .execute();

        // Every mailbox an account ever had (its current ones have no detached_at); a mailbox belongs to one
        // account for good (unique), so a former mailbox never passes to another vendor.
        await id(db, 'account_mailboxes')
          .addColumn('account_id', 'integer', (c) => c.notNull().references('product_accounts.id'))
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().unique().references('mailboxes.id'))
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('attached_at', ty.bigint, (c) => c.notNull())
          .addColumn('detached_at', ty.bigint)
          .execute();
        await db.schema.createIndex('account_mailboxes_account').on('account_mailboxes').column('account_id').execute();

        await id(db, 'api_tokens')
          .addColumn('user_id', 'integer', (c) => c.notNull().references('platform_users.id'))
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('label', 'text', (c) => c.notNull())
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('last_used_at', ty.bigint)
          .addColumn('revoked_at', ty.bigint)
          .execute();

        await db.schema
          .createTable('web_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) => c.notNull().references('platform_users.id'))
          .addColumn('created_at', ty.bigint, (c) => c.notNull())
          .addColumn('expires_at', ty.bigint, (c) => c.notNull())
          .execute();
      },
    },
    // The account as it was when an execution started, kept with the execution's evidence.
    '0005_execution_account': {
      async up(db) {
        await db.schema.alterTable('executions').addColumn('account', 'text').execute();
      },
    },
    // Each mailbox's own test password (src/mail/mailbox/password.ts); mailboxes created before get one here, so
    // that no mailbox is left open to the shared webmail password alone.
    '0006_mailbox_passwords': {
      async up(db) {
        await db.schema.alterTable('mailboxes').addColumn('password', 'text').execute();
        const rows = await db.selectFrom('mailboxes').select('id').execute();
        for (const row of rows)
          await db.updateTable('mailboxes').set({ password: newMailboxPassword() }).where('id', '=', row.id).execute();
      },
    },
    // PSC test identities belong to an organisation (src/identity/psc/identities.ts): those an account already
    // names become its organisation's, the others stay the operator's. Failed ISC logins per login and address.
    '0007_identity_owners_and_throttle': {
      async up(db) {
        await db.schema
          .alterTable('psc_identities')
          .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id'))
          .execute();
        await db.schema
          .createIndex('psc_identities_organisation')
          .on('psc_identities')
          .column('organisation_id')
          .execute();
        await sql`update psc_identities
          set organisation_id = (select min(product_accounts.organisation_id) from product_accounts
            where product_accounts.idnat_psc = psc_identities.idnat)
          where organisation_id is null`.execute(db);
        await db.schema
          .createTable('isc_throttle')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('failures', 'integer', (c) => c.notNull())
          .addColumn('window_start', ty.bigint, (c) => c.notNull())
          .execute();
      },
    },
    // Mail limits (src/mail/mailbox/store.ts): each folder's keyword list, filled from the messages already
    // stored; in SQLite, an index holding what a folder's listing and a quota need, so that neither reads the
    // rows that carry the messages' bytes (PostgreSQL keeps large values out of line already).
    '0008_mail_limits': {
      async up(db) {
        await db.schema
          .createTable('folder_keywords')
          .addColumn('folder_id', 'integer', (c) => c.notNull().references('folders.id').onDelete('cascade'))
          .addColumn('keyword', 'text', (c) => c.notNull())
          /** The keyword in lower case: keywords compare case-insensitively. */
          .addColumn('keyword_key', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('folder_keywords_pk', ['folder_id', 'keyword_key'])
          .execute();
        if (dialect === 'sqlite')
          await db.schema
            .createIndex('messages_listing')
            .on('messages')
            .columns(['folder_id', 'uid', 'internal_date', 'size', 'flags'])
            .execute();
        for (let after = 0; ; ) {
          const rows = await db
            .selectFrom('messages')
            .select(['id', 'folder_id', 'flags'])
            .where('id', '>', after)
            .where('flags', '<>', '')
            .orderBy('id')
            .limit(1000)
            .execute();
          for (const row of rows) {
            const keywords = String(row.flags)
              .split(' ')
              .filter((f) => f && !f.startsWith('\\'));
            for (const keyword of keywords) {
              await db
                .insertInto('folder_keywords')
                .values({ folder_id: row.folder_id, keyword, keyword_key: keyword.toLowerCase() })
                .onConflict((oc) => oc.columns(['folder_id', 'keyword_key']).doNothing())
                .execute();
            }
          }
          if (rows.length < 1000) break;
          after = Number(rows.at(-1)!.id);
        }
      },
    },
    // Run events as data (src/runner/types.ts RunEvent): each log line keeps the event it renders, as JSON.
    // Lines written before have none and are shown by their text alone.
    '0009_execution_log_events': {
      async up(db) {
        await db.schema.alterTable('execution_logs').addColumn('event', 'text').execute();
      },
    },
    // IMAP as RFC 3501 has it (issue 15): subscriptions are names, kept when their folder is deleted (§6.3.6) and
    // no longer tied to a folder row (folders.subscribed stays, unused); each folder's highest UID already
    // claimed as \Recent, so that a restart does not make old mail recent again; a change counter that a session
    // compares to see changes made by another process; APPEND's time zone (INTERNALDATE keeps it). In SQLite the
    // listing index is rebuilt with the zone, so that listing a folder still never reads the messages' bytes.
    '0010_imap_subscriptions_recent_zone': {
      async up(db) {
        await db.schema
          .createTable('subscriptions')
          .addColumn('mailbox_id', 'integer', (c) => c.notNull().references('mailboxes.id').onDelete('cascade'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('subscriptions_pk', ['mailbox_id', 'name'])
          .execute();
        await sql`insert into subscriptions (mailbox_id, name)
          select mailbox_id, name from folders where subscribed = 1`.execute(db);
        await db.schema
          .alterTable('folders')
          .addColumn('recent_uid', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .alterTable('folders')
          .addColumn('modseq', ty.bigint, (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.alterTable('messages').addColumn('internal_zone', 'integer').execute();
        if (dialect === 'sqlite') {
          await db.schema.dropIndex('messages_listing').execute();
          await db.schema
            .createIndex('messages_listing')
            .on('messages')
            .columns(['folder_id', 'uid', 'internal_date', 'internal_zone', 'size', 'flags'])
            .execute();
        }
      },
    },
    // Journal retention (issue 14): the observations each execution's evidence cites, as rows, so that purging old
    // observations keeps these with one indexed look per row (src/observe/retention.ts); filled from the executions
    // already finished.
    '0011_journal_references': {
      async up(db) {
        await db.schema
          .createTable('execution_observations')
          .addColumn('observation_id', ty.bigint, (c) => c.notNull())
          .addColumn('execution_id', 'integer', (c) => c.notNull().references('executions.id').onDelete('cascade'))
          .addPrimaryKeyConstraint('execution_observations_pk', ['observation_id', 'execution_id'])
          .execute();
        await db.schema
          .createIndex('execution_observations_execution')
          .on('execution_observations')
          .column('execution_id')
          .execute();
        for (let after = 0; ; ) {
          const rows = await db
            .selectFrom('executions')
            .select(['id', 'checks', 'observation_ids'])
            .where('id', '>', after)
            .orderBy('id')
            .limit(500)
            .execute();
          for (const row of rows) {
            const pairs = citedObservations(row).map((observation_id) => ({
              observation_id,
              execution_id: Number(row.id),
            }));
            for (let i = 0; i < pairs.length; i += 500)
              await db
                .insertInto('execution_observations')
                .values(pairs.slice(i, i + 500))
                .onConflict((oc) => oc.doNothing())
                .execute();
          }
          if (rows.length < 500) break;
          after = Number(rows.at(-1)!.id);
        }
      },
    },
    // Webmail sessions in the database (issue 14): the workers of `motco start` (and instances) each serve some of
    // one reader's requests, so a session opened on one must be known to all.
    '0012_webmail_sessions': {
      async up(db) {
        await db.schema
          .createTable('webmail_sessions')
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('address', 'text', (c) => c.notNull())
          .addColumn('expires_at', ty.bigint, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('webmail_sessions_expiry').on('webmail_sessions').column('expires_at').execute();
      },
    },
    // « Contacter l'agence » (src/dossier/contact.ts): each message a vendor sent the agency, so that the hourly
    // cap counts across the workers of `motco start` and the instances on one PostgreSQL (issue 14).
    '0013_agency_messages': {
      async up(db) {
        await id(db, 'agency_messages')
          .addColumn('user_id', 'integer', (c) => c.notNull().references('platform_users.id').onDelete('cascade'))
          .addColumn('at', ty.bigint, (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('agency_messages_user').on('agency_messages').columns(['user_id', 'at']).execute();
      },
    },
    // What each mailbox holds, kept as counters (issue 14): the quota check read a SUM over all the mailbox's messages
    // at every delivery, twice, a cost that grew with the mailbox. Triggers keep the counters whatever writes
    // messages (APPEND, COPY/MOVE, EXPUNGE, a deleted folder's messages): a folder's messages are subtracted before
    // it is deleted, as the cascade then no longer finds their folder.
    '0014_mailbox_usage': {
      async up(db) {
        for (const column of ['used_messages', 'used_bytes'])
          await db.schema
            .alterTable('mailboxes')
            .addColumn(column, ty.bigint, (c) => c.notNull().defaultTo(0))
            .execute();
        const added = sql`update mailboxes set used_messages = used_messages + 1, used_bytes = used_bytes + new.size
          where id = (select mailbox_id from folders where id = new.folder_id)`;
        const removed = sql`update mailboxes set used_messages = used_messages - 1, used_bytes = used_bytes - old.size
          where id = (select mailbox_id from folders where id = old.folder_id)`;
        const folderGone = sql`update mailboxes
          set used_messages = used_messages - (select count(*) from messages where folder_id = old.id),
            used_bytes = used_bytes - (select coalesce(sum(size), 0) from messages where folder_id = old.id)
          where id = old.mailbox_id`;
        if (dialect === 'sqlite') {
          await sql`create trigger messages_usage_added after insert on messages begin ${added}; end`.execute(db);
          await sql`create trigger messages_usage_removed after delete on messages begin ${removed}; end`.execute(db);
          await sql`create trigger folders_usage_removed before delete on folders begin ${folderGone}; end`.execute(db);
        } else {
          await sql`create function messages_usage() returns trigger language plpgsql as $$
            begin
              if tg_op = 'INSERT' then ${added}; return new; end if;
              ${removed}; return old;
            end $$`.execute(db);
          await sql`create trigger messages_usage after insert or delete on messages
            for each row execute function messages_usage()`.execute(db);
          await sql`create function folders_usage() returns trigger language plpgsql as $$
            begin ${folderGone}; return old; end $$`.execute(db);
          await sql`create trigger folders_usage before delete on folders
            for each row execute function folders_usage()`.execute(db);
        }
        await sql`update mailboxes set
          used_messages = (select count(*) from messages join folders on folders.id = messages.folder_id
            where folders.mailbox_id = mailboxes.id),
          used_bytes = (select coalesce(sum(messages.size), 0) from messages
            join folders on folders.id = messages.folder_id where folders.mailbox_id = mailboxes.id)`.execute(db);
      },
    },
  };
}

/** The observations an execution's evidence cites (runner/evidence.ts reads the same two places), each once. */
function citedObservations(execution: { checks: string; observation_ids: string }): number[] {
  const checks = JSON.parse(execution.checks) as { observations?: number[] }[];
  const ids = [...(JSON.parse(execution.observation_ids) as number[]), ...checks.flatMap((c) => c.observations ?? [])];
  return [...new Set(ids)].filter((id) => Number.isSafeInteger(id));
}
