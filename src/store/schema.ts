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
  /** The mailbox's generated test password, in clear (see MailboxStore.password for why). */
  password: string | null;
  created_at: number;
  /** Messages and bytes in all its folders, kept by triggers (migration 0014): what the quota compares. */
  used_messages: Generated<number>;
  used_bytes: Generated<number>;
}

export interface FolderTable {
  id: Generated<number>;
  mailbox_id: number;
  name: string;
  special_use: string | null;
  uid_validity: number;
  uid_next: number;
  /** Unused since subscriptions became names of their own (the subscriptions table). */
  subscribed: Generated<number>;
  /** The highest UID already claimed as \Recent by a session (RFC 3501 §2.3.2). */
  recent_uid: Generated<number>;
  /** Bumped by every change to the folder's messages: a session compares it to see another process's changes. */
  modseq: Generated<number>;
  created_at: number;
}

/** IMAP subscriptions (RFC 3501 §6.3.6): names, which may outlive their folder. */
export interface SubscriptionTable {
  mailbox_id: number;
  name: string;
}

export interface MessageTable {
  id: Generated<number>;
  folder_id: number;
  uid: number;
  /** Space-separated IMAP flags. */
  flags: string;
  internal_date: number;
  /** The time zone of INTERNALDATE in minutes east of UTC, as APPEND gave it; null for +0000. */
  internal_zone: number | null;
  size: number;
  raw: Uint8Array;
  created_at: number;
}

/** The keywords defined in a folder (the FLAGS a SELECT announces), bounded by mailbox.maxKeywordsPerFolder. */
export interface FolderKeywordTable {
  folder_id: number;
  keyword: string;
  /** The keyword in lower case: keywords compare case-insensitively. */
  keyword_key: string;
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

export interface ExecutionTable {
  id: Generated<number>;
  account_id: number;
  /** job | folder | campaign */
  target_type: string;
  target_id: string;
  parent_id: number | null;
  /** JSON: { delaiSeconds, ip } */
  options: string;
  /** running | finished */
  status: string;
  verdict: string | null;
  started_at: number;
  ended_at: number | null;
  window_start: number | null;
  window_end: number | null;
  /** JSON array of checks */
  checks: string;
  /** JSON array of observation ids */
  observation_ids: string;
  started_by: string;
  /** JSON snapshot of the account at the start (ExecutionAccount); null for older executions. */
  account: string | null;
}

/**
 * Each observation an execution's evidence cites (its observation_ids and its checks' observations), one row per pair:
 * journal retention keeps these (src/observe/retention.ts).
 */
export interface ExecutionObservationTable {
  observation_id: number;
  execution_id: number;
}

export interface ExecutionLogTable {
  id: Generated<number>;
  execution_id: number;
  seq: number;
  at: number;
  level: string;
  text: string;
  job_id: string | null;
  /** The run event the line renders, as JSON; null before migration 0009. */
  event: string | null;
}

export interface OrganisationTable {
  id: Generated<number>;
  raison_sociale: string;
  /** SIRET or SIREN: how ISC names the organisation. */
  immatriculation: string;
  telephone: string | null;
  adresse: string | null;
  created_at: number;
  updated_at: number;
}

export interface PlatformUserTable {
  id: Generated<number>;
  login: string;
  /** `sub` of the user at ISC, once they logged in through it. */
  isc_subject: string | null;
  civilite: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  /** Required for vendors; reviewers and admins belong to none. */
  organisation_id: number | null;
  /** vendor | reviewer | admin */
  role: string;
  created_at: number;
  updated_at: number;
}

export interface ProductAccountTable {
  id: Generated<number>;
  organisation_id: number;
  nil: string;
  idnat_psc: string | null;
  idnat_auth_cli: string | null;
  /** creating | available | unavailable */
  status: string;
  /** JSON: the modification waiting for the batch { nil, idnatPsc, idnatAuthCli, requestedAt, requestedBy } */
  pending: string | null;
  runner_user_id: string;
  patient_address: string;
  /**
   * JSON: the ORG_AUTH_CLI certificate issued for idnat_auth_cli
   * { idnat, serialNumber, notAfter, files, pkcs12Password }
   */
  certificate: string | null;
  /** Which batch run is applying the account now, and since when (another process skips it meanwhile). */
  claim: string | null;
  claimed_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
  provisioned_at: number | null;
}

export interface AccountMailboxTable {
  id: Generated<number>;
  account_id: number;
  mailbox_id: number;
  /** personal | applicative | patient */
  role: string;
  attached_at: number;
  /** Set when a modification replaced the mailbox; the mailbox and its mail stay. */
  detached_at: number | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  /** SHA-256 (hex) of the token: the token itself is shown once and never kept. */
  token_hash: string;
  label: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface WebSessionTable {
  /** SHA-256 (hex) of the cookie value. */
  id_hash: string;
  user_id: number;
  created_at: number;
  expires_at: number;
}

/**
 * A webmail session (src/webmail/session.ts): one mailbox, opened from the account site or the shared password's form.
 */
export interface WebmailSessionTable {
  /** SHA-256 (hex) of the cookie value. */
  id_hash: string;
  address: string;
  expires_at: number;
}

/** A message a vendor sent the agency (« Contacter l'agence »), counted for the hourly cap; no body kept. */
export interface AgencyMessageTable {
  id: Generated<number>;
  user_id: number;
  at: number;
  /** The agency address it went to. */
  recipient: string;
}

export interface Database {
  organisations: OrganisationTable;
  platform_users: PlatformUserTable;
  product_accounts: ProductAccountTable;
  account_mailboxes: AccountMailboxTable;
  api_tokens: ApiTokenTable;
  web_sessions: WebSessionTable;
  webmail_sessions: WebmailSessionTable;
  executions: ExecutionTable;
  execution_logs: ExecutionLogTable;
  execution_observations: ExecutionObservationTable;
  observations: ObservationTable;
  mailboxes: MailboxTable;
  folders: FolderTable;
  messages: MessageTable;
  folder_keywords: FolderKeywordTable;
  subscriptions: SubscriptionTable;
  submissions: SubmissionTable;
  agency_messages: AgencyMessageTable;
}
