// The runner's events as users read them: each event's French log line (from the message catalogue) and its
// level. The only place a run event becomes words; the line is stored beside its event, so that the log of a
// past execution reads as it did even after a message is reworded.
import { CHECK_MARKS } from '../catalogue/verdicts/common.ts';
import type { Check, CheckOutcome } from '../catalogue/verdicts/types.ts';
import { t } from '../i18n/messages.ts';
import { clockTime } from '../i18n/time.ts';
import type { LogLevel, LogLine, RunEvent, Verdict } from './types.ts';

/** The log line an event writes, to record: the event with its level and its French text. */
export function lineOf(seq: number, event: RunEvent, jobId: string | null): Omit<LogLine, 'at'> {
  return { seq, level: levelOf(event), text: renderEvent(event), jobId, event };
}

/** The level of the line an event writes: steps stand out, failures are checks, the end is the result. */
export function levelOf(event: RunEvent): LogLevel {
  switch (event.type) {
    case 'unit.started':
    case 'todo':
    case 'folder.started':
    case 'campaign.started':
    case 'selection.started':
    case 'child.started':
      return 'step';
    case 'fact':
      return 'fact';
    case 'check':
      return failed(event.check) ? 'check' : 'info';
    case 'child.ended':
      return event.verdict === 'OK' ? 'info' : 'check';
    case 'verdict':
      return 'result';
    case 'stopped':
    case 'error':
      return 'error';
    case 'user':
    case 'endpoint':
    case 'options':
    case 'window.open':
    case 'verdict.early':
    case 'fix':
      return 'info';
  }
}

/** The French line of an event. */
export function renderEvent(event: RunEvent): string {
  switch (event.type) {
    case 'unit.started':
      return t('runner.unitStart', { title: event.title, id: event.jobId });
    case 'user':
      return t('runner.user', { user: event.runnerUserId, nil: event.nil });
    case 'endpoint':
      return t('runner.endpoint', { protocol: event.protocol.toUpperCase(), host: event.host, port: event.port });
    case 'options':
      return t('runner.options', { delai: event.delaiSeconds, ip: event.ip ?? t('runner.noIp') });
    case 'todo':
      return t('runner.todo', { instruction: event.instruction });
    case 'window.open':
      return t('runner.listening', { until: clockTime(event.until) });
    case 'fact':
      return event.sentence;
    case 'verdict.early':
      return t('runner.earlyEnd');
    case 'check':
      return checkLine(event.check);
    case 'fix':
      return t('runner.fix', { fix: event.fix });
    case 'verdict':
      return t('runner.result', { verdict: verdictText(event.verdict), code: event.verdict === 'OK' ? 0 : 1 });
    case 'stopped':
      return t(
        event.reason === 'cancelled'
          ? 'runner.cancelled'
          : event.reason === 'shutdown'
            ? 'runner.interrupted'
            : 'runner.interruptedAtRestart',
      );
    case 'error':
      return t('runner.platformError', { message: event.message });
    case 'folder.started':
      return t('runner.folderStart', { folder: event.folderId, count: event.count });
    case 'campaign.started':
      return t('runner.campaignStart', { folders: event.folders.join(', ') });
    case 'selection.started':
      return t('runner.selectionStart', { count: event.jobs.length, jobs: event.jobs.join(', ') });
    case 'child.started':
      return t('runner.childStart', {
        index: event.index,
        count: event.count,
        title: event.title,
        id: event.targetId,
        execution: event.executionId,
        instruction: event.instruction ?? t('runner.followFolder'),
      });
    case 'child.ended':
      return t('runner.childResult', {
        title: event.title,
        verdict: verdictText(event.verdict),
        execution: event.executionId,
      });
  }
}

/** The mark class of a line in the log view (log-view.ts; runner.js does the same from the streamed event). */
export function lineMark(event: RunEvent): 'pass' | 'fail' | 'note' | 'not-evaluated' | 'fix' | null {
  if (event.type === 'fix') return 'fix';
  if (event.type !== 'check') return null;
  return CHECK_MARK_CLASS[event.check.outcome];
}

const CHECK_MARK_CLASS = {
  pass: 'pass',
  fail: 'fail',
  missing: 'fail',
  not_evaluated: 'not-evaluated',
  info: 'note',
} as const satisfies Record<CheckOutcome, string>;

function failed(c: Check): boolean {
  return c.outcome === 'fail' || c.outcome === 'missing';
}

function verdictText(verdict: Verdict): string {
  return t(`verdict.${verdict}`);
}

function checkLine(c: Check): string {
  const requirement = c.requirement ? ` (${c.requirement})` : '';
  const critical = c.critical ? ` ${t('runner.critical')}` : '';
  return `${CHECK_MARKS[c.outcome]} ${c.label} — ${c.detail}${requirement}${critical}`;
}
