// Which observations count for a job (catalogue.md, "Window"): those inside the window, on the job's
// endpoint(s) and protocol, that belong to the account — a session on which one of its mailboxes
// authenticated — or, when the job has an Adresse IP, that come from that address (only its traffic then
// counts). A session authenticated as another account's mailbox never counts: evidence stays with its owner.
import type { Observation } from '../observe/journal.ts';
import type { UnitJob } from './jobs.ts';
import type { JobAccount } from './verdicts/types.ts';

/** Endpoints whose sessions a job looks at: autoconfiguration may advertise either mail-domain endpoint. */
export function jobEndpoints(job: UnitJob): string[] {
  return job.kind === 'autoconfig' ? ['org', 'psc'] : [job.endpoint];
}

export function accountMailboxes(account: JobAccount): string[] {
  return [account.personalMailbox, account.applicativeMailbox].filter((m): m is string => m !== null);
}

/**
 * `observations` are those of the window, oldest first. A session's mailbox is read off its observations:
 * every fact a session records after authentication carries the mailbox (mail/session.ts), so a session that
 * authenticated before the window still shows whose it is inside it.
 */
export function attributable(job: UnitJob, account: JobAccount, ip: string | null, observations: Observation[]): Observation[] {
  const mine = new Set(accountMailboxes(account));
  const endpoints = new Set(jobEndpoints(job));
  const sessionMailbox = new Map<string, string>();
  for (const o of observations) if (o.sessionId && o.mailbox) sessionMailbox.set(o.sessionId, o.mailbox);

  return observations.filter((o) => {
    if (o.sessionId && (o.protocol === 'smtp' || o.protocol === 'imap')) {
      if (o.protocol !== job.protocol || !o.endpoint || !endpoints.has(o.endpoint)) return false;
      const mailbox = sessionMailbox.get(o.sessionId);
      if (mailbox !== undefined && !mine.has(mailbox)) return false;
      return ip !== null ? o.clientIp === ip : mailbox !== undefined;
    }
    // Autoconfiguration lookups and CRL/OCSP fetches can only be told apart by the client's address.
    return ip !== null && o.clientIp === ip && (o.kind.startsWith('autoconfig.') || o.kind.startsWith('pki.'));
  });
}
