// The reference LPS's pieces without sockets: its fault table against the catalogue, the messages it writes
// read back by the platform's own parsers and judged by the headers/patient verdicts, its SASL responses
// read by the server's parsers, the autoconfig file it reads, and how it follows a runner's log.
import { describe, expect, it } from 'vitest';
import { advertisedServers } from '../../src/autoconfig/advertise.ts';
import { clientConfigXml } from '../../src/autoconfig/xml.ts';
import { UNIT_JOBS, findJob, type UnitJob } from '../../src/catalogue/jobs.ts';
import { kindOf } from '../../src/catalogue/kinds/index.ts';
import type { JobAccount } from '../../src/catalogue/verdicts/types.ts';
import { loadConfig } from '../../src/config/config.ts';
import { t } from '../../src/i18n/messages.ts';
import { readClientConfig } from '../../src/lps/autoconfig.ts';
import { FAULTS, type FaultName } from '../../src/lps/faults.ts';
import { followExecution, type ExecutionLog } from '../../src/lps/follow.ts';
import { jobMessage } from '../../src/lps/job-message.ts';
import { login, oauthBearer, plain, xoauth2 } from '../../src/mail/client/sasl.ts';
import { composeMessage } from '../../src/mail/message/compose.ts';
import { contentFacts } from '../../src/mail/message/attachments.ts';
import { parseHeaderFields } from '../../src/mail/message/headers.ts';
import { SaslExchange } from '../../src/mail/sasl/mechanisms.ts';
import type { Execution, LogLine, RunEvent } from '../../src/runner/types.ts';
import { journalOf, SessionBuilder } from '../helpers/journal-builder.ts';

const DOMAIN = 'mail-tests-editeur.motco.localhost';
const account: JobAccount = {
  nil: 'NIL-REF-42',
  idnatPsc: '810000000123',
  idnatAuthCli: '10123456789',
  personalMailbox: `810000000123@${DOMAIN}`,
  applicativeMailbox: `10123456789@${DOMAIN}`,
  patientAddress: `279035121518989@patient.${DOMAIN}`,
};

describe('fault table', () => {
  it.each(FAULTS.map((f) => [f.id, f] as const))(
    '%s applies to jobs, names a real check and says what it does in French',
    (_, fault) => {
      expect(fault.jobs.length).toBeGreaterThan(0);
      expect(fault.description).toMatch(/\S/);
      for (const id of fault.jobs) {
        const job = findJob(id)!;
        expect(() => t(`check.${fault.failedCheck(job)}`)).not.toThrow();
      }
    },
  );

  it('covers every kind of verdict', () => {
    const kinds = new Set(FAULTS.flatMap((f) => f.jobs.map((id) => findJob(id)!.kind)));
    expect([...kinds].sort()).toEqual([...new Set(UNIT_JOBS.map((j) => j.kind))].sort());
  });
});

/** What the SMTP endpoint records for a message: its header fields and content facts. */
function recorded(job: UnitJob, fault?: FaultName) {
  const from = job.bal === 'PSC' ? account.personalMailbox! : account.applicativeMailbox!;
  const to = job.kind === 'patient' ? [account.patientAddress!] : [from];
  const raw = composeMessage(
    jobMessage({ job, nil: account.nil, patientAddress: account.patientAddress, from, to, fault }),
  );
  // Authenticated by the BAL type's method, as every kind requires.
  const session =
    job.bal === 'PSC'
      ? new SessionBuilder('s1', job.endpoint, 'smtp').starttls().xoauth2(from, account.idnatPsc!)
      : new SessionBuilder('s1', job.endpoint, 'smtp')
          .starttls(undefined, undefined, undefined, {
            present: true,
            trusted: true,
            ou: account.idnatAuthCli ?? undefined,
            subject: 'CN=LPS',
            problems: [],
          })
          .auth('PLAIN', from, 'success', { reason: 'client_certificate' });
  session.message(from, to, parseHeaderFields(raw), contentFacts(raw).xdm);
  const observations = journalOf(session.close());
  return kindOf(job).judge({
    job,
    account,
    ip: null,
    window: { start: 0, end: Number.MAX_SAFE_INTEGER },
    observations,
    final: true,
  });
}

describe('messages the LPS writes, as the platform reads them', () => {
  const headers = findJob('psc-headers-smtp')!;
  const patient = findJob('authcli-patient-smtp')!;

  it('the headers job carries an IHE_XDM.ZIP whose CDA matches X-MSS-CODECDA and X-MSS-INS, and X-MSS-NIL', () => {
    const raw = composeMessage(
      jobMessage({
        job: headers,
        nil: account.nil,
        patientAddress: account.patientAddress,
        from: account.personalMailbox!,
        to: [account.personalMailbox!],
      }),
    );
    const xdm = contentFacts(raw).xdm!;
    expect(xdm.filename).toBe('IHE_XDM.ZIP');
    expect(xdm.documents).toMatchObject([
      { code: '11488-4', hasIns: true, patientIds: [{ extension: '279035121518989' }] },
    ]);
    expect(parseHeaderFields(raw).filter((h) => h.name.startsWith('X-MSS-'))).toEqual([
      { name: 'X-MSS-NIL', value: 'NIL-REF-42' },
      { name: 'X-MSS-CODECDA', value: '11488-4' },
      { name: 'X-MSS-INS', value: 'O' },
    ]);
    expect(recorded(headers).status).toBe('OK');
    expect(recorded(patient).status).toBe('OK');
  });

  it.each([
    ['missing-nil', headers, 'header-nil'],
    ['wrong-nil', headers, 'header-nil'],
    ['wrong-codecda', headers, 'header-codecda'],
    ['wrong-ins', headers, 'header-ins'],
    ['missing-mes', patient, 'header-mes'],
  ] as const)('%s is KO on %s', (fault, job, check) => {
    const judgement = recorded(job, fault);
    expect(judgement.status).toBe('KO');
    expect(judgement.checks.filter((c) => c.outcome === 'fail').map((c) => c.id)).toEqual([check]);
  });
});

describe('SASL responses, read by the server side', () => {
  const read = (mechanism: 'XOAUTH2' | 'OAUTHBEARER' | 'PLAIN' | 'LOGIN', responses: string[]) => {
    const exchange = new SaslExchange(mechanism);
    let step = exchange.start(mechanism === 'LOGIN' ? undefined : responses[0]);
    for (const response of mechanism === 'LOGIN' ? responses : []) step = exchange.respond(response);
    return step;
  };

  it('XOAUTH2, OAUTHBEARER, PLAIN and LOGIN carry the user and secret they were given', () => {
    expect(read('XOAUTH2', xoauth2('a@b.fr', 'tok.en.sig').responses)).toMatchObject({
      kind: 'done',
      credentials: { user: 'a@b.fr', bearer: 'tok.en.sig' },
    });
    expect(read('OAUTHBEARER', oauthBearer('a@b.fr', 'tok').responses)).toMatchObject({
      kind: 'done',
      credentials: { user: 'a@b.fr', bearer: 'tok' },
    });
    expect(read('PLAIN', plain('a@b.fr', '').responses)).toMatchObject({
      kind: 'done',
      credentials: { user: 'a@b.fr', password: '' },
    });
    expect(read('LOGIN', login('a@b.fr', 'secret').responses)).toMatchObject({
      kind: 'done',
      credentials: { user: 'a@b.fr', password: 'secret' },
    });
  });
});

describe('autoconfiguration file', () => {
  it('reads the servers the platform advertises, user name placeholders replaced', () => {
    const config = loadConfig({ env: {}, cwd: '/nonexistent', overrides: { dataDir: '/tmp/unused' } });
    const org = config.endpoints.filter((e) => e.id === 'org');
    const xml = clientConfigXml({
      domain: config.mailDomain,
      displayName: 'x',
      displayShortName: 'x',
      servers: advertisedServers(config, org, '%EMAILADDRESS%'),
    });
    const servers = readClientConfig(xml, account.applicativeMailbox!);
    expect(servers).toEqual([
      {
        protocol: 'imap',
        host: org[0]!.host,
        port: org[0]!.imapPort,
        socketType: 'STARTTLS',
        username: account.applicativeMailbox,
        authentication: ['TLS-client-cert', 'password-cleartext'],
      },
      {
        protocol: 'smtp',
        host: org[0]!.host,
        port: org[0]!.smtpPort,
        socketType: 'STARTTLS',
        username: account.applicativeMailbox,
        authentication: ['TLS-client-cert', 'password-cleartext'],
      },
    ]);
  });
});

describe('following a runner log', () => {
  it(
    'plays each unit of a campaign once its window listens, ' +
      'in order, into nested steps — from the events, whatever the words',
    async () => {
      // Campaign #1 → folder #2 → units #3 and #4, as the runner records them; lines appear as time passes. Every
      // line's text is a reworded sentence no template matches: only the run events can drive the follower.
      const lines = new Map<number, LogLine[]>();
      const finished = new Set<number>();
      let now = 0;
      const write = (id: number, event: RunEvent, jobId: string | null = null) =>
        lines.set(id, [
          ...(lines.get(id) ?? []),
          {
            seq: (lines.get(id)?.length ?? 0) + 1,
            at: ++now,
            level: 'step',
            text: `phrase reformulée ${now}`,
            jobId,
            event,
          },
        ]);
      const child = (index: number, count: number, targetId: string, executionId: number): RunEvent => ({
        type: 'child.started',
        executionId,
        index,
        count,
        targetType: 'job',
        targetId,
        title: 'x',
        instruction: 'y',
      });
      const unit = (id: number, jobId: string) => {
        write(id, { type: 'unit.started', jobId, title: findJob(jobId)!.title }, jobId);
        write(id, { type: 'todo', instruction: 'y' }, jobId);
        write(id, { type: 'window.open', from: now, until: now + 60_000 }, jobId);
        finished.add(id);
      };
      write(1, { type: 'campaign.started', folders: ['MSS-LPS-SEGUR-APP'] });
      write(1, {
        type: 'child.started',
        executionId: 2,
        index: 1,
        count: 1,
        targetType: 'folder',
        targetId: 'MSS-LPS-SEGUR-APP',
        title: 'MSS-LPS-SEGUR-APP',
        instruction: null,
      });
      write(2, child(1, 2, 'authcli-auth-imap', 3), 'authcli-auth-imap');
      const source: ExecutionLog = {
        get: async (id) => ({ id, status: finished.has(id) ? 'finished' : 'running' }) as Execution,
        log: async (id, after = 0) => (lines.get(id) ?? []).filter((l) => l.seq > after),
      };
      const played: string[] = [];
      const progress = setInterval(() => {
        // The runner moves on: unit #3 listens, then #4 starts once #3 is played, then everything ends.
        if (!lines.has(3)) unit(3, 'authcli-auth-imap');
        else if (played.length === 1 && !lines.has(4)) {
          write(2, child(2, 2, 'authcli-auth-smtp', 4), 'authcli-auth-smtp');
          unit(4, 'authcli-auth-smtp');
        } else if (played.length === 2) {
          finished.add(2);
          finished.add(1);
        }
      }, 5);
      try {
        const end = await followExecution(1, source, async (jobId) => void played.push(jobId), { pollMs: 5 });
        expect(end?.status).toBe('finished');
      } finally {
        clearInterval(progress);
      }
      expect(played).toEqual(['authcli-auth-imap', 'authcli-auth-smtp']);
    },
  );

  it('plays nothing for lines without events (recorded before run events existed)', async () => {
    const legacy: LogLine[] = [
      {
        seq: 1,
        at: 1,
        level: 'step',
        text: t('runner.unitStart', { title: 'x', id: 'psc-tls-imap' }),
        jobId: 'psc-tls-imap',
        event: null,
      },
      {
        seq: 2,
        at: 2,
        level: 'info',
        text: t('runner.listening', { until: '12:00:00' }),
        jobId: 'psc-tls-imap',
        event: null,
      },
    ];
    const source: ExecutionLog = {
      get: async (id) => ({ id, status: 'finished' }) as Execution,
      log: async (_, after = 0) => legacy.filter((l) => l.seq > after),
    };
    const played: string[] = [];
    expect((await followExecution(1, source, async (jobId) => void played.push(jobId), { pollMs: 5 }))?.status).toBe(
      'finished',
    );
    expect(played).toEqual([]);
  });
});
