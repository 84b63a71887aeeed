// The evidence of an execution (runner/evidence.ts) as a printable French page: the export.html download and
// the content of the agency review's execution page. Self-contained but for the shared stylesheet.
import { t } from '../../i18n/messages.ts';
import { clockTime, timeZone, zoneLabel } from '../../i18n/time.ts';
import type { Evidence, EvidenceStep } from '../../runner/evidence.ts';
import { frenchDateTime as clock, html, page, type SafeHtml } from '../html.ts';

const OUTCOME_CLASS = { pass: 'ok', fail: 'ko', missing: 'ko', not_evaluated: 'neutral', info: '' } as const;

/** The printable page: French, self-contained but for the shared stylesheet. */
export function evidencePage(evidence: Evidence): string {
  const top = evidence.execution;
  return page({
    title: t('export.title', { id: top.id, title: top.title }),
    area: t('export.area'),
    body: evidenceBody(evidence),
  });
}

/** The evidence as HTML: the printable page's content, also shown in the agency review's pages. */
export function evidenceBody(evidence: Evidence): SafeHtml {
  const top = evidence.execution;
  return html`<h1>${t('export.title', { id: top.id, title: top.title })}</h1>
<table class="facts">
<tr><th scope="row">${t('export.account')}</th><td>${t('export.accountValue', { nil: evidence.account.nil, organisation: evidence.account.organisation, user: evidence.account.runnerUserId })}</td></tr>
<tr><th scope="row">${t('export.mailboxes')}</th><td>${[evidence.account.mailboxes.personal, evidence.account.mailboxes.applicative].filter(Boolean).join(', ') || '—'}</td></tr>
<tr><th scope="row">${t('export.startedBy')}</th><td>${top.startedBy}</td></tr>
<tr><th scope="row">${t('export.exportedAt')}</th><td>${clock(evidence.exportedAt)}</td></tr>
<tr><th scope="row">${t('time.zoneRow')}</th><td>${zoneLabel()} (${timeZone()})</td></tr>
</table>
${stepSection(evidence, 2)}`;
}

function stepSection(s: EvidenceStep, level: 2 | 3 | 4): SafeHtml {
  const e = s.execution;
  const heading = (text: string) =>
    level === 2 ? html`<h2>${text}</h2>` : level === 3 ? html`<h3>${text}</h3>` : html`<h4>${text}</h4>`;
  const verdict = e.verdict ? t(`verdict.${e.verdict}`) : t('export.running');
  return html`<section>
${level > 2 ? heading(t('export.stepTitle', { id: e.id, title: e.title })) : ''}
<table class="facts">
<tr><th scope="row">${t('export.job')}</th><td>${e.title} <code>${e.targetId}</code></td></tr>
<tr><th scope="row">${t('export.options')}</th><td>${t('export.optionsValue', { delai: e.options.delaiSeconds, ip: e.options.ip ?? t('runner.noIp') })}</td></tr>
<tr><th scope="row">${t('export.started')}</th><td>${clock(e.startedAt)}</td></tr>
<tr><th scope="row">${t('export.ended')}</th><td>${e.endedAt === null ? '—' : clock(e.endedAt)}${s.durationMs === null ? '' : ` (${t('export.duration', { seconds: (s.durationMs / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 }) })})`}</td></tr>
${e.window ? html`<tr><th scope="row">${t('export.window')}</th><td>${clock(e.window.start)} → ${clock(e.window.end)}</td></tr>` : ''}
<tr><th scope="row">${t('export.verdict')}</th><td><strong class="${e.verdict === 'OK' ? 'ok' : 'ko'}">${verdict}</strong></td></tr>
</table>
${heading(t('export.checks'))}
${
  e.checks.length
    ? html`<table><thead><tr><th>${t('export.check')}</th><th>${t('export.outcome')}</th><th>${t('export.detail')}</th><th>${t('export.requirement')}</th></tr></thead><tbody>
${e.checks.map((c) => html`<tr><td>${c.label}${c.critical ? ` ${t('runner.critical')}` : ''}</td><td class="${OUTCOME_CLASS[c.outcome]}">${t(`export.outcome.${c.outcome}`)}</td><td>${c.detail}${c.fix ? html`<br><strong>${t('export.fix')}&nbsp;:</strong> ${c.fix}` : ''}</td><td>${c.requirement}</td></tr>`)}
</tbody></table>`
    : html`<p>${t('export.none')}</p>`
}
${heading(t('export.log'))}
<pre>${s.log.map((line) => `${clockTime(line.at)}  ${line.text}`).join('\n')}</pre>
${heading(t('export.observations'))}
${s.observations.length ? s.observations.map((o) => html`<h5>${t('export.observation', { id: o.id, kind: o.kind, at: clock(o.at) })}</h5><pre>${JSON.stringify(o, null, 2)}</pre>`) : html`<p>${t('export.none')}</p>`}
${s.children.map((child) => stepSection(child, level === 2 ? 3 : 4))}
</section>`;
}
