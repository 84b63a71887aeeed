// Journal retention (journal.retentionDays, src/observe/retention.ts) on the store the test platform gives
// (SQLite, or PostgreSQL in the PostgreSQL leg): old observations no execution cites are deleted, old ones an
// execution's evidence cites and recent ones stay, the evidence of the execution still shows its observations
// (over the REST API), and each purge is logged with its count. Submitted messages (table submissions, sent for
// real through the psc SMTP endpoint) follow their `message` fact: an old one goes unless a cited fact names it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubmissionStore } from '../src/mail/message/submissions.ts';
import { sendThroughRelay } from '../src/mail/relay.ts';
import type { Observation } from '../src/observe/journal.ts';
import { JournalRetention } from '../src/observe/retention.ts';
import { createLogger } from '../src/util/log.ts';
import { vendor } from './helpers/api.ts';
import { waitFor } from './helpers/observations.ts';
import { startTestPlatform, type TestPlatform } from './helpers/platform.ts';

const DAY = 24 * 60 * 60 * 1000;
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ journal: { retentionDays: 30 }, webmailPassword: 'ODTMotco2' });
});

afterAll(async () => {
  await t?.stop();
});

/** A session's opening, recorded through the journal's own API `daysAgo` days ago. */
function opened(mailbox: string, daysAgo: number, session: string): Promise<Observation> {
  return t.platform.journal.record({
    kind: 'session.open',
    endpoint: 'psc',
    protocol: 'imap',
    sessionId: session,
    clientIp: '127.0.0.1',
    clientPort: 40000,
    mailbox,
    at: Date.now() - daysAgo * DAY,
    data: { localAddress: '127.0.0.1', localPort: 143 },
  });
}

/** An execution of `targetId` running for an account snapshot (its fields null unless given). */
function startExecution(
  targetId: string,
  o: {
    accountId?: number;
    nil?: string;
    runnerUserId?: string;
    idnatPsc?: string;
    personalMailbox?: string;
  } = {},
) {
  return t.platform.executions.create({
    accountId: o.accountId ?? 1,
    account: {
      nil: o.nil ?? 'X',
      runnerUserId: o.runnerUserId ?? 'x',
      idnatPsc: o.idnatPsc ?? null,
      idnatAuthCli: null,
      personalMailbox: o.personalMailbox ?? null,
      applicativeMailbox: null,
      patientAddress: null,
    },
    targetType: 'job',
    targetId,
    parentId: null,
    options: { delaiSeconds: 60, ip: null },
    startedBy: 'test',
  });
}

/** Ends an execution as the runner's finish() does: `inCheck` cited by one check, `cited` in its observation ids. */
function finishCiting(id: number, verdict: 'OK' | 'KO', inCheck: number[], cited: number[]) {
  const check = {
    id: 'retention',
    label: 'contrôle',
    outcome: verdict === 'OK' ? ('pass' as const) : ('fail' as const),
    detail: 'vu',
    requirement: 'MSS-CONF.03',
    observations: inCheck,
  };
  return t.platform.executions.finish(id, verdict, [check], cited);
}

/** One purge as the platform starts it (a 30-day retention, batches of two), and the lines it logged. */
async function purgeLogged(): Promise<string[]> {
  const lines: string[] = [];
  const retention = new JournalRetention(t.platform.store.db, {
    days: 30,
    log: createLogger('info', {}, (l) => lines.push(l)),
    batch: 2,
  });
  await retention.start();
  await retention.stop();
  return lines;
}

describe('journal retention', () => {
  it(
    'deletes old observations no execution cites, ' +
      'keeps cited and recent ones, and the evidence still shows its observations',
    async () => {
      const { organisation, api } = await vendor(t.platform, {
        login: 'rita.retention',
        immatriculation: '12345678900099',
      });
      const created = await t.platform.accounts.create(
        { nil: 'RETENTION-1', idnatPsc: '810009876543' },
        { organisationId: organisation.id, by: 'test' },
      );
      if (!created.ok) throw new Error(JSON.stringify(created.errors));
      const mailbox = created.account.mailboxes.personal!;

      // Interleaved so that the kept rows sit between deleted ones in every batch of two.
      const old: Observation[] = [];
      for (let i = 0; i < 9; i++) old.push(await opened(mailbox, 40 + (i % 3), `old-${i}`));
      const recent = [await opened(mailbox, 29, 'recent-1'), await opened(mailbox, 0, 'recent-2')];
      // An execution citing two old facts in its observation ids and one in a check, as the runner's finish() does.
      const [citedA, citedB, citedByCheck] = [old[1]!, old[4]!, old[7]!];
      const execution = await startExecution('psc-tls-imap', {
        accountId: created.account.id,
        nil: 'RETENTION-1',
        runnerUserId: created.account.runnerUserId,
        idnatPsc: '810009876543',
        personalMailbox: mailbox,
      });
      await finishCiting(execution.id, 'KO', [citedByCheck.id], [citedA.id, citedB.id]);

      const lines = await purgeLogged();

      const left = new Set((await t.platform.journal.query({ mailbox })).map((o) => o.id));
      const kept = [citedA, citedB, citedByCheck, ...recent].map((o) => o.id);
      expect([...left].sort((a, b) => a - b)).toEqual(kept.sort((a, b) => a - b));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('6 observation(s) de plus de 30\u00a0jours supprimée(s)');
      expect(lines[0]).toContain('deleted=6 kept=3');

      // Nothing more to delete: a second purge deletes nothing and keeps the same rows.
      expect(
        await new JournalRetention(t.platform.store.db, { days: 30, log: createLogger('error', {}, () => {}) }).purge(),
      ).toMatchObject({ deleted: 0, kept: 3 });

      const evidence = await api<{ observations: Observation[]; checks: { observations: number[] }[] }>(
        'GET',
        `/executions/${execution.id}/export.json`,
      );
      expect(evidence.status).toBe(200);
      expect(evidence.body.observations.map((o) => o.id).sort((a, b) => a - b)).toEqual(
        [citedA.id, citedB.id, citedByCheck.id].sort((a, b) => a - b),
      );
      expect(evidence.body.observations.map((o) => o.sessionId).sort()).toEqual(['old-1', 'old-4', 'old-7']);
    },
  );

  it('keeps everything with a retention of 0 days, and what an execution still running may read', async () => {
    const before = await t.platform.journal.lastId();
    const ancient = await t.platform.journal.record({
      kind: 'session.open',
      endpoint: 'org',
      protocol: 'smtp',
      sessionId: 'ancient',
      clientIp: '127.0.0.2',
      at: Date.now() - 400 * DAY,
      data: { localAddress: '127.0.0.1' },
    });
    expect(ancient.id).toBeGreaterThan(before);
    const never = new JournalRetention(t.platform.store.db, { days: 0, log: createLogger('error', {}, () => {}) });
    expect((await never.purge()).deleted).toBe(0);
    // An execution left running since long ago (as recover() would find it): nothing after its start goes.
    const running = await startExecution('psc-tls-imap');
    await t.platform.store.db
      .updateTable('executions')
      .set({ started_at: Date.now() - 500 * DAY })
      .where('id', '=', running.id)
      .execute();
    // A submission of that age, which no fact names: kept while the execution runs too.
    const submissions = new SubmissionStore(t.platform.store.db);
    const stored = await submissions.save('ancient-smtp', undefined, Buffer.from('Subject: ancien\r\n\r\nancien\r\n'));
    await t.platform.store.db
      .updateTable('submissions')
      .set({ at: Date.now() - 400 * DAY })
      .where('id', '=', stored.id)
      .execute();
    const retention = new JournalRetention(t.platform.store.db, { days: 30, log: createLogger('error', {}, () => {}) });
    expect(await retention.purge()).toMatchObject({ deleted: 0, submissions: { deleted: 0 } });
    expect(await t.platform.journal.byIds([ancient.id])).toHaveLength(1);
    expect(await submissions.get(stored.id)).toBeDefined();
    await t.platform.executions.finish(running.id, 'INTERRUPTED', [], []);
    expect(await retention.purge()).toMatchObject({ deleted: 1, submissions: { deleted: 1, kept: 0 } });
    expect(await t.platform.journal.byIds([ancient.id])).toHaveLength(0);
    expect(await submissions.get(stored.id)).toBeUndefined();
  });

  it('deletes old submitted messages no cited observation names, keeps the cited and the recent ones', async () => {
    const files = mkdtempSync(path.join(os.tmpdir(), 'motco-retention-'));
    try {
      await t.platform.pki.exportTrust(files);
      const sender = `retention.envoi@${t.config.mailDomain}`;
      const recipient = `retention.recu@${t.config.mailDomain}`;
      await t.platform.mailboxes.create(sender, 'personal');
      await t.platform.mailboxes.create(recipient, 'personal');
      const relay = {
        host: '127.0.0.1',
        port: t.endpoint('psc').smtpPort,
        from: sender,
        user: sender,
        password: 'ODTMotco2',
        requireTls: true,
        caFile: path.join(files, 'igc-sante-test-roots.pem'),
      };
      // One SMTP session per message, in this order (the last one stays recent). The relay client sends the
      // subject as a base64 encoded-word, which the fact records as sent.
      const subjects = ['cited', 'session-cited', 'uncited', 'filler', 'recent'] as const;
      const facts = new Map<string, Observation<'message'>>();
      for (const subject of subjects) {
        await sendThroughRelay(relay, { to: recipient, subject, text: `${subject}\n` });
        const encoded = `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`;
        facts.set(
          subject,
          await waitFor(t.platform.journal, { mailbox: sender, kind: 'message' }, (o) => o.data.subject === encoded),
        );
      }
      const fact = (subject: (typeof subjects)[number]) => facts.get(subject)!;
      const submissionOf = (subject: (typeof subjects)[number]) => fact(subject).data.submissionId!;
      // All but the last recorded 40 days ago (moved in the store): the submissions and their sessions' facts.
      for (const subject of subjects.slice(0, -1)) {
        await t.platform.store.db
          .updateTable('submissions')
          .set({ at: Date.now() - 40 * DAY })
          .where('id', '=', submissionOf(subject))
          .execute();
        await t.platform.store.db
          .updateTable('observations')
          .set({ at: Date.now() - 40 * DAY })
          .where('session_id', '=', fact(subject).sessionId!)
          .execute();
      }
      // An execution cites the `message` fact of the first, and only the session's opening of the second.
      const opening = await waitFor(t.platform.journal, {
        sessionId: fact('session-cited').sessionId!,
        kind: 'session.open',
      });
      const execution = await startExecution('psc-headers-smtp', { nil: 'RETENTION-2', personalMailbox: sender });
      await finishCiting(execution.id, 'OK', [opening.id], [fact('cited').id]);

      const lines = await purgeLogged();

      const submissions = new SubmissionStore(t.platform.store.db);
      const left = await Promise.all(subjects.map(async (s) => [s, await submissions.get(submissionOf(s))] as const));
      expect(left.filter(([, kept]) => kept).map(([s]) => s)).toEqual(['cited', 'recent']);
      // The evidence's message is intact: its bytes still hash to what the fact recorded.
      const cited = left[0]![1]!;
      expect(cited.sha256).toBe(fact('cited').data.sha256);
      expect(cited.raw.toString()).toContain('Subject: =?UTF-8?B?');
      expect(lines.find((l) => l.includes('message(s) soumis'))).toContain(
        '3 message(s) soumis de plus de 30\u00a0jours supprimé(s)',
      );
      expect(lines.find((l) => l.includes('message(s) soumis'))).toContain('deleted=3 kept=1');
      // A second purge has nothing more to delete and keeps the cited one.
      expect(
        await new JournalRetention(t.platform.store.db, { days: 30, log: createLogger('error', {}, () => {}) }).purge(),
      ).toMatchObject({ submissions: { deleted: 0, kept: 1 } });
    } finally {
      rmSync(files, { recursive: true, force: true });
    }
  });
});
