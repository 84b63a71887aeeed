// The runner's events and their French lines (src/runner/render.ts): every kind of event renders the line and
// the level the runner wrote before events existed, word for word from the message catalogue; and the
// followers (reference LPS, `motco run`, the execution page) read events, never the catalogue's templates.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Check } from '../../src/catalogue/verdicts/types.ts';
import { t } from '../../src/i18n/messages.ts';
import { clockTime } from '../../src/i18n/time.ts';
import { levelOf, lineMark, renderEvent } from '../../src/runner/render.ts';
import type { LogLevel, RunEvent, RunEventType } from '../../src/runner/types.ts';

const failed: Check = {
  id: 'forbidden-suites',
  label: 'Suites interdites',
  outcome: 'fail',
  detail: 'RC4 proposée',
  requirement: 'MSS-CONF.03',
  fix: 'Retirer RC4',
  critical: true,
  observations: [4],
};
const passed: Check = {
  id: 'tls-version',
  label: 'Version TLS',
  outcome: 'pass',
  detail: 'TLS 1.3',
  requirement: '',
  observations: [3],
};
const until = Date.UTC(2025, 4, 6, 12, 34, 56);

/** One event of each kind, with the line and level the runner wrote for it (runner.ts before run events). */
const CASES: Record<RunEventType, [RunEvent, string, LogLevel]> = {
  'unit.started': [
    { type: 'unit.started', jobId: 'psc-tls-imap', title: 'MIE PSC : TLS IMAP (MSS-CONF.01;03)' },
    t('runner.unitStart', { title: 'MIE PSC : TLS IMAP (MSS-CONF.01;03)', id: 'psc-tls-imap' }),
    'step',
  ],
  user: [
    { type: 'user', runnerUserId: 'CTRW3E0R0175', nil: 'NIL-1' },
    t('runner.user', { user: 'CTRW3E0R0175', nil: 'NIL-1' }),
    'info',
  ],
  endpoint: [
    { type: 'endpoint', protocol: 'imap', host: 'mie.motco.localhost', port: 10143 },
    t('runner.endpoint', { protocol: 'IMAP', host: 'mie.motco.localhost', port: 10143 }),
    'info',
  ],
  options: [
    { type: 'options', delaiSeconds: 60, ip: null },
    t('runner.options', { delai: 60, ip: t('runner.noIp') }),
    'info',
  ],
  todo: [
    { type: 'todo', instruction: 'Sur le LPS, relever la boîte' },
    t('runner.todo', { instruction: 'Sur le LPS, relever la boîte' }),
    'step',
  ],
  'window.open': [
    { type: 'window.open', from: until - 60_000, until },
    t('runner.listening', { until: clockTime(until) }),
    'info',
  ],
  fact: [
    { type: 'fact', observationId: 7, kind: 'session.open', sentence: 'Connexion IMAP depuis 127.0.0.1' },
    'Connexion IMAP depuis 127.0.0.1',
    'fact',
  ],
  'verdict.early': [{ type: 'verdict.early' }, t('runner.earlyEnd'), 'info'],
  check: [
    { type: 'check', check: failed },
    `✘ Suites interdites — RC4 proposée (MSS-CONF.03) ${t('runner.critical')}`,
    'check',
  ],
  fix: [
    { type: 'fix', checkId: 'forbidden-suites', fix: 'Retirer RC4' },
    t('runner.fix', { fix: 'Retirer RC4' }),
    'info',
  ],
  verdict: [{ type: 'verdict', verdict: 'KO' }, t('runner.result', { verdict: t('verdict.KO'), code: 1 }), 'result'],
  stopped: [{ type: 'stopped', reason: 'cancelled' }, t('runner.cancelled'), 'error'],
  error: [{ type: 'error', message: 'disque plein' }, t('runner.platformError', { message: 'disque plein' }), 'error'],
  'folder.started': [
    { type: 'folder.started', folderId: 'MSS-LPS-SEGUR-APP', count: 8 },
    t('runner.folderStart', { folder: 'MSS-LPS-SEGUR-APP', count: 8 }),
    'step',
  ],
  'campaign.started': [
    { type: 'campaign.started', folders: ['MSS-LPS-SEGUR-1', 'MSS-LPS-SEGUR-APP'] },
    t('runner.campaignStart', { folders: 'MSS-LPS-SEGUR-1, MSS-LPS-SEGUR-APP' }),
    'step',
  ],
  'selection.started': [
    { type: 'selection.started', jobs: ['psc-reopen-imap', 'psc-reopen-smtp'] },
    t('runner.selectionStart', { count: 2, jobs: 'psc-reopen-imap, psc-reopen-smtp' }),
    'step',
  ],
  'child.started': [
    {
      type: 'child.started',
      executionId: 17,
      index: 2,
      count: 10,
      targetType: 'job',
      targetId: 'psc-tls-imap',
      title: 'MIE PSC : TLS IMAP (MSS-CONF.01;03)',
      instruction: 'Sur le LPS, ouvrir la boîte',
    },
    t('runner.childStart', {
      index: 2,
      count: 10,
      title: 'MIE PSC : TLS IMAP (MSS-CONF.01;03)',
      id: 'psc-tls-imap',
      execution: 17,
      instruction: 'Sur le LPS, ouvrir la boîte',
    }),
    'step',
  ],
  'child.ended': [
    { type: 'child.ended', executionId: 17, targetId: 'psc-tls-imap', title: 'MIE PSC : TLS IMAP', verdict: 'OK' },
    t('runner.childResult', { title: 'MIE PSC : TLS IMAP', verdict: t('verdict.OK'), execution: 17 }),
    'info',
  ],
};

describe('run events rendered as French lines', () => {
  it.each(Object.entries(CASES))('%s: the line and level the runner always wrote', (_, [event, line, level]) => {
    expect(renderEvent(event)).toBe(line);
    expect(levelOf(event)).toBe(level);
  });

  it('renders the variants of each kind as before', () => {
    expect([renderEvent({ type: 'check', check: passed }), levelOf({ type: 'check', check: passed })]).toEqual([
      '✔ Version TLS — TLS 1.3',
      'info',
    ]);
    for (const [outcome, mark, level] of [
      ['missing', '✘', 'check'],
      ['not_evaluated', '○', 'info'],
      ['info', 'ℹ', 'info'],
    ] as const) {
      const event: RunEvent = { type: 'check', check: { ...passed, outcome } };
      expect([renderEvent(event), levelOf(event)]).toEqual([`${mark} Version TLS — TLS 1.3`, level]);
    }
    expect(renderEvent({ type: 'options', delaiSeconds: 30, ip: '203.0.113.9' })).toBe(
      t('runner.options', { delai: 30, ip: '203.0.113.9' }),
    );
    expect(renderEvent({ type: 'endpoint', protocol: 'smtp', host: 'h', port: 10587 })).toBe(
      t('runner.endpoint', { protocol: 'SMTP', host: 'h', port: 10587 }),
    );
    expect(renderEvent({ type: 'stopped', reason: 'shutdown' })).toBe(t('runner.interrupted'));
    expect(renderEvent({ type: 'stopped', reason: 'restart' })).toBe(t('runner.interruptedAtRestart'));
    expect([renderEvent({ type: 'verdict', verdict: 'OK' }), levelOf({ type: 'verdict', verdict: 'OK' })]).toEqual([
      t('runner.result', { verdict: t('verdict.OK'), code: 0 }),
      'result',
    ]);
    const folderStep: RunEvent = {
      type: 'child.started',
      executionId: 3,
      index: 1,
      count: 5,
      targetType: 'folder',
      targetId: 'MSS-LPS-SEGUR-1',
      title: 'MSS-LPS-SEGUR-1',
      instruction: null,
    };
    expect(renderEvent(folderStep)).toBe(
      t('runner.childStart', {
        index: 1,
        count: 5,
        title: 'MSS-LPS-SEGUR-1',
        id: 'MSS-LPS-SEGUR-1',
        execution: 3,
        instruction: t('runner.followFolder'),
      }),
    );
    expect(levelOf({ type: 'child.ended', executionId: 3, targetId: 'x', title: 'x', verdict: 'INCONCLUSIVE' })).toBe(
      'check',
    );
  });

  it('marks check lines from the check, not from the sentence', () => {
    expect(lineMark({ type: 'check', check: failed })).toBe('fail');
    expect(lineMark({ type: 'check', check: { ...passed, outcome: 'missing' } })).toBe('fail');
    expect(lineMark({ type: 'check', check: passed })).toBe('pass');
    expect(lineMark({ type: 'check', check: { ...passed, outcome: 'not_evaluated' } })).toBe('not-evaluated');
    expect(lineMark({ type: 'check', check: { ...passed, outcome: 'info' } })).toBe('note');
    expect(lineMark({ type: 'fix', checkId: 'x', fix: 'y' })).toBe('fix');
    expect(lineMark({ type: 'verdict.early' })).toBeNull();
  });
});

describe('followers read events, not words', () => {
  const source = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

  it('no follower imports the message catalogue or matches log text', () => {
    // Rewording a runner message in the catalogue cannot change what these do: they never read the templates.
    for (const path of ['src/lps/follow.ts', 'src/web/runner/log-view.ts'])
      expect(source(path)).not.toMatch(/i18n\/messages/);
    for (const path of [
      'src/lps/follow.ts',
      'src/cli/run.ts',
      'src/web/runner/log-view.ts',
      'src/web/assets/runner.js',
    ]) {
      const text = source(path);
      expect(text).not.toMatch(/templateMatcher|matchTemplate|runner\.childStart|runner\.unitStart|runner\.listening/);
      expect(text).not.toMatch(/\.text\.(startsWith|match|includes)|\.exec\([^)]*\.text\)/);
    }
  });
});
