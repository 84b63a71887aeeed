// The reference LPS against a real platform: every unit job played conformant is judged OK by the
// catalogue's verdict functions, and every fault makes the job KO on the check it names. The journal the
// endpoints recorded during the play is judged exactly as the runner does (attribution, then the kind's judge), with
// the window from the play's start to the moment every session it opened was closed.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attributable } from '../src/catalogue/attribution.ts';
import { lps } from '../src/cli/lps.ts';
import { UNIT_JOBS, findJob, type UnitJob } from '../src/catalogue/jobs.ts';
import { kindOf } from '../src/catalogue/kinds/index.ts';
import type { Judgement } from '../src/catalogue/verdicts/types.ts';
import { identityDb } from '../src/identity/db.ts';
import { PSC_TOOLS_SECRET, TOOLS_CLIENT_ID } from '../src/identity/issuers.ts';
import { Secrets } from '../src/identity/secrets.ts';
import type { LpsAccount, LpsContext } from '../src/lps/context.ts';
import { FAULTS, type FaultName } from '../src/lps/faults.ts';
import { playJob, type LpsReport, type PlayOptions } from '../src/lps/play.ts';
import { PscTokenSource, type TokenSource } from '../src/lps/tokens.ts';
import { endpointListing } from '../src/mail/endpoints.ts';
import { Runner } from '../src/runner/runner.ts';
import { ExecutionStore } from '../src/runner/store.ts';
import { silentLogger } from '../src/util/log.ts';
import { waitFor } from './helpers/observations.ts';
import { passwordsOf } from './helpers/passwords.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

const IP = '127.0.0.1';
const IDNAT_PSC = '810000000123';
const IDNAT_ORG = '10123456789';
const OTHER_ORG = '10987654321';
const NIL = 'NIL-REF-42';

let t: TestPlatform;
let account: LpsAccount;
let context: LpsContext;

beforeAll(async () => {
  // Short-lived tokens and no clock skew, so that the expired-token fault waits seconds, not minutes; the
  // reconnections of the reopen jobs then need a refreshed token, as they would after two minutes.
  t = await startTestPlatform({
    psc: { accessTokenTtlSeconds: 10, clockSkewSeconds: 0 },
    runner: { reopenImapDelaySeconds: 1 },
  });
  const { mailDomain, patientDomain } = t.config;
  await t.platform.identity.psc.simulator!.identities.create({
    idnat: IDNAT_PSC,
    givenName: 'Claire',
    familyName: 'Moreau',
  });
  await t.platform.mailboxes.create(`${IDNAT_PSC}@${mailDomain}`, 'personal');
  await t.platform.mailboxes.create(`${IDNAT_ORG}@${mailDomain}`, 'applicative');
  const own = await t.platform.pki.issueClientCertificate(IDNAT_ORG);
  const foreign = await t.platform.pki.issueClientCertificate(OTHER_ORG);
  account = {
    nil: NIL,
    idnatPsc: IDNAT_PSC,
    idnatAuthCli: IDNAT_ORG,
    personalMailbox: `${IDNAT_PSC}@${mailDomain}`,
    applicativeMailbox: `${IDNAT_ORG}@${mailDomain}`,
    patientAddress: `279035121518989@${patientDomain}`,
    clientCertificate: { certPem: own.chainPem, keyPem: own.keyPem },
  };
  const secret = (await new Secrets(identityDb(t.platform.store.db)).get(PSC_TOOLS_SECRET))!;
  context = {
    account,
    endpoints: endpointListing(t.config),
    trust: t.platform.pki.trustBundlePem(),
    tokens: new PscTokenSource(
      {
        discoveryUrl: t.platform.identity.psc.discoveryUrl,
        clientId: TOOLS_CLIENT_ID,
        clientSecret: secret,
        idnat: IDNAT_PSC,
      },
      t.config.psc.clockSkewSeconds,
    ),
    passwords: Object.fromEntries(await passwordsOf(t, [account.personalMailbox!, account.applicativeMailbox!])),
    reopenDelaySeconds: t.config.runner.reopenImapDelaySeconds,
    foreignClientCertificate: { certPem: foreign.chainPem, keyPem: foreign.keyPem },
    timeoutMs: 15_000,
  };
});

afterAll(async () => {
  await t?.stop();
});

/** Plays a job as the runner would have it: the reopen close armed, then the journal of the play judged. */
async function playAndJudge(
  job: UnitJob,
  options: PlayOptions,
  ip: string | null,
): Promise<{ report: LpsReport; judgement: Judgement }> {
  // What the runner arms for the job's window (the reopen jobs' server-side close), as it arms it.
  const armed = kindOf(job).beforeWindow?.(job, account, {
    armClose: (trigger) => t.platform.sessions.armClose(trigger),
    runner: t.config.runner,
  });
  try {
    const report = await playJob(job.id, context, options);
    return { report, judgement: await judge(job, report, ip) };
  } finally {
    armed?.cancel();
  }
}

async function judge(job: UnitJob, report: LpsReport, ip: string | null): Promise<Judgement> {
  // The endpoints record asynchronously: the window ends once every session the play opened is closed.
  for (const connection of report.connections) {
    await waitFor(
      t.platform.journal,
      { kind: 'session.close', since: report.startedAt },
      (o) => o.clientPort === connection.localPort,
    );
  }
  const window = { start: report.startedAt, end: Date.now() };
  const observations = attributable(
    job,
    account,
    ip,
    await t.platform.journal.query({ since: window.start, until: window.end }),
  );
  return kindOf(job).judge({ job, account, ip, window, observations, final: true });
}

function describeJudgement(judgement: Judgement, report: LpsReport): string {
  return [
    `verdict ${judgement.status}`,
    ...judgement.checks.map((c) => `${c.outcome} ${c.id}: ${c.detail}`),
    '— LPS:',
    ...report.steps.map((s) => s.text),
  ].join('\n');
}

async function conformant(job: UnitJob) {
  const { report, judgement } = await playAndJudge(job, {}, job.ipRequired ? IP : null);
  expect(report.completed, describeJudgement(judgement, report)).toBe(true);
  expect(report.expected).toEqual({ verdict: 'OK', check: null });
  expect(judgement.status, describeJudgement(judgement, report)).toBe('OK');
}

describe('conformant plays are judged OK', () => {
  const jobs = UNIT_JOBS.map((job) => [job.id, job] as const);
  it.each(jobs)('%s', (_, job) => conformant(job));

  it('autoconfiguration by DNS SRV records is judged OK too', async () => {
    for (const id of ['psc-autoconfig-imap', 'authcli-autoconfig-smtp']) {
      const { report, judgement } = await playAndJudge(findJob(id)!, { autoconfig: 'dns' }, IP);
      expect(report.steps.some((s) => s.action === 'autoconfig' && s.text.includes('SRV'))).toBe(true);
      expect(judgement.status, describeJudgement(judgement, report)).toBe('OK');
    }
  });

  it('a conformant client refuses the bad certificates without sending a command, after checking the CRL', async () => {
    const { report } = await playAndJudge(findJob('authcli-revoked-smtp')!, {}, IP);
    const refusal = report.steps.find((s) => s.action === 'certificate');
    expect(refusal?.data).toEqual({ reason: 'revoked' });
    const after = report.steps.slice(report.steps.indexOf(refusal!) + 1);
    expect(after.filter((s) => s.action === 'exchange')).toEqual([]);
  });
});

/** Every job a fault applies to, except that the slow expired-token fault is played on two of its jobs. */
const FAULT_CASES: [FaultName, string][] = FAULTS.flatMap((fault) => {
  const jobs = fault.id === 'expired-token' ? ['psc-auth-smtp', 'psc-reopen-smtp'] : fault.jobs;
  return jobs.map((job) => [fault.id, job] as [FaultName, string]);
});

async function faulty(fault: FaultName, id: string) {
  const job = findJob(id)!;
  // With the Adresse IP option, as refused authentications only belong to the account through the IP.
  const { report, judgement } = await playAndJudge(job, { fault }, IP);
  const expected = FAULTS.find((f) => f.id === fault)!.failedCheck(job);
  expect(report.expected).toEqual({ verdict: 'KO', check: expected });
  expect(judgement.status, describeJudgement(judgement, report)).toBe('KO');
  const failed = judgement.checks.filter((c) => c.outcome === 'fail' || c.outcome === 'missing').map((c) => c.id);
  expect(failed, describeJudgement(judgement, report)).toContain(expected);
}

describe('each fault makes the job KO on the check it names', () => {
  it.each(FAULT_CASES)('%s on %s', (fault, id) => faulty(fault, id));

  it('credentials sent to a refused server are a critical failure', async () => {
    const { judgement } = await playAndJudge(findJob('psc-nonigc-imap')!, { fault: 'accept-bad-certificate' }, IP);
    expect(judgement.checks.find((c) => c.id === 'certificate-refused')).toMatchObject({
      outcome: 'fail',
      critical: true,
    });
  });
});

describe('nothing played', () => {
  it('a certificate-rejection job with no connection is INCONCLUSIVE', async () => {
    const job = findJob('psc-expired-imap')!;
    const start = Date.now();
    const window = { start, end: start + 1 };
    const observations = attributable(
      job,
      account,
      IP,
      await t.platform.journal.query({ since: window.start, until: window.end }),
    );
    expect(kindOf(job).judge({ job, account, ip: IP, window, observations, final: true }).status).toBe('INCONCLUSIVE');
  });

  it('a reopen play the platform does not close says so and is incomplete', async () => {
    const report = await playJob('psc-reopen-smtp', context, { closeWaitSeconds: 1 });
    expect(report.completed).toBe(false);
    expect(report.steps.at(-1)).toMatchObject({ action: 'wait', ok: false });
    expect(report.steps.filter((s) => s.action === 'reconnect')).toEqual([]);
  });

  it('sends a token whose payload is not JSON, its expiry unknown, instead of stopping on an error', async () => {
    const notJson = `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('not json').toString('base64url')}.c2ln`;
    const tokens: TokenSource = {
      access: async () => notJson,
      idToken: async () => notJson,
      expiredAccess: async () => notJson,
    };
    const report = await playJob('psc-auth-smtp', { ...context, tokens });
    expect(report.steps.find((s) => s.action === 'token')?.text).toMatch(/expire à —/);
    expect(report.steps.filter((s) => s.action === 'error')).toEqual([]);
    expect(report.connections).toHaveLength(1);
  });

  it('refuses a fault that does not apply to the job', async () => {
    await expect(playJob('psc-tls-imap', context, { fault: 'missing-mes' })).rejects.toThrow(/ne s’applique pas/);
  });
});

/** The real runner code, finding this file's account (not in the accounts service) under `id`. */
function fakeRunner(id: number): Runner {
  return new Runner({
    config: t.config,
    journal: t.platform.journal,
    store: new ExecutionStore(t.platform.store.db),
    accounts: {
      find: async (accountId) => (accountId === id ? { ...account, id, runnerUserId: 'LPSREF000001' } : undefined),
    },
    sessions: t.platform.sessions,
    log: silentLogger,
  });
}

describe('motco lps', () => {
  let configFile: string;
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await lps({
      args: [...args, '--data', t.dataDir, '--config', configFile],
      out: (s) => out.push(s),
      err: (s) => err.push(s),
    });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  beforeAll(() => {
    // The settings the test platform runs with, as an operator's configuration file.
    configFile = path.join(t.dataDir, 'lps-test.config.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        portBase: t.config.portBase,
        psc: { accessTokenTtlSeconds: 10, clockSkewSeconds: 0 },
        runner: { reopenImapDelaySeconds: 1 },
      }),
    );
  });

  it('plays a folder for an account described by flags, its certificate read from the data folder', async () => {
    const { code, out, err } = await cli('MSS-LPS-SEGUR-APP', '--account', NIL, '--idnat-auth-cli', IDNAT_ORG);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`▶ ${findJob('authcli-auth-imap')!.title} [authcli-auth-imap] — LPS conforme`);
    expect(out).toContain(`▶ ${findJob('authcli-auth-smtp')!.title} [authcli-auth-smtp] — LPS conforme`);
    expect(out).toMatch(/✔ Certificat du serveur vérifié/);
    expect(out).toContain('Verdict attendu de la plateforme : OK');
  });

  it('plays a fault and prints the report as JSON', async () => {
    const { code, out } = await cli(
      'psc-auth-smtp',
      '--account',
      NIL,
      '--idnat-psc',
      IDNAT_PSC,
      '--fault',
      'wrong-user',
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(out) as LpsReport;
    expect(report).toMatchObject({
      jobId: 'psc-auth-smtp',
      fault: 'wrong-user',
      completed: true,
      expected: { verdict: 'KO', check: 'user' },
    });
    expect(report.steps.map((s) => s.text)).toContain(
      'AUTH XOAUTH2 <réponse initiale> → 334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwic2NvcGUiOiJtYWlsIn0=',
    );
  });

  it('says when it cannot play: unknown account, fault that does not apply', async () => {
    expect((await cli('psc-auth-smtp', '--account', 'NIL-INCONNU')).code).toBe(2);
    await expect(
      cli('psc-auth-smtp', '--account', NIL, '--idnat-psc', IDNAT_PSC, '--fault', 'missing-mes'),
    ).rejects.toThrow(/ne s’applique pas/);
  });

  describe('an account of the accounts service', () => {
    const SVC_PSC = '810000000456';
    const SVC_ORG = '1750000002';
    let id: number;

    beforeAll(async () => {
      await t.platform.identity.psc.simulator!.identities.create({
        idnat: SVC_PSC,
        givenName: 'Hugo',
        familyName: 'Lambert',
      });
      const organisation = await t.platform.users.createOrganisation({
        raisonSociale: 'Éditeur LPS',
        immatriculation: '33333333300033',
      });
      const created = await t.platform.accounts.create(
        { nil: 'NIL-SVC', idnatPsc: SVC_PSC, idnatAuthCli: SVC_ORG },
        { organisationId: organisation.id, by: 'test' },
      );
      if (!created.ok) throw new Error(JSON.stringify(created.errors));
      id = created.account.id;
    });

    it('is played from its NIL alone: mailboxes, patient address and certificate come from the service', async () => {
      const { code, out } = await cli('MSS-LPS-SEGUR-APP', '--account', 'NIL-SVC', '--json');
      expect(code).toBe(0);
      const reports = out.split('\n').map((line) => JSON.parse(line) as LpsReport);
      expect(reports.map((r) => [r.jobId, r.completed])).toEqual([
        ['authcli-auth-imap', true],
        ['authcli-auth-smtp', true],
      ]);
      expect(
        reports[0]!.steps.some((s) => s.text.includes(`AUTHENTICATE PLAIN`) && s.text.includes('Authenticated')),
      ).toBe(true);
    });

    it('follows its execution on the platform’s own runner: OK', async () => {
      const started = await t.platform.runner.start({
        accountId: id,
        target: 'psc-patient-smtp',
        delai: 20,
        ip: IP,
        startedBy: 'test',
      });
      if (!started.ok) throw new Error(JSON.stringify(started.errors));
      const { code, out } = await cli('--follow', String(started.execution.id), '--account', 'NIL-SVC');
      expect(code).toBe(0);
      expect(out).toContain('[psc-patient-smtp] — LPS conforme');
      expect((await t.platform.executions.get(started.execution.id))?.verdict, out).toBe('OK');
    });

    it('does not follow another account’s execution', async () => {
      const runner = fakeRunner(id + 1000);
      const other = await runner.start({
        accountId: id + 1000,
        target: 'psc-tls-smtp',
        delai: 10,
        ip: IP,
        startedBy: 'test',
      });
      if (!other.ok) throw new Error(JSON.stringify(other.errors));
      try {
        const { code, err } = await cli('--follow', String(other.execution.id), '--account', 'NIL-SVC');
        expect(code).toBe(2);
        expect(err).toContain('n’est pas une exécution du compte NIL-SVC');
      } finally {
        runner.cancel(other.execution.id);
      }
    });
  });

  describe('--follow', () => {
    it.each([
      ['a global job', 'MSS-LPS-SEGUR-PER-ORG-1', ['psc-auth-imap', 'psc-auth-smtp']],
      ['a reopen job, whose close the runner arms', 'psc-reopen-imap', ['psc-reopen-imap']],
    ])('follows %s, playing each unit while the runner listens: OK', async (_, target, units) => {
      const started = await fakeRunner(1).start({ accountId: 1, target, delai: 20, ip: IP, startedBy: 'test' });
      if (!started.ok) throw new Error(JSON.stringify(started.errors));
      const { code, out } = await cli(
        '--follow',
        String(started.execution.id),
        '--account',
        NIL,
        '--idnat-psc',
        IDNAT_PSC,
      );
      expect(code).toBe(0);
      for (const id of units) expect(out).toContain(`[${id}] — LPS conforme`);
      const execution = await new ExecutionStore(t.platform.store.db).get(started.execution.id);
      expect(execution?.verdict, out).toBe('OK');
    });
  });
});
