// Table types for Kysely. Times are milliseconds since the epoch; JSON payloads are stored as text so the
// same queries run on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface ObservationTable {
  id: Generated<number>;
  at: number;
  kind: string;
  endpoint: string | null;
  protocol: string | null;
  session_id: string | null;
  client_ip: string | null;
  client_port: number | null;
  /** The mailbox authenticated on the session, once known. */
  mailbox: string | null;
  data: string;
}

export interface MailboxTable {
  id: Generated<number>;
  address: string;
  /** personal | applicative | patient | test */
  type: string;
  /** IdNat the mailbox belongs to (PSC or AUTH_CLI), when it has one. */
  idnat: string | null;
  created_at: number;
}

export interface FolderTable {
  id: Generated<number>;
  mailbox_id: number;
  name: string;
  special_use: string | null;
  uid_validity: number;
  uid_next: number;
  subscribed: number;
  created_at: number;
}

export interface MessageTable {
  id: Generated<number>;
  folder_id: number;
  uid: number;
  /** Space-separated IMAP flags. */
  flags: string;
  internal_date: number;
  size: number;
  raw: Uint8Array;
  created_at: number;
}

export interface SubmissionTable {
  id: Generated<number>;
  at: number;
  session_id: string;
  /** The authenticated mailbox that submitted it. */
  mailbox: string | null;
  sha256: string;
  size: number;
  raw: Uint8Array;
}

export interface Database {
  observations: ObservationTable;
  mailboxes: MailboxTable;
  folders: FolderTable;
  messages: MessageTable;
  submissions: SubmissionTable;
}
