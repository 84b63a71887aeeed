// Which observations count for a job (catalogue.md, "Window"): those inside the window, on the job's endpoint(s) and
// protocol, that belong to the account — a session on which one of its mailboxes authenticated, or which named one
// without authenticating (a login refused or sent in clear, a MAIL FROM: how a client that never STARTTLSes is still
// judged) from an address where the account proved itself — or, when the job has an Adresse IP, that come from that
// address (only its traffic then counts). A session authenticated as another account's mailbox never counts: evidence
// stays with its owner.
import type { Observation } from '../observe/journal.ts';
import { sessionOwners } from './facts.ts';
import type { Job, JobAccount } from './verdicts/types.ts';

export function accountMailboxes(account: JobAccount): string[] {
  return [account.personalMailbox, account.applicativeMailbox]
    .filter((m): m is string => m !== null)
    .map((m) => m.toLowerCase());
}

/**
 * `observations` are those of the window, oldest first. A session's mailbox is read off its observations:
 * every fact a session records after authentication carries the mailbox (mail/session.ts), so a session that
 * authenticated before the window still shows whose it is inside it.
 */
export function attributable(
  job: Job,
  account: JobAccount,
  ip: string | null,
  observations: Observation[],
): Observation[] {
  const mine = new Set(accountMailboxes(account));
  // Its kind says where the job listens (kinds/: autoconfiguration may advertise either mail-domain endpoint).
  const endpoints = new Set<string>(job.listensOn);
  const owners = sessionOwners(observations);
  // A session that only *named* a mailbox (in clear, or in a refused login) proves nothing: anyone can type an
  // address. Without an Adresse IP it counts only from an address where one of the account's mailboxes did
  // authenticate in the window — else a stranger could make another vendor's job KO (explain.ts mentions it).
  const proven = new Set<string>();
  for (const o of observations)
    if (o.sessionId && o.clientIp && mine.has(owners.get(o.sessionId)?.authenticated ?? '')) proven.add(o.clientIp);

  return observations.filter((o) => {
    if (o.sessionId && (o.protocol === 'smtp' || o.protocol === 'imap')) {
      if (o.protocol !== job.protocol || !o.endpoint || !endpoints.has(o.endpoint)) return false;
      const owner = owners.get(o.sessionId)!;
      if (owner.authenticated !== null && !mine.has(owner.authenticated)) return false;
      if (ip !== null) return o.clientIp === ip;
      return (
        owner.authenticated !== null || (proven.has(o.clientIp ?? '') && [...owner.claimed].some((m) => mine.has(m)))
      );
    }
    // Autoconfiguration lookups and CRL/OCSP fetches can only be told apart by the client's address.
    return ip !== null && o.clientIp === ip && (o.kind.startsWith('autoconfig.') || o.kind.startsWith('pki.'));
  });
}
