// autoconfig — Autoconfig IMAP/SMTP (MSS-CONF.04): from the job's IP, an autoconfiguration lookup (HTTP
// config-v1.1.xml or DNS SRV), then a connection to what it advertised with STARTTLS and a successful
// authentication of the mailbox by the BAL type's method (IMAP: INBOX opened; SMTP: a message accepted).
import { t } from '../../i18n/messages.ts';
import type { Observation } from '../../observe/journal.ts';
import { activeSessions, inboxSelects, successfulAuth, type SessionFacts } from '../facts.ts';
import { check, jobMailbox, judgement, judgeSessions, nothingObserved, sessionRules } from '../verdicts/common.ts';
import type { Check, Job, Judge, JudgeInput } from '../verdicts/types.ts';
import type { VerdictKindModule } from './types.ts';

/** An autoconfiguration lookup: the Thunderbird file over HTTP, or DNS. */
type Lookup = Observation<'autoconfig.http' | 'autoconfig.dns'>;

interface Advertised {
  endpoint: string;
  port: number;
  lookup: Lookup;
}

/** What each lookup advertised for the job's protocol: endpoints and ports. */
export function advertisedBy(lookups: Lookup[], protocol: 'imap' | 'smtp'): Advertised[] {
  const service = protocol === 'imap' ? 'imap' : 'submission';
  return lookups.flatMap((lookup): Advertised[] => {
    if (lookup.kind === 'autoconfig.http') {
      return lookup.data.answered
        .filter((a) => a.protocol === protocol)
        .map((a) => ({ endpoint: String(a.endpoint), port: Number(a.port), lookup }));
    }
    return lookup.data.answered
      .filter((a) => a.type === 'SRV' && a.service === service && a.endpoint)
      .map((a) => ({ endpoint: String(a.endpoint), port: Number(a.port), lookup }));
  });
}

export function autoconfigLookups(observations: Observation[]): Lookup[] {
  return observations.filter(
    (o): o is Lookup =>
      (o.kind === 'autoconfig.http' && o.data.status === 200) ||
      (o.kind === 'autoconfig.dns' && o.data.qtype === 'SRV' && o.data.rcode === 'NOERROR'),
  );
}

const judgeAutoconfig: Judge = (input) => {
  const lookups = autoconfigLookups(input.observations);
  const advertised = advertisedBy(lookups, input.job.protocol);
  // Attribution already kept only the job's protocol.
  const sessions = activeSessions(input.observations);
  if (sessions.length === 0) {
    if (lookups.length === 0) return nothingObserved(input);
    return judgement(
      [
        lookupCheck(lookups, advertised),
        check('advertised-connection', 'missing', 'MSS-CONF.04', t('detail.noConnectionAfterLookup')),
      ],
      input.final,
    );
  }
  return judgeSessions(input, sessions, (session) => judgeSession(input, session, lookups, advertised));
};

function judgeSession(input: JudgeInput, session: SessionFacts, lookups: Lookup[], advertised: Advertised[]): Check[] {
  const checks: Check[] = [lookupCheck(lookups, advertised, session.observations[0])];
  const port = Number(session.observations.find((o) => o.kind === 'session.open')?.data.localPort ?? 0);
  const match = advertised.find(
    (a) => a.endpoint === session.endpoint && a.port === port && a.lookup.at <= session.openedAt,
  );
  checks.push(
    match
      ? check(
          'advertised-connection',
          'pass',
          'MSS-CONF.04',
          t('detail.connectedAsAdvertised', { endpoint: session.endpoint, port }),
          [match.lookup, session.observations[0]],
        )
      : check(
          'advertised-connection',
          'fail',
          'MSS-CONF.04',
          lookups.length > 0
            ? t('detail.connectedElsewhere', { endpoint: session.endpoint, port })
            : t('detail.hardCodedSettings'),
          [session.observations[0]],
        ),
  );
  checks.push(...sessionRules(input, session, 'MSS-CONF.04'));
  const mailbox = jobMailbox(input.job, input.account);
  const auth = successfulAuth(session);
  checks.push(
    auth && auth.mailbox === mailbox
      ? check(
          'authenticated',
          'pass',
          'MSS-CONF.04',
          t('detail.authenticatedAs', { mailbox: mailbox ?? '', mechanism: String(auth.data.mechanism) }),
          [auth],
        )
      : check(
          'authenticated',
          session.auths.length > 0 ? 'fail' : 'missing',
          'MSS-CONF.04',
          t('detail.notAuthenticatedAs', { mailbox: mailbox ?? '' }),
          session.auths,
        ),
  );
  if (input.job.protocol === 'imap') {
    const opened = inboxSelects(session).find((c) => c.ok);
    checks.push(
      opened
        ? check('inbox-opened', 'pass', 'MSS-CONF.04', t('detail.inboxOpened', { command: opened.name }), [
            opened.observation,
          ])
        : check('inbox-opened', 'missing', 'MSS-CONF.04', t('detail.inboxNotOpened')),
    );
  } else {
    const sent = session.messages.find((m) => m.data.outcome === 'accepted');
    checks.push(
      sent
        ? check('message-accepted', 'pass', 'MSS-CONF.04', t('detail.messageAccepted'), [sent])
        : check('message-accepted', 'missing', 'MSS-CONF.04', t('detail.noMessage')),
    );
  }
  return checks;
}

/** Without any lookup, the evidence is the connection the client opened without one (hard-coded settings). */
function lookupCheck(lookups: Lookup[], advertised: Advertised[], connection?: Observation): Check {
  if (lookups.length === 0)
    return check('autoconfig-lookup', 'fail', 'MSS-CONF.04', t('detail.noLookup'), [connection]);
  const methods = [
    ...new Set(
      lookups.map((l) =>
        l.kind === 'autoconfig.http' ? `HTTP ${String(l.data.path ?? '')}` : `DNS SRV ${String(l.data.name ?? '')}`,
      ),
    ),
  ].join(', ');
  const where = [...new Set(advertised.map((a) => `${a.endpoint}:${a.port}`))].join(', ');
  return check(
    'autoconfig-lookup',
    'pass',
    'MSS-CONF.04',
    t('detail.lookupSeen', { methods, advertised: where || '—' }),
    lookups,
  );
}

/** Prepare to receive (IMAP) or to send (SMTP) once configured by autoconfiguration. */
const prepare = (job: Job) => t(job.protocol === 'imap' ? 'attendus.prepareReceive' : 'attendus.prepareSend');

export const autoconfig: VerdictKindModule = {
  id: 'autoconfig',
  label: 'Autoconfig',
  requirements: ['MSS-CONF.04'],
  ipRequired: true,
  // Autoconfiguration may lead to either endpoint of the mail domain, whatever the BAL type.
  listensOn: () => ['org', 'psc'],
  ipHelp: 'runnerPage.job.ipHelpAutoconfig',
  instructions: {
    prerequisites: () => [t('attendus.ipAutoconfig')],
    // The configuration is what is tested: rehearsed before the test, then removed.
    preparation: (job, p) => [
      t('attendus.autoconfigRepeat'),
      t('attendus.configureAutoconfig', p),
      prepare(job),
      t('attendus.removeConfiguration'),
    ],
    steps: (_job, p) => [t('attendus.configureBal', p), t('attendus.configureAutoconfig', p)],
    instruction: (job, p) => t(job.protocol === 'imap' ? 'attendus.doAutoconfigImap' : 'attendus.doAutoconfigSmtp', p),
  },
  judge: judgeAutoconfig,
};
