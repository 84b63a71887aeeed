// Why a job saw nothing attributable (catalogue.md, "INCONCLUSIVE explains itself"): what the window showed of
// the account's mailboxes from another address or on another endpoint, and the sessions from the job's
// address that named no mailbox of the account — the likeliest mistakes behind an INCONCLUSIVE are a wrong
// « Adresse IP » behind a NAT and a LPS pointed at another server. Only the vendor's own traffic is described:
// a session from another address that proved no mailbox may be anyone's. Each fact cites only the sessions'
// opening (address and port), never what else they carried.
import { t } from '../../i18n/messages.ts';
import { accountMailboxes } from '../attribution.ts';
import { sessionOwners, sessionsOf, type SessionFacts } from '../facts.ts';
import type { Check, CheckId, JudgeInput } from './types.ts';

/** At most this many addresses or places named in one sentence. */
const LISTED = 5;

export function explainNothing(input: JudgeInput): Check[] {
  const all = [...input.observations, ...(input.unattributed ?? [])].sort((a, b) => a.id - b.id);
  const mine = new Set(accountMailboxes(input.account));
  const endpoints = new Set<string>(input.job.listensOn);
  const owners = sessionOwners(all);
  const sessions = sessionsOf(all);
  const mailboxOf = (s: SessionFacts): string | null => {
    const owner = owners.get(s.id);
    if (!owner) return null;
    if (owner.authenticated !== null) return mine.has(owner.authenticated) ? owner.authenticated : null;
    return [...owner.claimed].find((m) => mine.has(m)) ?? null;
  };
  const onJob = (s: SessionFacts) => s.protocol === input.job.protocol && endpoints.has(s.endpoint);
  const requirement = input.job.requirements[0] ?? '';
  const checks: Check[] = [];

  const ours = sessions.filter((s) => mailboxOf(s) !== null);
  const otherAddress = ours.filter((s) => onJob(s) && input.ip !== null && s.clientIp !== input.ip);
  if (otherAddress.length > 0) {
    checks.push(
      info(
        'seen-other-address',
        requirement,
        t('explain.otherAddress', {
          mailboxes: list(otherAddress.map((s) => mailboxOf(s)!)),
          addresses: list(otherAddress.map((s) => s.clientIp)),
          ip: input.ip ?? '',
        }),
        otherAddress,
      ),
    );
  }
  const otherEndpoint = ours.filter((s) => !onJob(s));
  if (otherEndpoint.length > 0) {
    checks.push(
      info(
        'seen-other-endpoint',
        requirement,
        t('explain.otherEndpoint', {
          mailboxes: list(otherEndpoint.map((s) => mailboxOf(s)!)),
          places: list(otherEndpoint.map(place)),
          expected: list(input.job.listensOn.map((e) => `${e} (${input.job.protocol.toUpperCase()})`)),
        }),
        otherEndpoint,
      ),
    );
  }
  if (input.ip === null) {
    // Sessions that only named a mailbox of the account (attribution.ts does not count them without an address
    // the account proved): likely the vendor's own client that never got to authenticate.
    const claimed = ours.filter((s) => onJob(s) && owners.get(s.id)?.authenticated === null);
    if (claimed.length > 0) {
      const places = claimed.map((s) =>
        s.hello || s.established
          ? `${s.clientIp} — ${place(s)}`
          : t('explain.withoutStarttls', { place: `${s.clientIp} — ${place(s)}` }),
      );
      checks.push(
        info(
          'seen-claimed',
          requirement,
          t('explain.claimed', { mailboxes: list(claimed.map((s) => mailboxOf(s)!)), places: list(places) }),
          claimed,
        ),
      );
    }
  }
  if (input.ip !== null) {
    // Sessions that proved no mailbox of the account; one that authenticated as another's is not described.
    const anonymous = sessions.filter(
      (s) => s.clientIp === input.ip && !owners.get(s.id)?.authenticated && mailboxOf(s) === null,
    );
    if (anonymous.length > 0) {
      const places = anonymous.map((s) =>
        s.hello || s.established ? place(s) : t('explain.withoutStarttls', { place: place(s) }),
      );
      checks.push(
        info(
          'seen-unauthenticated',
          requirement,
          t('explain.unauthenticated', { count: anonymous.length, ip: input.ip, places: list(places) }),
          anonymous,
        ),
      );
    }
  }
  return checks;
}

function place(s: SessionFacts): string {
  return `${s.endpoint} (${s.protocol.toUpperCase()})`;
}

function list(values: string[]): string {
  const distinct = [...new Set(values)];
  return distinct.length > LISTED ? `${distinct.slice(0, LISTED).join(', ')}…` : distinct.join(', ');
}

/** An informative check citing only each session's opening. */
function info(id: CheckId, requirement: string, detail: string, sessions: SessionFacts[]): Check {
  const opened = sessions.flatMap((s) => s.observations.find((o) => o.kind === 'session.open') ?? []);
  return { id, label: t(`check.${id}`), outcome: 'info', detail, requirement, observations: opened.map((o) => o.id) };
}
