// The runner end to end: every unit job run for a real account while the reference LPS plays it through
// real sockets, faults judged KO with the failed check named in the log, nothing attributable judged
// INCONCLUSIVE, two vendors at once each judged on their own evidence, stop, options, statistics and the
// recovery of an execution interrupted by a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNIT_JOBS, type UnitJob } from '../src/catalogue/jobs.ts';
import { loadConfig } from '../src/config/config.ts';
import { playJob, type PlayOptions } from '../src/lps/play.ts';
import type { FaultName } from '../src/lps/faults.ts';
import { startPlatform } from '../src/platform.ts';
import type { Execution, LogLine } from '../src/runner/types.ts';
import { silentLogger } from '../src/util/log.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';
import { run } from './helpers/run.ts';
import { vendorWithAccount, type VendorAccount } from './helpers/vendor-lps.ts';

const IP = '127.0.0.1';
let t: TestPlatform;
let alice: VendorAccount;
let bob: VendorAccount;

beforeAll(async () => {
  t = await startTestPlatform({
    psc: { accessTokenTtlSeconds: 10, clockSkewSeconds: 0 },
    runner: { reopenImapDelaySeconds: 1, delaiMinSeconds: 2 },
  });
  alice = await vendorWithAccount(t, {
    login: 'alice',
    immatriculation: '11111111100011',
    nil: 'DEV-ALICE',
    idnatPsc: '810000000123',
    idnatAuthCli: '10123456789',
  });
  bob = await vendorWithAccount(t, {
    login: 'bob',
    immatriculation: '22222222200022',
    nil: 'DEV-BOB',
    idnatPsc: '810000000456',
    idnatAuthCli: '10987654321',
  });
});

afterAll(async () => {
  await t?.stop();
});

/** Starts a job for an account, plays it with the LPS once the window is open, and waits for the verdict. */
async function runWhilePlaying(
  who: VendorAccount,
  job: UnitJob,
  options: { fault?: FaultName; ip?: string | null; delai?: number; play?: boolean } = {},
): Promise<{ execution: Execution; log: LogLine[] }> {
  const ip = options.ip === undefined ? (job.ipRequired ? IP : null) : options.ip;
  const started = await t.platform.runner.start({
    accountId: who.id,
    target: job.id,
    delai: options.delai ?? 30,
    ...(ip ? { ip } : {}),
    startedBy: 'test',
  });
  if (!started.ok) throw new Error(JSON.stringify(started.errors));
  const ended = finished(started.execution.id);
  if (options.play !== false) {
    const play: PlayOptions = options.fault ? { fault: options.fault } : {};
    await playJob(job.id, who.context, play);
  }
  const execution = await ended;
  return { execution, log: await t.platform.executions.log(execution.id) };
}

function finished(id: number): Promise<Execution> {
  return new Promise((resolve) => {
    const stop = t.platform.runner.follow(id, (event) => {
      if (event.type === 'state' && event.execution.status === 'finished') {
        stop();
        resolve(event.execution);
      }
    });
  });
}

const explain = (r: { execution: Execution; log: LogLine[] }) => r.log.map((l) => l.text).join('\n');

describe('every unit job, played conformant while the runner listens, is OK', () => {
  it.each(UNIT_JOBS.map((j) => [j.id, j] as const))('%s', async (_, job) => {
    const result = await runWhilePlaying(alice, job);
    expect(result.execution.verdict, explain(result)).toBe('OK');
    // The log tells the story in French: the start, what to do, facts, the checks and the result.
    const texts = result.log.map((l) => l.text);
    expect(texts[0]).toBe(`Début du test « ${job.title} » (${job.id})`);
    expect(texts.some((l) => l.startsWith('À faire maintenant : '))).toBe(true);
    expect(result.log.some((l) => l.level === 'fact')).toBe(true);
    expect(texts.at(-1)).toBe('Résultat : OK (code retour 0)');
    expect(result.execution.observationIds.length).toBeGreaterThan(0);
  });
});

describe('faults are KO, naming the failed check', () => {
  it.each([
    [
      'psc-tls-smtp',
      'forbidden-suite',
      'forbidden-suites',
      'Suites non autorisées proposées : TLS_RSA_WITH_AES_128_CBC_SHA',
    ],
    ['authcli-tls-imap', 'missing-suites', 'all-suites', 'Suites autorisées manquantes'],
    ['psc-auth-smtp', 'oauthbearer', 'mechanism', 'attendu : XOAUTH2'],
    ['psc-auth-imap', 'expired-token', 'token', 'jeton expiré'],
    ['authcli-auth-imap', 'wrong-ou', 'certificate-ou', 'OU du certificat'],
    ['psc-headers-smtp', 'wrong-codecda', 'header-codecda', 'X-MSS-CODECDA'],
    ['authcli-patient-smtp', 'missing-mes', 'header-mes', 'X-MSS-MES'],
    ['psc-expired-imap', 'accept-bad-certificate', 'certificate-refused', 'CRITIQUE'],
    ['authcli-autoconfig-smtp', 'no-autoconfig', 'autoconfig-lookup', 'Aucune requête d’autoconfiguration'],
    ['psc-reopen-smtp', 'no-reconnection', 'new-session', 'n’a pas rouvert'],
  ] as const)('%s with %s → %s', async (jobId, fault, check, words) => {
    const job = UNIT_JOBS.find((j) => j.id === jobId)!;
    // Failed authentications are attributed by the job's address: give it, as a vendor would.
    const result = await runWhilePlaying(alice, job, { fault, ip: IP, delai: job.kind === 'reopen' ? 8 : 30 });
    expect(result.execution.verdict, explain(result)).toBe('KO');
    const failed = result.execution.checks.filter((c) => c.outcome === 'fail' || c.outcome === 'missing');
    expect(failed.map((c) => c.id)).toContain(check);
    expect(
      result.log
        .filter((l) => l.level === 'check')
        .map((l) => l.text)
        .join('\n'),
    ).toContain(words);
    expect(result.log.at(-1)!.text).toBe('Résultat : KO (code retour 1)');
  });

  it('is INCONCLUSIVE when the client does nothing: “Aucune connexion observée”', async () => {
    const job = UNIT_JOBS.find((j) => j.id === 'authcli-revoked-smtp')!;
    const result = await runWhilePlaying(alice, job, { play: false, delai: 2 });
    expect(result.execution.verdict).toBe('INCONCLUSIVE');
    expect(explain(result)).toContain('Aucune connexion observée sur le point d’accès org-revoq (SMTP)');
  });

  it(
    'an INCONCLUSIVE says what was seen instead: ' +
      'the mailbox from another address than the job’s, with what to correct',
    async () => {
      const job = UNIT_JOBS.find((j) => j.id === 'psc-send-smtp')!;
      const result = await runWhilePlaying(alice, job, { ip: '192.0.2.99', delai: 3 });
      expect(result.execution.verdict, explain(result)).toBe('INCONCLUSIVE');
      const seen = result.execution.checks.find((c) => c.id === 'seen-other-address')!;
      expect(seen).toMatchObject({
        outcome: 'info',
        detail: expect.stringContaining(
          `${alice.account.personalMailbox} s’est connectée depuis 127.0.0.1, ` +
            `et non depuis l’adresse IP du test (192.0.2.99)`,
        ),
      });
      expect(explain(result)).toContain('↳ Que corriger : Lancez l’action demandée');
      expect(explain(result)).toContain('/mon-poste');
      expect(result.log.at(-1)!.text).toBe('Résultat : NON CONCLUANT (code retour 1)');
      // The evidence cites only the openings of those sessions.
      const cited = await t.platform.journal.query({ since: result.execution.startedAt });
      expect(cited.filter((o) => result.execution.observationIds.includes(o.id)).map((o) => o.kind)).toEqual(
        seen.observations.map(() => 'session.open'),
      );
    },
  );
});

describe('clients nobody here wrote, sending credentials or mail in clear', () => {
  it(
    'python smtplib: MAIL FROM the mailbox in clear, never STARTTLS, ' +
      'from the job’s address → KO on STARTTLS, the rest « non évalué »',
    async () => {
      const job = UNIT_JOBS.find((j) => j.id === 'psc-send-smtp')!;
      const endpoint = t.endpoint('psc');
      const started = await t.platform.runner.start({
        accountId: alice.id,
        target: job.id,
        delai: 30,
        ip: IP,
        startedBy: 'test',
      });
      if (!started.ok) throw new Error(JSON.stringify(started.errors));
      const ended = finished(started.execution.id);
      const script =
        `import smtplib\ns = smtplib.SMTP('127.0.0.1', ${endpoint.smtpPort}, timeout=10)\ns.ehlo()\n` +
        `print(s.docmd('MAIL', 'FROM:<${alice.account.personalMailbox}>')[0])\ns.quit()`;
      const client = await run('python3', ['-c', script]);
      expect(client.stdout.trim(), client.stderr).toBe('530');
      const execution = await ended;
      const log = (await t.platform.executions.log(execution.id)).map((l) => l.text).join('\n');
      expect(execution.verdict, log).toBe('KO');
      expect(execution.checks.map((c) => [c.id, c.outcome])).toEqual([
        ['starttls', 'fail'],
        ['mechanism', 'not_evaluated'],
        ['message-accepted', 'not_evaluated'],
      ]);
      expect(log).toContain(
        '✘ STARTTLS avant toute commande sensible — Commandes envoyées en clair avant STARTTLS : MAIL.',
      );
      expect(log).toContain('○ Mécanisme d’authentification — Non évalué');
      expect(log).not.toContain('Aucune connexion observée');
    },
  );

  it('python imaplib: LOGIN in clear, from the job’s address → critical KO on STARTTLS', async () => {
    const job = UNIT_JOBS.find((j) => j.id === 'psc-access-imap')!;
    const endpoint = t.endpoint('psc');
    const started = await t.platform.runner.start({
      accountId: alice.id,
      target: job.id,
      delai: 30,
      ip: IP,
      startedBy: 'test',
    });
    if (!started.ok) throw new Error(JSON.stringify(started.errors));
    const ended = finished(started.execution.id);
    // imaplib itself refuses LOGIN when the server says LOGINDISABLED: send the command as a careless client would.
    const script =
      `import imaplib\nm = imaplib.IMAP4('127.0.0.1', ${endpoint.imapPort}, timeout=10)\n` +
      `try:\n  print(m._simple_command('LOGIN', '${alice.account.personalMailbox}', ` +
      `'secret')[0])\nexcept m.error as e:\n  print('NO')\nm.logout()`;
    const client = await run('python3', ['-c', script]);
    expect(client.stdout.trim(), client.stderr).toBe('NO');
    const execution = await ended;
    expect(execution.verdict).toBe('KO');
    expect(execution.checks.find((c) => c.id === 'starttls')).toMatchObject({
      outcome: 'fail',
      critical: true,
      detail: 'Identifiants envoyés en clair avant STARTTLS (LOGIN).',
    });
    const log = (await t.platform.executions.log(execution.id)).map((l) => l.text).join('\n');
    expect(log).toContain(
      `Authentification LOGIN (commande IMAP) ` +
        `de ${alice.account.personalMailbox} refusée (envoyée avant STARTTLS) (en clair)`,
    );
  });
});

describe('several vendors at once', () => {
  it('judges each execution only on its own account’s evidence', async () => {
    const job = UNIT_JOBS.find((j) => j.id === 'psc-tls-smtp')!;
    const [a, b] = await Promise.all([
      runWhilePlaying(alice, job),
      runWhilePlaying(bob, job, { fault: 'forbidden-suite' }),
    ]);
    expect(a.execution.verdict, explain(a)).toBe('OK');
    expect(b.execution.verdict, explain(b)).toBe('KO');
    const used = await t.platform.journal.query({ sessionId: undefined });
    const mailboxOf = new Map(used.map((o) => [o.id, o.mailbox]));
    expect(a.execution.observationIds.map((id) => mailboxOf.get(id)).filter(Boolean)).not.toContain(
      bob.account.personalMailbox,
    );
    expect(b.execution.observationIds.map((id) => mailboxOf.get(id)).filter(Boolean)).not.toContain(
      alice.account.personalMailbox,
    );
    expect(explain(a)).not.toContain(bob.account.personalMailbox!);
  });
});

describe('options, stop and statistics', () => {
  it('refuses invalid options with French messages', async () => {
    const bad = await t.platform.runner.start({
      accountId: alice.id,
      target: 'psc-expired-smtp',
      delai: '1',
      ip: '300.1.1.1',
      startedBy: 'test',
    });
    expect(bad).toMatchObject({ ok: false, reason: 'invalid' });
    expect(bad.ok ? [] : bad.errors).toEqual([
      { field: 'delai', message: 'Le délai doit être un nombre entier de secondes entre 2 et 900.' },
      { field: 'ip', message: expect.stringContaining('Adresse IP invalide « 300.1.1.1 »') },
    ]);
    const noIp = await t.platform.runner.start({ accountId: alice.id, target: 'MSS-LPS-SEGUR-1', startedBy: 'test' });
    expect(noIp.ok ? [] : noIp.errors).toEqual([{ field: 'ip', message: expect.stringContaining('obligatoire') }]);
    expect(await t.platform.runner.start({ accountId: alice.id, target: 'nope', startedBy: 'test' })).toMatchObject({
      ok: false,
      reason: 'unknown_target',
    });
  });

  it('stops a running job: CANCELLED, with a line saying so', async () => {
    const started = await t.platform.runner.start({
      accountId: alice.id,
      target: 'psc-send-smtp',
      delai: 60,
      startedBy: 'test',
    });
    if (!started.ok) throw new Error('not started');
    const ended = finished(started.execution.id);
    expect(await t.platform.runner.cancel(started.execution.id)).toBe(true);
    expect((await ended).verdict).toBe('CANCELLED');
    expect((await t.platform.executions.log(started.execution.id)).map((l) => l.text)).toContain(
      'Travail arrêté par l’utilisateur.',
    );
  });

  it('counts executions, success rate and mean duration per job', async () => {
    const stats = await t.platform.executions.stats('psc-tls-smtp', [alice.id]);
    expect(stats.executions).toBeGreaterThanOrEqual(2);
    expect(stats.successRate).toBeGreaterThan(0);
    expect(stats.successRate).toBeLessThanOrEqual(1);
    expect(stats.meanDurationMs).toBeGreaterThan(0);
  });

  it('reads the latest execution of each target and counts executions and failures as list() would', async () => {
    const { executions } = t.platform;
    const all = await executions.list({ accountIds: [alice.id], limit: 10_000 });
    const latest = await executions.latestByTarget(alice.id);
    expect([...latest.keys()].sort()).toEqual([...new Set(all.map((e) => e.targetId))].sort());
    for (const [target, execution] of latest) expect(execution.id).toBe(all.find((e) => e.targetId === target)!.id);
    const top = all.filter((e) => e.parentId === null);
    const failures = top.filter(
      (e) => e.status === 'finished' && e.verdict !== 'OK' && e.verdict !== 'CANCELLED',
    ).length;
    expect(failures).toBeGreaterThan(0);
    expect(await executions.count({ accountIds: [alice.id], parentId: null })).toEqual({
      executions: top.length,
      failures,
    });
    expect(await executions.count({ accountIds: [] })).toEqual({ executions: 0, failures: 0 });
  });
});

describe('evidence', () => {
  it('keeps the account as it was when the execution ran, even after the account changes', async () => {
    const carol = await vendorWithAccount(t, {
      login: 'erin',
      immatriculation: '77777777700077',
      nil: 'DEV-ERIN-1',
      idnatPsc: '810000000888',
      idnatAuthCli: '10888888888',
    });
    const job = UNIT_JOBS.find((j) => j.id === 'psc-send-smtp')!;
    const { execution } = await runWhilePlaying(carol, job);
    expect(execution.account).toMatchObject({ nil: 'DEV-ERIN-1', personalMailbox: carol.account.personalMailbox });
    const modified = await carol.api('PUT', `/accounts/${carol.id}`, {
      nil: 'DEV-ERIN-2',
      idnatPsc: '810000000888',
      idnatAuthCli: '10888888888',
    });
    expect(modified.status, JSON.stringify(modified.body)).toBe(200);
    const exported = await carol.api('GET', `/executions/${execution.id}/export.json`);
    expect(exported.body.account).toMatchObject({ nil: 'DEV-ERIN-1', idnatPsc: '810000000888' });
    expect(exported.body.execution.account.nil).toBe('DEV-ERIN-1');
  });
});

describe('restart', () => {
  it(
    'ends an execution running at shutdown as INTERRUPTED, ' + 'visibly, and a restarted platform keeps it so',
    async () => {
      const other = await startTestPlatform({ runner: { delaiMinSeconds: 2 } });
      const v = await vendorWithAccount(other, {
        login: 'carol',
        immatriculation: '33333333300033',
        nil: 'DEV-CAROL',
        idnatPsc: '810000000789',
        idnatAuthCli: '10111111111',
      });
      const started = await other.platform.runner.start({
        accountId: v.id,
        target: 'psc-send-smtp',
        delai: 300,
        startedBy: 'test',
      });
      if (!started.ok) throw new Error('not started');
      await other.platform.stop();
      // The same data folder, started again: the execution is over, and says why.
      const again = await startPlatform(
        loadConfig({
          env: {},
          cwd: other.dataDir,
          overrides: { dataDir: other.dataDir, portBase: other.config.portBase },
        }),
        { log: silentLogger },
      );
      try {
        const execution = await again.executions.get(started.execution.id);
        expect(execution).toMatchObject({ status: 'finished', verdict: 'INTERRUPTED' });
        expect((await again.executions.log(started.execution.id)).map((l) => l.text)).toContain(
          'Travail interrompu par l’arrêt de la plateforme.',
        );
      } finally {
        await again.stop();
        await other.stop().catch(() => {});
      }
    },
  );
});
