// « Contacter l'agence » (manual §1.5): the message a vendor sends the agency — its subject prefixed « [MOTCO2] »,
// the account, the execution numbers of the latest run of each unit job, the dossier reference when there is
// one — sent to the configured agency address through the platform's outgoing mail, or handed to the vendor's
// own mail client as a mailto: link when the platform sends no mail.
import type { Kysely } from 'kysely';
import type { ProductAccount } from '../accounts/accounts.ts';
import type { PlatformUser } from '../accounts/directory.ts';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { sendThroughRelay } from '../mail/relay.ts';
import type { Readiness } from '../runner/readiness.ts';
import type { Database } from '../store/schema.ts';

export const SUBJECT_PREFIX = '[MOTCO2]';
export const MAX_SUBJECT = 200;
export const MAX_BODY = 20_000;
/** Messages one vendor may send the agency in an hour: the form is no way to flood the agency's mailbox. */
export const PER_HOUR = 10;
const HOUR_MS = 3600_000;
/** How long a sent message's row is kept: the cap reads an hour; a day leaves room for clocks that disagree. */
const KEEP_MS = 24 * HOUR_MS;

export interface AgencyMessage {
  subject: string;
  body: string;
}

/** The message as the form first shows it. */
export function prepareMessage(input: {
  account: ProductAccount;
  user: PlatformUser;
  board: Readiness;
  publicUrl: string;
  dossier?: string | undefined;
}): AgencyMessage {
  const { account, user, board } = input;
  const ran = board.lines.filter((l) => l.latest && l.latest.status === 'finished');
  const lines = ran.map((l) =>
    t('contact.body.execution', {
      id: l.latest!.id,
      verdict: t(`verdict.${l.latest!.verdict ?? 'ERROR'}`),
      title: l.job.title,
    }),
  );
  const body = [
    t('contact.body.greeting'),
    '',
    t('contact.body.request'),
    '',
    t('contact.body.account', {
      nil: account.nil,
      organisation: account.organisation.raisonSociale,
      immatriculation: account.organisation.immatriculation,
      user: account.runnerUserId,
    }),
    t('contact.body.platform', { url: input.publicUrl }),
    t('contact.body.score', { ok: board.ok, total: board.total }),
    ...(input.dossier ? [t('contact.body.dossier', { reference: input.dossier })] : []),
    '',
    ran.length ? t('contact.body.executions') : t('contact.body.noExecution'),
    ...lines,
    '',
    t('contact.body.closing'),
    [user.givenName, user.familyName].filter(Boolean).join(' ') || user.login,
  ].join('\n');
  return { subject: subjectOf(t('contact.subject', { nil: account.nil, ok: board.ok, total: board.total })), body };
}

/** Always « [MOTCO2] … », on one line, within its length. */
export function subjectOf(text: string): string {
  const line = text.replace(/[\r\n\t]+/g, ' ').trim();
  const rest = line.startsWith(SUBJECT_PREFIX) ? line.slice(SUBJECT_PREFIX.length).trim() : line;
  return `${SUBJECT_PREFIX} ${rest}`.slice(0, MAX_SUBJECT).trim();
}

export function mailtoUrl(to: string | undefined, message: AgencyMessage): string {
  const query = new URLSearchParams({ subject: message.subject, body: message.body }).toString().replace(/\+/g, '%20');
  return `mailto:${to ? encodeURIComponent(to).replace(/%40/g, '@') : ''}?${query}`;
}

/** How the platform reaches the agency: by its own mail, or not at all (the vendor's mail client then does). */
export function agencyChannel(config: Config): { to: string | undefined; sends: boolean } {
  const to = config.agency.email;
  return { to, sends: Boolean(to && config.outgoingMail) };
}

export type SendResult = { ok: true; to: string } | { ok: false; reason: 'not-configured' | 'throttled' | 'failed' };

/**
 * Sends vendors' messages to the agency, a few an hour per vendor. The messages sent are counted in the store
 * (table agency_messages), not in memory: every worker process and every instance on one database shares the
 * count. A message whose relay failed counts too: a retry loop must not reach the relay faster than the cap.
 */
export class AgencyMail {
  constructor(
    private readonly config: Config,
    private readonly db: Kysely<Database>,
  ) {}

  async send(user: PlatformUser, message: AgencyMessage): Promise<SendResult> {
    const { to, sends } = agencyChannel(this.config);
    if (!sends || !to) return { ok: false, reason: 'not-configured' };
    if (!(await this.take(user.id, to))) return { ok: false, reason: 'throttled' };
    const replyTo = user.email && /^[^\s<>@]+@[^\s<>@]+$/.test(user.email) ? user.email : undefined;
    try {
      await sendThroughRelay(this.config.outgoingMail!, {
        to,
        subject: subjectOf(message.subject),
        text: message.body.slice(0, MAX_BODY),
        ...(replyTo ? { replyTo } : {}),
      });
      return { ok: true, to };
    } catch {
      return { ok: false, reason: 'failed' };
    }
  }
  /**
   * Records a message of this vendor unless it already sent PER_HOUR in the last hour. The row goes in first and
   * is counted with those before it (lower ids): of two workers recording the vendor's 10th and 11th message at
   * once, the second sees both and withdraws its own, which a count-then-insert would let through. Rows a day
   * old go at the same time, so the table holds about a day of messages and needs no timer of its own.
   */
  private async take(userId: number, recipient: string, now = Date.now()): Promise<boolean> {
    await this.db
      .deleteFrom('agency_messages')
      .where('at', '<=', now - KEEP_MS)
      .execute();
    const { id } = await this.db
      .insertInto('agency_messages')
      .values({ user_id: userId, at: now, recipient })
      .returning('id')
      .executeTakeFirstOrThrow();
    const row = await this.db
      .selectFrom('agency_messages')
      .select((eb) => eb.fn.countAll<number>().as('sent'))
      .where('user_id', '=', userId)
      .where('at', '>', now - HOUR_MS)
      .where('id', '<=', id)
      .executeTakeFirstOrThrow();
    if (Number(row.sent) <= PER_HOUR) return true;
    await this.db.deleteFrom('agency_messages').where('id', '=', id).execute();
    return false;
  }
}
