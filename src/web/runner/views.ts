// Small pieces several runner pages show: verdict badges, times and durations in French, a job's statistics
// (manual figure 12: EXÉCUTIONS, TAUX DE RÉUSSITE, DURÉE MOYENNE).
import { t } from '../../i18n/messages.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution, Verdict } from '../../runner/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { runnerUrl } from './layout.ts';

export const VERDICTS: readonly Verdict[] = ['OK', 'KO', 'INCONCLUSIVE', 'ERROR', 'CANCELLED', 'INTERRUPTED'];

export function verdictLabel(verdict: Verdict | null): string {
  return verdict ? t(`runnerPage.verdict.${verdict}`) : t('runnerPage.verdict.running');
}

/** OK, KO, NON CONCLUANT… as the log writes them (the API keeps its codes), coloured; « EN COURS » while running. */
export function verdictBadge(e: Pick<Execution, 'status' | 'verdict'>): SafeHtml {
  const verdict = e.status === 'running' ? null : e.verdict;
  const text = verdict ? t(`verdict.${verdict}`) : t('runnerPage.verdict.runningBadge');
  return html`<span class="verdict-badge v-${(verdict ?? 'running').toLowerCase()}">${text}</span>`;
}

/** « #42 », a link to that execution's page. */
export function executionLink(accountId: number, e: Pick<Execution, 'id'>): SafeHtml {
  return html`<a href="${runnerUrl(accountId, `executions/${e.id}`)}">#${e.id}</a>`;
}

/** A filter form's « Appliquer » button and « Réinitialiser » link (`resetUrl`: the list unfiltered). */
export function filterButtons(resetUrl: string): SafeHtml {
  const reset = html`<a href="${resetUrl}">${t('runnerPage.activity.reset')}</a>`;
  return html`<button type="submit">${t('runnerPage.activity.apply')}</button> ${reset}`;
}

/** « 14:05:09 » in the platform's time zone. */
export { clockTime } from '../../i18n/time.ts';

/** 42 s, 3 min 05 s, 1 h 02 min. */
export function durationText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return t('runnerPage.duration.s', { s: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('runnerPage.duration.min', { m: minutes, s: String(seconds % 60).padStart(2, '0') });
  return t('runnerPage.duration.h', { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, '0') });
}

export function optionsText(e: Pick<Execution, 'options'>): string {
  return t('export.optionsValue', { delai: e.options.delaiSeconds, ip: e.options.ip ?? t('runner.noIp') });
}

/** « 50 % », the space non-breaking. */
export function statsPercent(rate: number): string {
  return `${Math.round(rate * 100)}\u00a0%`;
}

/** A target's statistics over one account's finished executions. */
export async function statsSection(executions: ExecutionStore, targetId: string, accountId: number): Promise<SafeHtml> {
  const stats = await executions.stats(targetId, [accountId]);
  const rate = stats.executions ? statsPercent(stats.successRate) : '—';
  const mean = stats.executions ? durationText(stats.meanDurationMs) : '—';
  return html`<section class="stats" aria-labelledby="stats-title">
<h2 id="stats-title">${t('runnerPage.stats.title')}</h2>
<dl class="figures">
<div><dt>${t('runnerPage.stats.executions')}</dt><dd>${stats.executions}</dd></div>
<div><dt>${t('runnerPage.stats.successRate')}</dt><dd>${rate}</dd></div>
<div><dt>${t('runnerPage.stats.meanDuration')}</dt><dd>${mean}</dd></div>
</dl>
</section>`;
}
