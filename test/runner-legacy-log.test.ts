// Executions recorded before run events existed (before migration 0009): a store holding a global job and its
// step, logged as text only, is migrated; their lines read back with no event, the log API's schema takes
// them, the execution page's log shows their text (the step after the parent's lines, its starting line
// having no event to place it by), the evidence exports, and following them plays nothing and ends.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ProductAccount } from '../src/accounts/accounts.ts';
import { evidenceSchema, logLineSchema } from '../src/api/schemas.ts';
import { t } from '../src/i18n/messages.ts';
import { followExecution } from '../src/lps/follow.ts';
import { Journal } from '../src/observe/journal.ts';
import { buildEvidence } from '../src/runner/evidence.ts';
import { ExecutionStore } from '../src/runner/store.ts';
import { migrations } from '../src/store/migrations.ts';
import { openStore } from '../src/store/store.ts';
import { loadTree, logList } from '../src/web/runner/log-view.ts';
import { evidencePage } from '../src/web/review/evidence-page.ts';

describe('a log recorded before run events existed', () => {
  it('reads, shows, exports and follows by its text alone', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-legacy-log-'));
    try {
      const db = new Kysely<any>({
        dialect: new SqliteDialect({ database: new Sqlite(path.join(dir, 'motco.sqlite')) }),
      });
      expect(
        (
          await new Migrator({ db, provider: { getMigrations: async () => migrations('sqlite') } }).migrateTo(
            '0008_mail_limits',
          )
        ).error,
      ).toBeUndefined();
      const execution = (id: number, targetType: string, targetId: string, parentId: number | null) => ({
        id,
        account_id: 1,
        target_type: targetType,
        target_id: targetId,
        parent_id: parentId,
        options: JSON.stringify({ delaiSeconds: 20, ip: '127.0.0.1' }),
        status: 'finished',
        verdict: 'OK',
        started_at: 1_000,
        ended_at: 9_000,
        window_start: null,
        window_end: null,
        checks: '[]',
        observation_ids: '[]',
        started_by: 'alice',
        account: JSON.stringify({
          nil: 'NIL-1',
          runnerUserId: 'CTRW3E0R0001',
          idnatPsc: null,
          idnatAuthCli: '10123456789',
          personalMailbox: null,
          applicativeMailbox: 'app@mail.test',
          patientAddress: null,
        }),
      });
      await db
        .insertInto('executions')
        .values([execution(1, 'folder', 'MSS-LPS-SEGUR-APP', null), execution(2, 'job', 'authcli-auth-imap', 1)])
        .execute();
      const start = t('runner.childStart', {
        index: 1,
        count: 1,
        title: 'x',
        id: 'authcli-auth-imap',
        execution: 2,
        instruction: 'y',
      });
      const lines = [
        {
          execution_id: 1,
          seq: 1,
          at: 1_000,
          level: 'step',
          text: t('runner.folderStart', { folder: 'MSS-LPS-SEGUR-APP', count: 1 }),
          job_id: null,
        },
        { execution_id: 1, seq: 2, at: 1_001, level: 'step', text: start, job_id: 'authcli-auth-imap' },
        {
          execution_id: 2,
          seq: 1,
          at: 1_002,
          level: 'step',
          text: t('runner.unitStart', { title: 'x', id: 'authcli-auth-imap' }),
          job_id: 'authcli-auth-imap',
        },
        {
          execution_id: 2,
          seq: 2,
          at: 1_003,
          level: 'info',
          text: t('runner.listening', { until: '12:00:00' }),
          job_id: 'authcli-auth-imap',
        },
        {
          execution_id: 2,
          seq: 3,
          at: 1_004,
          level: 'info',
          text: '✔ Version TLS — TLS 1.3',
          job_id: 'authcli-auth-imap',
        },
        {
          execution_id: 1,
          seq: 3,
          at: 9_000,
          level: 'result',
          text: t('runner.result', { verdict: t('verdict.OK'), code: 0 }),
          job_id: null,
        },
      ];
      await db.insertInto('execution_logs').values(lines).execute();
      await db.destroy();

      const store = await openStore({ dataDir: dir });
      try {
        const executions = new ExecutionStore(store.db);
        const log = await executions.log(1);
        expect(log.map((l) => [l.text, l.event])).toEqual(
          lines.filter((l) => l.execution_id === 1).map((l) => [l.text, null]),
        );
        for (const line of log) expect(logLineSchema.parse(line)).toEqual(line);

        const parent = (await executions.get(1))!;
        const markup = String(logList(await loadTree(executions, parent)));
        for (const line of lines) expect(markup).toContain(line.text);
        // The step's nested log comes after all of the parent's lines; its check line has its level only.
        expect(markup.indexOf('data-execution="2"')).toBeGreaterThan(markup.indexOf(lines[5]!.text));
        expect(markup).toContain('<li class="line l-info" data-seq="3">');

        const evidence = await buildEvidence(
          parent,
          { id: 1, organisation: { raisonSociale: 'Éditeur' } } as ProductAccount,
          { executions, journal: new Journal(store.db) },
        );
        expect(() => evidenceSchema.parse(evidence)).not.toThrow();
        expect(evidence.children[0]!.log.map((l) => l.text)).toEqual(
          lines.filter((l) => l.execution_id === 2).map((l) => l.text),
        );
        expect(evidencePage(evidence)).toContain('✔ Version TLS — TLS 1.3');

        const played: string[] = [];
        expect(
          (await followExecution(1, executions, async (jobId) => void played.push(jobId), { pollMs: 5 }))?.verdict,
        ).toBe('OK');
        expect(played).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
