// Small pieces several runner pages show: verdict badges, times and durations in French, a job's statistics
// (manual figure 12: EXÉCUTIONS, TAUX DE RÉUSSITE, DURÉE MOYENNE).
import { t } from '../../i18n/messages.ts';
import type { ExecutionStore } from '../../runner/store.ts';
import type { Execution, Verdict } from '../../runner/types.ts';
import { html, type SafeHtml } from '../html.ts';

export const VERDICTS: readonly Verdict[] = ['OK', 'KO', 'INCONCLUSIVE', 'ERROR', 'CANCELLED', 'INTERRUPTED'];

export function verdictLabel(verdict: Verdict | null): string {
  return verdict ? t(`runnerPage.verdict.${verdict}`) : t('runnerPage.verdict.running');
}

/** OK, KO… as the log and the API write them, coloured; « EN COURS » while running. */
export function verdictBadge(e: Pick<Execution, 'status' | 'verdict'>): SafeHtml {
  const verdict = e.status === 'running' ? null : e.verdict;
  return html`<span class="verdict-badge v-${(verdict ?? 'running').toLowerCase()}">${verdict ?? t('runnerPage.verdict.runningBadge')}</span>`;
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString('fr-FR', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

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

/** A target's statistics over one account's finished executions. */
export async function statsSection(executions: ExecutionStore, targetId: string, accountId: number): Promise<SafeHtml> {
  const stats = await executions.stats(targetId, [accountId]);
  const rate = stats.executions ? `${Math.round(stats.successRate * 100)} %` : '—';
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
